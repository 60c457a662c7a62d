package dev.hallmark.orchestrator.http;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * The two limits Jetty does not have built in. Per client address: a connection past
 * {@link HttpLimits#maxConnectionsPerAddress} is closed as it opens, so one client cannot take the
 * whole {@link HttpLimits#maxConnections}. Per request: Jetty's idle time-out only sees silence, so a
 * client that drips a header byte every few seconds (or a body byte) would hold its connection for
 * ever; a sweep closes a connection whose request head is older than the header time-out or whose
 * body is older than the body time-out, judged from the HTTP/1.1 parser's state.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {
  private final HttpLimits limits;
  private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  /** The connections counted (and so to uncount when they close). */
  private final Map<Connection, InetAddress> admitted = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hallmark-http-guard");
    t.setDaemon(true);
    return t;
  });
  private volatile Map<EndPoint, Watch> watches = Map.of();

  /** Where a connection's current request is, since when. */
  private enum Phase { OTHER, HEAD, BODY }

  private static final class Watch {
    final long messages;
    long startBytes = -1;
    Phase phase = Phase.OTHER;
    long since;

    Watch(long messages) {
      this.messages = messages;
    }
  }

  ConnectionGuard(HttpLimits limits) {
    this.limits = requireNonNull(limits, "limits");
  }

  /** Starts sweeping the connector's connections a few times per shortest time-out. */
  void watch(AbstractConnector connector) {
    long shortest = Math.min(limits.headerTimeout().toMillis(), limits.bodyTimeout().toMillis());
    long period = Math.max(20, Math.min(1000, shortest / 5));
    sweeper.scheduleWithFixedDelay(() -> sweep(connector), period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress address = remoteAddress(connection.getEndPoint().getRemoteSocketAddress());
    if (address == null) {
      return;
    }
    AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
    if (count.incrementAndGet() > limits.maxConnectionsPerAddress()) {
      count.decrementAndGet();
      // Closed before a byte is read: the client sees the connection end, the others are served.
      connection.getEndPoint().close();
      return;
    }
    admitted.put(connection, address);
  }

  @Override
  public void onClosed(Connection connection) {
    InetAddress address = admitted.remove(connection);
    if (address != null) {
      perAddress.computeIfPresent(address, (a, c) -> c.decrementAndGet() <= 0 ? null : c);
    }
  }

  private void sweep(AbstractConnector connector) {
    try {
      long now = System.nanoTime();
      Map<EndPoint, Watch> old = watches;
      Map<EndPoint, Watch> next = new HashMap<>();
      for (EndPoint ep : connector.getConnectedEndPoints()) {
        if (!(ep.getConnection() instanceof HttpConnection c)) {
          continue;
        }
        Watch w = old.get(ep);
        long messages = c.getMessagesIn();
        if (w == null || w.messages != messages) {
          w = new Watch(messages);
          w.since = now;
        }
        next.put(ep, w);
        Phase phase = phase(c, w);
        if (phase != w.phase) {
          w.phase = phase;
          w.since = now;
        } else if (phase == Phase.HEAD && now - w.since > limits.headerTimeout().toNanos()
            || phase == Phase.BODY && now - w.since > limits.bodyTimeout().toNanos()) {
          ep.close();
        }
      }
      watches = next;
    } catch (RuntimeException e) {
      // A connection changed under us; the next sweep looks again (at DEBUG: every 100 ms otherwise).
      org.slf4j.LoggerFactory.getLogger(ConnectionGuard.class).debug("connection.sweep.skipped", e);
    }
  }

  /**
   * HEAD from the first byte of a request line until its head is complete; BODY while its content
   * arrives. A connection waiting between requests is OTHER (Jetty's idle time-out covers it) until a
   * byte arrives, padding included.
   */
  private static Phase phase(HttpConnection c, Watch w) {
    HttpParser p = c.getParser();
    if (p.isStart()) {
      long bytes = c.getBytesIn();
      if (w.startBytes < 0) {
        w.startBytes = bytes;
      }
      return bytes > w.startBytes ? Phase.HEAD : Phase.OTHER;
    }
    if (p.inHeaderState()) {
      return Phase.HEAD;
    }
    return p.inContentState() ? Phase.BODY : Phase.OTHER;
  }

  private static InetAddress remoteAddress(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getAddress() : null;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
