package dev.hallmark.orchestrator.store;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Signed bundles, stored byte for byte. A bundle is acknowledged only once durable, and only if
 * its job was still running with an unexpired capability in the transaction that stored it
 * (ARCHITECTURE: "checked atomically when signing").
 */
public interface AttestationStore {
  /** The bundle bytes exactly as stored, with the first subject's name. */
  record StoredBundle(byte[] bytes, String subjectName) {}

  /**
   * Queues a bundle for the next group commit. The future completes with {@code storageKey} once
   * the transaction holding it is committed (durable), or fails with {@link Code#FORBIDDEN} when
   * the job was no longer running or its capability expired at commit time.
   */
  CompletableFuture<String> storeAttestation(
      String storageKey, String jobId, String subjectName, String subjectSha256, byte[] bundle);

  /** How many group commits have run (for tests and the benchmark's commits-per-attestation). */
  long commitCount();

  Optional<StoredBundle> bundle(String storageKey);

  /** A run's bundles (index rows) in the order they were stored. */
  List<StoredAttestation> attestationsOfRun(long runId);
}
