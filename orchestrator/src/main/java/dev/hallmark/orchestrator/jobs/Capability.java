package dev.hallmark.orchestrator.jobs;

import static java.util.Objects.requireNonNull;


/**
 * A job capability: {@code hmcap_} + 32 random bytes as b64url. The orchestrator keeps only its
 * SHA-256; the plain value exists once, for the runner to hand to the workflow JVM on its standard
 * input. {@code toString} is redacted.
 */
public final class Capability {
  public static final String PREFIX = "hmcap_";

  private final String value;
  private final String jobId;

  Capability(String value, String jobId) {
    this.value = requireNonNull(value, "value");
    this.jobId = requireNonNull(jobId, "jobId");
  }

  /** The secret itself; only the runner's hand-over to the job reads it. */
  public String reveal() {
    return value;
  }

  public String jobId() {
    return jobId;
  }

  @Override
  public String toString() {
    return "Capability[job=" + jobId + ", value=<redacted>]";
  }
}
