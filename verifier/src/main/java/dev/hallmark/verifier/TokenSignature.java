package dev.hallmark.verifier;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.token.IdentityClaims;
import dev.hallmark.attestation.trustroot.TrustKey;
import dev.hallmark.attestation.trustroot.TrustRoot;
import java.util.List;

/**
 * The signature half of check 3, {@code token} (FORMATS §2): {@code alg} ES256, none of the
 * headers that would let a token choose its key, the attestation {@code typ}, a {@code kid} that
 * names a key of the trust root, and an ES256 signature that verifies with it. No claim is read
 * and no clock consulted: the verifier adds those rules, and a log monitor (which reads old
 * entries) needs only this.
 *
 * <pre>{@code
 * TokenSignature.Outcome signed = TokenSignature.verify(trustRoot, CompactJws.parse(token));
 * if (signed.ok()) use(signed.key(), jws.claims());
 * }</pre>
 */
public final class TokenSignature {
  static final List<String> FORBIDDEN_HEADERS = List.of("jku", "jwk", "x5u", "x5c", "crit");

  private TokenSignature() {}

  /** The key that signed the token, or (key null) why the token is refused, in one line. */
  public record Outcome(TrustKey key, String failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  /** Checks the header and the signature of {@code jws} against {@code trustRoot}'s keys. */
  public static Outcome verify(TrustRoot trustRoot, CompactJws jws) {
    return verify(trustRoot, jws, dev.hallmark.attestation.crypto.CryptoEngine.bouncyCastle());
  }

  /** As {@link #verify(TrustRoot, CompactJws)}, the P-256 arithmetic on {@code engine}. */
  public static Outcome verify(TrustRoot trustRoot, CompactJws jws, dev.hallmark.attestation.crypto.CryptoEngine engine) {
    JsonObject header = jws.header();
    // FORMATS §2: alg is configured per key (ES256 for P-256), never taken from the token.
    Object alg = header.get("alg");
    if (!"ES256".equals(alg)) {
      return failed("token alg " + describe(alg) + " is not ES256");
    }
    for (String h : FORBIDDEN_HEADERS) {
      if (header.has(h)) {
        return failed("token header carries '" + h + "'");
      }
    }
    Object typ = header.get("typ");
    if (!IdentityClaims.ATTESTATION_TYPE.equals(typ)) {
      return failed("token typ " + describe(typ) + " is not " + IdentityClaims.ATTESTATION_TYPE);
    }
    Object kid = header.get("kid");
    if (!(kid instanceof String kidString)) {
      return failed(kid == null ? "token header has no kid" : "token kid is not a string");
    }
    TrustKey key = trustRoot.key(kidString);
    if (key == null) {
      return failed("token kid '" + kidString + "' names no key of the trust root");
    }
    boolean signed;
    try {
      signed = engine.verifyRaw(key.publicKey(), jws.signingInput(), jws.signature());
    } catch (AttestationException e) {
      return failed("token signature: " + e.getMessage());
    }
    if (!signed) {
      return failed("token signature does not verify with key '" + kidString + "'");
    }
    return new Outcome(key, null);
  }

  private static Outcome failed(String message) {
    return new Outcome(null, message);
  }

  static String describe(Object value) {
    if (value == null) {
      return "(missing)";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    return "of the wrong type";
  }
}
