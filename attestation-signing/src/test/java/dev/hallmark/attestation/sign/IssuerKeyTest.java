package dev.hallmark.attestation.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.trustroot.TrustRoot;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The issuer's signing key: published as a public JWK, never shown in toString. */
class IssuerKeyTest {

  @Test
  void toStringNeverContainsTheScalar() {
    P256PrivateKey priv = P256PrivateKey.generate(new SecureRandom());
    IssuerKey key = new IssuerKey("k-1", priv);
    byte[] scalar = priv.scalar();
    for (String s : List.of(key.toString(), priv.toString(), String.valueOf(key))) {
      String lower = s.toLowerCase(Locale.ROOT);
      assertFalse(lower.contains(Hex.encode(scalar)), s);
      assertFalse(s.contains(Base64Strict.encodeUrl(scalar)), s);
      assertFalse(s.contains(Base64Strict.encodeStd(scalar)), s);
      assertFalse(s.contains(new BigInteger(1, scalar).toString()), s);
      assertFalse(s.contains(new BigInteger(1, scalar).toString(16)), s);
    }
    assertTrue(key.toString().contains("k-1"));
  }

  @Test
  void publicJwkIsUsableByATrustRoot() {
    P256PrivateKey priv = P256PrivateKey.generate(new SecureRandom());
    IssuerKey key = new IssuerKey("k-1", priv);
    Map<String, Object> jwk = key.publicJwk();
    assertEquals(List.of("kty", "crv", "x", "y", "alg", "kid", "use"), List.copyOf(jwk.keySet()));
    assertEquals("ES256", jwk.get("alg"));
    assertEquals("sig", jwk.get("use"));
    assertEquals("k-1", jwk.get("kid"));
    TrustRoot root = TrustRoot.of("https://ci.example.com/oidc", JsonObject.of(Map.of("keys", List.of(JsonObject.of(jwk)))));
    assertEquals(priv.publicKey(), root.key("k-1").publicKey());
  }

  @Test
  void publicJwkHasNoPrivateMember() {
    Map<String, Object> jwk = new IssuerKey("k", P256PrivateKey.generate(new SecureRandom())).publicJwk();
    for (String m : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k")) {
      assertFalse(jwk.containsKey(m), m);
    }
  }

  @Test
  void rejectsEmptyOrNullKid() {
    P256PrivateKey priv = P256PrivateKey.generate(new SecureRandom());
    assertThrows(IllegalArgumentException.class, () -> new IssuerKey("", priv));
    assertThrows(NullPointerException.class, () -> new IssuerKey(null, priv));
    assertThrows(NullPointerException.class, () -> new IssuerKey("k", null));
  }
}
