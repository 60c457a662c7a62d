package dev.hallmark.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The SDK's whole conversation with the orchestrator, every endpoint path in this one class so
 * the orchestrator can be checked against it. All requests are {@code POST} with
 * {@code Authorization: Bearer <capability>}, {@code Content-Type: application/json}, a JSON
 * body, and go over plain HTTP to a loopback address literal only. A non-2xx answer becomes an
 * {@link OrchestratorException} carrying the status and the orchestrator's one-line
 * {@code {"error": "…"}} reason.
 *
 * <pre>{@code
 * POST /api/v1/jobs/{jobId}/steps   {"step":"compile","status":"running","message":""}   -> 2xx, body ignored
 * POST /api/v1/attestations         {"subjects":[{"name":"app.tgz","digest":{"sha256":"<64 hex>"}}]}
 *                                   -> {"storageKey":"…","subjectDigest":"<64 hex of the first subject>","bundleMediaType":"…"}
 * POST /api/v1/oidc/token           {"audience":"https://registry.example.com"}
 *                                   -> {"token":"<compact JWS>","expiresIn":600}
 * }</pre>
 */
final class OrchestratorClient {
  static final String ATTESTATIONS_PATH = "/api/v1/attestations";
  static final String OIDC_TOKEN_PATH = "/api/v1/oidc/token";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final int MAX_RESPONSE_BYTES = 1 << 20;
  private static final int MAX_REASON = 300;
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private final URI base;
  private final Capability capability;
  private final String jobId;
  private final Masker masker;
  private final HttpClient http;

  OrchestratorClient(URI base, Capability capability, String jobId, Masker masker) {
    this.base = base;
    this.capability = capability;
    this.jobId = jobId;
    this.masker = masker;
    this.http = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY) // loopback only, never through a proxy
        // Plain HTTP only, so TLS is never used: an uninitialized context (which cannot make a TLS
        // connection at all) spares the JDK's default one, whose CA store loading costs a few
        // hundred milliseconds of every job's start-up.
        .sslContext(noTls())
        .sslParameters(new SSLParameters())
        .build();
  }

  private static SSLContext noTls() {
    try {
      return SSLContext.getInstance("TLS");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no TLS provider", e);
    }
  }

  static String stepsPath(String jobId) {
    return "/api/v1/jobs/" + jobId + "/steps";
  }

  /**
   * Checks that {@code url} is {@code http://<loopback address literal>:<port>} (optionally with
   * a trailing {@code /}) and returns it without the slash. Names such as {@code localhost} are
   * refused: what they resolve to is not ours to trust.
   */
  static URI loopbackBase(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("orchestrator URL " + Names.show(url) + " is not a valid URL");
    }
    String host = u.getHost();
    boolean shape = "http".equals(u.getScheme()) && u.getRawUserInfo() == null && u.getRawQuery() == null
        && u.getRawFragment() == null && host != null && u.getPort() > 0
        && (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"));
    if (!shape) {
      throw new IllegalArgumentException("orchestrator URL " + Names.show(url)
          + " is not of the form http://127.0.0.1:PORT");
    }
    if (!isLoopbackLiteral(host)) {
      throw new IllegalArgumentException("orchestrator URL " + Names.show(url)
          + " does not name a loopback address literal (127.x.y.z or [::1]); the SDK talks to a local orchestrator only");
    }
    return URI.create("http://" + host + ":" + u.getPort());
  }

  private static boolean isLoopbackLiteral(String host) {
    var m = IPV4.matcher(host);
    if (m.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(m.group(i)) > 255) {
          return false;
        }
      }
      return Integer.parseInt(m.group(1)) == 127;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      try {
        // An IPv6 literal: parsed, never looked up.
        return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
      } catch (IOException e) {
        return false;
      }
    }
    return false;
  }

  /** Reports a step's status: {@code running}, {@code succeeded}, {@code failed} or {@code skipped}. */
  void reportStep(String step, String status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("step", step);
    body.put("status", status);
    body.put("message", message);
    post(stepsPath(jobId), body);
  }

  /** Asks for one attestation of {@code subjects}; checks the answer names the first subject's digest. */
  Attestation attest(List<Subject> subjects) {
    List<Object> list = new ArrayList<>();
    for (Subject s : subjects) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", s.name());
      entry.put("digest", Map.of("sha256", s.sha256()));
      list.add(entry);
    }
    Answer a = post(ATTESTATIONS_PATH, Map.of("subjects", list));
    try {
      Map<String, Object> o = a.object();
      Attestation result = new Attestation(Json.string(o, "storageKey"), Json.string(o, "subjectDigest"),
          Json.string(o, "bundleMediaType"));
      if (!result.subjectDigest().equals(subjects.get(0).sha256())) {
        throw new IllegalArgumentException("its subjectDigest is not the first subject's SHA-256");
      }
      if (result.storageKey().isEmpty()) {
        throw new IllegalArgumentException("its storageKey is empty");
      }
      return result;
    } catch (IllegalArgumentException e) {
      throw invalidAnswer(ATTESTATIONS_PATH, a.status(), e);
    }
  }

  /** Asks for an identity token for {@code audience}; the token is masked from then on. */
  IdToken idToken(String audience) {
    Answer a = post(OIDC_TOKEN_PATH, Map.of("audience", audience));
    try {
      Map<String, Object> o = a.object();
      String token = Json.string(o, "token");
      masker.add(token);
      return new IdToken(token, Json.integer(o, "expiresIn"));
    } catch (IllegalArgumentException e) {
      throw invalidAnswer(OIDC_TOKEN_PATH, a.status(), e);
    }
  }

  private OrchestratorException invalidAnswer(String path, int status, IllegalArgumentException e) {
    return new OrchestratorException(status, "the orchestrator's answer to POST " + path + " is invalid: "
        + Names.oneLine(masker.mask(e.getMessage()), MAX_REASON));
  }

  /** A 2xx answer: status and body bytes. */
  private record Answer(int status, byte[] body) {
    Map<String, Object> object() {
      return Json.parseObject(body);
    }
  }

  private Answer post(String path, Map<String, Object> body) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", capability.authorization())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("User-Agent", "hallmark-sdk")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8))
        .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw new OrchestratorException(0, "cannot reach the orchestrator at " + base + ": no connection within "
          + CONNECT_TIMEOUT.getSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw new OrchestratorException(0, "the orchestrator did not answer POST " + path + " within "
          + REQUEST_TIMEOUT.getSeconds() + " s");
    } catch (ConnectException e) {
      throw new OrchestratorException(0, "cannot reach the orchestrator at " + base + ": connection refused");
    } catch (IOException e) {
      throw new OrchestratorException(0, "POST " + path + " to the orchestrator failed: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Names.oneLine(e.getMessage(), MAX_REASON)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(0, "interrupted while waiting for the orchestrator to answer POST " + path);
    }
    int status = response.statusCode();
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
    } catch (IOException e) {
      throw new OrchestratorException(status, "cannot read the orchestrator's answer to POST " + path + ": "
          + e.getClass().getSimpleName());
    }
    if (bytes.length > MAX_RESPONSE_BYTES) {
      throw new OrchestratorException(status, "the orchestrator's answer to POST " + path + " is larger than 1 MiB");
    }
    if (status / 100 != 2) {
      throw new OrchestratorException(status, "the orchestrator refused POST " + path + ": HTTP " + status
          + reason(bytes));
    }
    return new Answer(status, bytes);
  }

  /** ": <reason>" from an {@code {"error": "…"}} body, one line and masked; empty when there is none. */
  private String reason(byte[] body) {
    try {
      Object error = Json.parseObject(body).get("error");
      if (error instanceof String && !((String) error).isBlank()) {
        return ": " + Names.oneLine(masker.mask((String) error), MAX_REASON);
      }
    } catch (IllegalArgumentException e) {
      // Not the JSON error object the API promises: the status alone has to do.
    }
    return "";
  }
}
