package dev.hallmark.orchestrator.runner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where a sandboxed job or {@code --describe} hands something to a test: the sandbox lets it write
 * only its own folder, but it shares the network, so it connects to this loopback port and writes.
 * One connection; everything it sent is the answer.
 *
 * <pre>{@code
 * try (LoopbackDrop drop = new LoopbackDrop()) {
 *   // the job: new java.net.Socket("127.0.0.1", drop.port()).getOutputStream().write(…)
 *   String got = drop.await(Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class LoopbackDrop implements AutoCloseable {
  private final ServerSocket server;
  private final CompletableFuture<String> received;

  public LoopbackDrop() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    received = CompletableFuture.supplyAsync(() -> {
      try (Socket s = server.accept()) {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Java source that sends {@code expression} (a String) here, for a workflow written by a test. */
  public String sendSource(String expression) {
    return "try (java.net.Socket s = new java.net.Socket(\"127.0.0.1\", " + port() + ")) {"
        + " s.getOutputStream().write((" + expression + ").getBytes(java.nio.charset.StandardCharsets.UTF_8));"
        + " } catch (java.io.IOException e) { throw new RuntimeException(e); }";
  }

  public String await(Duration max) throws Exception {
    return received.get(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
