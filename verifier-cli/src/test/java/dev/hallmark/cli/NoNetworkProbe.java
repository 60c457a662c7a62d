package dev.hallmark.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URL;

/**
 * Run in a child JVM started with {@code -Djdk.net.hosts.file=…} that maps a public host name to
 * 127.0.0.1: first fetches {@code args[0]} (through that name, to prove the mapping reaches the
 * test's recording server), then runs the CLI with the remaining arguments. Any request the CLI
 * makes to the mapped name lands on the same server, where the test sees it.
 */
final class NoNetworkProbe {
  private NoNetworkProbe() {}

  public static void main(String[] args) throws Exception {
    try (InputStream in = new URL(args[0]).openStream()) {
      in.readAllBytes();
    }
    String[] cli = java.util.Arrays.copyOfRange(args, 1, args.length);
    System.exit(Hallmark.run(cli, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }
}
