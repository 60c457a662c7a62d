package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.store.JobRecord;

/**
 * How a job ended, as its {@link JobExecutor} saw it: {@code succeeded} (no reason) or {@code
 * failed} with a one-line reason.
 *
 * <pre>{@code
 * JobResult.failed("the job process exited with status 1: BUILD FAILED");
 * }</pre>
 */
public record JobResult(String status, String reason) {
  public JobResult {
    requireNonNull(status, "status");
    if (JobRecord.SUCCEEDED.equals(status) ? reason != null : !JobRecord.FAILED.equals(status) || reason == null) {
      throw new OrchestratorException(Code.INVALID_INPUT, "a job result is succeeded without a reason or failed with one");
    }
  }

  public static JobResult succeeded() {
    return new JobResult(JobRecord.SUCCEEDED, null);
  }

  public static JobResult failed(String reason) {
    return new JobResult(JobRecord.FAILED, reason);
  }

  public boolean isSucceeded() {
    return JobRecord.SUCCEEDED.equals(status);
  }
}
