package dev.hallmark.orchestrator.http;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.events.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where domain errors become HTTP, for the API and the witness alike: the status of each {@link
 * Code} (4xx for the caller's faults, 5xx for the server's) and the one {@code request.error} log
 * line per refused request. The client gets one line; only the log gets a 5xx's cause.
 *
 * <pre>{@code
 * int status = HttpErrors.status(e.code());          // Code.RATE_LIMITED -> 429
 * HttpErrors.log(method, path, status, e.code(), e.getMessage(), e);
 * }</pre>
 */
public final class HttpErrors {
  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
  /** The {@code Allow} header of a {@link Code#WRONG_METHOD} on a read-only resource. */
  public static final String ALLOW_GET = "GET, HEAD";
  /** The {@code Allow} header of a {@link Code#WRONG_METHOD} on an endpoint that takes a body. */
  public static final String ALLOW_POST = "POST";

  private HttpErrors() {}

  /** The status a {@link Code} is answered with. Exhaustive: a new code does not compile until mapped. */
  public static int status(Code code) {
    return switch (code) {
      case INVALID_INPUT -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case WRONG_METHOD -> 405;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case MISDIRECTED -> 421;
      case UNPROCESSABLE -> 422;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
      case STORE, KEYS, ENVIRONMENT, CONFIG, START_FAILED, INTERNAL -> 500;
    };
  }

  /** The status of any failure a route throws: an {@link OrchestratorException}'s, else 500. */
  public static int status(Throwable e) {
    return e instanceof OrchestratorException oe ? status(oe.code()) : 500;
  }

  /** What the client is told: the message of a domain error, never the text of anything else. */
  public static String clientMessage(Throwable e) {
    return e instanceof OrchestratorException ? LogText.oneLine(e.getMessage()) : "internal error";
  }

  /**
   * One line per refused request: {@code request.error method= path= status= code= message=}.
   * A server fault (5xx) is logged at ERROR with {@code cause}'s stack trace; credential and Host
   * refusals (401, 403, 421: someone probing) at WARN; other caller faults at INFO. The path is
   * the raw path only (never the query), made printable and short; capabilities travel in headers,
   * which are never logged.
   */
  public static void log(String method, String path, int status, Code code, String message, Throwable cause) {
    String codeName = code == null ? "-" : code.name();
    String shownPath = printable(path == null ? "" : path, 200);
    String shownMethod = printable(method == null ? "" : method, 16);
    String shown = quoted(LogText.oneLine(message)).replaceAll("\\p{Cntrl}", "?");
    if (status >= 500) {
      LOG.error("request.error method={} path={} status={} code={} message=\"{}\"", shownMethod, shownPath, status,
          codeName, shown, cause);
    } else if (status == 401 || status == 403 || status == 421) {
      LOG.warn("request.error method={} path={} status={} code={} message=\"{}\"", shownMethod, shownPath, status,
          codeName, shown);
    } else {
      LOG.info("request.error method={} path={} status={} code={} message=\"{}\"", shownMethod, shownPath, status,
          codeName, shown);
    }
  }

  /** A value inside {@code "…"} of a log line: quotes and backslashes escaped, so the line parses. */
  public static String quoted(String s) {
    return LogText.quoted(s);
  }

  /** Request-controlled text in a log line: printable ASCII only (no forged line breaks), and short. */
  static String printable(String s, int max) {
    String p = s.replaceAll("[^\\x21-\\x7e]", "?");
    return p.length() > max ? p.substring(0, max) + "…" : p;
  }
}
