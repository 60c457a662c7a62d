package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.TiledTree;
import dev.hallmark.orchestrator.log.LogKey;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's faults through real processes (issue 12): {@code serve} with two {@code hallmark
 * witness serve} processes and quorum 1 of 2, and ONE run whose job attests in three steps, each
 * waiting for the test to set the stage (a file it creates in the job's workspace) and recording
 * every storage key it gets back in a file there:
 * <ol>
 *   <li>one witness down: the attestation still succeeds, cosigned by the other;
 *   <li>a fork: the witness is fed a checkpoint of the same origin, signed with the log's own key,
 *       of a tree the log never had; it refuses the log's next checkpoint (422) and the log
 *       publishes without it, never inconsistently;
 *   <li>SIGKILL of serve while 16 threads attest at once and the other witness is frozen
 *       (SIGSTOP), so that entries are sequenced but unpublished; after a restart every
 *       acknowledged bundle is still served and provably in the newest checkpoint, no entry twice.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogFaultsIT {
  private static final int THREADS = 16;
  private static final int ACKED_BEFORE_KILL = 40;

  @TempDir static Path tmp;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static ServeProcess serve;
  private static String url;
  private static Path data;
  private static String[] serveFlags;
  private static LogCluster.Witness w1;
  private static LogCluster.Witness w2;
  private static String logVkey;
  private static String origin;
  private static String runId;
  private static Path workspace;
  /** Every checkpoint seen served or in a bundle, by size: the log must never show two roots for one size. */
  private static final Map<Long, List<Checkpoint>> seen = new HashMap<>();
  private static Checkpoint forged;
  private static long forkSize;

  @BeforeAll
  static void start() throws Exception {
    data = tmp.resolve("data");
    Path repo = LogCluster.repository(tmp.resolve("app"), "Faults",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "import dev.hallmark.sdk.*;",
        "import java.nio.file.*;",
        "import java.util.*;",
        "import java.util.concurrent.*;",
        "public class Faults {",
        // Waits for the test's go (a file in the workspace), at most 120 s.
        "  static void await(String go) throws Exception {",
        "    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);",
        "    while (!Files.exists(Path.of(go))) {",
        "      if (System.nanoTime() > deadline) throw new IllegalStateException(\"no \" + go);",
        "      Thread.sleep(10);",
        "    }",
        "  }",
        // One line per acknowledged attestation, written as soon as the answer came.
        "  static synchronized void acked(String file, Attestation a) throws Exception {",
        "    Files.writeString(Path.of(file), a.storageKey() + \"\\n\", StandardOpenOption.CREATE, StandardOpenOption.APPEND);",
        "  }",
        "  static void attest(StepContext ctx, String name, String acked) throws Exception {",
        "    Files.writeString(Path.of(name), name + \"\\n\");",
        "    acked(acked, ctx.attestProvenance(Subject.ofPath(name, name)));",
        "  }",
        "  public static void main(String[] args) {",
        "    workflow(\"faults\").on(push().branches(\"main\")).job(job(\"faults\")",
        "        .step(\"down\", ctx -> { await(\"go-down\"); attest(ctx, \"down.txt\", \"acked-down\"); })",
        "        .step(\"fork\", ctx -> { await(\"go-fork\"); attest(ctx, \"fork.txt\", \"acked-fork\"); })",
        "        .step(\"batch\", ctx -> {",
        "          await(\"go-batch\");",
        "          ExecutorService pool = Executors.newFixedThreadPool(" + THREADS + ");",
        "          List<Future<?>> all = new ArrayList<>();",
        "          for (int t = 0; t < " + THREADS + "; t++) {",
        "            String name = \"batch-\" + t + \".txt\";",
        "            all.add(pool.submit(() -> { for (int i = 0; i < 1000; i++) attest(ctx, name, \"acked-batch\"); return null; }));",
        "          }",
        "          for (Future<?> f : all) f.get();",
        "        })).main(args);",
        "  }",
        "}");
    LogCluster.Started started = LogCluster.start(tmp, http, data, repo, jvm(), 1, 10);
    serve = started.serve();
    serveFlags = started.serveFlags();
    url = serve.url();
    logVkey = started.logVkey();
    origin = started.origin();
    w1 = started.w1();
    w2 = started.w2();
    runId = LogCluster.push(http, url, data);
    workspace = awaitWorkspace();
  }

  @AfterAll
  static void stop() throws Exception {
    if (w1 != null) {
      signal("CONT", w1.process()); // in case a case stopped early
    }
    for (Process p : new Process[] {serve == null ? null : serve.process(), w1 == null ? null : w1.process(),
        w2 == null ? null : w2.process()}) {
      if (p != null) {
        ServeProcess.stop(p);
      }
    }
  }

  @Test
  @Order(1)
  void withQuorum1Of2AWitnessDownTheAttestationIsCosignedByTheOther() throws Exception {
    w2.kill();
    go("go-down");
    String key = awaitAcked("acked-down", 1).get(0);
    LogProof proof = LogCluster.logProof(LogCluster.bundle(http, url, key));
    assertEquals(List.of(origin, "w1.test"), LogCluster.signers(proof.checkpoint()));
    saw(proof.checkpoint());
    assertVerifies(key);
  }

  @Test
  @Order(2)
  void aWitnessThatCosignedAForkRefusesTheLogsCheckpointAndTheLogPublishesOnlyConsistentOnes() throws Exception {
    w2 = LogCluster.startWitness(tmp, w2.name(), w2.vkey(), w2.port(), logVkey);
    LogCluster.awaitStarted(w2);
    // The fork: the served tree plus one entry the log never had, signed with the log's own key
    // (as a thief of it, or a second orchestrator on a copy of the data folder, would).
    Checkpoint served = Checkpoint.parseSigned(LogCluster.checkpoint(http, url));
    saw(served);
    forkSize = served.size() + 1;
    List<byte[]> leaves = new ArrayList<>();
    for (byte[] e : LogCluster.entries(LogCluster.tiles(http, url), served.size())) {
      leaves.add(Merkle.leafHash(e));
    }
    leaves.add(Merkle.leafHash("forged entry".getBytes(StandardCharsets.US_ASCII)));
    Merkle.Tree forkTree = new Merkle.Tree(leaves);
    LogKey logKey = LogKey.openOrCreate(data.resolve("keys"), origin, 0, new SecureRandom()); // exists: read
    assertEquals(logVkey, logKey.vkey().toString());
    forged = logKey.sign(Checkpoint.of(origin, forkSize, forkTree.root(forkSize)));
    HttpResponse<String> cosigned = addCheckpoint(w2, 0, List.of(), forged);
    if (cosigned.statusCode() == 409) { // the witness cosigned a tree of the log before: extend that one
      long witnessed = Long.parseLong(cosigned.body().strip());
      cosigned = addCheckpoint(w2, witnessed, forkTree.consistencyProof(witnessed, forkSize), forged);
    }
    assertEquals(200, cosigned.statusCode(), cosigned::body);

    go("go-fork");
    String key = awaitAcked("acked-fork", 1).get(0);
    w2.awaitLine("refused 422 " + origin + ": the checkpoint has the witnessed size " + forkSize
        + " but another root hash (a fork)", Duration.ofSeconds(10));
    LogProof proof = LogCluster.logProof(LogCluster.bundle(http, url, key));
    assertEquals(forkSize, proof.checkpoint().size());
    assertEquals(List.of(origin, "w1.test"), LogCluster.signers(proof.checkpoint()));
    assertFalse(Arrays.equals(forged.rootHash(), proof.checkpoint().rootHash()));
    saw(proof.checkpoint());
    saw(Checkpoint.parseSigned(LogCluster.checkpoint(http, url)));
    assertVerifies(key);
  }

  @Test
  @Order(3)
  void sigkillDuringABatchLosesNoAcknowledgedAttestationAndLogsNoneTwice() throws Exception {
    List<ProcessHandle> jobProcesses;
    long stored;
    long published;
    go("go-batch");
    awaitAcked("acked-batch", ACKED_BEFORE_KILL);
    // Freeze the only witness that cosigns: from now on entries are sequenced but never published.
    signal("STOP", w1.process());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long[] sizes = storedAndPublished();
      while (sizes[0] <= sizes[1] && System.nanoTime() < deadline) {
        Thread.sleep(20);
        sizes = storedAndPublished();
      }
      assertTrue(sizes[0] > sizes[1], "no entry was sequenced after the last published checkpoint");
      jobProcesses = serve.process().toHandle().descendants().toList();
      serve.process().destroyForcibly(); // kill -9, with attestations in flight
      assertTrue(serve.process().waitFor(20, TimeUnit.SECONDS));
    } finally {
      signal("CONT", w1.process());
    }
    // The job's JVM outlives serve: end it, then read what it recorded as acknowledged.
    jobProcesses.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : jobProcesses) {
      h.onExit().get(20, TimeUnit.SECONDS);
    }
    long[] sizes = storedAndPublished();
    stored = sizes[0];
    published = sizes[1];
    assertTrue(stored > published, stored + " stored, " + published + " published");
    List<String> acked = new ArrayList<>(readAcked("acked-batch"));
    assertTrue(acked.size() >= ACKED_BEFORE_KILL, acked::toString);
    acked.addAll(readAcked("acked-down"));
    acked.addAll(readAcked("acked-fork"));
    long w1Refusals = w1.output().stream().filter(l -> l.startsWith("refused 409 ")).count();

    serve = ServeProcess.start(tmp, jvm(), data, 0, serveFlags);
    assertEquals(url, serve.url()); // the recorded port
    // The restarted log knows no witness's size: it learns it from the 409 and resyncs.
    w1.awaitLine("refused 409 " + origin + ": old size 0, latest cosigned size ", Duration.ofSeconds(20));
    assertTrue(w1.output().stream().filter(l -> l.startsWith("refused 409 ")).count() > w1Refusals);
    Checkpoint newest = awaitPublished(stored);

    JsonObject run = ServeProcess.json(LogCluster.get(http, url + "/api/v1/runs/" + runId));
    assertEquals("failed", run.requireString("status"));
    assertEquals(Orchestrator.RESTART_REASON, run.requireString("reason"));

    TiledTree tree = TiledTree.open(LogCluster.tiles(http, url), newest.size(), newest.rootHash());
    List<byte[]> entries = tree.entries(0, newest.size());
    Map<String, Integer> count = new HashMap<>();
    for (byte[] e : entries) {
      count.merge(new String(e, StandardCharsets.US_ASCII), 1, Integer::sum);
    }
    Path trustRoot = Files.writeString(tmp.resolve("trust-root.json"), LogCluster.get(http, url + "/api/v1/trust-root"));
    for (String key : acked) {
      byte[] bundle = LogCluster.bundle(http, url, key); // 200: not lost
      LogProof proof = LogCluster.logProof(bundle);
      byte[] token = LogCluster.token(bundle);
      assertArrayEquals(token, entries.get((int) proof.index()), key);
      assertEquals(1, count.get(new String(token, StandardCharsets.US_ASCII)), () -> key + " is logged twice");
      Checkpoint cp = proof.checkpoint();
      saw(cp);
      assertTrue(Merkle.verifyConsistency(cp.size(), newest.size(), cp.rootHash(), newest.rootHash(),
          tree.consistencyProof(cp.size(), newest.size())), key);
      assertTrue(Merkle.verifyInclusion(proof.index(), newest.size(), Merkle.leafHash(token),
          tree.inclusionProof(proof.index(), newest.size()), newest.rootHash()), key);
      VerificationResult r = new Verifier().verify(bundle, VerificationPolicy.builder(TrustRootSource.file(trustRoot))
          .withoutArtifactUnsafe().expectRepository(LogCluster.REPO).build());
      assertTrue(r.isVerified(), () -> r.toJson().toString());
    }

    // Every checkpoint this log ever showed is a prefix of the newest; the fork is not.
    saw(newest);
    for (List<Checkpoint> sameSize : seen.values()) {
      for (Checkpoint cp : sameSize) {
        assertArrayEquals(tree.root(cp.size()), cp.rootHash(), "checkpoint of size " + cp.size());
        if (cp.size() >= forkSize) {
          assertFalse(LogCluster.signers(cp).contains("w2.test"), cp::signedText);
        }
      }
    }
    assertFalse(Arrays.equals(tree.root(forkSize), forged.rootHash()));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void saw(Checkpoint cp) {
    assertEquals(origin, cp.origin());
    seen.computeIfAbsent(cp.size(), k -> new ArrayList<>()).add(cp);
  }

  private static void assertVerifies(String key) throws Exception {
    Path trustRoot = Files.writeString(tmp.resolve("trust-root-" + key + ".json"), LogCluster.get(http, url + "/api/v1/trust-root"));
    VerificationResult r = new Verifier().verify(LogCluster.bundle(http, url, key),
        VerificationPolicy.builder(TrustRootSource.file(trustRoot)).withoutArtifactUnsafe()
            .expectRepository(LogCluster.REPO).build());
    assertTrue(r.isVerified(), () -> r.toJson().toString());
  }

  /** serve's temporary folder, where the runner makes the jobs' workspaces. */
  private static List<String> jvm() throws Exception {
    // Job users (serve as root) pass through both folders to their own, as under /tmp.
    java.util.Set<java.nio.file.attribute.PosixFilePermission> x =
        java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x");
    Files.setPosixFilePermissions(tmp, x);
    Path dir = Files.createDirectories(tmp.resolve("serve-tmp"));
    Files.setPosixFilePermissions(dir, x);
    return List.of("-Djava.io.tmpdir=" + dir);
  }

  /** The job's workspace, once its job runs (at most 90 s): {@code <serve's tmp>/hallmark-jobs-…/…/run-<id>/jobs/faults}. */
  private static Path awaitWorkspace() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      List<Object> jobs = ServeProcess.json(LogCluster.get(http, url + "/api/v1/runs/" + runId + "/jobs")).requireArray("jobs");
      if (!jobs.isEmpty() && "running".equals(((JsonObject) jobs.get(0)).requireString("status"))) {
        try (Stream<Path> s = Files.walk(tmp.resolve("serve-tmp"), 6)) {
          Path ws = s.filter(p -> p.endsWith(Path.of("run-" + runId, "jobs", "faults"))).findFirst().orElse(null);
          if (ws != null) {
            return ws;
          }
        } catch (java.io.UncheckedIOException e) {
          // a folder the runner removed while we looked: look again
        }
      }
      JsonObject run = ServeProcess.json(LogCluster.get(http, url + "/api/v1/runs/" + runId));
      assertTrue(List.of("pending", "running").contains(run.requireString("status")), run::toString);
      Thread.sleep(50);
    }
    throw new AssertionError("the job of run " + runId + " did not start within 90 s");
  }

  private static void go(String file) throws Exception {
    Files.writeString(workspace.resolve(file), "go\n");
  }

  private static List<String> readAcked(String file) throws Exception {
    Path p = workspace.resolve(file);
    return Files.exists(p) ? Files.readAllLines(p).stream().filter(l -> l.matches("[0-9a-f]{64}")).toList() : List.of();
  }

  /** Waits (at most 60 s) until the job recorded {@code n} acknowledged attestations in {@code file}. */
  private static List<String> awaitAcked(String file, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<String> keys = readAcked(file);
      if (keys.size() >= n) {
        return keys;
      }
      JsonObject run = ServeProcess.json(LogCluster.get(http, url + "/api/v1/runs/" + runId));
      assertEquals("running", run.requireString("status"), () -> run + "\n" + jobLog());
      Thread.sleep(20);
    }
    throw new AssertionError("the job recorded fewer than " + n + " attestations in " + file + " within 60 s: " + jobLog());
  }

  private static String jobLog() {
    try {
      return String.join("\n", LogCluster.jobLog(http, url, runId));
    } catch (Exception e) {
      return "(no job log: " + e.getMessage() + ")";
    }
  }

  /** Entries stored and the published checkpoint's size, read from the data folder's database. */
  private static long[] storedAndPublished() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + data.resolve("hallmark.db") + "?mode=ro");
        Statement s = c.createStatement()) {
      long stored;
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM log_entries")) {
        rs.next();
        stored = rs.getLong(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(size), -1) FROM log_checkpoint")) {
        rs.next();
        return new long[] {stored, rs.getLong(1)};
      }
    }
  }

  /** Polls the served checkpoint (at most 30 s) until it covers {@code size} entries. */
  private static Checkpoint awaitPublished(long size) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Checkpoint cp = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/oidc/log/checkpoint")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        cp = Checkpoint.parseSigned(r.body());
        saw(cp);
        if (cp.size() >= size) {
          return cp;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no checkpoint of " + size + " entries within 30 s; last " + (cp == null ? "none" : cp.size()));
  }

  /** tlog-witness add-checkpoint, as a client of the witness process. */
  private static HttpResponse<String> addCheckpoint(LogCluster.Witness w, long old, List<byte[]> proof, Checkpoint cp)
      throws Exception {
    StringBuilder b = new StringBuilder("old ").append(old).append('\n');
    for (byte[] h : proof) {
      b.append(Base64Strict.encodeStd(h)).append('\n');
    }
    b.append('\n').append(cp.signedText());
    return http.send(HttpRequest.newBuilder(URI.create(w.url() + "/add-checkpoint"))
        .POST(HttpRequest.BodyPublishers.ofString(b.toString())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code kill -SIG pid} of a process this test started. */
  private static void signal(String sig, Process p) throws Exception {
    if (!p.isAlive()) {
      return;
    }
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
    assertTrue(k.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, k.exitValue(), "kill -" + sig + " " + p.pid());
  }
}
