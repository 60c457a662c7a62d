package dev.hallmark.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.testing.LogForge;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.TileWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tlog-tiles log on a real loopback port (the JDK's HttpServer): {@code /log/checkpoint} and
 * {@code /log/tile/...} answer what {@link TileWriter} published for the entries appended, signed
 * by a {@link LogForge}; any other path is a 404. Records every request path.
 */
final class TileServer implements AutoCloseable {
  final LogForge forge;
  final List<byte[]> entries = new ArrayList<>();
  private TileWriter writer = TileWriter.empty();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  private final HttpServer server;

  TileServer(LogForge forge) throws IOException {
    this.forge = forge;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:<port>/log}. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/log";
  }

  /** Appends entries to the tree (not yet published as a checkpoint). */
  void append(List<String> tokens) {
    List<byte[]> bytes = tokens.stream().map(t -> t.getBytes(StandardCharsets.US_ASCII)).toList();
    for (byte[] b : bytes) {
      entries.add(b);
      forge.append(b);
    }
    for (TileWriter.Output o : writer.append(bytes)) {
      files.put(o.tile().path(), o.bytes());
    }
  }

  /** Forgets every entry and tile: a log that rewrites its history from scratch, keeping its key. */
  void rewrite() {
    entries.clear();
    forge.leaves.clear();
    files.clear();
    writer = TileWriter.empty();
  }

  /** Publishes the forge's checkpoint of the whole tree, cosigned by each named witness now. */
  Checkpoint publish(String... witnesses) {
    Checkpoint cp = forge.checkpoint();
    long now = System.currentTimeMillis() / 1000;
    for (String w : witnesses) {
      cp = forge.cosign(cp, w, now - 5);
    }
    publish(cp);
    return cp;
  }

  void publish(Checkpoint cp) {
    files.put("checkpoint", cp.signedText().getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces one published file's bytes. */
  void put(String path, byte[] bytes) {
    files.put(path, bytes);
  }

  byte[] get(String path) {
    return files.get(path);
  }

  /** The trust root of {@code issuer}'s key with a log member: this log's policy and {@code rest}. */
  String trustRoot(BundleForge issuer, String policy) {
    Map<String, Object> log = new java.util.LinkedHashMap<>();
    log.put("policy", policy);
    log.put("since", 0L);
    Map<String, Object> root = new java.util.LinkedHashMap<>();
    root.put("issuer", BundleForge.ISSUER);
    root.put("jwks", Map.of("keys", List.of(issuer.issuerJwk())));
    root.put("log", log);
    return new String(dev.hallmark.attestation.json.StrictJson.writePretty(root), StandardCharsets.UTF_8);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(path);
    byte[] body = path.startsWith("/log/") ? files.get(path.substring("/log/".length())) : null;
    if (body == null) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", path.endsWith("checkpoint") ? "text/plain; charset=utf-8" : "application/octet-stream");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
