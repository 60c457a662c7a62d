package dev.hallmark.attestation.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.json.JsonObject;

/**
 * One usable issuer key of a trust root (FORMATS §1): an ES256 P-256 key with its {@code kid} and
 * the optional period {@code [nbf, exp]} in which it may have issued tokens, and the optional
 * moment {@code revokedAt} from which it is revoked (FORMATS §8.4).
 *
 * <pre>{@code
 * TrustKey key = trustRoot.key("hallmark-2026-01");
 * boolean inPeriod = key.issuedWithinPeriod(iat);
 * }</pre>
 */
public record TrustKey(String kid, P256PublicKey publicKey, Long nbf, Long exp, Long revokedAt, JsonObject jwk) {
  public TrustKey {
    requireNonNull(publicKey, "publicKey");
    requireNonNull(jwk, "jwk");
  }

  /** FORMATS §1: a token whose {@code iat} falls outside {@code [nbf, exp]} of its key fails. */
  public boolean issuedWithinPeriod(long iat) {
    return (nbf == null || iat >= nbf) && (exp == null || iat <= exp);
  }

  /** True when the key carries {@code revokedAt}. */
  public boolean isRevoked() {
    return revokedAt != null;
  }
}
