package dev.hallmark.orchestrator.http;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.attest.Attestor;
import dev.hallmark.orchestrator.attest.RateLimiter;
import dev.hallmark.orchestrator.jobs.JobCapabilities;
import dev.hallmark.orchestrator.oidc.Issuer;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.StoredAttestation;
import dev.hallmark.orchestrator.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The orchestrator's HTTP API. The JDK's {@code com.sun.net.httpserver} is enough here: it listens
 * on loopback (or behind a proxy), needs no dependency, and a bounded thread pool caps what a flood
 * of requests can cost; attestation requests mostly wait on the group commit, so the pool is wider
 * than the core count.
 *
 * <p>Guards on every request: the {@code Host} must be one of ours (no DNS rebinding onto
 * loopback); on every POST, {@code Content-Type: application/json} (no cross-site form or {@code
 * text/plain} posts), a body of at most 64 KiB, and strict JSON. Every error is {@code
 * {"error":"one line"}} with a 4xx status (5xx only for our own faults), and never a stack trace.
 */
public final class ApiServer implements AutoCloseable {
  public static final int MAX_BODY = 64 * 1024;
  private static final Pattern ATTESTATION = Pattern.compile("/api/v1/attestations/([0-9a-f]{64})");
  private static final Pattern JOB_STEPS = Pattern.compile("/api/v1/jobs/([0-9a-f]{1,64})/steps");
  private static final Pattern JOB_LOGS = Pattern.compile("/api/v1/jobs/([0-9a-f]{1,64})/logs");
  private static final Pattern RUN = Pattern.compile("/api/v1/runs/([0-9]{1,18})(/jobs|/attestations)?");
  private static final Set<String> STEP_STATUSES = Set.of("running", "succeeded", "failed", "skipped");

  private final HttpServer server;
  private final ExecutorService pool;
  private final Store store;
  private final Issuer issuer;
  private final JobCapabilities capabilities;
  private final Attestor attestor;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final String issuerPath;
  private final Dashboard dashboard;
  private volatile Set<String> allowedHosts;
  private volatile java.util.function.BiConsumer<String, String> tokenListener = (jobId, token) -> {};
  private volatile PushHandler pushHandler;

  /**
   * Event intake ({@code POST /api/v1/events/push}): {@link #authenticate} runs before the body is
   * read, {@link #push} turns a checked event into runs. Without one the endpoint answers 404.
   */
  public interface PushHandler {
    void authenticate(String authorizationHeader);

    List<RunRecord> push(JsonObject event);
  }

  /** Enables event intake (only {@code hallmark serve} does). */
  public void onPush(PushHandler handler) {
    this.pushHandler = requireNonNull(handler, "handler");
  }

  /** Binds the server (not yet started); port 0 picks an ephemeral port. */
  public ApiServer(InetSocketAddress bind, Store store, Issuer issuer, JobCapabilities capabilities,
      Attestor attestor, RateLimiter rateLimiter, Clock clock) throws IOException {
    this.store = requireNonNull(store, "store");
    this.issuer = requireNonNull(issuer, "issuer");
    this.capabilities = requireNonNull(capabilities, "capabilities");
    this.attestor = requireNonNull(attestor, "attestor");
    this.rateLimiter = requireNonNull(rateLimiter, "rateLimiter");
    this.clock = requireNonNull(clock, "clock");
    String path = URI.create(issuer.issuerUrl()).getRawPath();
    this.issuerPath = path == null ? "/oidc" : path;
    this.dashboard = new Dashboard(issuer.issuerUrl());
    this.server = HttpServer.create(bind, 256);
    this.pool = new ThreadPoolExecutor(32, 32, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(4096),
        r -> {
          Thread t = new Thread(r, "hallmark-http");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    int port = server.getAddress().getPort();
    this.allowedHosts = hostsFor(bind.getAddress().getHostAddress(), port, issuer.publicUrl());
  }

  /** Called with (job id, token) for every token minted for a step, before the answer is sent. */
  public void onTokenMinted(java.util.function.BiConsumer<String, String> listener) {
    this.tokenListener = requireNonNull(listener, "listener");
  }

  /** The listen address:port, {@code localhost:port}, and the public URL's host[:port]. */
  static Set<String> hostsFor(String address, int port, String publicUrl) {
    Set<String> hosts = new java.util.HashSet<>();
    String literal = address.contains(":") ? "[" + address + "]" : address;
    hosts.add(literal + ":" + port);
    hosts.add("localhost:" + port);
    if (address.equals("0.0.0.0") || address.equals("0:0:0:0:0:0:0:0")) {
      // Listening on every address: the loopback literals jobs are given must pass too.
      hosts.add("127.0.0.1:" + port);
      hosts.add("[::1]:" + port);
    }
    URI pub = URI.create(publicUrl);
    String host = pub.getHost();
    if (host != null) {
      int p = pub.getPort();
      String h = host.toLowerCase(Locale.ROOT);
      if (p == -1) {
        hosts.add(h);
        hosts.add(h + (("https".equals(pub.getScheme())) ? ":443" : ":80"));
      } else {
        hosts.add(h + ":" + p);
      }
    }
    return Set.copyOf(hosts);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      try {
        route(ex);
      } catch (OrchestratorException e) {
        error(ex, e.code().httpStatus(), e.getMessage());
      } catch (RuntimeException | IOException e) {
        // Our fault: a one-line answer, never the exception's text or stack.
        error(ex, 500, "internal error");
      }
    } catch (IOException | RuntimeException ignored) {
      // the client went away while we answered; nothing to tell anyone
    }
  }

  private void route(HttpExchange ex) throws IOException {
    checkHost(ex);
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    if (dashboard.handle(ex, method, path)) {
      return;
    }
    // Public documents: a dashboard on another origin (or behind a public URL) may read them.
    if (path.equals(issuerPath + "/.well-known/openid-configuration") || path.equals(issuerPath + "/jwks")
        || path.equals("/api/v1/trust-root")) {
      ex.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
    }
    if (path.equals(issuerPath + "/.well-known/openid-configuration")) {
      requireGet(method);
      send(ex, 200, "application/json", issuer.discoveryDocument());
      return;
    }
    if (path.equals(issuerPath + "/jwks")) {
      requireGet(method);
      send(ex, 200, "application/jwk-set+json", issuer.jwks());
      return;
    }
    switch (path) {
      case "/api/v1/trust-root" -> {
        requireGet(method);
        send(ex, 200, TrustRoot.MEDIA_TYPE, issuer.trustRootFile());
        return;
      }
      case "/api/v1/attestations" -> {
        requirePost(ex);
        attest(ex);
        return;
      }
      case "/api/v1/events/push" -> {
        requirePost(ex);
        push(ex);
        return;
      }
      case "/api/v1/oidc/token" -> {
        requirePost(ex);
        token(ex);
        return;
      }
      case "/api/v1/runs" -> {
        requireGet(method);
        List<Object> runs = new ArrayList<>();
        for (RunRecord r : store.runs(100)) {
          runs.add(runJson(r));
        }
        json(ex, 200, Map.of("runs", runs));
        return;
      }
      default -> { }
    }
    Matcher m;
    if ((m = ATTESTATION.matcher(path)).matches()) {
      requireGet(method);
      download(ex, m.group(1));
    } else if ((m = JOB_STEPS.matcher(path)).matches()) {
      requirePost(ex);
      step(ex, m.group(1));
    } else if ((m = JOB_LOGS.matcher(path)).matches()) {
      requireGet(method);
      logs(ex, m.group(1));
    } else if ((m = RUN.matcher(path)).matches()) {
      requireGet(method);
      run(ex, Long.parseLong(m.group(1)), m.group(2));
    } else {
      throw new OrchestratorException(Code.NOT_FOUND, "no such endpoint: " + method + " " + printable(path));
    }
  }

  // ---- guards -------------------------------------------------------------------------------

  private void checkHost(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      throw new OrchestratorException(Code.MISDIRECTED, "the Host header names no address of this orchestrator");
    }
  }

  private static void requireGet(String method) {
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      throw new OrchestratorException(Code.NOT_FOUND, "this endpoint takes GET only");
    }
  }

  /** POST with a JSON Content-Type, checked before anything else (cross-site form posts stop here). */
  private static void requirePost(HttpExchange ex) {
    if (!"POST".equals(ex.getRequestMethod())) {
      throw new OrchestratorException(Code.NOT_FOUND, "this endpoint takes POST only");
    }
    if (!isJson(ex.getRequestHeaders().getFirst("Content-Type"))) {
      throw new OrchestratorException(Code.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
    }
  }

  /** Content-Type, size and strict JSON, in that order; nothing is written before all pass. */
  private static JsonObject body(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (!isJson(type)) {
      throw new OrchestratorException(Code.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
    }
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > MAX_BODY) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new OrchestratorException(Code.BAD_REQUEST, "Content-Length is not a number");
      }
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw tooLarge();
    }
    try {
      return StrictJson.parseObject(bytes, MAX_BODY);
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "request body: " + oneLine(e.getMessage()));
    }
  }

  private static OrchestratorException tooLarge() {
    return new OrchestratorException(Code.TOO_LARGE, "request body is larger than " + MAX_BODY + " bytes");
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].strip().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
        return false;
      }
    }
    return true;
  }

  // ---- state-changing endpoints -------------------------------------------------------------

  private void attest(HttpExchange ex) throws IOException {
    JobRecord job = capabilities.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
    JsonObject body = body(ex);
    List<Subject> subjects = subjects(body);
    if (!rateLimiter.tryAcquire(job.id())) {
      throw new OrchestratorException(Code.RATE_LIMITED, "too many attestations for this job, slow down");
    }
    Attestor.Result result;
    try {
      result = attestor.attest(job, subjects).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof OrchestratorException oe) {
        throw oe;
      }
      throw new OrchestratorException(Code.STORE, "storing the attestation failed");
    } catch (TimeoutException e) {
      throw new OrchestratorException(Code.STORE, "storing the attestation timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.STORE, "interrupted");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("storageKey", result.storageKey());
    answer.put("subjectDigest", result.subjectDigest());
    answer.put("bundleMediaType", Bundle.MEDIA_TYPE);
    json(ex, 200, answer);
  }

  /** Host and Content-Type were checked by the router; credential, then body (see PushIntake). */
  private void push(HttpExchange ex) throws IOException {
    PushHandler handler = pushHandler;
    if (handler == null) {
      throw new OrchestratorException(Code.NOT_FOUND, "event intake is not enabled on this orchestrator");
    }
    handler.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
    List<RunRecord> runs = handler.push(body(ex));
    List<Object> ids = new ArrayList<>();
    for (RunRecord r : runs) {
      ids.add(Long.toString(r.id()));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("runIds", ids);
    answer.put("sha", runs.get(0).sha());
    json(ex, 202, answer);
  }

  /** Only name and digest.sha256 of each entry are read; any other member is ignored. */
  static List<Subject> subjects(JsonObject body) {
    List<Object> list;
    try {
      list = body.requireArray("subjects");
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, oneLine(e.getMessage()));
    }
    if (list.isEmpty()) {
      throw new OrchestratorException(Code.BAD_REQUEST, "'subjects' is empty");
    }
    if (list.size() > Attestor.MAX_SUBJECTS) {
      throw new OrchestratorException(Code.BAD_REQUEST, "more than " + Attestor.MAX_SUBJECTS + " subjects");
    }
    List<Subject> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof JsonObject entry)) {
        throw new OrchestratorException(Code.BAD_REQUEST, "subjects[" + i + "] is not an object");
      }
      try {
        String name = entry.requireString("name");
        String sha256 = entry.requireObject("digest").requireString("sha256");
        out.add(Subject.of(name, sha256));
      } catch (AttestationException e) {
        throw new OrchestratorException(Code.BAD_REQUEST, "subjects[" + i + "]: " + oneLine(e.getMessage()));
      }
    }
    return out;
  }

  private void token(HttpExchange ex) throws IOException {
    JobRecord job = capabilities.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
    JsonObject body = body(ex);
    String audience;
    try {
      audience = body.requireString("audience");
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, oneLine(e.getMessage()));
    }
    Issuer.checkStepAudience(audience);
    // A step token is an issuer signature too: same per-job bucket as attestations (nonce hygiene,
    // and a step looping on oidc().token must not cost the issuer more than attesting would).
    if (!rateLimiter.tryAcquire(job.id())) {
      throw new OrchestratorException(Code.RATE_LIMITED, "too many step tokens for this job, slow down");
    }
    RunRecord run = attestor.runOf(job);
    var claims = attestor.claims(run, job, clock.instant());
    Map<String, Object> answer = new LinkedHashMap<>();
    String token = issuer.mintStepToken(claims, audience);
    // Before the step can see it: the runner masks it in the job's output from now on.
    tokenListener.accept(job.id(), token);
    answer.put("token", token);
    answer.put("expiresIn", claims.lifetime().getSeconds());
    json(ex, 200, answer);
  }

  private void step(HttpExchange ex, String jobId) throws IOException {
    JobRecord job = capabilities.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
    if (!job.id().equals(jobId)) {
      throw new OrchestratorException(Code.FORBIDDEN, "the job capability does not belong to job " + jobId);
    }
    JsonObject body = body(ex);
    String step;
    String status;
    String message;
    try {
      step = body.requireString("step");
      status = body.requireString("status");
      message = body.optString("message");
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, oneLine(e.getMessage()));
    }
    if (step.isEmpty() || step.length() > 256) {
      throw new OrchestratorException(Code.BAD_REQUEST, "'step' must be 1 to 256 characters");
    }
    if (!STEP_STATUSES.contains(status)) {
      throw new OrchestratorException(Code.BAD_REQUEST, "'status' must be running, succeeded, failed or skipped");
    }
    if (message != null && message.length() > 4096) {
      message = message.substring(0, 4096);
    }
    store.recordStep(job.id(), step, status, message);
    json(ex, 200, Map.of());
  }

  // ---- reads --------------------------------------------------------------------------------

  private void download(HttpExchange ex, String storageKey) throws IOException {
    Store.StoredBundle b = store.bundle(storageKey)
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "no attestation has that storage key"));
    String file;
    try {
      file = Subject.fileName(b.subjectName()) + Bundle.FILE_SUFFIX;
    } catch (AttestationException e) {
      file = "attestation" + Bundle.FILE_SUFFIX;
    }
    ex.getResponseHeaders().set("Content-Disposition", contentDisposition(file));
    send(ex, 200, Bundle.MEDIA_TYPE, b.bytes());
  }

  /** An ASCII fallback name plus RFC 5987 {@code filename*} for the exact UTF-8 name. */
  static String contentDisposition(String file) {
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < file.length(); i++) {
      char c = file.charAt(i);
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    }
    String encoded = URLEncoder.encode(file, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  private void run(HttpExchange ex, long runId, String tail) throws IOException {
    RunRecord run = store.run(runId)
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "run " + runId + " does not exist"));
    if (tail == null) {
      Map<String, Object> m = runJson(run);
      m.put("reason", store.runReason(run.id()).orElse(null));
      json(ex, 200, m);
    } else if (tail.equals("/jobs")) {
      List<Object> jobs = new ArrayList<>();
      for (JobRecord j : store.jobsOfRun(run.id())) {
        Map<String, Object> m = jobJson(j);
        List<Object> steps = new ArrayList<>();
        for (Store.StepRecord s : store.steps(j.id())) {
          Map<String, Object> sm = new LinkedHashMap<>();
          sm.put("name", s.name());
          sm.put("status", s.status());
          sm.put("message", s.message());
          sm.put("startedAt", time(s.startedAt()));
          sm.put("finishedAt", time(s.finishedAt()));
          steps.add(sm);
        }
        m.put("steps", steps);
        jobs.add(m);
      }
      json(ex, 200, Map.of("jobs", jobs));
    } else {
      List<Object> list = new ArrayList<>();
      for (StoredAttestation a : store.attestationsOfRun(run.id())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storageKey", a.storageKey());
        m.put("jobId", a.jobId());
        m.put("subjectName", a.subjectName());
        m.put("subjectDigest", a.subjectSha256());
        m.put("bundleMediaType", Bundle.MEDIA_TYPE);
        m.put("createdAt", time(a.createdAt()));
        list.add(m);
      }
      json(ex, 200, Map.of("attestations", list));
    }
  }

  private void logs(HttpExchange ex, String jobId) throws IOException {
    store.job(jobId).orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "job " + jobId + " does not exist"));
    long after = 0;
    String query = ex.getRequestURI().getRawQuery();
    if (query != null && query.startsWith("after=")) {
      try {
        after = Long.parseLong(query.substring("after=".length()));
      } catch (NumberFormatException e) {
        throw new OrchestratorException(Code.BAD_REQUEST, "'after' is not a number");
      }
    }
    List<Object> lines = new ArrayList<>();
    for (Store.LogLine l : store.logs(jobId, after, 10_000)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seq", l.seq());
      m.put("stream", l.stream());
      m.put("line", l.line());
      lines.add(m);
    }
    json(ex, 200, Map.of("lines", lines));
  }

  private static Map<String, Object> runJson(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", Long.toString(r.id()));
    m.put("repository", r.repository());
    m.put("ref", r.ref());
    m.put("sha", r.sha());
    m.put("event", r.event());
    m.put("workflow", r.workflowPath());
    m.put("status", r.status());
    m.put("attempt", Integer.toString(r.attempt()));
    m.put("createdAt", time(r.createdAt()));
    m.put("startedAt", time(r.startedAt()));
    m.put("finishedAt", time(r.finishedAt()));
    return m;
  }

  private static Map<String, Object> jobJson(JobRecord j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", j.id());
    m.put("runId", Long.toString(j.runId()));
    m.put("name", j.name());
    m.put("status", j.status());
    m.put("reason", j.reason());
    m.put("startedAt", time(j.startedAt()));
    m.put("finishedAt", time(j.finishedAt()));
    return m;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  // ---- answers ------------------------------------------------------------------------------

  private static void json(HttpExchange ex, int status, Object value) throws IOException {
    send(ex, status, "application/json", StrictJson.write(value));
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    drain(ex);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", oneLine(message));
    json(ex, status, m);
  }

  /**
   * Reads (and drops) what is left of a refused request body, up to 1 MiB: closing a socket with
   * unread bytes makes the kernel send a reset that can destroy the error answer in flight.
   */
  private static void drain(HttpExchange ex) {
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[8192];
      long left = 1 << 20;
      int n;
      while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException | RuntimeException ignored) {
      // nothing more to read, or the client is gone
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if ("HEAD".equals(ex.getRequestMethod())) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "error";
    }
    String line = s.lines().findFirst().orElse("").strip();
    return line.length() > 300 ? line.substring(0, 300) : line;
  }

  private static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 100 ? p.substring(0, 100) + "…" : p;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
