package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What the runner needs of the orchestrator, and no more: it records runs and jobs, issues a job's
 * capability and stores its log. {@code Orchestrator} implements it; the runner never sees the
 * store, the HTTP server or the keys.
 *
 * <pre>{@code
 * RunRecord run = ledger.createRun(new NewRun("acme/app", ref, sha, "push", workflow));
 * JobRecord job = ledger.createJob(run.id(), "build");
 * Capability cap = ledger.startJob(job.id(), Duration.ofMinutes(30));
 * ledger.finishJob(job.id(), JobRecord.SUCCEEDED, null);
 * ledger.finishRun(run.id(), JobRecord.SUCCEEDED, null);
 * }</pre>
 */
public interface RunLedger {
  RunRecord createRun(NewRun run);

  JobRecord createJob(long runId, String name);

  /** Starts the job and issues its one capability (valid until job end, {@code timeout} or the hard cap). */
  Capability startJob(String jobId, Duration timeout);

  /** Ends the job (its capability dies with it). */
  void finishJob(String jobId, String status, String reason);

  void finishRun(long runId, String status, String reason);

  /** Records that the run's jobs ran without the sandbox ({@code --unsafe-no-sandbox}). */
  void markUnsandboxed(long runId);

  void appendLog(String jobId, String stream, List<String> maskedLines);

  /** The URL a job's steps call (loopback, never the public URL). */
  String localUrl();

  /** Called with (job id, token) for every step token minted, before the step receives it. */
  void onTokenMinted(BiConsumer<String, String> listener);
}
