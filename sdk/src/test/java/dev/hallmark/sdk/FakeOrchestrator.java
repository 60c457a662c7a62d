package dev.hallmark.sdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in orchestrator for the SDK's unit tests only, on 127.0.0.1: it records every request
 * and answers as {@link OrchestratorClient} expects, or as a test tells it to. The real
 * orchestrator has its own end-to-end tests.
 */
final class FakeOrchestrator implements AutoCloseable {
  static final String CAPABILITY = "hmcap_Tq3vN8xLr2Zp7Ws5Yb1Kd9Hf4Jm6Gc0E";
  static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
  static final String MEDIA_TYPE = "application/vnd.hallmark.bundle.v1+json";

  record Request(String method, String path, Headers headers, String body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  record Answer(int status, String body) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final HttpServer server;

  FakeOrchestrator() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers every request to {@code path} with this status and body from now on. */
  void answer(String path, int status, String body) {
    answers.put(path, new Answer(status, body));
  }

  List<Request> to(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** The step reports, as "step status message". */
  List<String> stepReports(String jobId) {
    return to(OrchestratorClient.stepsPath(jobId)).stream().map(r -> {
      Map<?, ?> b = (Map<?, ?>) Json.parse(r.body());
      return b.get("step") + " " + b.get("status") + (((String) b.get("message")).isEmpty() ? "" : " " + b.get("message"));
    }).toList();
  }

  /** The job input the orchestrator writes to the workflow JVM's standard input, without secrets. */
  String jobInput(String jobName) {
    return jobInput(jobName, Map.of());
  }

  /** The job input line, then one line per declared secret, as the orchestrator writes them. */
  String jobInput(String jobName, Map<String, String> secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("orchestrator", url());
    m.put("capability", CAPABILITY);
    m.put("runId", "42");
    m.put("jobId", "job-7");
    m.put("repository", "acme/app");
    m.put("ref", "refs/heads/main");
    m.put("sha", "0123456789abcdef0123456789abcdef01234567");
    m.put("workflow", ".hallmark/workflows/Release.java");
    m.put("jobName", jobName);
    m.put("futureField", List.of(1, 2));
    m.put("secrets", (long) secrets.size());
    StringBuilder sb = new StringBuilder(Json.write(m)).append('\n');
    secrets.forEach((name, value) -> {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("name", name);
      line.put("value", value);
      sb.append(Json.write(line)).append('\n');
    });
    return sb.toString();
  }

  private void handle(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Request r = new Request(x.getRequestMethod(), x.getRequestURI().getRawPath(), x.getRequestHeaders(), body);
    requests.add(r);
    Answer a = answers.get(r.path());
    if (a == null) {
      a = defaultAnswer(r);
    }
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Answer defaultAnswer(Request r) {
    if (!"POST".equals(r.method()) || !("Bearer " + CAPABILITY).equals(r.header("Authorization"))) {
      return new Answer(401, "{\"error\":\"capability refused\"}");
    }
    if (r.path().equals(OrchestratorClient.ATTESTATIONS_PATH)) {
      Map<?, ?> b = (Map<?, ?>) Json.parse(r.body());
      Map<?, ?> first = (Map<?, ?>) ((List<?>) b.get("subjects")).get(0);
      String digest = (String) ((Map<?, ?>) first.get("digest")).get("sha256");
      return new Answer(201, Json.write(Map.of("storageKey", "bundles/" + digest.substring(0, 12),
          "subjectDigest", digest, "bundleMediaType", MEDIA_TYPE)));
    }
    if (r.path().equals(OrchestratorClient.OIDC_TOKEN_PATH)) {
      return new Answer(200, "{\"token\":\"" + TOKEN + "\",\"expiresIn\":600}");
    }
    if (r.path().startsWith("/api/v1/jobs/") && r.path().endsWith("/steps")) {
      return new Answer(204, "");
    }
    return new Answer(404, "{\"error\":\"no such endpoint\"}");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
