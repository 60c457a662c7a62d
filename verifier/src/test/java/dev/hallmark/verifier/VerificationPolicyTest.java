package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.trustroot.TrustRootSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The policy builder: required trust root, artifact or explicit unsafe, no contradiction. */
class VerificationPolicyTest {
  private static final TrustRootSource ROOT = TrustRootSource.of(BundleForge.valid().trustRoot());
  private static final Path ARTIFACT = Path.of("app-1.2.3.tgz");

  enum Expectation {
    REPOSITORY("repository", VerificationPolicy.Builder::expectRepository),
    REF("ref", VerificationPolicy.Builder::expectRef),
    WORKFLOW("workflow", VerificationPolicy.Builder::expectWorkflow),
    SHA("sha", VerificationPolicy.Builder::expectSha);

    final String name;
    final BiFunction<VerificationPolicy.Builder, String, VerificationPolicy.Builder> set;

    Expectation(String name, BiFunction<VerificationPolicy.Builder, String, VerificationPolicy.Builder> set) {
      this.name = name;
      this.set = set;
    }
  }

  @Test
  void rejectsArtifactTogetherWithWithoutArtifactUnsafe() {
    assertThrows(
        IllegalStateException.class,
        () -> VerificationPolicy.builder(ROOT).artifact(ARTIFACT).withoutArtifactUnsafe().build());
    assertThrows(
        IllegalStateException.class,
        () -> VerificationPolicy.builder(ROOT).withoutArtifactUnsafe().artifact(ARTIFACT).build());
    assertThrows(
        IllegalStateException.class,
        () -> VerificationPolicy.builder(ROOT).withoutArtifactUnsafe().artifactNamedBySubject(ARTIFACT).build());
  }

  private static final String DIGEST = "30c5f3a8f697867d88f0356c82fc41285c476d738b0561c8ada244609678f191";

  @Test
  void rejectsArtifactFileTogetherWithArtifactDigest() {
    assertThrows(
        IllegalStateException.class,
        () -> VerificationPolicy.builder(ROOT).artifact(ARTIFACT).artifactDigest(DIGEST).build());
    assertThrows(
        IllegalStateException.class,
        () -> VerificationPolicy.builder(ROOT).artifactDigest(DIGEST).artifactNamedBySubject(ARTIFACT).build());
    assertThrows(
        IllegalStateException.class,
        () -> VerificationPolicy.builder(ROOT).artifactDigest(DIGEST).withoutArtifactUnsafe().build());
  }

  @Test
  void rejectsArtifactDigestThatIsNot64LowercaseHex() {
    for (String bad :
        List.of(DIGEST.toUpperCase(java.util.Locale.ROOT), DIGEST.substring(1), DIGEST + "0", "sha256:" + DIGEST, "")) {
      assertThrows(IllegalArgumentException.class, () -> VerificationPolicy.builder(ROOT).artifactDigest(bad), bad);
    }
  }

  @Test
  void keepsArtifactDigestWithoutAFile() {
    VerificationPolicy p = VerificationPolicy.builder(ROOT).artifactDigest(DIGEST).build();
    assertEquals(DIGEST, p.artifactDigest());
    assertNull(p.artifact());
  }

  @Test
  void rejectsSettingTheArtifactTwice() {
    var builder = VerificationPolicy.builder(ROOT).artifact(ARTIFACT);
    assertThrows(IllegalStateException.class, () -> builder.artifact(ARTIFACT.resolveSibling("other")));
    assertThrows(IllegalStateException.class, () -> builder.artifactNamedBySubject(ARTIFACT));
  }

  @Test
  void rejectsNeitherArtifactNorWithoutArtifactUnsafe() {
    assertThrows(IllegalStateException.class, () -> VerificationPolicy.builder(ROOT).build());
    assertThrows(
        IllegalStateException.class, () -> VerificationPolicy.builder(ROOT).expectRepository("acme/app").build());
  }

  @ParameterizedTest
  @EnumSource(Expectation.class)
  void rejectsSettingAnExpectationTwice(Expectation e) {
    VerificationPolicy.Builder b = e.set.apply(VerificationPolicy.builder(ROOT), "first");
    assertThrows(IllegalStateException.class, () -> e.set.apply(b, "second"));
    assertThrows(IllegalStateException.class, () -> e.set.apply(b, "first"));
  }

  @ParameterizedTest
  @EnumSource(Expectation.class)
  void rejectsNullExpectation(Expectation e) {
    assertThrows(NullPointerException.class, () -> e.set.apply(VerificationPolicy.builder(ROOT), null));
  }

  @Test
  void rejectsNullTrustRootArtifactAndClock() {
    assertThrows(NullPointerException.class, () -> VerificationPolicy.builder(null));
    assertThrows(NullPointerException.class, () -> VerificationPolicy.builder(ROOT).artifact(null));
    assertThrows(NullPointerException.class, () -> VerificationPolicy.builder(ROOT).clock(null));
  }

  @Test
  void keepsWhatWasSet() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(BundleForge.IAT), ZoneOffset.UTC);
    VerificationPolicy p =
        VerificationPolicy.builder(ROOT).artifactNamedBySubject(ARTIFACT).expectRef("refs/heads/main").clock(clock).build();
    assertSame(ROOT, p.trustRoot());
    assertEquals(ARTIFACT, p.artifact());
    assertTrue(p.artifactMustBeNamed());
    assertSame(clock, p.clock());
    assertEquals(Map.of("ref", "refs/heads/main"), p.expectations());
  }

  @Test
  void withoutArtifactUnsafeHasNoArtifactAndNoExpectations() {
    VerificationPolicy p = VerificationPolicy.builder(ROOT).withoutArtifactUnsafe().build();
    assertNull(p.artifact());
    assertFalse(p.artifactMustBeNamed());
    assertTrue(p.expectations().isEmpty());
    assertEquals(ZoneOffset.UTC, p.clock().getZone());
  }

  @Test
  void expectationsAreInFixedOrderWhateverTheCallOrder() {
    VerificationPolicy p =
        VerificationPolicy.builder(ROOT)
            .withoutArtifactUnsafe()
            .expectSha("s")
            .expectWorkflow("w")
            .expectRef("r")
            .expectRepository("p")
            .build();
    assertEquals(List.of("repository", "ref", "workflow", "sha"), List.copyOf(p.expectations().keySet()));
  }

  @Test
  void expectationsAreImmutable() {
    VerificationPolicy p = VerificationPolicy.builder(ROOT).withoutArtifactUnsafe().expectRef("r").build();
    assertThrows(UnsupportedOperationException.class, () -> p.expectations().put("repository", "x"));
    assertThrows(UnsupportedOperationException.class, () -> p.expectations().clear());
  }

  @Test
  void builtPolicyIsUnaffectedByLaterBuilderCalls() {
    VerificationPolicy.Builder b = VerificationPolicy.builder(ROOT).withoutArtifactUnsafe().expectSha("s");
    VerificationPolicy first = b.build();
    b.expectRepository("p").clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    VerificationPolicy second = b.build();
    assertEquals(Map.of("sha", "s"), first.expectations());
    assertFalse(first.clock().instant().equals(Instant.EPOCH));
    // A builder reused after build() keeps the fixed order and its rules.
    assertEquals(List.of("repository", "sha"), List.copyOf(second.expectations().keySet()));
    assertThrows(IllegalStateException.class, () -> b.expectSha("again"));
  }
}
