package dev.hallmark.orchestrator;

/**
 * The orchestrator's one exception type (STYLE: one per module): a stable {@link #code()} and a
 * one-line message naming the input, never internals. The HTTP layer maps the code to a status.
 */
public final class OrchestratorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request or operation failed; {@link #httpStatus()} is what the API answers. */
  public enum Code {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    MISDIRECTED(421),
    UNPROCESSABLE(422),
    RATE_LIMITED(429),
    /** A part the call needs (the log's witnesses) did not answer in time: the caller may retry. */
    UNAVAILABLE(503),
    STORE(500),
    KEYS(500);

    private final int httpStatus;

    Code(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Code code;

  public OrchestratorException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public OrchestratorException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
