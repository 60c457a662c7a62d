package dev.hallmark.attestation.dsse;

import java.nio.charset.StandardCharsets;

/**
 * DSSE v1 pre-authentication encoding (FORMATS §4): {@code "DSSEv1" SP LEN(type) SP type SP
 * LEN(body) SP body}, lengths in ASCII decimal byte counts. The signature covers these bytes, never
 * the raw payload.
 *
 * <pre>{@code
 * byte[] signed = Pae.encode("application/vnd.in-toto+json", statementBytes);
 * }</pre>
 */
public final class Pae {
  private Pae() {}

  public static byte[] encode(String payloadType, byte[] body) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + body.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }
}
