package dev.hallmark.trustroot.online;

import static java.util.Objects.requireNonNull;

import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.net.URI;
import java.time.Duration;

/**
 * Fetches one document under the FORMATS §1 rules: HTTPS, or plain HTTP only to a literal loopback
 * host ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}) and then only to that address; no user
 * info; no redirect followed; status 200 only; a size bound enforced while the body streams; a
 * deadline for the whole exchange. A refused URL is refused before any connection. Discovery
 * documents and JWK Sets use {@code StrictJson.DOCUMENT_LIMIT}; a bundle given as a URL uses {@code
 * StrictJson.BUNDLE_LIMIT} (FORMATS §1, §6).
 *
 * <pre>{@code
 * byte[] bundle = RemoteDocument.fetch(
 *     URI.create("https://ci.example.com/bundles/42.json"), StrictJson.BUNDLE_LIMIT,
 *     OnlineOptions.defaults());
 * }</pre>
 */
public final class RemoteDocument {
  private RemoteDocument() {}

  /** Fetches {@code url} within {@code options.timeout()}, using {@code options.connector()}. */
  public static byte[] fetch(URI url, int maxBytes, OnlineOptions options) {
    requireNonNull(options, "options");
    // Check before the deadline starts, so that a refused URL is reported as such.
    CheckedUrl.check(url);
    return fetch(url, maxBytes, Deadline.after(options.timeout()), options.connector());
  }

  /**
   * Fetches {@code url} before {@code deadline}, which may be shared with other fetches.
   *
   * @return the body of a 200 answer, at most {@code maxBytes} long
   * @throws TrustRootException {@code INSECURE_URL} or {@code MALFORMED_URL} before any connection;
   *     {@code REDIRECT} for a 3xx; {@code HTTP_STATUS} for any other non-200; {@code TOO_LARGE};
   *     {@code TIMEOUT}; {@code UNREACHABLE}
   */
  public static byte[] fetch(URI url, int maxBytes, Deadline deadline, Connector connector) {
    return fetch(url, maxBytes, deadline, connector, null);
  }

  /** As above; a 404 answer's message ends with {@code notFoundHint} when it is not null. */
  static byte[] fetch(URI url, int maxBytes, Deadline deadline, Connector connector, String notFoundHint) {
    requireNonNull(deadline, "deadline");
    requireNonNull(connector, "connector");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
    }
    CheckedUrl checked = CheckedUrl.check(url);
    String shown = Display.url(url);
    Duration remaining = deadline.remaining();
    if (remaining.isZero()) {
      throw new TrustRootException(Code.TIMEOUT, "the time-out ran out before fetching " + shown);
    }
    Connector.Response response =
        requireNonNull(
            connector.get(checked.uri(), checked.address(), remaining, maxBytes), "response");
    int status = response.status();
    if (status >= 300 && status < 400) {
      // FORMATS §1: no redirects followed. The target is named so that the user can decide to
      // pass it directly, which then goes through these same checks.
      String location =
          response.location() == null ? "no Location" : Display.untrusted(response.location());
      throw new TrustRootException(
          Code.REDIRECT,
          shown
              + " answered HTTP "
              + status
              + " redirecting to "
              + location
              + "; redirects are not followed");
    }
    if (status != 200) {
      String hint = status == 404 && notFoundHint != null ? " " + notFoundHint : "";
      throw new TrustRootException(Code.HTTP_STATUS, shown + " answered HTTP " + status + hint);
    }
    // A connector is replaceable; the bound is this class's promise, so it is checked again.
    if (response.bodyLength() > maxBytes) {
      throw new TrustRootException(
          Code.TOO_LARGE, "the body from " + shown + " exceeds " + maxBytes + " bytes");
    }
    return response.body();
  }
}
