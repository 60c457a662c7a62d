package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.policyFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.testing.BundleForge;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * FORMATS §6 check 9, {@code policy}: each caller expectation ({@code --repository}, {@code
 * --ref}, {@code --workflow}, {@code --sha}) must equal the verified token's claim exactly.
 */
class PolicyCheckTest {
  enum Expectation {
    REPOSITORY("repository", VerificationPolicy.Builder::expectRepository),
    REF("ref", VerificationPolicy.Builder::expectRef),
    WORKFLOW("workflow", VerificationPolicy.Builder::expectWorkflow),
    SHA("sha", VerificationPolicy.Builder::expectSha);

    final String claim;
    final BiFunction<VerificationPolicy.Builder, String, VerificationPolicy.Builder> set;

    Expectation(String claim, BiFunction<VerificationPolicy.Builder, String, VerificationPolicy.Builder> set) {
      this.claim = claim;
      this.set = set;
    }
  }

  /** Values that differ from the forge's claim in one way each: another value, case, a suffix. */
  private static List<String> near(String actual) {
    return List.of("other/" + actual, actual.toUpperCase(java.util.Locale.ROOT), actual + "/", actual.substring(1));
  }

  @ParameterizedTest
  @EnumSource(Expectation.class)
  void rejectsExpectationThatDoesNotHold(Expectation e) {
    for (String expected : near((String) BundleForge.valid().claims.get(e.claim))) {
      BundleForge f = BundleForge.valid();
      if (expected.equals(f.claims.get(e.claim))) {
        continue; // upper case of an all-digit value
      }
      VerificationResult r = verify(f, e.set.apply(policyFor(f), expected));
      assertFailsAt(Check.POLICY, r);
      assertEquals(Map.of(e.claim, expected), r.policy());
    }
  }

  @ParameterizedTest
  @EnumSource(Expectation.class)
  void acceptsExpectationThatHolds(Expectation e) {
    BundleForge f = BundleForge.valid();
    String actual = (String) f.claims.get(e.claim);
    VerificationResult r = verify(f, e.set.apply(policyFor(f), actual));
    assertVerified(r);
    assertEquals(Map.of(e.claim, actual), r.policy());
  }

  @Test
  void acceptsAllFourExpectationsHolding() {
    BundleForge f = BundleForge.valid();
    VerificationPolicy.Builder b =
        policyFor(f)
            .expectSha(BundleForge.SHA)
            .expectWorkflow(".hallmark/workflows/Release.java")
            .expectRef("refs/heads/main")
            .expectRepository("acme/app");
    VerificationResult r = verify(f, b);
    assertVerified(r);
    // FORMATS §7 policy lists what was enforced, in the fixed order whatever the call order.
    assertEquals(List.of("repository", "ref", "workflow", "sha"), List.copyOf(r.policy().keySet()));
  }

  @Test
  void rejectsWhenOnlyTheLastOfFourExpectationsFails() {
    BundleForge f = BundleForge.valid();
    VerificationPolicy.Builder b =
        policyFor(f)
            .expectRepository("acme/app")
            .expectRef("refs/heads/main")
            .expectWorkflow(".hallmark/workflows/Release.java")
            .expectSha("0".repeat(40));
    assertFailsAt(Check.POLICY, verify(f, b));
  }

  /** A token for a fork's branch passes all checks but the caller's --repository. */
  @Test
  void rejectsBundleOfForkAgainstExpectedRepository() {
    BundleForge f = BundleForge.valid();
    f.claims.put("repository", "mallory/app");
    f.claims.put("sub", "repo:mallory/app:ref:refs/heads/main");
    f.statementAt("predicate", "buildDefinition", "externalParameters", "workflow").put("repository", "mallory/app");
    assertFailsAt(Check.POLICY, verify(f, policyFor(f).expectRepository("acme/app")));
  }

  @Test
  void acceptsWithoutExpectationsAndReportsEmptyPolicy() {
    BundleForge f = BundleForge.valid();
    VerificationResult r = verify(f, policyFor(f));
    assertVerified(r);
    assertTrue(r.policy().isEmpty());
  }

  // ------------------------------------------------------------ hints (messages only)

  @Test
  void rejectsShortRefAndSuggestsTheFullOne() {
    BundleForge f = BundleForge.valid();
    VerificationResult r = verify(f, policyFor(f).expectRef("main"));
    assertFailsAt(Check.POLICY, r);
    assertTrue(
        r.failure().message().endsWith("(refs are full names: did you mean refs/heads/main?)"), r.failure().message());
  }

  /** The token's own ref is suggested when it ends with the given name (a tag here). */
  @Test
  void rejectsShortTagRefAndSuggestsTheTokensRef() {
    BundleForge f = BundleForge.valid();
    f.claims.put("ref", "refs/tags/v1.2.3");
    f.claims.put("sub", "repo:acme/app:ref:refs/tags/v1.2.3");
    f.statementAt("predicate", "buildDefinition", "externalParameters", "workflow").put("ref", "refs/tags/v1.2.3");
    VerificationResult r = verify(f, policyFor(f).expectRef("v1.2.3"));
    assertFailsAt(Check.POLICY, r);
    assertTrue(
        r.failure().message().endsWith("(refs are full names: did you mean refs/tags/v1.2.3?)"), r.failure().message());
  }

  @Test
  void rejectsAbbreviatedShaAndHintsAtTheFullCommit() {
    BundleForge f = BundleForge.valid();
    VerificationResult r = verify(f, policyFor(f).expectSha(BundleForge.SHA.substring(0, 7)));
    assertFailsAt(Check.POLICY, r);
    assertTrue(r.failure().message().contains("give the full 40-hex commit"), r.failure().message());
  }

  /** No hint where none applies: a full ref of another branch, a sha that is no prefix. */
  @Test
  void rejectsOtherRefOrShaWithoutHint() {
    BundleForge f = BundleForge.valid();
    VerificationResult ref = verify(f, policyFor(f).expectRef("refs/heads/dev"));
    assertFailsAt(Check.POLICY, ref);
    assertEquals("expected ref 'refs/heads/dev' but the bundle says 'refs/heads/main'", ref.failure().message());
    VerificationResult sha = verify(f, policyFor(f).expectSha("0123abc"));
    assertFailsAt(Check.POLICY, sha);
    assertFalse(sha.failure().message().contains("("), sha.failure().message());
  }

  private static VerificationResult verify(BundleForge f, VerificationPolicy.Builder b) {
    return ForgeVerification.verify(f.bytes(), b.withoutArtifactUnsafe().build());
  }
}
