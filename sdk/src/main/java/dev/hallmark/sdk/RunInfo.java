package dev.hallmark.sdk;

import static java.util.Objects.requireNonNull;

/**
 * What the orchestrator recorded about the running job: the same values it signs into an
 * attestation's identity token (FORMATS.md §2), as strings.
 *
 * <p>When the workflow runs locally (started by hand, without {@code --job}) there is no run:
 * {@code repository}, {@code ref}, {@code sha}, {@code runId} and {@code jobId} are the
 * placeholder {@value #LOCAL}, {@code jobName} is the job's real name, and {@code workflow} is the
 * workflow file's path relative to the working directory when the JVM was started on a source
 * file inside it, {@value #LOCAL} otherwise. {@link #isLocal()} tells the two cases apart.
 *
 * <pre>{@code
 * RunInfo run = ctx.run();
 * ctx.log().info("building " + run.repository() + "@" + run.sha() + " (run " + run.runId() + ")");
 * }</pre>
 *
 * @param repository the repository, e.g. {@code acme/app}
 * @param ref the git ref, e.g. {@code refs/heads/main}
 * @param sha the commit the run builds (40 hex)
 * @param runId the run's id, a decimal string
 * @param jobId the job's id, unique within the orchestrator
 * @param jobName the job's name in the workflow
 * @param workflow the workflow file's repository-relative path, e.g.
 *     {@code .hallmark/workflows/Release.java}
 */
public record RunInfo(String repository, String ref, String sha, String runId, String jobId, String jobName,
    String workflow) {
  /** The placeholder for values that do not exist outside an orchestrator. */
  public static final String LOCAL = "local";

  /** Checks that no value is null. */
  public RunInfo {
    requireNonNull(repository, "repository");
    requireNonNull(ref, "ref");
    requireNonNull(sha, "sha");
    requireNonNull(runId, "runId");
    requireNonNull(jobId, "jobId");
    requireNonNull(jobName, "jobName");
    requireNonNull(workflow, "workflow");
  }

  /** Whether this is a local execution, with placeholders instead of a real run. */
  public boolean isLocal() {
    return LOCAL.equals(runId);
  }
}
