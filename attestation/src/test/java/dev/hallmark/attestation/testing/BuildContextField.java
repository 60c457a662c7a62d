package dev.hallmark.attestation.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ten equalities of FORMATS §3, each as the token claim and the path of the statement field
 * inside the predicate, for tests that forge a mismatch (the verifier's adversarial tests and the
 * dashboard's browser-verifier vectors).
 *
 * <pre>{@code
 * BundleForge f = BundleForge.valid();
 * BuildContextField.REF.parent(f).put(BuildContextField.REF.leaf(), "refs/heads/other");
 * }</pre>
 */
public enum BuildContextField {
  REPOSITORY("repository", "buildDefinition", "externalParameters", "workflow", "repository"),
  REF("ref", "buildDefinition", "externalParameters", "workflow", "ref"),
  WORKFLOW("workflow", "buildDefinition", "externalParameters", "workflow", "path"),
  EVENT("event_name", "buildDefinition", "externalParameters", "event"),
  JOB_NAME("job_name", "buildDefinition", "internalParameters", "jobName"),
  GIT_COMMIT("sha", "buildDefinition", "resolvedDependencies", "0", "digest", "gitCommit"),
  RUN_ID("run_id", "buildDefinition", "internalParameters", "runId"),
  RUN_ATTEMPT("run_attempt", "buildDefinition", "internalParameters", "runAttempt"),
  JOB_ID("job_id", "buildDefinition", "internalParameters", "jobId"),
  BUILDER_ID("runner_environment", "runDetails", "builder", "id");

  public final String claim;
  private final String[] path;

  BuildContextField(String claim, String... path) {
    this.claim = claim;
    this.path = path;
  }

  /** The map holding the field, inside the forge's predicate. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> parent(BundleForge f) {
    Object node = f.statement.get("predicate");
    for (int i = 0; i < path.length - 1; i++) {
      node = node instanceof List<?> list ? list.get(Integer.parseInt(path[i])) : ((Map<String, Object>) node).get(path[i]);
    }
    return (Map<String, Object>) node;
  }

  /** The field's own name in its parent map. */
  public String leaf() {
    return path[path.length - 1];
  }

  /**
   * Another value of the same form as the claim {@code value} (FORMATS §2 revision 2 makes a claim
   * of the wrong form fail {@code token}, so a mismatch must keep the form): another commit for
   * {@code sha}, another decimal for {@code run_id}/{@code run_attempt}, a suffixed string else.
   */
  public String differentValue(String value) {
    return switch (this) {
      case GIT_COMMIT -> (value.charAt(0) == '0' ? "1" : "0") + value.substring(1);
      case RUN_ID, RUN_ATTEMPT -> value + "1";
      default -> value + "-other";
    };
  }

  /** A short id for names of vectors and tests: {@code git-commit}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
