package dev.hallmark.orchestrator;

/**
 * The orchestrator's one exception type (STYLE: one per module): a stable {@link #code()} saying
 * what happened, and a one-line message naming the input, never internals. The code knows nothing
 * of HTTP: {@code http.HttpErrors} maps it to a status (4xx for the caller's faults, 5xx for the
 * server's), and the command line prints the message as one {@code hallmark:} line.
 */
public final class OrchestratorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. The first group is the caller's fault, the second the server's. */
  public enum Code {
    // ---- the caller's faults ----
    /** The input (a flag, a file, a request body, a workflow) breaks a rule. */
    INVALID_INPUT,
    /** No credential, or one that is malformed or unknown. */
    UNAUTHENTICATED,
    /** A valid credential that may not do this (another job's, or a job that has ended). */
    FORBIDDEN,
    /** The named thing (run, job, bundle, repository, endpoint) does not exist. */
    NOT_FOUND,
    /** The thing exists but does not take this operation (an HTTP method it does not serve). */
    WRONG_METHOD,
    /** The current state forbids it (a data folder in use, a secret already set). */
    CONFLICT,
    /** The input is larger than allowed. */
    TOO_LARGE,
    /** The input is not of a type we read. */
    UNSUPPORTED_MEDIA_TYPE,
    /** The request was meant for another server (its Host names none of ours). */
    MISDIRECTED,
    /** Well-formed input that cannot be applied (inconsistent with what is already there). */
    UNPROCESSABLE,
    /** Too many requests of this caller; it may retry later. */
    RATE_LIMITED,

    // ---- the server's faults ----
    /** A part did not answer in time (the log's witnesses), the service is stopping, or it has no free capacity (job uids); retry later. */
    UNAVAILABLE,
    /** The database failed. */
    STORE,
    /** The issuer or log keys could not be read, written or used. */
    KEYS,
    /** This machine failed the orchestrator: a folder, a copy, permissions, a process that would not start. */
    ENVIRONMENT,
    /** The operator's installation or data folder is unusable (no git, no JDK, no working bubblewrap, a damaged issuer file). */
    CONFIG,
    /** A server could not listen or start. */
    START_FAILED,
    /** A fault of our own code. */
    INTERNAL;

    /** True for the server's faults (an operator should look: the log has the cause), false for the caller's. */
    public boolean isServerFault() {
      return switch (this) {
        case INVALID_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, WRONG_METHOD, CONFLICT, TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE, MISDIRECTED, UNPROCESSABLE, RATE_LIMITED -> false;
        case UNAVAILABLE, STORE, KEYS, ENVIRONMENT, CONFIG, START_FAILED, INTERNAL -> true;
      };
    }
  }

  private final Code code;

  public OrchestratorException(Code code, String message) {
    super(message);
    this.code = java.util.Objects.requireNonNull(code, "code");
  }

  public OrchestratorException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = java.util.Objects.requireNonNull(code, "code");
  }

  public Code code() {
    return code;
  }
}
