package dev.hallmark.attestation.dsse;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DSSE envelope (FORMATS §4) as decoded bytes. Parsing checks only its shape and base64 (the
 * {@code bundle} check); the number of signatures, the payload type and the signature itself are
 * judged by the verifier's {@code signature} check.
 *
 * <pre>{@code
 * Envelope env = Envelope.fromJson(bundleJson.requireObject("dsseEnvelope"));
 * byte[] statement = env.payload();
 * }</pre>
 */
public record Envelope(byte[] payload, String payloadType, List<EnvelopeSignature> signatures) {
  /** The only payload type FORMATS §4 accepts. */
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  public Envelope {
    requireNonNull(payload, "payload");
    requireNonNull(payloadType, "payloadType");
    payload = payload.clone();
    signatures = List.copyOf(signatures);
  }

  /** The payload bytes (a copy): the statement exactly as signed. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The signed payload bytes without a defensive copy, for hashing on the hot path. */
  public byte[] payloadUnsafe() {
    return payload;
  }

  /** Parses the JSON form; fails with {@link Code#SHAPE} or {@link Code#ENCODING}. */
  public static Envelope fromJson(JsonObject json) {
    byte[] payload = decode(json.requireString("payload"), "payload");
    String payloadType = json.requireString("payloadType");
    List<Object> sigs = json.requireArray("signatures");
    List<EnvelopeSignature> out = new ArrayList<>(sigs.size());
    for (Object item : sigs) {
      if (!(item instanceof JsonObject s)) {
        throw new AttestationException(Code.SHAPE, "'signatures' holds a non-object");
      }
      String keyid = s.optString("keyid");
      out.add(new EnvelopeSignature(keyid, decode(s.requireString("sig"), "sig")));
    }
    return new Envelope(payload, payloadType, out);
  }

  private static byte[] decode(String b64, String name) {
    try {
      return Base64Strict.decodeStd(b64);
    } catch (AttestationException e) {
      throw new AttestationException(Code.ENCODING, "'" + name + "': " + e.getMessage());
    }
  }

  /** The JSON form, members in FORMATS §4 order. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("payload", Base64Strict.encodeStd(payload));
    m.put("payloadType", payloadType);
    List<Object> sigs = new ArrayList<>();
    for (EnvelopeSignature s : signatures) {
      Map<String, Object> sm = new LinkedHashMap<>();
      if (s.keyid() != null) {
        sm.put("keyid", s.keyid());
      }
      sm.put("sig", Base64Strict.encodeStd(s.sig()));
      sigs.add(sm);
    }
    m.put("signatures", sigs);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e
        && java.util.Arrays.equals(e.payload, payload)
        && e.payloadType.equals(payloadType)
        && e.signatures.equals(signatures);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(payload) * 31 + signatures.hashCode();
  }

  @Override
  public String toString() {
    return "Envelope[payloadType=" + payloadType + ", payload=" + payload.length + " bytes, signatures=" + signatures.size() + "]";
  }
}
