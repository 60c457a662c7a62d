package dev.hallmark.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hallmark.attestation.json.StrictJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real OpenID issuer on a loopback port (the JDK's HttpServer): {@code /oidc/.well-known/
 * openid-configuration} names {@code http://127.0.0.1:<port>/oidc} and its {@code /oidc/jwks};
 * a path given to {@link #serve} answers its bytes; every other path answers 200 with an empty
 * object. Records the path of every request.
 */
final class RecordingIssuer implements AutoCloseable {
  private final HttpServer server;
  private final List<String> requests = new ArrayList<>();
  private volatile List<Map<String, Object>> keys = List.of();
  private final Map<String, byte[]> documents = new java.util.concurrent.ConcurrentHashMap<>();

  RecordingIssuer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>/oidc}. */
  String issuer() {
    return "http://127.0.0.1:" + port() + "/oidc";
  }

  /** The public JWKs the JWKS document lists. */
  void publish(List<Map<String, Object>> jwks) {
    this.keys = List.copyOf(jwks);
  }

  /** Answers {@code path} with {@code body} from now on. */
  void serve(String path, byte[] body) {
    documents.put(path, body.clone());
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    synchronized (this) {
      requests.add(path);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (path.equals("/oidc/.well-known/openid-configuration")) {
      body.put("issuer", issuer());
      body.put("jwks_uri", issuer() + "/jwks");
    } else if (path.equals("/oidc/jwks")) {
      body.put("keys", keys);
    }
    byte[] bytes = documents.containsKey(path) ? documents.get(path) : StrictJson.write(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
