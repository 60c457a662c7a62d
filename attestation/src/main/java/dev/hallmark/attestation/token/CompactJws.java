package dev.hallmark.attestation.token;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;

/**
 * A compact JWS split into its parts (RFC 7515 §7.1), with the header parsed strictly and the
 * signature decoded. The claims are parsed only on request, after the caller verified the
 * signature over {@link #signingInput()}: nothing of an unverified payload is read.
 *
 * <pre>{@code
 * CompactJws jws = CompactJws.parse(token);
 * if (key.verifyRaw(jws.signingInput(), jws.signature())) {
 *   JsonObject claims = jws.claims();
 * }
 * }</pre>
 */
public final class CompactJws {
  /** FORMATS conventions: 65,535 bytes of compact serialization, so that every token can be a log entry (§8.1). */
  public static final int MAX_TOKEN_LENGTH = 65_535;

  private final JsonObject header;
  private final byte[] payload;
  private final byte[] signingInput;
  private final byte[] signature;

  private CompactJws(JsonObject header, byte[] payload, byte[] signingInput, byte[] signature) {
    this.header = header;
    this.payload = payload;
    this.signingInput = signingInput;
    this.signature = signature;
  }

  /** Splits and decodes; fails with {@link Code#ENCODING} or {@link Code#JSON}. */
  public static CompactJws parse(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new AttestationException(Code.ENCODING, "token is longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new AttestationException(Code.ENCODING, "token is not a compact JWS of three parts");
    }
    String headerPart = token.substring(0, first);
    String payloadPart = token.substring(first + 1, second);
    String sigPart = token.substring(second + 1);
    JsonObject header;
    try {
      header = StrictJson.parseObject(Base64Strict.decodeUrl(headerPart), MAX_TOKEN_LENGTH);
    } catch (AttestationException e) {
      throw new AttestationException(e.code(), "token header: " + e.getMessage());
    }
    byte[] payload;
    byte[] signature;
    try {
      // Decoded now, so the signing input is known to be pure base64url ASCII; parsed later.
      payload = Base64Strict.decodeUrl(payloadPart);
    } catch (AttestationException e) {
      throw new AttestationException(e.code(), "token payload: " + e.getMessage());
    }
    try {
      signature = Base64Strict.decodeUrl(sigPart);
    } catch (AttestationException e) {
      throw new AttestationException(e.code(), "token signature: " + e.getMessage());
    }
    byte[] signingInput = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
    return new CompactJws(header, payload, signingInput, signature);
  }

  public JsonObject header() {
    return header;
  }

  /** ASCII({@code BASE64URL(header) '.' BASE64URL(payload)}): what the signature covers. */
  public byte[] signingInput() {
    return signingInput.clone();
  }

  byte[] signingInputUnsafe() {
    return signingInput;
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** Decodes and strictly parses the claims; call only after the signature verified. */
  public JsonObject claims() {
    try {
      return StrictJson.parseObject(payload, MAX_TOKEN_LENGTH);
    } catch (AttestationException e) {
      throw new AttestationException(e.code(), "token claims: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "CompactJws[header=" + header + "]";
  }
}
