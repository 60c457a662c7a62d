package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.secret.RepositorySecrets;
import dev.hallmark.orchestrator.store.RunRecord;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link JobExecutor} is given to run one job.
 *
 * @param run the run the job belongs to (repository, ref, sha, workflow path)
 * @param jobId the job's id in the store
 * @param name the job's name in the workflow ({@code --job <name>})
 * @param timeout how long the job may run, from {@link #start()}
 * @param workflow the run's compiled workflow
 * @param source where the run's sha is checked out from (HEAD verified)
 * @param secrets the declared secrets of the run's repository, read when the job was scheduled
 * @param orchestratorUrl the URL the job's steps call ({@code attestProvenance}, {@code oidc().token})
 * @param workspace where an executor on this machine checks the job out (the {@link Runner}
 *     reports it with the job's outcome)
 * @param runFolder a folder of the run for an executor on this machine (copies it needs)
 * @param start called once, when the workspace is ready: starts the job and issues its capability
 */
public record JobSpec(RunRecord run, String jobId, String name, Duration timeout, CompiledWorkflow workflow,
    WorkflowSource source, RepositorySecrets secrets, String orchestratorUrl, Path workspace, Path runFolder,
    Start start) {
  public JobSpec {
    requireNonNull(run, "run");
    requireNonNull(jobId, "jobId");
    requireNonNull(name, "name");
    requireNonNull(workflow, "workflow");
    requireNonNull(source, "source");
    requireNonNull(secrets, "secrets");
    requireNonNull(orchestratorUrl, "orchestratorUrl");
    requireNonNull(workspace, "workspace");
    requireNonNull(runFolder, "runFolder");
    requireNonNull(start, "start");
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "job " + name + ": the time-out must be positive");
    }
  }

  /** Starts the job in the store and issues its one capability (valid until the job's end or time-out). */
  @FunctionalInterface
  public interface Start {
    Capability start();
  }

  /** A workflow compiled once per run: its main class and its classes folder (read-only to jobs). */
  public record CompiledWorkflow(String mainClass, Path classes) {
    public CompiledWorkflow {
      requireNonNull(mainClass, "mainClass");
      requireNonNull(classes, "classes");
    }
  }
}
