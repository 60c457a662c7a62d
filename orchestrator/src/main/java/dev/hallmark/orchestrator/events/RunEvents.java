package dev.hallmark.orchestrator.events;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per run and job transition (docs/orchestrator.md#what-serve-logs), written where the
 * status is stored: {@code Orchestrator} for runs and jobs it creates, starts and ends, the runner
 * where it ends a run. Ids and names only: never a capability, token or secret.
 *
 * <pre>{@code
 * run.state run=7 from=running to=failed reason="job build failed: the job process exited with status 1"
 * }</pre>
 */
public final class RunEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);

  private RunEvents() {}

  /** A run was stored (the store creates runs running). */
  public static void runCreated(RunRecord run) {
    LOG.info("run.state run={} from=none to={} repository={} ref={} sha={} workflow={}", run.id(), run.status(),
        run.repository(), run.ref(), run.sha(), run.workflowPath());
  }

  /** A pushed run was stored and waits for the run queue (serve runs one run at a time). */
  public static void runQueued(RunRecord run) {
    LOG.info("run.state run={} from=none to=queued repository={} ref={} sha={} workflow={}", run.id(),
        run.repository(), run.ref(), run.sha(), run.workflowPath());
  }

  /** A queued run left the queue and runs now. */
  public static void runStarted(long runId) {
    LOG.info("run.state run={} from=queued to=running", runId);
  }

  /** A run ended with {@code status}; {@code reason} may be null. */
  public static void runFinished(long runId, String status, String reason) {
    LOG.info("run.state run={} from=running to={} reason=\"{}\"", runId, status, shown(reason));
  }

  /** A job was stored (pending). */
  public static void jobCreated(JobRecord job) {
    LOG.info("job.state job={} run={} name={} from=none to={}", job.id(), job.runId(), job.name(), job.status());
  }

  /** A job started and its capability was issued. */
  public static void jobStarted(String jobId) {
    LOG.info("job.state job={} from=pending to=running", jobId);
  }

  /** A job ended with {@code status}; {@code reason} may be null. */
  public static void jobFinished(String jobId, String status, String reason) {
    LOG.info("job.state job={} to={} reason=\"{}\"", jobId, status, shown(reason));
  }

  /** The restart sweep failed what a previous process left pending or running. */
  public static void interruptedFailed(int jobs, String reason) {
    if (jobs > 0) {
      LOG.warn("run.interrupted jobs={} to=failed reason=\"{}\"", jobs, shown(reason));
    }
  }

  /**
   * A run or job failed by an exception: the server's faults and anything not a domain error are
   * logged with their cause (the stored reason is one line); the caller's (a workflow that does not
   * compile) are not, their run.state line says all.
   */
  public static void fault(String what, String id, Exception e) {
    if (e instanceof OrchestratorException oe && !oe.code().isServerFault()) {
      return;
    }
    LOG.error("{}.fault {}={} message=\"{}\"", what, what, id, shown(String.valueOf(e.getMessage())), e);
  }

  /** A transition that could not be stored (the store is closing): the restart sweep records it instead. */
  public static void unrecorded(String what, String id, String to, RuntimeException e) {
    LOG.warn("{}.unrecorded {}={} to={} message=\"{}\"", what, what, id, to, shown(String.valueOf(e.getMessage())), e);
  }

  private static String shown(String reason) {
    return reason == null ? "" : LogText.quoted(LogText.oneLine(reason)).replaceAll("\\p{Cntrl}", "?");
  }
}
