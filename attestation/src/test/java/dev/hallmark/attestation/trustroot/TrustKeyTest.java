package dev.hallmark.attestation.trustroot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FORMATS §1: a key may have issued tokens whose iat lies in [nbf, exp], both ends included. */
class TrustKeyTest {
  private static final P256PublicKey PUB;
  private static final JsonObject JWK;

  static {
    byte[] s = new byte[32];
    s[31] = 9;
    PUB = P256PrivateKey.fromScalar(s).publicKey();
    JWK = JsonObject.of(PUB.toJwk());
  }

  private static TrustKey key(Long nbf, Long exp) {
    return new TrustKey("k", PUB, nbf, exp, null, JWK);
  }

  @Test
  void nbfIsInclusive() {
    TrustKey k = key(1000L, 2000L);
    assertTrue(k.issuedWithinPeriod(1000));
    assertFalse(k.issuedWithinPeriod(999));
  }

  @Test
  void expIsInclusive() {
    TrustKey k = key(1000L, 2000L);
    assertTrue(k.issuedWithinPeriod(2000));
    assertFalse(k.issuedWithinPeriod(2001));
  }

  @Test
  void insideThePeriodPasses() {
    assertTrue(key(1000L, 2000L).issuedWithinPeriod(1500));
  }

  @Test
  void rejectsTokenFromRetiredKey() {
    assertFalse(key(1000L, 2000L).issuedWithinPeriod(5000));
    assertFalse(key(null, 2000L).issuedWithinPeriod(2001));
  }

  @Test
  void rejectsTokenBeforeKeyPeriod() {
    assertFalse(key(1000L, null).issuedWithinPeriod(0));
  }

  @Test
  void absentBoundsAreOpen() {
    assertTrue(key(null, null).issuedWithinPeriod(0));
    assertTrue(key(null, null).issuedWithinPeriod(JsonObject.MAX_TIME));
    assertTrue(key(1000L, null).issuedWithinPeriod(JsonObject.MAX_TIME));
    assertTrue(key(null, 2000L).issuedWithinPeriod(0));
  }

  @Test
  void singleInstantPeriod() {
    TrustKey k = key(1500L, 1500L);
    assertTrue(k.issuedWithinPeriod(1500));
    assertFalse(k.issuedWithinPeriod(1499));
    assertFalse(k.issuedWithinPeriod(1501));
  }

  @Test
  void requiresPublicKeyAndJwk() {
    assertThrows(NullPointerException.class, () -> new TrustKey("k", null, null, null, null, JWK));
    assertThrows(NullPointerException.class, () -> new TrustKey("k", PUB, null, null, null, null));
    new TrustKey(null, PUB, null, null, null, JsonObject.of(Map.of()));
  }
}
