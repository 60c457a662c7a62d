package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through real processes: the packaged jar's {@code repo add} and {@code serve} as child
 * processes, a push event over HTTP, the runner's job JVMs, the bundle fetched over HTTP and checked
 * by the real verifier online and offline.
 */
class ServeIT {
  private static final String REPO = "acme/app";
  private static final String REF = "refs/heads/main";
  private static final String WORKFLOW = ".hallmark/workflows/Release.java";

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Process server;
  private ServeProcess serve;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      ServeProcess.stop(server);
    }
  }

  @Test
  void pushOfTheExampleEndsInABundleThatVerifiesOnlineAndOffline() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = exampleRepository(tmp.resolve("app"));
    String sha = git(repo, "rev-parse", "HEAD");

    ServeProcess.CliResult added = cli("repo", "add", REPO, repo.toString(), "--data", data.toString());
    assertEquals(0, added.exit(), added.err());
    ServeProcess.CliResult again = cli("repo", "add", REPO, repo.toString(), "--data", data.toString());
    assertEquals(1, again.exit());
    assertEquals(1, again.err().strip().lines().count(), again.err());

    String url = startServer(data);
    Path credentialFile = data.resolve("intake-credential");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentialFile)));
    String credential = Files.readString(credentialFile).strip();
    assertTrue(credential.startsWith("hmint_"));

    String event = "{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\"}";
    HttpResponse<String> accepted = post(url, "Bearer " + credential, "application/json", event);
    assertEquals(202, accepted.statusCode(), accepted.body());
    JsonObject answer = json(accepted.body());
    assertEquals(sha, answer.requireString("sha"));
    List<Object> ids = answer.requireArray("runIds");
    assertEquals(1, ids.size());
    String runId = (String) ids.get(0);

    JsonObject run = awaitFinished(url, runId);
    assertEquals("succeeded", run.requireString("status"), run.toString());
    assertEquals(sha, run.requireString("sha"));
    assertEquals(REF, run.requireString("ref"));
    assertEquals(WORKFLOW, run.requireString("workflow"));
    // serve prints one line when a run starts and one when it ends.
    serve.awaitLine("run " + runId + " started: " + REPO + " " + REF + " " + sha.substring(0, 7) + " " + WORKFLOW,
        Duration.ofSeconds(10));
    serve.awaitLine("run " + runId + " succeeded", Duration.ofSeconds(10));
    // The operator's log (stderr): each transition of the run and its job, one structured line each.
    Duration soon = Duration.ofSeconds(10);
    String started = serve.awaitLogLine(soon, "serve.start ", "issuer=" + url + "/oidc", "sandbox=");
    assertTrue(started.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO \\S+ - serve\\.start .*"), started);
    serve.awaitLogLine(soon, "run.state run=" + runId + " from=none to=queued", "repository=" + REPO, "sha=" + sha);
    serve.awaitLogLine(soon, "run.state run=" + runId + " from=queued to=running");
    String jobCreated = serve.awaitLogLine(soon, "job.state ", "run=" + runId + " ", "to=pending");
    String jobId = jobCreated.replaceAll(".* job=([0-9a-f]+) .*", "$1");
    serve.awaitLogLine(soon, "job.state job=" + jobId + " from=pending to=running");
    serve.awaitLogLine(soon, "job.state job=" + jobId + " to=succeeded");
    serve.awaitLogLine(soon, "run.state run=" + runId + " from=running to=succeeded");
    serve.awaitLogLine(soon, "checkpoint.published ");

    List<Object> attestations = json(get(url + "/api/v1/runs/" + runId + "/attestations").body()).requireArray("attestations");
    assertEquals(1, attestations.size());
    String storageKey = ((JsonObject) attestations.get(0)).requireString("storageKey");
    HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/attestations/" + storageKey)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, bundle.statusCode());

    Path trustRoot = tmp.resolve("trust-root.json");
    HttpResponse<byte[]> tr = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/trust-root")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, tr.statusCode());
    Files.write(trustRoot, tr.body());

    // The artifact, built independently from a clone of the same commit with the workflow's command.
    Path artifact = buildArchive(repo, tmp.resolve("rebuild"));
    String issuer = url + "/oidc";
    VerificationResult online = verify(bundle.body(), OnlineTrustRootSource.of(URI.create(issuer), OnlineOptions.defaults()),
        artifact, sha);
    assertTrue(online.isVerified(), () -> online.toJson().toString());
    VerificationResult offline = verify(bundle.body(), TrustRootSource.file(trustRoot), artifact, sha);
    assertTrue(offline.isVerified(), () -> offline.toJson().toString());
    VerificationResult otherSha = verify(bundle.body(), TrustRootSource.file(trustRoot), artifact, "0".repeat(40));
    assertFalse(otherSha.isVerified());
  }

  /**
   * Behind a proxy the public URL names another host (here: a closed port). Job JVMs still reach
   * the orchestrator over loopback, and the bundle names the public issuer.
   */
  @Test
  void jobsReachTheOrchestratorOverLoopbackWhateverThePublicUrl() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = exampleRepository(tmp.resolve("app"));
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());
    int dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort(); // closed again before serve starts: nothing listens there
    }
    String publicUrl = "http://127.0.0.1:" + dead;
    String url = startServer(data, 0, "--public-url", publicUrl);
    assertFalse(url.equals(publicUrl));
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\"}");
    assertEquals(202, accepted.statusCode(), accepted.body());
    String runId = (String) json(accepted.body()).requireArray("runIds").get(0);
    JsonObject run = awaitFinished(url, runId);
    assertEquals("succeeded", run.requireString("status"), run.toString());
    List<Object> attestations = json(get(url + "/api/v1/runs/" + runId + "/attestations").body()).requireArray("attestations");
    assertEquals(1, attestations.size());
    String storageKey = ((JsonObject) attestations.get(0)).requireString("storageKey");
    HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/attestations/" + storageKey)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    Path trustRoot = Files.write(tmp.resolve("trust-root.json"), get(url + "/api/v1/trust-root").body().getBytes(StandardCharsets.UTF_8));
    assertEquals(publicUrl + "/oidc", json(Files.readString(trustRoot)).requireString("issuer"));
    VerificationResult offline = verify(bundle.body(), TrustRootSource.file(trustRoot),
        buildArchive(repo, tmp.resolve("rebuild")), git(repo, "rev-parse", "HEAD"));
    assertTrue(offline.isVerified(), () -> offline.toJson().toString());
  }

  @Test
  void refusedEventsChangeNothing() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = exampleRepository(tmp.resolve("app"));
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());
    ServeProcess.CliResult notGit = cli("repo", "add", "acme/other", tmp.toString(), "--data", data.toString());
    assertEquals(1, notGit.exit());
    ServeProcess.CliResult badName = cli("repo", "add", "../etc", repo.toString(), "--data", data.toString());
    assertEquals(1, badName.exit());
    String url = startServer(data);
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    String good = "{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\"}";

    assertEquals(401, post(url, null, "application/json", good).statusCode());
    assertEquals(401, post(url, "Bearer hmint_" + "A".repeat(43), "application/json", good).statusCode());
    assertEquals(401, post(url, credential, "application/json", good).statusCode()); // no "Bearer "
    HttpResponse<String> unregistered = post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"acme/unknown\",\"ref\":\"" + REF + "\"}");
    assertEquals(404, unregistered.statusCode());
    assertEquals(1, json(unregistered.body()).members().size()); // {"error":"…"} only
    assertEquals(415, post(url, "Bearer " + credential, "text/plain", good).statusCode());
    assertEquals(422, post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"" + REPO + "\",\"ref\":\"refs/heads/nope\"}").statusCode());
    assertEquals(400, post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\",\"sha\":\"" + "1".repeat(40) + "\"}").statusCode());
    assertEquals(400, post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"" + REPO + "\",\"ref\":\"--upload-pack=x\"}").statusCode());
    int port = URI.create(url).getPort();
    assertEquals(421, rawPost(port, "evil.example:" + port, credential, good));

    assertEquals(0, json(get(url + "/api/v1/runs").body()).requireArray("runs").size());

    // Each refusal is one log line naming the domain error; no credential ever reaches the log.
    Duration soon = Duration.ofSeconds(10);
    serve.awaitLogLine(soon, "WARN ", "request.error method=POST path=/api/v1/events/push status=401 code=UNAUTHENTICATED");
    serve.awaitLogLine(soon, "request.error method=POST path=/api/v1/events/push status=404 code=NOT_FOUND");
    serve.awaitLogLine(soon, "request.error method=POST path=/api/v1/events/push status=415 code=UNSUPPORTED_MEDIA_TYPE");
    serve.awaitLogLine(soon, "request.error method=POST path=/api/v1/events/push status=421 code=MISDIRECTED");
    HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("GET, HEAD", wrongMethod.headers().firstValue("Allow").orElse(""));
    serve.awaitLogLine(soon, "request.error method=DELETE path=/api/v1/runs status=405 code=WRONG_METHOD");
    String log = String.join("\n", serve.logLines());
    assertFalse(log.contains(credential), "the intake credential is in serve's log");
    assertFalse(java.util.regex.Pattern.compile("hmint_[A-Za-z0-9_-]{8}").matcher(log).find(), log); // nor a guessed one
  }

  @Test
  void killedMidRunTheServerFailsTheJobOnRestartAndAcknowledgedBundlesStillVerify() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = tmp.resolve("slow");
    Path workflows = Files.createDirectories(repo.resolve(".hallmark/workflows"));
    // Attests first, then stays running: the kill lands after an acknowledged attestation.
    Files.writeString(workflows.resolve("Slow.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "import dev.hallmark.sdk.*;",
        "public class Slow {",
        "  public static void main(String[] args) {",
        "    workflow(\"slow\").on(push().branches(\"main\")).job(job(\"slow\")",
        "        .step(\"attest\", ctx -> { ctx.sh(\"printf 'slow\\\\n' > out.txt\");",
        "            ctx.attestProvenance(Subject.ofPath(\"out.txt\", \"out.txt\")); })",
        "        .step(\"wait\", ctx -> ctx.sh(\"sleep 30\"))).main(args);",
        "  }",
        "}", ""));
    // Only pushes to another branch: its run is skipped by the trigger, not run.
    Files.writeString(workflows.resolve("Other.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class Other {",
        "  public static void main(String[] args) {",
        "    workflow(\"other\").on(push().branches(\"other\")).job(job(\"never\").step(\"x\", ctx -> ctx.sh(\"true\"))).main(args);",
        "  }",
        "}", ""));
    git(repo, "init", "--quiet", "--initial-branch=main");
    git(repo, "add", "--all");
    git(repo, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "slow");
    String sha = git(repo, "rev-parse", "HEAD");
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());

    String url = startServer(data);
    int port = URI.create(url).getPort();
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\",\"pusher\":\"ignored\"}");
    assertEquals(202, accepted.statusCode(), accepted.body());
    List<Object> ids = json(accepted.body()).requireArray("runIds");
    assertEquals(2, ids.size()); // Other.java, Slow.java: sorted by file name
    String otherRun = (String) ids.get(0);
    String slowRun = (String) ids.get(1);

    // Bounded wait for a real state: the slow run's attestation acknowledged.
    String storageKey = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (storageKey == null && System.nanoTime() < deadline) {
      List<Object> a = json(get(url + "/api/v1/runs/" + slowRun + "/attestations").body()).requireArray("attestations");
      if (!a.isEmpty()) {
        storageKey = ((JsonObject) a.get(0)).requireString("storageKey");
      } else {
        Thread.sleep(100);
      }
    }
    assertNotNull(storageKey, "no attestation within 60 s");
    assertEquals("running", json(get(url + "/api/v1/runs/" + slowRun).body()).requireString("status"));

    List<ProcessHandle> orphans = server.toHandle().descendants().toList();
    server.destroyForcibly();
    assertTrue(server.waitFor(20, TimeUnit.SECONDS));
    try {
      String again = startServer(data, port);
      JsonObject run = json(get(again + "/api/v1/runs/" + slowRun).body());
      assertEquals("failed", run.requireString("status"));
      assertEquals(Orchestrator.RESTART_REASON, run.requireString("reason"));
      JsonObject job = (JsonObject) json(get(again + "/api/v1/runs/" + slowRun + "/jobs").body()).requireArray("jobs").get(0);
      assertEquals("failed", job.requireString("status"));
      assertEquals(Orchestrator.RESTART_REASON, job.requireString("reason"));
      JsonObject other = json(get(again + "/api/v1/runs/" + otherRun).body());
      assertEquals("skipped", other.requireString("status"), other.toString());

      HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(again + "/api/v1/attestations/" + storageKey)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, bundle.statusCode());
      Path trustRoot = tmp.resolve("trust-root-after-restart.json");
      Files.write(trustRoot, get(again + "/api/v1/trust-root").body().getBytes(StandardCharsets.UTF_8));
      Path artifact = Files.writeString(tmp.resolve("out.txt"), "slow\n");
      VerificationResult offline = new Verifier().verify(bundle.body(), VerificationPolicy.builder(TrustRootSource.file(trustRoot))
          .artifact(artifact).expectRepository(REPO).expectRef(REF).expectSha(sha)
          .expectWorkflow(".hallmark/workflows/Slow.java").build());
      assertTrue(offline.isVerified(), () -> offline.toJson().toString());
    } finally {
      orphans.forEach(ProcessHandle::destroyForcibly); // the job JVM and its sleep, started by the killed server
    }
  }

  @Test
  void sigtermEndsTheJobProcessesTheServerStarted() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = tmp.resolve("sleepy");
    Path workflows = Files.createDirectories(repo.resolve(".hallmark/workflows"));
    // The step starts a background sleep and reports its pid and the job's uid.
    Files.writeString(workflows.resolve("Sleepy.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class Sleepy {",
        "  public static void main(String[] args) {",
        "    workflow(\"sleepy\").on(push().branches(\"main\")).job(job(\"sleepy\")",
        "        .step(\"wait\", ctx -> ctx.sh(\"sleep 300.4242 & echo SLEEPER $! UID $(id -u); wait\"))).main(args);",
        "  }",
        "}", ""));
    git(repo, "init", "--quiet", "--initial-branch=main");
    git(repo, "add", "--all");
    git(repo, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "sleepy");
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());
    String url = startServer(data);
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = post(url, "Bearer " + credential, "application/json",
        "{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\"}");
    assertEquals(202, accepted.statusCode(), accepted.body());
    String runId = (String) json(accepted.body()).requireArray("runIds").get(0);

    // Bounded wait for the step's report line.
    java.util.regex.Matcher m = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (m == null && System.nanoTime() < deadline) {
      List<Object> jobs = json(get(url + "/api/v1/runs/" + runId + "/jobs").body()).requireArray("jobs");
      if (!jobs.isEmpty()) {
        String jobId = ((JsonObject) jobs.get(0)).requireString("id");
        String logs = get(url + "/api/v1/jobs/" + jobId + "/logs").body();
        java.util.regex.Matcher x = java.util.regex.Pattern.compile("SLEEPER (\\d+) UID (\\d+)").matcher(logs);
        if (x.find()) {
          m = x;
        }
      }
      if (m == null) {
        Thread.sleep(100);
      }
    }
    assertNotNull(m, "the step never reported its sleeper");
    // The pid it printed is its sandbox's (a PID namespace of its own): find it on the host by its argv.
    ProcessHandle sleeper = ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains("sleep 300.4242")).findFirst()
        .orElseThrow(() -> new AssertionError("sleeper already gone"));
    assertTrue(sleeper.isAlive());
    if (dev.hallmark.orchestrator.runner.JobUsers.isRoot()) {
      assertNotEquals("0", m.group(2), "the job ran as root");
    }

    server.destroy(); // SIGTERM
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    try {
      sleeper.onExit().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      sleeper.destroyForcibly();
      throw new AssertionError("a job process outlived the orchestrator's SIGTERM");
    }
    assertFalse(sleeper.isAlive());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private VerificationResult verify(byte[] bundle, TrustRootSource source, Path artifact, String sha) {
    return new Verifier().verify(bundle, VerificationPolicy.builder(source).artifact(artifact)
        .expectRepository(REPO).expectRef(REF).expectSha(sha).expectWorkflow(WORKFLOW).build());
  }

  /** Starts {@code serve} and returns its URL from the line it prints (bounded wait). */
  private String startServer(Path data) throws Exception {
    return startServer(data, 0);
  }

  private String startServer(Path data, int port, String... extra) throws Exception {
    ServeProcess started = ServeProcess.start(tmp, data, port, extra);
    serve = started;
    server = started.process();
    return started.url();
  }

  private JsonObject awaitFinished(String url, String runId) throws Exception {
    return ServeProcess.awaitFinished(http, url, runId, Duration.ofSeconds(60));
  }

  private HttpResponse<String> get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r;
  }

  private HttpResponse<String> post(String url, String authorization, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/v1/events/push"))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST with a chosen Host header (the JDK client will not set one); the status code. */
  private static int rawPost(int port, String host, String credential, String body) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      String req = "POST /api/v1/events/push HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + credential
          + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(req.getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        head.write(c);
      }
      return Integer.parseInt(head.toString(StandardCharsets.US_ASCII).split(" ")[1]);
    }
  }

  private static JsonObject json(String s) {
    return ServeProcess.json(s);
  }

  private ServeProcess.CliResult cli(String... args) throws Exception {
    return ServeProcess.cli(tmp, args);
  }

  /** A git repository made from a copy of examples/release: branch main, fixed author and date. */
  static Path exampleRepository(Path target) throws IOException {
    copyTree(example(), target);
    git(target, "init", "--quiet", "--initial-branch=main");
    git(target, "add", "--all");
    git(target, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "release example");
    return target;
  }

  static Path buildArchive(Path repo, Path clone) throws Exception {
    git(repo.getParent(), "clone", "--quiet", repo.toString(), clone.toString());
    Process p = new ProcessBuilder("sh", "-c", "mkdir -p dist"
        + " && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf dist/app-1.0.0.tar src"
        + " && gzip -n -f dist/app-1.0.0.tar && mv dist/app-1.0.0.tar.gz dist/app-1.0.0.tgz")
        .directory(clone.toFile()).inheritIO().start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    Path artifact = clone.resolve("dist/app-1.0.0.tgz");
    assertNotNull(Files.readAttributes(artifact, "size"));
    return artifact;
  }

  static String git(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GIT_"));
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.putAll(Map.of("GIT_AUTHOR_NAME", "Test Author", "GIT_AUTHOR_EMAIL", "author@example.invalid",
        "GIT_AUTHOR_DATE", "@1700000000 +0000", "GIT_COMMITTER_NAME", "Test Author",
        "GIT_COMMITTER_EMAIL", "author@example.invalid", "GIT_COMMITTER_DATE", "@1700000000 +0000"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    return out;
  }

  static Path example() {
    String root = System.getProperty("hallmark.root.dir");
    Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/release"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("examples/release not found");
    }
    return p.resolve("examples/release");
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
