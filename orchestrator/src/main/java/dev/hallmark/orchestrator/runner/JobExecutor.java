package dev.hallmark.orchestrator.runner;

/**
 * Runs one job of a run to its end: the seam between deciding what runs (the {@link Runner}: the
 * job record, its place in the graph, recording its end) and running it somewhere. Today one kind
 * exists, {@link SandboxedJobExecutor}: a JVM on this machine, in the bubblewrap sandbox, as a job
 * uid of its own when the orchestrator is root.
 *
 * <h2>Adding a runner kind</h2>
 *
 * A new kind (a runner on another machine, say) implements this interface and keeps its contract:
 *
 * <ul>
 *   <li><b>Input.</b> {@link JobSpec} says everything a job needs and nothing of the orchestrator's:
 *       the run (repository, ref, sha, workflow), the job's id, name and time-out, the compiled
 *       workflow, where to check the sha out from, the declared secrets of the repository and the
 *       URL the job's steps call. The capability is not in it: the executor calls {@link
 *       JobSpec#start()} exactly once, when the job's workspace is ready and just before its
 *       process starts; that starts the job in the store and issues its one capability, whose time
 *       limit runs from then. Hand the capability and the secrets to the job on its standard input
 *       only (never its command line, environment or a file), as the SDK's {@code JobInput} reads
 *       them.
 *   <li><b>Checkout.</b> Check out with {@link JobSpec#source()}: its HEAD is verified to be the
 *       run's sha. A job runs on exactly that commit or not at all.
 *   <li><b>Logs.</b> Mask every line before it leaves the executor with {@link JobLog#masker()} (add
 *       the capability and every form of each secret first; the orchestrator adds each token it
 *       mints for the job while it runs), then {@link JobLog#append} it (stored, in order per stream)
 *       and {@link JobLog#show} it (the live log). Cap what is kept (see {@link LogLimits}); a job
 *       whose log was cut fails.
 *   <li><b>Result.</b> Return a {@link JobResult}, never throw: a failure of the executor itself is a
 *       failed job with a one-line reason, because a job must never stay "running". When the
 *       calling thread is interrupted (the orchestrator is stopping), kill the job and return {@code
 *       failed} with {@link Runner#INTERRUPTED}, the thread's interrupt status set again. The
 *       {@link Runner} records the result; the executor never writes the job's end itself.
 *   <li><b>Isolation.</b> Whatever ran for the job (processes, files of its uid) ends with it: the
 *       capability dies at the job's end, and anything left running with it must not outlive it.
 * </ul>
 *
 * <pre>{@code
 * JobResult r = executor.execute(spec, log);   // blocks until the job has ended
 * ledger.finishJob(spec.jobId(), r.status(), r.reason());
 * }</pre>
 */
public interface JobExecutor extends AutoCloseable {
  /** Runs the job to its end; returns how it ended, never throws. Safe to call from several threads. */
  JobResult execute(JobSpec job, JobLog log);

  /** True when the job's process runs in a sandbox (false only with {@code --unsafe-no-sandbox}). */
  boolean isSandboxed();

  /**
   * The orchestrator is stopping: no job starts any more and every job process is killed; the jobs
   * still in {@link #execute} return {@code failed} and are recorded by their own threads.
   */
  @Override
  void close();
}
