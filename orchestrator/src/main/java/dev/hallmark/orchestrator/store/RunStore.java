package dev.hallmark.orchestrator.store;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Runs and their jobs, with each job's capability hash and expiry: what the runner records and
 * what the attestor builds every claim from.
 */
public interface RunStore {
  /** A job with its stored capability hash, for the caller's constant-time comparison. */
  record JobWithHash(JobRecord job, byte[] capabilityHash) {}

  /**
   * Creates a running run of a registered repository ({@link Code#NOT_FOUND} otherwise); its clone
   * URL is copied from the registration. Ids grow: a later run has a larger id.
   */
  RunRecord createRun(NewRun run);

  void finishRun(long runId, String status);

  /** Ends a run; {@code reason} (may be null) says why a run failed before or outside its jobs. */
  void finishRun(long runId, String status, String reason);

  /** The reason stored by {@link #finishRun(long, String, String)}, if any. */
  Optional<String> runReason(long runId);

  /** Records that {@code runId}'s jobs ran without the sandbox ({@code --unsafe-no-sandbox}). */
  void markUnsandboxed(long runId);

  /** False when the run's jobs ran without the sandbox; empty for an unknown run. */
  Optional<Boolean> runSandboxed(long runId);

  Optional<RunRecord> run(long id);

  /** The newest runs first, at most {@code limit}. */
  List<RunRecord> runs(int limit);

  /**
   * Crash recovery: every job still pending, queued or running, and every run still queued or
   * running, is marked failed with {@code reason}, and the jobs' capabilities die in the same
   * commit. Only for a database no other live orchestrator uses: it owns no process, so it kills
   * none. Returns how many jobs it failed.
   */
  int failInterrupted(String reason);

  /** A pending job with a random id (80 bits, hex), unique within the issuer. */
  JobRecord createJob(long runId, String name);

  /** Marks a pending job running and stores its capability's hash; false if it was not pending. */
  boolean startJob(String jobId, byte[] capabilityHash, Instant expiresAt);

  /** Ends a job; its capability dies in the same commit (expiry set to now). */
  void finishJob(String jobId, String status, String reason);

  Optional<JobWithHash> jobByCapabilityHash(byte[] hash);

  Optional<JobRecord> job(String id);

  /** A run's jobs in the order they were created. */
  List<JobRecord> jobsOfRun(long runId);
}
