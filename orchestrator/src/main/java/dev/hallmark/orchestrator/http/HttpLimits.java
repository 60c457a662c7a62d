package dev.hallmark.orchestrator.http;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.time.Duration;

/**
 * What one client may hold of the HTTP server: a request head must arrive within
 * {@code headerTimeout} of its first byte, a request body within {@code bodyTimeout} of its head, a
 * connection may sit silent for {@code idleTimeout}; one client address may hold
 * {@code maxConnectionsPerAddress} connections and everyone together {@code maxConnections}.
 *
 * <pre>{@code
 * var limits = HttpLimits.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(15));
 * }</pre>
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
    int maxConnectionsPerAddress, int maxConnections) {
  private static final Duration SHORTEST = Duration.ofMillis(100);
  private static final Duration LONGEST = Duration.ofHours(1);

  public HttpLimits {
    checkTimeout("header time-out", headerTimeout);
    checkTimeout("body time-out", bodyTimeout);
    checkTimeout("idle time-out", idleTimeout);
    if (maxConnections < 1 || maxConnections > 100_000) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the connection limit must be 1 to 100000, not " + maxConnections);
    }
    if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > maxConnections) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the connection limit per client address must be 1 to "
          + maxConnections + " (the total), not " + maxConnectionsPerAddress);
    }
  }

  /** 10 s for a request head, 30 s for a body, 30 s idle; 64 connections per address, 1,024 in all. */
  public static HttpLimits defaults() {
    return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 64, 1024);
  }

  public HttpLimits withTimeouts(Duration header, Duration body, Duration idle) {
    return new HttpLimits(header, body, idle, maxConnectionsPerAddress, maxConnections);
  }

  public HttpLimits withConnections(int perAddress, int total) {
    return new HttpLimits(headerTimeout, bodyTimeout, idleTimeout, perAddress, total);
  }

  private static void checkTimeout(String name, Duration d) {
    requireNonNull(d, name);
    if (d.compareTo(SHORTEST) < 0 || d.compareTo(LONGEST) > 0) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the " + name + " must be 0.1 s to 1 h, not " + d.toMillis() + " ms");
    }
  }
}
