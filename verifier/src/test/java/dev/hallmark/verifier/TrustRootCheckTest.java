package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.CLOCK;
import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.verify;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.trustroot.TrustRootSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMATS §6 check 2, {@code trust-root}, through the offline file form (§1): an invalid trust root
 * fails here; a valid one whose keys the verifier cannot use passes here and fails the token on
 * its {@code kid}.
 */
class TrustRootCheckTest {
  @TempDir Path dir;

  @Test
  void acceptsTrustRootFile() throws IOException {
    BundleForge f = BundleForge.valid();
    assertVerified(verifyWithFile(f, f.trustRootBytes()));
  }

  @Test
  void rejectsTrustRootWithPrivateD() throws IOException {
    BundleForge f = BundleForge.valid();
    // The issuer's own scalar: a trust root leaking the private key is invalid as a whole.
    f.issuerJwkExtras.put("d", BundleForge.b64url(f.issuerKey.scalar()));
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, f.trustRootBytes()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"p", "q", "dp", "dq", "qi", "oth", "k"})
  void rejectsTrustRootWithOtherPrivateMember(String member) throws IOException {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put(member, "AQAB");
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, f.trustRootBytes()));
  }

  @Test
  void rejectsTrustRootWithPrivateMemberOnASkippedKey() throws IOException {
    BundleForge f = BundleForge.valid();
    Map<String, Object> secret = new LinkedHashMap<>();
    secret.put("kty", "oct");
    secret.put("k", "c2VjcmV0");
    secret.put("kid", "hmac-1");
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, trustRoot(f.issuerJwk(), secret)));
  }

  @Test
  void rejectsTrustRootWithTwoUsableKeysOfSameKid() throws IOException {
    BundleForge f = BundleForge.valid();
    Map<String, Object> other = new LinkedHashMap<>(P256PrivateKey.generate(new SecureRandom()).publicKey().toJwk());
    other.put("kid", BundleForge.KID);
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, trustRoot(f.issuerJwk(), other)));
  }

  @Test
  void rejectsTrustRootWithKeyOffTheCurve() throws IOException {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = f.issuerJwk();
    jwk.put("y", jwk.get("x"));
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, trustRoot(jwk)));
  }

  @Test
  void rejectsTrustRootWithNonNumericKeyExp() throws IOException {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", "2030-01-01");
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, f.trustRootBytes()));
  }

  @Test
  void rejectsTrustRootThatIsNotJson() throws IOException {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, "issuer: x".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsTrustRootWithDuplicateKey() throws IOException {
    BundleForge f = BundleForge.valid();
    byte[] bytes = StrictJson.write(Map.of("issuer", BundleForge.ISSUER, "jwks", Map.of("keys", List.of(f.issuerJwk()))));
    byte[] dup = ForgeVerification.repeatMember(bytes, "\"issuer\":\"" + BundleForge.ISSUER + "\"");
    assertFailsAt(Check.TRUST_ROOT, verifyWithFile(f, dup));
  }

  @Test
  void rejectsMissingTrustRootFile() {
    BundleForge f = BundleForge.valid();
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.file(dir.resolve("absent.json")))
            .clock(CLOCK)
            .withoutArtifactUnsafe()
            .build();
    assertFailsAt(Check.TRUST_ROOT, verify(f.bytes(), policy));
  }

  @Test
  void rejectsTrustRootSourceThatThrowsUnexpectedly() {
    BundleForge f = BundleForge.valid();
    TrustRootSource broken =
        new TrustRootSource() {
          @Override
          public dev.hallmark.attestation.trustroot.TrustRoot load() {
            throw new IllegalStateException("boom");
          }

          @Override
          public String describe() {
            return "broken";
          }
        };
    VerificationPolicy policy =
        VerificationPolicy.builder(broken).clock(CLOCK).withoutArtifactUnsafe().build();
    assertFailsAt(Check.TRUST_ROOT, verify(f.bytes(), policy));
  }

  /** FORMATS §1: keys the verifier cannot use are skipped; a root with none fails on kid. */
  @ParameterizedTest
  @ValueSource(strings = {"alg=ES384", "use=enc", "crv=P-384", "kty=OKP"})
  void trustRootWithNoUsableKeyFailsTokenOnKid(String edit) throws IOException {
    BundleForge f = BundleForge.valid();
    String[] kv = edit.split("=");
    f.issuerJwkExtras.put(kv[0], kv[1]);
    assertFailsAt(Check.TOKEN, verifyWithFile(f, f.trustRootBytes()));
  }

  @Test
  void trustRootWithEmptyKeySetFailsTokenOnKid() throws IOException {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.TOKEN, verifyWithFile(f, trustRoot()));
  }

  @Test
  void trustRootOfAnotherIssuerWithTheSameKeyFailsTokenOnIss() throws IOException {
    BundleForge f = BundleForge.valid();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", "https://other.example/oidc");
    root.put("jwks", Map.of("keys", List.of(f.issuerJwk())));
    assertFailsAt(Check.TOKEN, verifyWithFile(f, StrictJson.write(root)));
  }

  private VerificationResult verifyWithFile(BundleForge f, byte[] trustRoot) throws IOException {
    Path file = dir.resolve("trust-root.json");
    Files.write(file, trustRoot);
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.file(file)).clock(CLOCK).withoutArtifactUnsafe().build();
    return verify(f.bytes(), policy);
  }

  private static byte[] trustRoot(Object... keys) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", BundleForge.ISSUER);
    root.put("jwks", Map.of("keys", List.of(keys)));
    return StrictJson.write(root);
  }
}
