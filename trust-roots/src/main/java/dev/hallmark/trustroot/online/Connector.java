package dev.hallmark.trustroot.online;

import dev.hallmark.trustroot.TrustRootException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Performs one HTTP GET, nothing more: no redirects, no retries, no URL policy. {@link
 * RemoteDocument} checks the URL (FORMATS §1) before it calls a connector and judges the status
 * afterwards; a connector only moves bytes, within a time budget and a size bound. Replace it in
 * tests, or to change the transport (a custom trust store, client certificates); the URL rules stay
 * in {@code RemoteDocument} either way.
 *
 * <pre>{@code
 * Connector connector = Connector.httpClient();
 * Connector.Response r =
 *     connector.get(uri, null, Duration.ofSeconds(10), StrictJson.DOCUMENT_LIMIT);
 * if (r.status() == 200) use(r.body());
 * }</pre>
 */
@FunctionalInterface
public interface Connector {
  /**
   * Sends {@code GET uri} and returns the answer.
   *
   * @param uri the URL to request (its host names the server for TLS and the Host header)
   * @param address for plain HTTP, the checked loopback address to connect to, without resolving
   *     the host name; {@code null} for HTTPS, where the host name is resolved and TLS
   *     authenticates it
   * @param timeout the time left for the whole exchange, body included; positive
   * @param maxBytes the largest acceptable body of a 200 answer
   * @return the status, the {@code Location} header and, for status 200 only, the body
   * @throws TrustRootException {@code TOO_LARGE} as soon as the body exceeds {@code maxBytes};
   *     {@code TIMEOUT} when {@code timeout} runs out; {@code UNREACHABLE} on connection failure
   */
  Response get(URI uri, InetAddress address, Duration timeout, int maxBytes);

  /**
   * The default connector: one shared {@link java.net.http.HttpClient} that never follows
   * redirects, bounds the body while it streams, and cancels the exchange at the time-out.
   */
  static Connector httpClient() {
    return HttpClientConnector.INSTANCE;
  }

  /**
   * One answer.
   *
   * @param status the HTTP status code
   * @param location the {@code Location} header, or {@code null}; only for messages, never followed
   * @param body the body of a 200 answer; empty for any other status
   */
  record Response(int status, String location, byte[] body) {
    private static final byte[] EMPTY = new byte[0];

    public Response {
      if (status < 100 || status > 999) {
        throw new IllegalArgumentException("not an HTTP status: " + status);
      }
      body = body == null ? EMPTY : body.clone();
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
      return body.clone();
    }

    /** The body's length, without copying it. */
    public int bodyLength() {
      return body.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Response r
          && r.status == status
          && Objects.equals(r.location, location)
          && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
      return (status * 31 + Objects.hashCode(location)) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
      return "Response[status="
          + status
          + ", location="
          + location
          + ", body="
          + body.length
          + " bytes]";
    }
  }
}
