package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Hex;
import java.time.Instant;

/**
 * The orchestrator's own record of one job run, from which {@link HallmarkProvenance} builds every
 * field of a statement but the subjects (FORMATS §3). The strings are the same ones that go into
 * the identity token (FORMATS §2: {@code repository}, {@code ref}, {@code workflow}, {@code
 * event_name}, {@code run_id}, {@code run_attempt}, {@code job_id}, {@code job_name}, {@code sha},
 * {@code iss}, {@code runner_environment}), because a verifier compares them for exact equality.
 * Every component is required: strings non-empty, {@code runId} and {@code runAttempt} decimal,
 * {@code gitCommit} 40 lowercase hex characters.
 *
 * <pre>{@code
 * var ctx = new BuildContext("acme/app", "refs/heads/main", ".hallmark/workflows/Release.java",
 *     "push", "42", "1", jobId, "publish", "https://git.example.com/acme/app.git", sha,
 *     issuer, "embedded", issuer + "/runs/42/attempts/1/jobs/" + jobId, startedOn, Instant.now());
 * }</pre>
 */
public record BuildContext(
    String repository,
    String ref,
    String workflowPath,
    String event,
    String runId,
    String runAttempt,
    String jobId,
    String jobName,
    String cloneUrl,
    String gitCommit,
    String issuer,
    String runnerEnvironment,
    String invocationId,
    Instant startedOn,
    Instant finishedOn) {

  public BuildContext {
    require(repository, "repository");
    require(ref, "ref");
    require(workflowPath, "workflowPath");
    require(event, "event");
    requireDecimal(runId, "runId");
    requireDecimal(runAttempt, "runAttempt");
    require(jobId, "jobId");
    require(jobName, "jobName");
    require(cloneUrl, "cloneUrl");
    if (!Hex.isLowerHex(gitCommit, 40)) {
      throw new AttestationException(
          Code.STATEMENT, "build context gitCommit is not 40 lowercase hex characters");
    }
    require(issuer, "issuer");
    require(runnerEnvironment, "runnerEnvironment");
    require(invocationId, "invocationId");
    if (startedOn == null) {
      throw new AttestationException(Code.STATEMENT, "build context startedOn is missing");
    }
    if (finishedOn == null) {
      throw new AttestationException(Code.STATEMENT, "build context finishedOn is missing");
    }
  }

  private static void require(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw new AttestationException(
          Code.STATEMENT, "build context " + name + " is missing or empty");
    }
  }

  private static void requireDecimal(String value, String name) {
    require(value, name);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new AttestationException(
            Code.STATEMENT, "build context " + name + " is not a decimal string");
      }
    }
  }
}
