package dev.hallmark.attestation.sign;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The issuer's signing key and its {@code kid}. Its {@code toString} shows the kid only.
 *
 * <pre>{@code
 * IssuerKey issuer = new IssuerKey("hallmark-2026-11", P256PrivateKey.generate(random));
 * }</pre>
 */
public record IssuerKey(String kid, P256PrivateKey privateKey) {
  public IssuerKey {
    requireNonNull(kid, "kid");
    requireNonNull(privateKey, "privateKey");
    if (kid.isEmpty()) {
      throw new IllegalArgumentException("kid is empty");
    }
  }

  /** The public JWK as published in the JWKS: kty, crv, x, y, alg, kid, use. */
  public Map<String, Object> publicJwk() {
    Map<String, Object> jwk = new LinkedHashMap<>(privateKey.publicKey().toJwk());
    jwk.put("alg", "ES256");
    jwk.put("kid", kid);
    jwk.put("use", "sig");
    return jwk;
  }

  @Override
  public String toString() {
    return "IssuerKey[kid=" + kid + "]";
  }
}
