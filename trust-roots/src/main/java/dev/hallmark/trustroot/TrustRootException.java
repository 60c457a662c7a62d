package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type of the trust-roots module: a stable {@link Code} and a one-line message
 * that names the input (a file path or a URL), never internals or a stack trace.
 *
 * <pre>{@code
 * try {
 *   TrustRoot root = OnlineTrustRootSource.parse(arg, OnlineOptions.defaults()).load();
 * } catch (TrustRootException e) {
 *   if (e.code() == TrustRootException.Code.TIMEOUT) { ... }
 *   err.println(e.getMessage());   // one line, safe to show
 * }
 * }</pre>
 */
public final class TrustRootException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a trust root could not be had. The names are stable; callers and tests switch on them. */
  public enum Code {
    /** A file could not be read: missing, not a regular file, or an I/O error. */
    UNREADABLE,
    /** A file could not be written (export). */
    UNWRITABLE,
    /** The trust root, discovery document or JWK Set breaks FORMATS §1 or is not strict JSON. */
    INVALID,
    /** The server could not be reached (refused, unknown host, TLS failure, reset). */
    UNREACHABLE,
    /** The server answered with a status other than 200 and not a redirect. */
    HTTP_STATUS,
    /** A file or body is larger than its bound (FORMATS §1: 1 MiB; §6: 10 MiB for bundles). */
    TOO_LARGE,
    /** The server answered with a redirect, which is never followed (FORMATS §1). */
    REDIRECT,
    /** The one time-out for all fetches together ran out (FORMATS §1). */
    TIMEOUT,
    /** The discovery document names another issuer than the URL asked (FORMATS §1). */
    ISSUER_MISMATCH,
    /** The {@code jwks_uri} lies outside the issuer URL's origin (FORMATS §1). */
    FOREIGN_ORIGIN,
    /** A URL is neither HTTPS nor plain HTTP to a literal loopback host, or carries user info. */
    INSECURE_URL,
    /** A string is not an absolute hierarchical URL with a host. */
    MALFORMED_URL
  }

  private final Code code;

  public TrustRootException(Code code, String message) {
    // No cause, no suppression, no stack trace: the message is the whole report, and a memoized
    // source may rethrow the same instance from many threads.
    super(requireNonNull(message, "message"), null, false, false);
    this.code = requireNonNull(code, "code");
  }

  public Code code() {
    return code;
  }

  @Override
  public String toString() {
    return "TrustRootException[" + code + "]: " + getMessage();
  }
}
