package dev.hallmark.sdk;

import java.nio.file.Path;
import java.util.List;

/**
 * What a running step can do: run commands, log, find its workspace and run, attest artifacts,
 * and get identity tokens. Valid only while its step runs; a call after the step ended throws
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * job("publish").step("attest", ctx -> {
 *   ctx.sh("tar czf app.tgz src");
 *   Attestation a = ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"));
 *   ctx.log().info("stored as " + a.storageKey());
 * })
 * }</pre>
 *
 * <p>{@link #attestProvenance} and {@link #oidc()}{@code .token} need the orchestrator: in a local
 * execution (the workflow file started by hand) they throw {@link IllegalStateException} at once.
 */
public final class StepContext {
  private final JobExecution job;
  private final String step;
  private final StepLog log;
  private final Oidc oidc;
  private volatile boolean ended;

  StepContext(JobExecution job, String step) {
    this.job = job;
    this.step = step;
    this.log = new StepLog(job.masker(), job.out(), job.err());
    this.oidc = new Oidc(this);
  }

  /**
   * Runs {@code /bin/sh -c command} in the workspace and waits for it. Its standard output and
   * error are relayed line by line into the step's, its environment is the JVM's plus the job's
   * {@code env}, minus every {@code HALLMARK_*} variable (the job capability is never in it), and
   * its standard input is empty. A command still running when the job's time-out passes is
   * killed, with everything it started. Output that a background process of the command keeps
   * writing is waited for at most 5 s after the command exits.
   *
   * @throws StepFailedException "command exited with status N" on a non-zero exit status
   */
  public void sh(String command) {
    live("sh");
    if (command == null || command.isBlank()) {
      throw new Refusal.InvalidArgument("sh: command is empty");
    }
    if (command.indexOf('\0') >= 0) {
      throw new Refusal.InvalidArgument("sh: command holds a NUL character");
    }
    log.info("$ " + Shell.firstLine(command));
    try {
      job.shell().run(command, job.deadlineNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailedException("command interrupted");
    }
  }

  /** The step's log. */
  public StepLog log() {
    live("log");
    return log;
  }

  /** The job's workspace: the repository checked out at the run's commit (locally: the working directory). */
  public Path workspace() {
    return job.workspace();
  }

  /** The run and job this step belongs to; placeholders in a local execution (see {@link RunInfo}). */
  public RunInfo run() {
    return job.runInfo();
  }

  /**
   * Asks the orchestrator to sign and store a provenance bundle for one subject.
   *
   * @throws IllegalStateException in a local execution
   * @throws OrchestratorException when the orchestrator refuses or cannot be reached
   */
  public Attestation attestProvenance(Subject subject) {
    if (subject == null) {
      throw new Refusal.InvalidArgument("attestProvenance: subject is null");
    }
    return attestProvenance(List.of(subject));
  }

  /**
   * Asks the orchestrator to sign and store one provenance bundle for several subjects. The
   * answer's {@link Attestation#subjectDigest()} is the first subject's; the bundle's file name
   * is derived from the first subject's name.
   *
   * @throws IllegalStateException in a local execution
   * @throws IllegalArgumentException when the list is empty or holds {@code null}
   * @throws OrchestratorException when the orchestrator refuses or cannot be reached
   */
  public Attestation attestProvenance(List<Subject> subjects) {
    OrchestratorClient client = client("attestProvenance");
    if (subjects == null || subjects.isEmpty() || subjects.stream().anyMatch(java.util.Objects::isNull)) {
      throw new Refusal.InvalidArgument("attestProvenance needs at least one subject and no null");
    }
    List<Subject> copy = List.copyOf(subjects);
    Attestation a = client.attest(copy);
    Subject first = copy.get(0);
    log.info("attested " + first.name() + " (sha256:" + first.sha256() + ")"
        + (copy.size() > 1 ? " and " + (copy.size() - 1) + " more" : "") + ", bundle " + a.storageKey());
    return a;
  }

  /** Identity tokens for this job. */
  public Oidc oidc() {
    return oidc;
  }

  /** The orchestrator client, or a one-line refusal in a local execution. */
  OrchestratorClient client(String what) {
    live(what);
    OrchestratorClient client = job.client();
    if (client == null) {
      throw new Refusal.InvalidState(what + " is only available inside a running job step"
          + " (run the workflow with hallmark run or on a Hallmark orchestrator)");
    }
    return client;
  }

  void end() {
    ended = true;
  }

  private void live(String what) {
    if (ended) {
      throw new Refusal.InvalidState(what + " was called after step '" + step + "' ended");
    }
  }
}
