package dev.hallmark.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * Serves a folder read-only over plain HTTP on the loopback address, for {@code hallmark log
 * monitor} in {@code scripts/bench}: the log that {@code FixtureGenerator --log-batch} writes
 * ({@code DIR/log/checkpoint}, {@code DIR/log/tile/…}) at {@code http://127.0.0.1:PORT/}. Prints
 * the port once listening; runs until killed. For benchmarks only.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.hallmark.bench.LogServer DIR/log [PORT]
 * }</pre>
 */
public final class LogServer {
  private LogServer() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: LogServer DIR [PORT]");
      System.exit(1);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      System.err.println("log-server: " + root + " is not a directory");
      System.exit(1);
    }
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      try (exchange) {
        Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
        if (!exchange.getRequestMethod().equals("GET") || !file.startsWith(root) || !Files.isRegularFile(file)) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
  }
}
