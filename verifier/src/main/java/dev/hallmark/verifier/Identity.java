package dev.hallmark.verifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who built the artifact, as the verified identity token says (FORMATS §7 {@code identity}).
 *
 * <pre>{@code
 * Identity id = result.identity();   // null until the token check passed
 * String repo = id.repository();
 * }</pre>
 */
public record Identity(
    String repository,
    String ref,
    String sha,
    String workflow,
    String runId,
    String jobId,
    String issuer) {

  /** The §7 JSON member, with its wire names. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("repository", repository);
    m.put("ref", ref);
    m.put("sha", sha);
    m.put("workflow", workflow);
    m.put("run_id", runId);
    m.put("job_id", jobId);
    m.put("issuer", issuer);
    return m;
  }
}
