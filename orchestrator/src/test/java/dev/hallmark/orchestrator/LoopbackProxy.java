package dev.hallmark.orchestrator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback TCP forwarder standing in for the proxy in front of {@code serve --public-url}: it
 * listens on a port of its own and pipes bytes both ways to {@link #retarget a target port}, which
 * a test moves when serve restarts on another port. Daemon threads; {@link #close} ends it.
 *
 * <pre>{@code
 * try (LoopbackProxy proxy = LoopbackProxy.start(serverPort)) {
 *   String publicUrl = "http://127.0.0.1:" + proxy.port();
 * }
 * }</pre>
 */
final class LoopbackProxy implements AutoCloseable {
  private final ServerSocket listener;
  private volatile int target;

  private LoopbackProxy(ServerSocket listener, int target) {
    this.listener = listener;
    this.target = target;
  }

  static LoopbackProxy start(int target) throws IOException {
    LoopbackProxy proxy = new LoopbackProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
    daemon("proxy-accept", proxy::accept);
    return proxy;
  }

  int port() {
    return listener.getLocalPort();
  }

  /** New connections go to {@code port}; open ones stay where they are. */
  void retarget(int port) {
    this.target = port;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
          client.close(); // nothing listens at the target: the client sees a closed connection
          continue;
        }
        daemon("proxy-up", () -> pipe(client, upstream));
        daemon("proxy-down", () -> pipe(upstream, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /**
   * Copies until {@code from} ends, then passes the end on (a half-close, as a proxy does); the
   * sockets are closed once both directions ended, or at once on an error.
   */
  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
      if (from.isOutputShutdown()) {
        closeQuietly(from);
        closeQuietly(to);
      }
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
