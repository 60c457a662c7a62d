package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.EntryBundle;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.attestation.tlog.Tile;
import dev.hallmark.attestation.tlog.TileReader;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the log's end-to-end tests share: witness keys and {@code hallmark witness serve} processes
 * on chosen ports, {@code bin/hallmark} with both packaged jars, a repository of one workflow, and
 * reading the log over HTTP (checkpoint, tiles, entry bundles, bundles' log proofs).
 *
 * <p>The order of a start, as an operator does it: witness keys first (their vkeys are serve's
 * {@code --witness} flags), then {@code serve} (which creates the log key on its first start and
 * publishes it in the trust root's policy), then the witnesses with that log vkey. Until they
 * listen, the log simply retries.
 */
final class LogCluster {
  static final String REPO = "acme/app";
  static final String REF = "refs/heads/main";

  private LogCluster() {}

  /** A {@code hallmark witness serve} child process; its standard output, line by line. */
  record Witness(String name, String vkey, Path key, Path data, int port, Process process, List<String> output) {
    String url() {
      return "http://127.0.0.1:" + port;
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertTrue(process.waitFor(20, TimeUnit.SECONDS));
    }

    /** Waits (at most {@code max}) for an output line that starts with {@code prefix}. */
    void awaitLine(String prefix, Duration max) throws InterruptedException {
      long deadline = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (output) {
          if (output.stream().anyMatch(l -> l.startsWith(prefix))) {
            return;
          }
        }
        Thread.sleep(20);
      }
      synchronized (output) {
        throw new AssertionError("witness " + name + " did not print '" + prefix + "…': " + output);
      }
    }

    boolean printed(String prefix) {
      synchronized (output) {
        return output.stream().anyMatch(l -> l.startsWith(prefix));
      }
    }
  }

  /**
   * Serve and two witnesses ({@code w1.test}, {@code w2.test}) started in an operator's order,
   * with the flags serve was given (a test that restarts serve passes them again).
   */
  record Started(ServeProcess serve, String[] serveFlags, String logVkey, String origin, Witness w1, Witness w2) {}

  /**
   * Registers {@code repo} as {@link #REPO} in {@code data}, then starts, in order: both witness
   * keys, {@code serve --witness w1 --witness w2 --quorum QUORUM --log-timeout SECONDS} (with
   * {@code jvmOptions} for its JVM), and both witnesses with the log's vkey; returns once they
   * listen.
   */
  static Started start(Path tmp, HttpClient http, Path data, Path repo, List<String> jvmOptions, int quorum,
      int logTimeoutSeconds) throws Exception {
    String v1 = witnessKey(tmp, "w1.test");
    String v2 = witnessKey(tmp, "w2.test");
    int p1 = freePort();
    int p2 = freePort();
    assertEquals(0, ServeProcess.cli(tmp, "repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());
    String[] serveFlags = {"--witness", v1, "http://127.0.0.1:" + p1, "--witness", v2, "http://127.0.0.1:" + p2,
        "--quorum", Integer.toString(quorum), "--log-timeout", Integer.toString(logTimeoutSeconds)};
    List<Process> running = new ArrayList<>();
    try {
      ServeProcess serve = ServeProcess.start(tmp, jvmOptions, data, 0, serveFlags);
      running.add(serve.process());
      String logVkey = logVkey(http, serve.url());
      String origin = logVkey.substring(0, logVkey.indexOf('+'));
      Witness w1 = startWitness(tmp, "w1.test", v1, p1, logVkey);
      running.add(w1.process());
      Witness w2 = startWitness(tmp, "w2.test", v2, p2, logVkey);
      running.add(w2.process());
      awaitStarted(w1, w2);
      return new Started(serve, serveFlags, logVkey, origin, w1, w2);
    } catch (Exception | AssertionError e) {
      // The caller gets no handle on what was started, so it cannot stop it in its @AfterAll.
      for (Process p : running) {
        ServeProcess.stop(p);
      }
      throw e;
    }
  }

  /** {@code hallmark witness key --key DIR/NAME.key --name NAME}: the witness's vkey. */
  static String witnessKey(Path dir, String name) throws IOException, InterruptedException {
    ServeProcess.CliResult r = ServeProcess.cli(dir, "witness", "key", "--key", dir.resolve(name + ".key").toString(),
        "--name", name);
    assertEquals(0, r.exit(), r::toString);
    String vkey = r.out().strip();
    assertTrue(vkey.startsWith(name + "+"), vkey);
    return vkey;
  }

  /** A port nothing listens on now (closed again before it is used). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code hallmark witness serve --key DIR/NAME.key --data DIR/NAME-state --port PORT --log
   * LOGVKEY}; call {@link #awaitStarted} before using it.
   */
  static Witness startWitness(Path dir, String name, String vkey, int port, String logVkey) throws IOException {
    Path key = dir.resolve(name + ".key");
    Path data = dir.resolve(name + "-state");
    List<String> cmd = List.of(ServeProcess.java(), "-jar", ServeProcess.JAR.toString(), "witness", "serve",
        "--key", key.toString(), "--data", data.toString(), "--port", Integer.toString(port), "--log", logVkey);
    Process p = new ProcessBuilder(cmd).redirectError(Files.createTempFile(dir, name + "-", ".err").toFile()).start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          output.add(l);
        }
      } catch (IOException e) {
        // the witness is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    return new Witness(name, vkey, key, data, port, p, output);
  }

  /** Waits (at most 60 s) for each witness's start line on its port. */
  static void awaitStarted(Witness... witnesses) throws InterruptedException {
    for (Witness w : witnesses) {
      w.awaitLine(WitnessCommand.LISTENING + w.url() + " ", Duration.ofSeconds(60));
    }
  }

  /** The log's checkpoint vkey, from the policy's {@code log} line of serve's trust root. */
  static String logVkey(HttpClient http, String url) throws Exception {
    JsonObject tr = ServeProcess.json(get(http, url + "/api/v1/trust-root"));
    String policy = tr.requireObject("log").requireString("policy");
    String line = policy.lines().filter(l -> l.startsWith("log ")).findFirst().orElseThrow();
    return line.split(" ")[1];
  }

  // ---- bin/hallmark -------------------------------------------------------------------------

  static Path root() {
    return LauncherRoutingIT.root();
  }

  /**
   * {@code bin/hallmark ARGS…} with both packaged jars (the verifier's commands run on the verifier
   * jar, the others on the orchestrator jar), no class-data archive, at most 60 s.
   */
  static ServeProcess.CliResult hallmark(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(root().resolve("bin/hallmark").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HALLMARK_CDS", "off");
    pb.environment().put("HALLMARK_ORCHESTRATOR_JAR", ServeProcess.JAR.toString());
    pb.environment().put("HALLMARK_JAR", root().resolve("verifier-cli/target/hallmark.jar").toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = Files.createTempFile(dir, "hallmark", ".out");
    Path err = Files.createTempFile(dir, "hallmark", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("hallmark " + String.join(" ", args) + " did not finish");
    }
    ServeProcess.CliResult r = new ServeProcess.CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
    assertFalse(r.err().contains("\tat "), r::toString);
    return r;
  }

  // ---- a repository and its runs ------------------------------------------------------------

  /** A git repository (branch main) holding one workflow, {@code .hallmark/workflows/<cls>.java}. */
  static Path repository(Path dir, String cls, String... javaLines) throws IOException {
    Files.createDirectories(dir.resolve(".hallmark/workflows"));
    Files.writeString(dir.resolve(".hallmark/workflows/" + cls + ".java"), String.join("\n", javaLines) + "\n");
    ServeIT.git(dir, "init", "--quiet", "--initial-branch=main");
    ServeIT.git(dir, "add", "--all");
    ServeIT.git(dir, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", cls);
    return dir;
  }

  /** POSTs a push of {@link #REF}; returns the one run's id. */
  static String push(HttpClient http, String url, Path data) throws Exception {
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events/push"))
        .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    List<Object> ids = ServeProcess.json(r.body()).requireArray("runIds");
    assertEquals(1, ids.size());
    return (String) ids.get(0);
  }

  /** The storage keys of a run's attestations. */
  static List<String> attestations(HttpClient http, String url, String runId) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Object o : ServeProcess.json(get(http, url + "/api/v1/runs/" + runId + "/attestations")).requireArray("attestations")) {
      keys.add(((JsonObject) o).requireString("storageKey"));
    }
    return keys;
  }

  /** The lines of the run's only job's stored log. */
  static List<String> jobLog(HttpClient http, String url, String runId) throws Exception {
    List<Object> jobs = ServeProcess.json(get(http, url + "/api/v1/runs/" + runId + "/jobs")).requireArray("jobs");
    String jobId = ((JsonObject) jobs.get(0)).requireString("id");
    List<String> lines = new ArrayList<>();
    for (Object o : ServeProcess.json(get(http, url + "/api/v1/jobs/" + jobId + "/logs")).requireArray("lines")) {
      lines.add(((JsonObject) o).requireString("line"));
    }
    return lines;
  }

  // ---- the log over HTTP --------------------------------------------------------------------

  static byte[] bundle(HttpClient http, String url, String storageKey) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/attestations/" + storageKey)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), () -> "bundle " + storageKey);
    return r.body();
  }

  /** The bundle's {@code verificationMaterial.logProof}, parsed. */
  static LogProof logProof(byte[] bundle) {
    JsonObject b = ServeProcess.json(new String(bundle, StandardCharsets.UTF_8));
    return LogProof.parse(b.requireObject("verificationMaterial").requireString("logProof"));
  }

  /** The bundle's identity token (the log entry). */
  static byte[] token(byte[] bundle) {
    JsonObject b = ServeProcess.json(new String(bundle, StandardCharsets.UTF_8));
    return b.requireObject("verificationMaterial").requireString("identityToken").getBytes(StandardCharsets.US_ASCII);
  }

  /** The served checkpoint's signed note. */
  static String checkpoint(HttpClient http, String url) throws Exception {
    return get(http, url + "/oidc/log/checkpoint");
  }

  /** Names of the signature lines of a checkpoint (the log's first). */
  static List<String> signers(Checkpoint cp) {
    return cp.signatures().stream().map(Checkpoint.SignatureLine::name).toList();
  }

  /** Reads the served tiles (tlog-tiles) of {@code url}'s log; TiledTree checks every one. */
  static TileReader tiles(HttpClient http, String url) {
    return tile -> {
      try {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + "/oidc/log/" + tile.path())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("GET " + tile.path() + ": HTTP " + r.statusCode());
        }
        return r.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    };
  }

  static List<byte[]> entries(TileReader tiles, long size) {
    List<byte[]> out = new ArrayList<>();
    for (long n = 0; n * Tile.FULL_WIDTH < size; n++) {
      int width = (int) Math.min(Tile.FULL_WIDTH, size - n * Tile.FULL_WIDTH);
      out.addAll(EntryBundle.parse(tiles.read(Tile.entries(n, width)), width));
    }
    return out;
  }

  static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), () -> url + ": " + r.body());
    return r.body();
  }
}
