package dev.hallmark.sdk;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * Runs the steps of one job in order: a failing step fails the job and the remaining steps are
 * skipped; inside an orchestrator each step's start and end is reported before and after it
 * runs. Step boundaries are also printed as lines of their own, so the captured streams can be
 * read per step:
 *
 * <pre>{@code
 * --- step compile
 * $ make
 * ...
 * --- step compile succeeded (1.2 s)
 * --- step test failed: command exited with status 2     (on standard error)
 * --- step publish skipped: step 'test' failed
 * }</pre>
 */
final class JobExecution {
  static final int MAX_MESSAGE = 1000;

  private final JobSpec job;
  private final RunInfo runInfo;
  private final Path workspace;
  private final OrchestratorClient client;
  private final JobSecrets secrets;
  private final Masker masker;
  private final PrintStream out;
  private final PrintStream err;
  private final Shell shell;
  private long deadlineNanos;

  /** {@code client} is null in a local execution. */
  JobExecution(JobSpec job, RunInfo runInfo, Path workspace, OrchestratorClient client, JobSecrets secrets,
      Masker masker, PrintStream out, PrintStream err) {
    this.job = job;
    this.runInfo = runInfo;
    this.workspace = workspace;
    this.client = client;
    this.secrets = secrets;
    this.masker = masker;
    this.out = out;
    this.err = err;
    this.shell = new Shell(workspace, job.env(), masker, out, err);
  }

  /** Runs the job; true when every step succeeded and every report was accepted. */
  boolean run() {
    deadlineNanos = System.nanoTime() + job.timeout().toNanos();
    String skipReason = null;
    boolean ok = true;
    for (JobSpec.NamedStep step : job.steps()) {
      if (skipReason == null && System.nanoTime() - deadlineNanos >= 0) {
        skipReason = "the job's time-out of " + job.timeoutSeconds() + " s was reached";
        ok = false;
      }
      if (skipReason != null) {
        line(out, "--- step " + step.name() + " skipped: " + skipReason);
        if (!report(step.name(), "skipped", skipReason)) {
          return false;
        }
        continue;
      }
      if (!report(step.name(), "running", "")) {
        return false;
      }
      line(out, "--- step " + step.name());
      long start = System.nanoTime();
      StepContext ctx = new StepContext(this, step.name());
      Throwable failure = null;
      try {
        step.code().run(ctx);
      } catch (Throwable t) { // any throwable fails the step; an Error is rethrown below
        failure = t;
      } finally {
        ctx.end();
        Thread.interrupted(); // a step's leftover interrupt must not break the reports
      }
      if (failure == null) {
        line(out, "--- step " + step.name() + " succeeded (" + seconds(System.nanoTime() - start) + " s)");
        if (!report(step.name(), "succeeded", "")) {
          return false;
        }
        continue;
      }
      String message = Names.oneLine(masker.mask(describe(failure)), MAX_MESSAGE);
      line(err, "--- step " + step.name() + " failed: " + message);
      if (!raisedBySdk(failure)) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        byte[] bytes = Shell.utf8(masker.mask(trace.toString()));
        err.write(bytes, 0, bytes.length);
        err.flush();
      }
      ok = false;
      skipReason = "step '" + step.name() + "' failed";
      boolean reported = report(step.name(), "failed", message);
      if (failure instanceof VirtualMachineError) {
        throw (VirtualMachineError) failure;
      }
      if (!reported) {
        return false;
      }
    }
    return ok;
  }

  /**
   * Whether the SDK raised {@code t} itself (a rule or a refusal, whose message says it all) rather
   * than the step's own code (a bug, whose stack trace helps).
   */
  static boolean raisedBySdk(Throwable t) {
    return t instanceof StepFailedException || t instanceof OrchestratorException || t instanceof WorkflowException
        || t instanceof Refusal;
  }

  static String describe(Throwable t) {
    String message = t.getMessage();
    if (raisedBySdk(t) && message != null) {
      return message;
    }
    return t.getClass().getName() + (message == null ? "" : ": " + message);
  }

  /** Reports a step's status to the orchestrator, if there is one; false if it refused. */
  private boolean report(String step, String status, String message) {
    if (client == null) {
      return true;
    }
    out.flush();
    err.flush();
    try {
      client.reportStep(step, status, message);
      return true;
    } catch (OrchestratorException e) {
      line(err, "error: cannot report step '" + step + "' as " + status + ": " + masker.mask(e.getMessage()));
      return false;
    }
  }

  private static void line(PrintStream target, String text) {
    byte[] bytes = Shell.utf8(text + "\n");
    target.write(bytes, 0, bytes.length);
    target.flush();
  }

  private static String seconds(long nanos) {
    long tenths = Math.max(0, nanos / 100_000_000L);
    return tenths / 10 + "." + tenths % 10;
  }

  Shell shell() {
    return shell;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  Path workspace() {
    return workspace;
  }

  RunInfo runInfo() {
    return runInfo;
  }

  OrchestratorClient client() {
    return client;
  }

  JobSecrets secrets() {
    return secrets;
  }

  Masker masker() {
    return masker;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }
}
