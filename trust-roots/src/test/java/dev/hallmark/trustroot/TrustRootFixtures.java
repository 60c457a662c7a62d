package dev.hallmark.trustroot;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test documents built at run time from fresh P-256 keys, so no fixture file can go stale: JWKs,
 * JWK Sets, discovery documents and offline trust root files (FORMATS §1).
 */
public final class TrustRootFixtures {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TrustRootFixtures() {}

  /** A usable public JWK: a real P-256 key with {@code kid}, {@code alg} ES256, {@code use} sig. */
  public static Map<String, Object> jwk(String kid) {
    Map<String, Object> jwk =
        new LinkedHashMap<>(P256PrivateKey.generate(RANDOM).publicKey().toJwk());
    jwk.put("kid", kid);
    jwk.put("alg", "ES256");
    jwk.put("use", "sig");
    return jwk;
  }

  /** A JWK that carries the private member {@code d}: makes a trust root invalid (FORMATS §1). */
  public static Map<String, Object> privateJwk(String kid) {
    P256PrivateKey key = P256PrivateKey.generate(RANDOM);
    Map<String, Object> jwk = new LinkedHashMap<>(key.publicKey().toJwk());
    jwk.put("kid", kid);
    jwk.put("d", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key.scalar()));
    return jwk;
  }

  /** A JWK Set of the given JWK maps. */
  public static String jwks(Object... keys) {
    return json(Map.of("keys", List.of(keys)));
  }

  public static String discovery(String issuer, String jwksUri) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", issuer);
    m.put("jwks_uri", jwksUri);
    m.put("id_token_signing_alg_values_supported", List.of("ES256"));
    return json(m);
  }

  /** An offline trust root file of the given JWK maps. */
  public static byte[] trustRootFile(String issuer, Object... keys) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", issuer);
    m.put("jwks", Map.of("keys", List.of(keys)));
    return StrictJson.writePretty(m);
  }

  public static String json(Object tree) {
    return new String(StrictJson.write(tree), StandardCharsets.UTF_8);
  }
}
