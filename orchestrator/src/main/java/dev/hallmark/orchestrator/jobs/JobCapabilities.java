package dev.hallmark.orchestrator.jobs;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.secret.BearerSecret;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Issues and checks job capabilities (ARCHITECTURE security model): random, stored hashed, scoped
 * to one job, dead at the earliest of job end, job time-out and a hard cap. Only the runner, in
 * process, starts jobs: no HTTP endpoint mints a capability.
 *
 * <pre>{@code
 * JobRecord job = store.createJob(run.id(), "publish");
 * Capability cap = capabilities.start(job.id(), Duration.ofMinutes(30));
 * // … hand cap.reveal() to the workflow JVM on its stdin; when it exits:
 * capabilities.finish(job.id(), JobRecord.SUCCEEDED, null);
 * }</pre>
 */
public final class JobCapabilities {
  /** Whatever a job's time-out says, its capability dies after this. */
  public static final Duration DEFAULT_HARD_CAP = Duration.ofHours(6);

  private final RunStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration hardCap;

  public JobCapabilities(RunStore store, Clock clock, SecureRandom random, Duration hardCap) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
    this.hardCap = requireNonNull(hardCap, "hardCap");
  }

  /** Starts a pending job and issues its capability, valid until min(now + timeout, now + hard cap). */
  public Capability start(String jobId, Duration timeout) {
    String token = BearerSecret.generate(Capability.PREFIX, random);
    Instant now = clock.instant();
    Duration life = timeout.compareTo(hardCap) < 0 ? timeout : hardCap;
    if (!store.startJob(jobId, BearerSecret.hash(token), now.plus(life))) {
      throw new OrchestratorException(Code.CONFLICT, "job " + jobId + " is not pending");
    }
    return new Capability(token, jobId);
  }

  /** Ends the job; its capability dies in the same commit. */
  public void finish(String jobId, String status, String reason) {
    store.finishJob(jobId, status, reason);
  }

  /**
   * The running job that an {@code Authorization} header's capability belongs to, or {@link
   * Code#UNAUTHENTICATED} (no/malformed/unknown capability) or {@link Code#FORBIDDEN} (job ended,
   * capability expired). The attestation commit re-checks liveness atomically.
   */
  public JobRecord authenticate(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      throw new OrchestratorException(Code.UNAUTHENTICATED, "a job capability is required (Authorization: Bearer hmcap_…)");
    }
    String token = authorization.substring("Bearer ".length());
    if (!BearerSecret.hasShape(token, Capability.PREFIX)) {
      throw new OrchestratorException(Code.UNAUTHENTICATED, "the job capability is malformed");
    }
    Optional<RunStore.JobWithHash> found = store.jobByCapabilityHash(BearerSecret.hash(token));
    if (found.isEmpty() || !BearerSecret.matches(token, found.get().capabilityHash())) {
      throw new OrchestratorException(Code.UNAUTHENTICATED, "the job capability is not valid");
    }
    JobRecord job = found.get().job();
    if (!isLive(job)) {
      throw new OrchestratorException(Code.FORBIDDEN, "the job capability is no longer valid (job ended or expired)");
    }
    return job;
  }

  boolean isLive(JobRecord job) {
    return job.isRunning() && job.capabilityExpiresAt() != null && clock.instant().isBefore(job.capabilityExpiresAt());
  }
}
