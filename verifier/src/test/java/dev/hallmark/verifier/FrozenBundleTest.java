package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootSource;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bundle signed once by the real {@code AttestationSigner} and committed under {@code
 * frozen/} (made by {@link FrozenBundleGenerator}, whose Javadoc says when and how to regenerate
 * it): it must keep verifying, unchanged, against its committed trust root and artifact. A failure
 * here means the verifier (or the format) drifted from bundles already published, which is a
 * compatibility break, not a fixture to refresh.
 *
 * <p>The clock is always fixed, so the "iat more than 300 s in the future" rule can never flip;
 * the expected values are spelled out here rather than taken from the generator, so that editing
 * the generator cannot quietly move the goalposts.
 */
class FrozenBundleTest {
  private static final String BUNDLE = "widget-1.0.0.txt.hallmark.json";
  private static final String TRUST_ROOT = "trust-root.json";
  private static final String ARTIFACT = "widget-1.0.0.txt";

  /** SHA-256 of the committed files: an accidental edit (or line-ending conversion) shows here. */
  private static final Map<String, String> FROZEN_SHA256 =
      Map.of(
          BUNDLE, "c8c6c1cbe57809b9c191a41209f3700133859d2a3a6bff13c2faf4cf3875e424",
          TRUST_ROOT, "abf63d3bbeb6f4f04c0c5d982bbba4d750cc24aec331230fac5437d6496dd465",
          ARTIFACT, "64bef1481854b83bd3cec57281332d40a46fbf280b0fd1d4be7dd2e5932c6025");

  /** The token's iat: 2026-05-01T12:00:00Z. */
  private static final long IAT = 1777636800L;

  private static final String ISSUER = "https://ci.frozen.example/oidc";

  @ParameterizedTest
  @ValueSource(strings = {BUNDLE, TRUST_ROOT, ARTIFACT})
  void frozenFileIsUnchanged(String name) throws IOException {
    assertEquals(FROZEN_SHA256.get(name), Sha256.hex(Sha256.of(Files.readAllBytes(frozen(name)))), name);
  }

  @Test
  void frozenBundleVerifiesWithAllNineChecks() throws IOException {
    VerificationResult r = verifyAt(IAT + 86_400);
    assertVerified(r);
    assertEquals(
        new Identity(
            "example/widget",
            "refs/tags/v1.0.0",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            ".hallmark/workflows/Release.java",
            "1017",
            "job-frozen-1",
            ISSUER),
        r.identity());
    assertEquals(List.of(new VerifiedSubject(ARTIFACT, FROZEN_SHA256.get(ARTIFACT))), r.subjects());
    assertEquals(FROZEN_SHA256.get(ARTIFACT), r.artifact().sha256());
    assertEquals(
        List.of("repository", "ref", "workflow", "sha"), List.copyOf(r.policy().keySet()));
  }

  /**
   * From the earliest instant the future-iat rule allows to long after the token and the key's
   * period expired: a bundle is checked long after signing.
   */
  @ParameterizedTest
  @ValueSource(longs = {IAT - 300, IAT, IAT + 600, IAT + 365L * 86_400, 4_102_444_800L /* 2100 */})
  void frozenBundleVerifiesAtAnyLaterTime(long now) throws IOException {
    assertVerified(verifyAt(now));
  }

  @Test
  void frozenTrustRootHoldsTheCommittedTestKey() throws IOException {
    byte[] file = Files.readAllBytes(frozen(TRUST_ROOT));
    // The trust root depends only on the generator's constants, so it regenerates identically.
    assertArrayEquals(FrozenBundleGenerator.trustRootBytes(), file);
    TrustRoot root = TrustRoot.parse(file);
    assertEquals(ISSUER, root.issuer());
    assertEquals(1, root.keys().size());
    P256PublicKey expected = FrozenBundleGenerator.issuerKey().privateKey().publicKey();
    assertNotNull(root.key("hallmark-frozen-test-v1"));
    assertEquals(expected, root.key("hallmark-frozen-test-v1").publicKey());
  }

  /** The fixture is really checked: the same bytes with one signature character changed fail. */
  @Test
  void frozenBundleWithAlteredSignatureFails() throws IOException {
    String bundle = Files.readString(frozen(BUNDLE), StandardCharsets.UTF_8);
    int at = bundle.indexOf("\"sig\": \"") + "\"sig\": \"".length() + 10;
    char c = bundle.charAt(at);
    String altered = bundle.substring(0, at) + (c == 'A' ? 'B' : 'A') + bundle.substring(at + 1);
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.file(frozen(TRUST_ROOT)))
            .artifact(frozen(ARTIFACT))
            .clock(fixed(IAT + 86_400))
            .build();
    assertFailsAt(Check.SIGNATURE, EngineUnderTest.verifier().verify(altered.getBytes(StandardCharsets.UTF_8), policy));
  }

  private static VerificationResult verifyAt(long epochSecond) throws IOException {
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.file(frozen(TRUST_ROOT)))
            .artifact(frozen(ARTIFACT))
            .expectRepository("example/widget")
            .expectRef("refs/tags/v1.0.0")
            .expectWorkflow(".hallmark/workflows/Release.java")
            .expectSha("4b825dc642cb6eb9a060e54bf8d69288fbee4904")
            .clock(fixed(epochSecond))
            .build();
    return EngineUnderTest.verifier().verify(Files.readAllBytes(frozen(BUNDLE)), policy);
  }

  private static Clock fixed(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  private static Path frozen(String name) {
    URL url = FrozenBundleTest.class.getResource("frozen/" + name);
    assertNotNull(url, "frozen fixture missing: " + name);
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
