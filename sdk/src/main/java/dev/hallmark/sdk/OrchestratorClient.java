package dev.hallmark.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SDK's whole conversation with the orchestrator, every endpoint path in this one class so
 * the orchestrator can be checked against it. All requests are {@code POST} with
 * {@code Authorization: Bearer <capability>}, {@code Content-Type: application/json}, a JSON
 * body, and go over plain HTTP to a loopback address literal only. A non-2xx answer becomes an
 * {@link OrchestratorException} carrying the status and the orchestrator's one-line
 * {@code {"error": "…"}} reason.
 *
 * <p>{@link HttpURLConnection}, not {@code java.net.http.HttpClient}: in a fresh job JVM the
 * latter's first request costs about half a second more (its selector thread, executor and
 * reactive body plumbing), and every job pays that before its first step.
 *
 * <pre>{@code
 * POST /api/v1/jobs/{jobId}/steps   {"step":"compile","status":"running","message":""}   -> 2xx, body ignored
 * POST /api/v1/attestations         {"subjects":[{"name":"app.tgz","digest":{"sha256":"<64 hex>"},"path":"dist/app.tgz"}]}
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

  OrchestratorClient(URI base, Capability capability, String jobId, Masker masker) {
    this.base = base;
    this.capability = capability;
    this.jobId = jobId;
    this.masker = masker;
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
      if (s.path() != null) {
        entry.put("path", s.path()); // for hallmark run's --out copy only; never in the statement
      }
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
    byte[] payload = Json.write(body).getBytes(StandardCharsets.UTF_8);
    HttpURLConnection c;
    int status;
    byte[] bytes;
    try {
      c = (HttpURLConnection) base.resolve(path).toURL().openConnection(Proxy.NO_PROXY); // loopback only
    } catch (IOException e) {
      throw new OrchestratorException(0, "cannot reach the orchestrator at " + base + ": " + e.getClass().getSimpleName());
    }
    boolean connected = false;
    try {
      c.setRequestMethod("POST");
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
      c.setDoOutput(true);
      // Streaming mode: the JDK never re-sends a POST on its own (a retried attestation would be a
      // second signature), and the length is known anyway.
      c.setFixedLengthStreamingMode(payload.length);
      c.setRequestProperty("Authorization", capability.authorization());
      c.setRequestProperty("Content-Type", "application/json");
      c.setRequestProperty("Accept", "application/json");
      c.setRequestProperty("User-Agent", "hallmark-sdk");
      c.connect();
      connected = true;
      try (OutputStream out = c.getOutputStream()) {
        out.write(payload);
      }
      status = c.getResponseCode();
      try (InputStream in = status / 100 == 2 ? c.getInputStream() : c.getErrorStream()) {
        bytes = in == null ? new byte[0] : in.readNBytes(MAX_RESPONSE_BYTES + 1);
      }
    } catch (SocketTimeoutException e) {
      throw connected
          ? new OrchestratorException(0, "the orchestrator did not answer POST " + path + " within "
              + REQUEST_TIMEOUT.getSeconds() + " s")
          : new OrchestratorException(0, "cannot reach the orchestrator at " + base + ": no connection within "
              + CONNECT_TIMEOUT.getSeconds() + " s");
    } catch (ConnectException e) {
      throw new OrchestratorException(0, "cannot reach the orchestrator at " + base + ": connection refused");
    } catch (IOException e) {
      throw new OrchestratorException(0, "POST " + path + " to the orchestrator failed: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Names.oneLine(e.getMessage(), MAX_REASON)));
    }
    if (bytes.length > MAX_RESPONSE_BYTES) {
      c.disconnect();
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
