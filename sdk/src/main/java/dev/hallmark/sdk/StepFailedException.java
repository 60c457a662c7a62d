package dev.hallmark.sdk;

/**
 * A step failed for a reason its message says in one line, such as a command's non-zero exit
 * status. A step may throw it itself to fail with a clean message instead of a stack trace.
 *
 * <pre>{@code
 * .step("check", ctx -> {
 *   if (!Files.exists(ctx.workspace().resolve("app.tgz")))
 *     throw new StepFailedException("app.tgz was not built");
 * })
 * }</pre>
 */
public final class StepFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a one-line message. */
  public StepFailedException(String message) {
    super(message);
  }
}
