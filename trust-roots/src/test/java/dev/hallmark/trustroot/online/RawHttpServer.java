package dev.hallmark.trustroot.online;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written HTTP/1.1 server on 127.0.0.1 for behaviour WireMock cannot script exactly: a
 * server that accepts and never answers, or that streams a chunked body without end. Each
 * connection's request head is read, then {@link Behaviour} writes whatever it likes.
 */
final class RawHttpServer implements AutoCloseable {
  interface Behaviour {
    void respond(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  RawHttpServer(Behaviour behaviour) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  accepted.incrementAndGet();
                  connections.add(s);
                  Thread t = new Thread(() -> serve(s, behaviour), "raw-http-conn");
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "raw-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void serve(Socket s, Behaviour behaviour) {
    try {
      readHead(s.getInputStream());
      behaviour.respond(s.getOutputStream());
    } catch (IOException | InterruptedException e) {
      // The client went away (for example after cancelling), which is what tests provoke.
    }
  }

  private static void readHead(InputStream in) throws IOException {
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
