package dev.hallmark.trustroot.online;

import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/** {@link Connector#httpClient()}: the JDK's {@link HttpClient}, hardened for FORMATS §1. */
final class HttpClientConnector implements Connector {
  static final HttpClientConnector INSTANCE = new HttpClientConnector();

  private HttpClientConnector() {}

  /** Created on first use (initialisation-on-demand holder), then shared: it pools connections. */
  private static final class Shared {
    static final HttpClient CLIENT =
        HttpClient.newBuilder()
            // FORMATS §1: no redirects followed; the 3xx reaches RemoteDocument, which refuses it.
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(new PlainHttpDirect())
            .build();
  }

  @Override
  public Response get(URI uri, InetAddress address, Duration timeout, int maxBytes) {
    String shown = Display.url(uri);
    URI target = address == null ? uri : withAddress(uri, address);
    HttpRequest request;
    try {
      // The JDK client decodes no content coding: ask for the bytes as they are (a tlog-tiles
      // log may otherwise gzip its entry bundles, and a bound on the body would count the wrong bytes).
      request = HttpRequest.newBuilder(target).GET().header("Accept-Encoding", "identity").timeout(timeout).build();
    } catch (IllegalArgumentException e) {
      throw new TrustRootException(Code.MALFORMED_URL, shown + " cannot be requested");
    }
    LimitedBodyHandler handler = new LimitedBodyHandler(maxBytes, shown);
    CompletableFuture<HttpResponse<byte[]>> exchange = Shared.CLIENT.sendAsync(request, handler);
    try {
      // The deadline covers the whole exchange, body included; HttpRequest.timeout alone would
      // stop at the headers and let a server dribble the body forever.
      HttpResponse<byte[]> response = exchange.get(nanos(timeout), TimeUnit.NANOSECONDS);
      String location = response.headers().firstValue("location").orElse(null);
      return new Response(response.statusCode(), location, response.body());
    } catch (TimeoutException e) {
      cancel(exchange, handler);
      throw timedOut(shown);
    } catch (InterruptedException e) {
      cancel(exchange, handler);
      Thread.currentThread().interrupt();
      throw new TrustRootException(Code.UNREACHABLE, "fetching " + shown + " was interrupted");
    } catch (ExecutionException e) {
      cancel(exchange, handler);
      throw translate(e.getCause(), shown);
    }
  }

  /**
   * The time-out in nanoseconds, saturated: a budget of centuries must not overflow to the past.
   */
  private static long nanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void cancel(CompletableFuture<?> exchange, LimitedBodyHandler handler) {
    exchange.cancel(true);
    handler.abort();
  }

  /**
   * The same URL with its host replaced by the checked address, so that the client connects to that
   * address and resolves nothing (FORMATS §1: "connecting only to the address that was checked").
   * Only used for plain HTTP to loopback, where no certificate names the host.
   */
  static URI withAddress(URI uri, InetAddress address) {
    String host = address.getHostAddress();
    if (address instanceof Inet6Address) {
      host = "[" + host + "]";
    }
    StringBuilder b = new StringBuilder();
    b.append(uri.getScheme()).append("://").append(host);
    if (uri.getPort() != -1) {
      b.append(':').append(uri.getPort());
    }
    b.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      b.append('?').append(uri.getRawQuery());
    }
    return URI.create(b.toString());
  }

  private static TrustRootException timedOut(String shown) {
    return new TrustRootException(
        Code.TIMEOUT, "no complete answer from " + shown + " within the time-out");
  }

  /** Maps a failed exchange to one code and a message without internals. */
  static TrustRootException translate(Throwable failure, String shown) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TrustRootException e) {
        return e;
      }
      if (t instanceof HttpTimeoutException) {
        return timedOut(shown);
      }
    }
    String reason = "the request failed";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        reason = "the TLS handshake failed";
        break;
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        reason = "the host name does not resolve";
        break;
      }
      if (t instanceof ConnectException) {
        reason = "the connection was refused";
        break;
      }
      if (t instanceof IOException) {
        reason = "the connection failed";
      }
    }
    return new TrustRootException(Code.UNREACHABLE, "cannot fetch " + shown + ": " + reason);
  }

  /**
   * Reads the body of a 200 answer within the bound and no other body: a 3xx or an error page is
   * judged by its status alone, and its connection closed rather than drained.
   */
  private static final class LimitedBodyHandler implements HttpResponse.BodyHandler<byte[]> {
    private final int maxBytes;
    private final String shown;
    private final AtomicReference<LimitedBodySubscriber> current = new AtomicReference<>();
    private volatile boolean aborted;

    LimitedBodyHandler(int maxBytes, String shown) {
      this.maxBytes = maxBytes;
      this.shown = shown;
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
      LimitedBodySubscriber subscriber;
      if (info.statusCode() != 200) {
        subscriber = LimitedBodySubscriber.discarding();
      } else if (declaredLength(info) > maxBytes) {
        // Refuse early when the server announces too much; the streaming bound still applies
        // when it announces nothing (chunked) or too little.
        subscriber = LimitedBodySubscriber.refusing(tooLarge());
      } else {
        subscriber = LimitedBodySubscriber.limited(maxBytes, this::tooLarge);
      }
      current.set(subscriber);
      if (aborted) {
        subscriber.abort();
      }
      return subscriber;
    }

    private TrustRootException tooLarge() {
      return new TrustRootException(
          Code.TOO_LARGE, "the body from " + shown + " exceeds " + maxBytes + " bytes");
    }

    private static long declaredLength(HttpResponse.ResponseInfo info) {
      try {
        OptionalLong length = info.headers().firstValueAsLong("content-length");
        return length.orElse(-1);
      } catch (NumberFormatException e) {
        return -1; // not trusted either way; the streaming bound decides
      }
    }

    void abort() {
      aborted = true;
      LimitedBodySubscriber s = current.get();
      if (s != null) {
        s.abort();
      }
    }
  }

  /**
   * Plain HTTP only ever goes to a checked loopback address (FORMATS §1), so it must never be
   * handed to a proxy, which would connect elsewhere. HTTPS follows the system proxy settings.
   */
  private static final class PlainHttpDirect extends ProxySelector {
    @Override
    public List<Proxy> select(URI uri) {
      if ("http".equalsIgnoreCase(uri.getScheme())) {
        return List.of(Proxy.NO_PROXY);
      }
      ProxySelector system = ProxySelector.getDefault();
      return system == null ? List.of(Proxy.NO_PROXY) : system.select(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
      ProxySelector system = ProxySelector.getDefault();
      if (system != null && !"http".equalsIgnoreCase(uri.getScheme())) {
        system.connectFailed(uri, address, e);
      }
    }
  }
}
