package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.token.CompactJws;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signature half of check 3 on its own, as the log monitor uses it: whatever the claims and
 * the clock say, a token verifies only by the trust-root key its {@code kid} names.
 */
class TokenSignatureTest {
  private static TokenSignature.Outcome verify(BundleForge signer, BundleForge trusted) {
    return TokenSignature.verify(trusted.trustRoot(), CompactJws.parse(signer.token()));
  }

  @Test
  void acceptsATokenOfTheTrustedKeyWhateverItsClaimsAndTimes() {
    BundleForge f = BundleForge.valid();
    f.claims.put("iat", 1L);
    f.claims.put("exp", 2L);
    f.claims.remove("repository");
    TokenSignature.Outcome o = verify(f, f);
    assertTrue(o.ok(), o::failure);
    assertEquals(BundleForge.KID, o.key().kid());
  }

  @Test
  void rejectsTokenSignedByAnotherKeyUnderTheTrustedKid() {
    TokenSignature.Outcome o = verify(BundleForge.valid(), BundleForge.valid());
    assertFalse(o.ok());
    assertNull(o.key());
  }

  @Test
  void rejectsTokenOfAnUnknownKid() {
    P256PrivateKey key = P256PrivateKey.generate(new SecureRandom());
    BundleForge trusted = BundleForge.withIssuerKey(key);
    BundleForge f = BundleForge.withIssuerKey(key);
    f.header.put("kid", "other");
    assertFalse(verify(f, trusted).ok());
  }

  @Test
  void rejectsAlgNoneAndKeyChoosingHeaders() {
    BundleForge none = BundleForge.valid();
    none.header.put("alg", "none");
    none.tokenSigner = input -> "";
    assertFalse(verify(none, none).ok());
    for (String h : TokenSignature.FORBIDDEN_HEADERS) {
      BundleForge f = BundleForge.valid();
      f.header.put(h, h.equals("crit") ? java.util.List.of("x") : Map.of());
      assertFalse(verify(f, f).ok(), h);
    }
  }

  @Test
  void rejectsAnotherTyp() {
    BundleForge f = BundleForge.valid();
    f.header.put("typ", "JWT");
    assertFalse(verify(f, f).ok());
  }
}
