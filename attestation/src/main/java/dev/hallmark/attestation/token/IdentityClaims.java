package dev.hallmark.attestation.token;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * What the orchestrator knows of a run and job, from which an attestation's identity token is
 * minted (FORMATS §2). {@code cnf}, {@code payload_sha256}, {@code aud}, {@code jti} and the
 * token type are added by the signer: no caller can choose them.
 *
 * <pre>{@code
 * var claims = new IdentityClaims("https://ci.example.com/oidc", "acme/app", "refs/heads/main",
 *     sha, ".hallmark/workflows/Release.java", "push", "42", "1", "job-7", "publish",
 *     "embedded", Instant.now(), IdentityClaims.DEFAULT_LIFETIME);
 * }</pre>
 */
public record IdentityClaims(
    String issuer,
    String repository,
    String ref,
    String sha,
    String workflow,
    String eventName,
    String runId,
    String runAttempt,
    String jobId,
    String jobName,
    String runnerEnvironment,
    Instant issuedAt,
    Duration lifetime) {

  /** FORMATS §2: the orchestrator issues tokens for 600 s. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(600);
  /** FORMATS §2: a lifetime over an hour fails verification. */
  public static final Duration MAX_LIFETIME = Duration.ofSeconds(3600);
  /** FORMATS §2: the attestation audience, reserved for attestation tokens. */
  public static final String ATTESTATION_AUDIENCE = "hallmark:attestation";
  /** FORMATS §2: the attestation token type. */
  public static final String ATTESTATION_TYPE = "hallmark-attestation+jwt";

  public IdentityClaims {
    requireNonNull(issuer, "issuer");
    requireNonNull(repository, "repository");
    requireNonNull(ref, "ref");
    requireNonNull(sha, "sha");
    requireNonNull(workflow, "workflow");
    requireNonNull(eventName, "eventName");
    requireNonNull(runId, "runId");
    requireNonNull(runAttempt, "runAttempt");
    requireNonNull(jobId, "jobId");
    requireNonNull(jobName, "jobName");
    requireNonNull(runnerEnvironment, "runnerEnvironment");
    requireNonNull(issuedAt, "issuedAt");
    requireNonNull(lifetime, "lifetime");
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("token lifetime must be in (0, 3600] seconds");
    }
  }

  /** FORMATS §2: {@code repo:<repository>:ref:<ref>}. */
  public String subject() {
    return "repo:" + repository + ":ref:" + ref;
  }
}
