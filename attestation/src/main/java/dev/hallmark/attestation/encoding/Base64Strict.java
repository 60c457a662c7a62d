package dev.hallmark.attestation.encoding;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.util.Base64;

/**
 * Canonical base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) as FORMATS requires: the
 * right alphabet only, padding exactly as the variant says, zero pad bits, no whitespace. The JDK
 * decoders tolerate missing padding and non-zero pad bits, so a decoded value is re-encoded and
 * compared: only the one canonical spelling of each byte string passes.
 *
 * <pre>{@code
 * byte[] payload = Base64Strict.decodeStd(envelope.requireString("payload"));
 * byte[] x = Base64Strict.decodeUrl(jwk.requireString("x"));
 * }</pre>
 */
public final class Base64Strict {
  private static final Base64.Decoder STD_DEC = Base64.getDecoder();
  private static final Base64.Encoder STD_ENC = Base64.getEncoder();
  private static final Base64.Decoder URL_DEC = Base64.getUrlDecoder();
  private static final Base64.Encoder URL_ENC = Base64.getUrlEncoder().withoutPadding();

  private Base64Strict() {}

  /** Decodes canonical padded standard base64. */
  public static byte[] decodeStd(String s) {
    byte[] out;
    try {
      out = STD_DEC.decode(s);
    } catch (IllegalArgumentException e) {
      throw new AttestationException(Code.ENCODING, "invalid base64");
    }
    if (!STD_ENC.encodeToString(out).equals(s)) {
      throw new AttestationException(Code.ENCODING, "base64 is not canonical");
    }
    return out;
  }

  /** Decodes canonical unpadded base64url. */
  public static byte[] decodeUrl(String s) {
    if (s.indexOf('=') >= 0) {
      throw new AttestationException(Code.ENCODING, "base64url carries padding");
    }
    byte[] out;
    try {
      out = URL_DEC.decode(s);
    } catch (IllegalArgumentException e) {
      throw new AttestationException(Code.ENCODING, "invalid base64url");
    }
    if (!URL_ENC.encodeToString(out).equals(s)) {
      throw new AttestationException(Code.ENCODING, "base64url is not canonical");
    }
    return out;
  }

  public static String encodeStd(byte[] bytes) {
    return STD_ENC.encodeToString(bytes);
  }

  public static String encodeUrl(byte[] bytes) {
    return URL_ENC.encodeToString(bytes);
  }
}
