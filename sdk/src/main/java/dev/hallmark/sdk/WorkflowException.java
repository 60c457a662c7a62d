package dev.hallmark.sdk;

/**
 * A workflow definition breaks a rule: a bad or duplicate name, a {@code needs} that names no
 * job, a cycle, a time-out that is not positive. Thrown while the workflow is being built, with a
 * one-line message that names the offending job or step.
 *
 * <pre>{@code
 * workflow("release")
 *     .job(job("publish").needs("buld").step("s", ctx -> {}))
 *     .main(args);   // WorkflowException: job 'publish' needs unknown job 'buld'
 * }</pre>
 *
 * <p>It is thrown from the DSL calls in the workflow file's {@code main}, where nothing catches
 * it, so its {@code printStackTrace} prints the one line that says what is wrong and no trace:
 * that line is what the JVM reports on standard error, and what the orchestrator shows as the
 * run's failure. (The trace is still recorded, for {@link #getStackTrace()}: the JDK's source
 * launcher trims it and fails on an empty one.)
 */
public final class WorkflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WorkflowException(String message) {
    super(message);
  }

  /** Prints the one-line {@link #toString()} only; see the class description. */
  @Override
  public void printStackTrace(java.io.PrintStream s) {
    s.println(this);
  }

  /** Prints the one-line {@link #toString()} only; see the class description. */
  @Override
  public void printStackTrace(java.io.PrintWriter s) {
    s.println(this);
  }
}
