package dev.hallmark.sdk;

/**
 * The orchestrator refused a request or could not be reached. The one-line message names the
 * request, the HTTP status and the orchestrator's own one-line reason ({@code {"error": …}}).
 *
 * <pre>{@code
 * try {
 *   ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"));
 * } catch (OrchestratorException e) {
 *   ctx.log().warn("not attested: HTTP " + e.status());
 *   throw e;
 * }
 * }</pre>
 */
public final class OrchestratorException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  OrchestratorException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status the orchestrator answered with, or 0 when no HTTP answer arrived (connection refused, time-out). */
  public int status() {
    return status;
  }
}
