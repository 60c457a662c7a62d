package dev.hallmark.orchestrator.http;

import static dev.hallmark.orchestrator.events.LogText.oneLine;
import static java.util.Objects.requireNonNull;

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
import dev.hallmark.orchestrator.attest.RequestedSubject;
import dev.hallmark.orchestrator.intake.PushHandler;
import dev.hallmark.orchestrator.jobs.JobCapabilities;
import dev.hallmark.orchestrator.log.TransparencyLog;
import dev.hallmark.orchestrator.oidc.Issuer;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.StoredAttestation;
import dev.hallmark.orchestrator.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The orchestrator's HTTP API, on Jetty 12 core (no servlets). The JDK's server read each request
 * head on a pool thread with no time limit, so 40 idle clients starved it; here heads and bodies
 * are read without holding a thread, a head must arrive within the header time-out and a body
 * within the body time-out, silent connections end after the idle time-out, and connections are
 * capped per client address and in total ({@link HttpLimits}). The pool stays wider than the core
 * count: attestation requests mostly wait on the group commit.
 *
 * <p>Guards on every request: the {@code Host} must be one of ours (no DNS rebinding onto
 * loopback); on every POST, {@code Content-Type: application/json} (no cross-site form or {@code
 * text/plain} posts), a body of at most 64 KiB, and strict JSON. Every error is {@code
 * {"error":"one line"}} with a 4xx status (5xx only for our own faults), and never a stack trace.
 */
public final class ApiServer implements AutoCloseable {
  public static final int MAX_BODY = 64 * 1024;
  /** At most this much request line and headers; more is 431. */
  static final int MAX_HEAD = 16 * 1024;
  private static final Pattern ATTESTATION = Pattern.compile("/api/v1/attestations/([0-9a-f]{64})");
  private static final Pattern JOB_STEPS = Pattern.compile("/api/v1/jobs/([0-9a-f]{1,64})/steps");
  private static final Pattern JOB_LOGS = Pattern.compile("/api/v1/jobs/([0-9a-f]{1,64})/logs");
  private static final Pattern RUN = Pattern.compile("/api/v1/runs/([0-9]{1,18})(/jobs|/attestations)?");
  private static final Set<String> STEP_STATUSES = Set.of("running", "succeeded", "failed", "skipped");

  /** A refused body is still read up to this much, so the error answer is not lost to a reset. */
  private static final int DRAIN = 1 << 20;

  private final Server server;
  private final ServerConnector connector;
  private final ConnectionGuard guard;
  private final Store store;
  private final Issuer issuer;
  private final JobCapabilities capabilities;
  private final Attestor attestor;
  private final TransparencyLog log;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final String issuerPath;
  private final Dashboard dashboard;
  private volatile Set<String> allowedHosts;
  private volatile java.util.function.BiConsumer<String, String> tokenListener = (jobId, token) -> {};
  private volatile PushHandler pushHandler;
  private volatile AttestationListener attestationListener = (jobId, storageKey, subjects) -> {};

  /** Told of every stored attestation, with the subjects as the job asked (paths included). */
  public interface AttestationListener {
    void attested(String jobId, String storageKey, List<RequestedSubject> subjects);
  }

  /** Called after each attestation is stored, before the job gets its answer. */
  public void onAttested(AttestationListener listener) {
    this.attestationListener = requireNonNull(listener, "listener");
  }

  /** Enables event intake (only {@code hallmark serve} does). */
  public void onPush(PushHandler handler) {
    this.pushHandler = requireNonNull(handler, "handler");
  }

  /** Binds the server (not yet started) with {@link HttpLimits#defaults()}; port 0 picks an ephemeral port. */
  public ApiServer(InetSocketAddress bind, Store store, Issuer issuer, JobCapabilities capabilities,
      Attestor attestor, RateLimiter rateLimiter, Clock clock, TransparencyLog log) throws IOException {
    this(bind, store, issuer, capabilities, attestor, rateLimiter, clock, HttpLimits.defaults(), log);
  }

  /** Binds the server (not yet started); port 0 picks an ephemeral port. */
  public ApiServer(InetSocketAddress bind, Store store, Issuer issuer, JobCapabilities capabilities,
      Attestor attestor, RateLimiter rateLimiter, Clock clock, HttpLimits limits, TransparencyLog log) throws IOException {
    requireNonNull(limits, "limits");
    this.log = requireNonNull(log, "log");
    this.store = requireNonNull(store, "store");
    this.issuer = requireNonNull(issuer, "issuer");
    this.capabilities = requireNonNull(capabilities, "capabilities");
    this.attestor = requireNonNull(attestor, "attestor");
    this.rateLimiter = requireNonNull(rateLimiter, "rateLimiter");
    this.clock = requireNonNull(clock, "clock");
    String path = URI.create(issuer.issuerUrl()).getRawPath();
    this.issuerPath = path == null ? "/oidc" : path;
    this.dashboard = new Dashboard(issuer.issuerUrl());
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("hallmark-http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_HEAD);
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(bind.getAddress().getHostAddress());
    connector.setPort(bind.getPort());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    // Small JSON answers must not wait for the client's delayed ACK (Nagle): scripts/bench-attest.
    connector.setAcceptedTcpNoDelay(true);
    connector.setAcceptQueueSize(256);
    this.guard = new ConnectionGuard(limits);
    connector.addBean(guard);
    server.addConnector(connector);
    // Past the total the connector stops accepting; waiting clients queue in the kernel's backlog.
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setErrorHandler(new JsonErrors());
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        new BodyReader(request, response, callback).run();
        return true;
      }
    });
    connector.open(); // bind now: a port in use fails here, and port 0 has its number
    int port = connector.getLocalPort();
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
    try {
      server.start();
      guard.watch(connector);
    } catch (Exception e) {
      throw new OrchestratorException(Code.START_FAILED, "cannot start the HTTP server: " + oneLine(e.getMessage()));
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Reads the request body without holding a thread while it is waited for (Jetty calls back when
   * bytes arrive; the guard's body time-out ends a client that never sends them), keeping at most
   * {@link #MAX_BODY} + 1 bytes and draining a refused rest up to {@link #DRAIN}; then routes.
   */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long left;

    BodyReader(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      long declared;
      try {
        declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      } catch (NumberFormatException e) {
        declared = -1; // Jetty refuses such a request before it gets here
      }
      // A declared length past the drain allowance is refused from its headers alone.
      this.left = declared > DRAIN ? 0 : DRAIN;
    }

    @Override
    public void run() {
      while (left > 0) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(() -> server.getThreadPool().execute(this));
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          callback.failed(chunk.getFailure());
          return;
        }
        ByteBuffer b = chunk.getByteBuffer();
        int keep = (int) Math.min(b.remaining(), MAX_BODY + 1L - kept.size());
        if (keep > 0) {
          byte[] bytes = new byte[keep];
          b.get(bytes);
          kept.write(bytes, 0, keep);
        }
        left -= keep + b.remaining();
        b.position(b.limit());
        chunk.release();
        if (chunk.isLast()) {
          break;
        }
      }
      answer(new Exchange(request, response, kept.toByteArray()), response, callback);
    }
  }

  private void answer(Exchange ex, Response response, Callback callback) {
    try {
      try {
        route(ex);
      } catch (RuntimeException | IOException e) {
        // A domain error's one line, or (anything else: our fault) "internal error", never the
        // exception's text or stack; the log gets the cause of every 5xx.
        int status = HttpErrors.status(e);
        String message = HttpErrors.clientMessage(e);
        HttpErrors.log(ex.method(), ex.path(), status, e instanceof OrchestratorException oe ? oe.code() : null,
            e instanceof OrchestratorException ? message : oneLine(String.valueOf(e)), e);
        error(ex, status, message);
      }
      byte[] body = ex.answer();
      response.setStatus(ex.status());
      if (!ex.isHead()) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      }
      response.write(true, ByteBuffer.wrap(body), callback);
    } catch (RuntimeException e) {
      callback.failed(e); // the client went away while we answered; nothing to tell anyone
    }
  }

  /** Errors Jetty answers itself (a malformed request, a head too large): one-line JSON as ours. */
  private static final class JsonErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      HttpErrors.log(request.getMethod(), request.getHttpURI().getPath(), code, null, HttpStatus.getMessage(code), cause);
      response.write(true, ByteBuffer.wrap(errorJson(HttpStatus.getMessage(code))), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      // A request Jetty could not parse (no method or path to name): one line, as every refusal.
      HttpErrors.log("-", "-", status, null, HttpStatus.getMessage(status), null);
      fields.put(HttpHeader.CONTENT_TYPE, "application/json");
      return ByteBuffer.wrap(errorJson(HttpStatus.getMessage(status)));
    }
  }

  private static byte[] errorJson(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", oneLine(message).toLowerCase(Locale.ROOT));
    return StrictJson.write(m);
  }

  private void route(Exchange ex) throws IOException {
    checkHost(ex);
    String method = ex.method();
    String path = ex.path();
    if (dashboard.handle(ex, method, path)) {
      return;
    }
    // Public documents: a dashboard on another origin (or behind a public URL) may read them.
    if (path.equals(issuerPath + "/.well-known/openid-configuration") || path.equals(issuerPath + "/jwks")
        || path.equals("/api/v1/trust-root")) {
      ex.setHeader("Access-Control-Allow-Origin", "*");
    }
    if (path.equals(issuerPath + "/.well-known/openid-configuration")) {
      requireGet(ex);
      send(ex, 200, "application/json", issuer.discoveryDocument());
      return;
    }
    if (path.startsWith(issuerPath + "/log/")) {
      requireGet(ex);
      serveLog(ex, path.substring(issuerPath.length() + "/log/".length()));
      return;
    }
    if (path.equals(issuerPath + "/jwks")) {
      requireGet(ex);
      send(ex, 200, "application/jwk-set+json", issuer.jwks());
      return;
    }
    switch (path) {
      case "/api/v1/trust-root" -> {
        requireGet(ex);
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
        requireGet(ex);
        List<Object> runs = new ArrayList<>();
        for (RunRecord r : store.runs(100)) {
          Map<String, Object> m = runJson(r);
          m.put("reason", store.runReason(r.id()).orElse(null));
          runs.add(m);
        }
        json(ex, 200, Map.of("runs", runs));
        return;
      }
      default -> { }
    }
    Matcher m;
    if ((m = ATTESTATION.matcher(path)).matches()) {
      requireGet(ex);
      download(ex, m.group(1));
    } else if ((m = JOB_STEPS.matcher(path)).matches()) {
      requirePost(ex);
      step(ex, m.group(1));
    } else if ((m = JOB_LOGS.matcher(path)).matches()) {
      requireGet(ex);
      logs(ex, m.group(1));
    } else if ((m = RUN.matcher(path)).matches()) {
      requireGet(ex);
      run(ex, Long.parseLong(m.group(1)), m.group(2));
    } else {
      throw new OrchestratorException(Code.NOT_FOUND, "no such endpoint: " + method + " " + printable(path));
    }
  }

  // ---- guards -------------------------------------------------------------------------------

  private void checkHost(Exchange ex) {
    String host = ex.header("Host");
    if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      throw new OrchestratorException(Code.MISDIRECTED, "the Host header names no address of this orchestrator");
    }
  }

  /** GET or HEAD; any other method on a known path is 405 with {@code Allow}. */
  static void requireGet(Exchange ex) {
    String method = ex.method();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      ex.setHeader("Allow", HttpErrors.ALLOW_GET);
      throw new OrchestratorException(Code.WRONG_METHOD, "this endpoint takes GET only");
    }
  }

  /** POST with a JSON Content-Type, checked before anything else (cross-site form posts stop here). */
  private static void requirePost(Exchange ex) {
    if (!"POST".equals(ex.method())) {
      ex.setHeader("Allow", HttpErrors.ALLOW_POST);
      throw new OrchestratorException(Code.WRONG_METHOD, "this endpoint takes POST only");
    }
    if (!isJson(ex.header("Content-Type"))) {
      throw new OrchestratorException(Code.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
    }
  }

  /** Content-Type, size and strict JSON, in that order; nothing is written before all pass. */
  private static JsonObject body(Exchange ex) throws IOException {
    String type = ex.header("Content-Type");
    if (!isJson(type)) {
      throw new OrchestratorException(Code.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
    }
    String length = ex.header("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > MAX_BODY) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new OrchestratorException(Code.INVALID_INPUT, "Content-Length is not a number");
      }
    }
    byte[] bytes = ex.body();
    if (bytes.length > MAX_BODY) {
      throw tooLarge();
    }
    try {
      return StrictJson.parseObject(bytes, MAX_BODY);
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "request body: " + oneLine(e.getMessage()));
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

  private void attest(Exchange ex) throws IOException {
    JobRecord job = capabilities.authenticate(ex.header("Authorization"));
    JsonObject body = body(ex);
    List<RequestedSubject> requested = requestedSubjects(body);
    List<Subject> subjects = requested.stream().map(RequestedSubject::subject).toList();
    if (!rateLimiter.tryAcquire(job.id())) {
      throw new OrchestratorException(Code.RATE_LIMITED, "too many attestations for this job, slow down");
    }
    Attestor.Result result;
    try {
      result = attestor.attest(job, subjects).get(attestor.maxWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof OrchestratorException oe) {
        throw oe;
      }
      throw new OrchestratorException(Code.STORE, "storing the attestation failed", e.getCause());
    } catch (TimeoutException e) {
      throw new OrchestratorException(Code.UNAVAILABLE, "storing the attestation timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.UNAVAILABLE, "the orchestrator is stopping", e);
    }
    attestationListener.attested(job.id(), result.storageKey(), requested);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("storageKey", result.storageKey());
    answer.put("subjectDigest", result.subjectDigest());
    answer.put("bundleMediaType", Bundle.MEDIA_TYPE);
    json(ex, 200, answer);
  }

  /** Host and Content-Type were checked by the router; credential, then body (see PushIntake). */
  private void push(Exchange ex) throws IOException {
    PushHandler handler = pushHandler;
    if (handler == null) {
      throw new OrchestratorException(Code.NOT_FOUND, "event intake is not enabled on this orchestrator");
    }
    handler.authenticate(ex.header("Authorization"));
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

  /**
   * Only name, digest.sha256 and the optional path of each entry are read; any other member is
   * ignored. The path is the SDK's word for where it hashed the file, used for nothing but the
   * copy into {@code hallmark run}'s output folder (see {@link RequestedSubject}).
   */
  static List<RequestedSubject> requestedSubjects(JsonObject body) {
    List<Object> list;
    try {
      list = body.requireArray("subjects");
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, oneLine(e.getMessage()));
    }
    if (list.isEmpty()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'subjects' is empty");
    }
    if (list.size() > Attestor.MAX_SUBJECTS) {
      throw new OrchestratorException(Code.INVALID_INPUT, "more than " + Attestor.MAX_SUBJECTS + " subjects");
    }
    List<RequestedSubject> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof JsonObject entry)) {
        throw new OrchestratorException(Code.INVALID_INPUT, "subjects[" + i + "] is not an object");
      }
      try {
        String name = entry.requireString("name");
        String sha256 = entry.requireObject("digest").requireString("sha256");
        out.add(new RequestedSubject(Subject.of(name, sha256), entry.optString("path")));
      } catch (AttestationException e) {
        throw new OrchestratorException(Code.INVALID_INPUT, "subjects[" + i + "]: " + oneLine(e.getMessage()));
      } catch (OrchestratorException e) {
        throw new OrchestratorException(Code.INVALID_INPUT, "subjects[" + i + "]: " + oneLine(e.getMessage()));
      }
    }
    return out;
  }

  private void token(Exchange ex) throws IOException {
    JobRecord job = capabilities.authenticate(ex.header("Authorization"));
    JsonObject body = body(ex);
    String audience;
    try {
      audience = body.requireString("audience");
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, oneLine(e.getMessage()));
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

  private void step(Exchange ex, String jobId) throws IOException {
    JobRecord job = capabilities.authenticate(ex.header("Authorization"));
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
      throw new OrchestratorException(Code.INVALID_INPUT, oneLine(e.getMessage()));
    }
    if (step.isEmpty() || step.length() > 256) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'step' must be 1 to 256 characters");
    }
    if (!STEP_STATUSES.contains(status)) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'status' must be running, succeeded, failed or skipped");
    }
    if (message != null && message.length() > 4096) {
      message = message.substring(0, 4096);
    }
    store.recordStep(job.id(), step, status, message);
    json(ex, 200, Map.of());
  }

  // ---- reads --------------------------------------------------------------------------------

  private void download(Exchange ex, String storageKey) throws IOException {
    Store.StoredBundle b = store.bundle(storageKey)
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "no attestation has that storage key"));
    String file;
    try {
      file = Subject.fileName(b.subjectName()) + Bundle.FILE_SUFFIX;
    } catch (AttestationException e) {
      file = "attestation" + Bundle.FILE_SUFFIX;
    }
    ex.setHeader("Content-Disposition", contentDisposition(file));
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

  private void run(Exchange ex, long runId, String tail) throws IOException {
    RunRecord run = store.run(runId)
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "run " + runId + " does not exist"));
    if (tail == null) {
      Map<String, Object> m = runJson(run);
      m.put("reason", store.runReason(run.id()).orElse(null));
      m.put("sandboxed", store.runSandboxed(run.id()).orElse(true));
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

  private void logs(Exchange ex, String jobId) throws IOException {
    store.job(jobId).orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "job " + jobId + " does not exist"));
    long after = 0;
    String query = ex.query();
    if (query != null && query.startsWith("after=")) {
      try {
        after = Long.parseLong(query.substring("after=".length()));
      } catch (NumberFormatException e) {
        throw new OrchestratorException(Code.INVALID_INPUT, "'after' is not a number");
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

  /**
   * The log, read-only, per c2sp.org/tlog-tiles: the published checkpoint (mutable: no caching),
   * full tiles and entry bundles (immutable: cached for a year), partial ones (short caching, as
   * issue 12 asks, though their bytes never change either). Only what a published checkpoint
   * commits to exists.
   */
  private void serveLog(Exchange ex, String rest) {
    ex.setHeader("Access-Control-Allow-Origin", "*");
    if (rest.equals("checkpoint")) {
      byte[] cp = log.checkpoint()
          .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "the log has no published checkpoint yet"));
      ex.setHeader("Content-Type", "text/plain; charset=utf-8");
      ex.setHeader("X-Content-Type-Options", "nosniff");
      ex.setHeader("Cache-Control", "no-cache");
      ex.respond(200, cp);
      return;
    }
    TransparencyLog.Tile tile = log.tile(rest)
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "the log has no resource " + printable(rest)));
    ex.setHeader("Content-Type", "application/octet-stream");
    ex.setHeader("X-Content-Type-Options", "nosniff");
    ex.setHeader("Cache-Control", tile.partial() ? "public, max-age=10" : "public, max-age=31536000, immutable");
    ex.respond(200, tile.bytes());
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

  private static void json(Exchange ex, int status, Object value) {
    send(ex, status, "application/json", StrictJson.write(value));
  }

  private static void error(Exchange ex, int status, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", oneLine(message));
    send(ex, status, "application/json", StrictJson.write(m));
  }

  private static void send(Exchange ex, int status, String type, byte[] body) {
    ex.setHeader("Content-Type", type);
    ex.setHeader("X-Content-Type-Options", "nosniff");
    ex.setHeader("Cache-Control", "no-store");
    ex.respond(status, body);
  }

  private static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 100 ? p.substring(0, 100) + "…" : p;
  }

  @Override
  public void close() {
    guard.close();
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort; the process is usually ending
    }
  }
}
