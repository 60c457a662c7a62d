package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.verify;

import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.testing.BuildContextField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FORMATS §6 check 7, {@code build-context}: the ten exact equalities of §3 between the statement
 * and the token's claims. A missing field on either side is a mismatch (the token's side cannot be
 * missing here: the {@code token} check already requires every claim).
 */
class BuildContextCheckTest {
  @Test
  void forgeDefaultSatisfiesAllTenEqualities() {
    assertVerified(verify(BundleForge.valid()));
  }

  @ParameterizedTest
  @EnumSource(BuildContextField.class)
  void rejectsStatementFieldThatDiffers(BuildContextField field) {
    BundleForge f = BundleForge.valid();
    Map<String, Object> parent = field.parent(f);
    parent.put(field.leaf(), parent.get(field.leaf()) + "x");
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  @ParameterizedTest
  @EnumSource(BuildContextField.class)
  void rejectsMissingStatementField(BuildContextField field) {
    BundleForge f = BundleForge.valid();
    field.parent(f).remove(field.leaf());
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  /** An equal-looking value of another JSON type is not the same string. */
  @ParameterizedTest
  @EnumSource(BuildContextField.class)
  void rejectsStatementFieldOfNonStringType(BuildContextField field) {
    BundleForge f = BundleForge.valid();
    Map<String, Object> parent = field.parent(f);
    parent.put(field.leaf(), List.of(parent.get(field.leaf())));
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  /** The token's side changed instead: the statement no longer matches the claim. */
  @ParameterizedTest
  @EnumSource(BuildContextField.class)
  void rejectsClaimThatDiffersFromStatement(BuildContextField field) {
    BundleForge f = BundleForge.valid();
    f.claims.put(field.claim, field.differentValue((String) f.claims.get(field.claim)));
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  /** Exact comparison: no trimming, no case folding, no Unicode normalization. */
  @ParameterizedTest
  @EnumSource(BuildContextField.class)
  void rejectsStatementFieldDifferingOnlyInCaseOrWhitespace(BuildContextField field) {
    for (String variant : List.of("upper", "space")) {
      BundleForge f = BundleForge.valid();
      Map<String, Object> parent = field.parent(f);
      String value = (String) parent.get(field.leaf());
      parent.put(field.leaf(), variant.equals("upper") ? value.toUpperCase(java.util.Locale.ROOT) : value + " ");
      if (!value.equals(parent.get(field.leaf()))) {
        assertFailsAt(Check.BUILD_CONTEXT, verify(f));
      }
    }
  }

  @Test
  void rejectsJobNameDifferingOnlyInUnicodeNormalization() {
    BundleForge f = BundleForge.valid();
    f.claims.put("job_name", "caf\u00e9"); // NFC
    BuildContextField.JOB_NAME.parent(f).put("jobName", "cafe\u0301"); // NFD
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  @Test
  void rejectsEmptyResolvedDependencies() {
    BundleForge f = BundleForge.valid();
    definition(f).put("resolvedDependencies", new ArrayList<>());
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  /** Only resolvedDependencies[0] is the source: the right commit in second place does not count. */
  @Test
  void rejectsRightCommitInSecondResolvedDependency() {
    BundleForge f = BundleForge.valid();
    @SuppressWarnings("unchecked")
    List<Object> deps = new ArrayList<>((List<Object>) definition(f).get("resolvedDependencies"));
    Map<String, Object> other = new LinkedHashMap<>();
    other.put("uri", "git+https://git.example/acme/lib@refs/heads/main");
    other.put("digest", Map.of("gitCommit", "0".repeat(40)));
    deps.add(0, other);
    definition(f).put("resolvedDependencies", deps);
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  @Test
  void acceptsBuilderIdOfAnotherRunnerEnvironmentWhenBothSidesAgree() {
    BundleForge f = BundleForge.valid();
    f.claims.put("runner_environment", "self-hosted");
    BuildContextField.BUILDER_ID.parent(f).put("id", BundleForge.ISSUER + "/runner/self-hosted");
    assertVerified(verify(f));
  }

  @Test
  void rejectsBuilderIdWithDoubledSlash() {
    BundleForge f = BundleForge.valid();
    BuildContextField.BUILDER_ID.parent(f).put("id", BundleForge.ISSUER + "//runner/embedded");
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  @Test
  void rejectsMissingBuildDefinition() {
    BundleForge f = BundleForge.valid();
    f.statementAt("predicate").remove("buildDefinition");
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  @Test
  void rejectsMissingRunDetails() {
    BundleForge f = BundleForge.valid();
    f.statementAt("predicate").remove("runDetails");
    assertFailsAt(Check.BUILD_CONTEXT, verify(f));
  }

  private static Map<String, Object> definition(BundleForge f) {
    return f.statementAt("predicate", "buildDefinition");
  }
}
