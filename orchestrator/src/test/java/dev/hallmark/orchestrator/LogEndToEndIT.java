package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.tlog.LogProof;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 end to end through real processes: the packaged jar's {@code serve} with two {@code
 * hallmark witness serve} processes and quorum 2, a pushed job that attests, and the standalone
 * verifier ({@code bin/hallmark}: {@code trust-root export}, {@code verify-attestation}, {@code log
 * monitor}, {@code keys revoke}). One serve and one pair of witnesses for the whole class; the
 * second case takes a witness down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogEndToEndIT {
  private static final String WORKFLOW = ".hallmark/workflows/Attest.java";

  @TempDir static Path tmp;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static ServeProcess serve;
  private static Path data;
  private static LogCluster.Witness w1;
  private static LogCluster.Witness w2;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    data = tmp.resolve("data");
    Path repo = LogCluster.repository(tmp.resolve("app"), "Attest",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "import dev.hallmark.sdk.*;",
        "public class Attest {",
        "  public static void main(String[] args) {",
        "    workflow(\"attest\").on(push().branches(\"main\")).job(job(\"attest\")",
        "        .step(\"attest\", ctx -> { ctx.sh(\"printf 'hello\\\\n' > out.txt\");",
        "            ctx.attestProvenance(Subject.ofPath(\"out.txt\", \"out.txt\")); })).main(args);",
        "  }",
        "}");
    LogCluster.Started started = LogCluster.start(tmp, http, data, repo, List.of(), 2, 3);
    serve = started.serve();
    origin = started.origin();
    assertEquals(serve.url().substring("http://".length()) + "/oidc/log", origin);
    w1 = started.w1();
    w2 = started.w2();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (serve != null) {
      ServeProcess.stop(serve.process());
    }
    for (LogCluster.Witness w : new LogCluster.Witness[] {w1, w2}) {
      if (w != null) {
        ServeProcess.stop(w.process());
      }
    }
  }

  @Test
  @Order(1)
  void aJobsBundleIsWitnessedByBothVerifiesOfflineIsMonitoredAndRevokesFromAMoment() throws Exception {
    String runId = LogCluster.push(http, serve.url(), data);
    JsonObject run = ServeProcess.awaitFinished(http, serve.url(), runId, Duration.ofSeconds(60));
    assertEquals("succeeded", run.requireString("status"), run.toString());
    String sha = run.requireString("sha");
    List<String> keys = LogCluster.attestations(http, serve.url(), runId);
    assertEquals(1, keys.size());
    byte[] bundle = LogCluster.bundle(http, serve.url(), keys.get(0));
    LogProof proof = LogCluster.logProof(bundle);
    assertEquals(origin, proof.checkpoint().origin());
    assertEquals(List.of(origin, "w1.test", "w2.test"), LogCluster.signers(proof.checkpoint()).stream().sorted().toList());
    Path bundleFile = Files.write(tmp.resolve("out.txt.hallmark.json"), bundle);
    Path artifact = Files.writeString(tmp.resolve("out.txt"), "hello\n");

    // Offline, with the exported trust root.
    Path trustRoot = tmp.resolve("trust-root.json");
    ServeProcess.CliResult exported = LogCluster.hallmark(tmp, "trust-root", "export", "--issuer", serve.url() + "/oidc",
        "--out", trustRoot.toString());
    assertEquals(0, exported.exit(), exported::toString);
    ServeProcess.CliResult verified = verify(bundleFile, trustRoot, artifact, sha);
    assertEquals(0, verified.exit(), verified::toString);
    JsonObject result = ServeProcess.json(verified.out());
    JsonObject log = result.requireObject("log");
    assertEquals(origin, log.requireString("origin"));
    assertEquals(proof.index(), log.requireTime("index"));
    assertEquals(proof.checkpoint().size(), log.requireTime("treeSize"));
    assertEquals(List.of("w1.test", "w2.test"), log.requireArray("witnesses"));
    long witnessedBefore = log.requireTime("witnessedBefore");

    // The monitor lists the entry once: the first run everything, the second nothing new.
    Path state = tmp.resolve("monitor-state");
    ServeProcess.CliResult monitored = LogCluster.hallmark(tmp, "log", "monitor", "--trust-root", trustRoot.toString(),
        "--state", state.toString(), "--repository", LogCluster.REPO);
    assertEquals(0, monitored.exit(), monitored::toString);
    List<String> lines = monitored.out().lines().toList();
    assertEquals(1, lines.size(), monitored::toString);
    JsonObject entry = ServeProcess.json(lines.get(0));
    JsonObject identity = result.requireObject("identity");
    assertEquals(proof.index(), entry.requireTime("index"));
    for (String claim : List.of("repository", "ref", "sha", "workflow", "run_id", "job_id")) {
      assertEquals(identity.requireString(claim), entry.requireString(claim), claim);
    }
    assertEquals(WORKFLOW, entry.requireString("workflow"));
    assertEquals(runId, entry.requireString("run_id"));
    assertEquals("attest", entry.requireString("job_name"));
    assertEquals(Boolean.TRUE, entry.get("verified"));
    String kid = entry.requireString("kid");
    long iat = entry.requireTime("iat");
    assertTrue(iat <= witnessedBefore, entry::toString);
    ServeProcess.CliResult again = LogCluster.hallmark(tmp, "log", "monitor", "--trust-root", trustRoot.toString(),
        "--state", state.toString(), "--repository", LogCluster.REPO);
    assertEquals(0, again.exit(), again::toString);
    assertEquals("", again.out(), again::toString);

    // Revoked from a moment after the witnesses saw it: still valid.
    ServeProcess.CliResult after = LogCluster.hallmark(tmp, "keys", "revoke", kid, "--at", Long.toString(witnessedBefore + 1),
        "--data", data.toString());
    assertEquals(0, after.exit(), after::toString);
    Path afterRoot = exportWithRevokedAt(kid, witnessedBefore + 1, "trust-root-after.json");
    ServeProcess.CliResult stillValid = verify(bundleFile, afterRoot, artifact, sha);
    assertEquals(0, stillValid.exit(), stillValid::toString);
    assertTrue(ServeProcess.json(stillValid.out()).members().get("verified").equals(Boolean.TRUE));

    // Revoked from a moment before it was logged (RFC 3339 this time): it fails at check `log`.
    String before = Instant.ofEpochSecond(iat - 1).toString();
    ServeProcess.CliResult earlier = LogCluster.hallmark(tmp, "keys", "revoke", kid, "--at", before, "--data", data.toString());
    assertEquals(0, earlier.exit(), earlier::toString);
    Path beforeRoot = exportWithRevokedAt(kid, iat - 1, "trust-root-before.json");
    ServeProcess.CliResult refused = verify(bundleFile, beforeRoot, artifact, sha);
    assertEquals(1, refused.exit(), refused::toString);
    JsonObject failed = ServeProcess.json(refused.out());
    assertEquals("log", failed.requireString("failedCheck"), refused::toString);
    assertEquals(Boolean.FALSE, failed.get("verified"));
  }

  @Test
  @Order(2)
  void withQuorum2AndOneWitnessDownTheStepFailsNamingItAndNothingIsStoredOrServed() throws Exception {
    String servedBefore = LogCluster.checkpoint(http, serve.url());
    w2.kill();
    String runId = LogCluster.push(http, serve.url(), data);
    JsonObject run = ServeProcess.awaitFinished(http, serve.url(), runId, Duration.ofSeconds(60));
    assertEquals("failed", run.requireString("status"), run.toString());

    String expected = "--- step attest failed: the orchestrator refused POST /api/v1/attestations: HTTP 503: the log's witnesses"
        + " did not cosign within 3 s (quorum witnesses): witness w2.test at " + w2.url()
        + "/add-checkpoint did not answer (could not connect)";
    List<String> log = LogCluster.jobLog(http, serve.url(), runId);
    assertEquals(1, log.stream().filter(l -> l.startsWith("--- step attest failed")).count(), log::toString);
    assertTrue(log.contains(expected), () -> "expected '" + expected + "' in " + log);
    assertFalse(String.join("\n", log).contains("w1.test"), log::toString);
    assertTrue(run.requireString("reason").endsWith(expected.substring("--- ".length())), run::toString);

    assertEquals(List.of(), LogCluster.attestations(http, serve.url(), runId));
    assertEquals(servedBefore, LogCluster.checkpoint(http, serve.url()));
    assertTrue(serve.process().isAlive());
  }

  private static ServeProcess.CliResult verify(Path bundle, Path trustRoot, Path artifact, String sha) throws Exception {
    return LogCluster.hallmark(tmp, "verify-attestation", "--json", "--bundle", bundle.toString(), "--trust-root",
        trustRoot.toString(), "--repository", LogCluster.REPO, "--ref", LogCluster.REF, "--sha", sha, "--workflow",
        WORKFLOW, artifact.toString());
  }

  /**
   * Exports the trust root until it carries {@code revokedAt} for {@code kid} (the running serve
   * republishes when the key file changes; at most 10 s).
   */
  private static Path exportWithRevokedAt(String kid, long revokedAt, String file) throws Exception {
    Path out = tmp.resolve(file);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    JsonObject key = null;
    while (System.nanoTime() < deadline) {
      ServeProcess.CliResult r = LogCluster.hallmark(tmp, "trust-root", "export", "--issuer", serve.url() + "/oidc",
          "--out", out.toString());
      assertEquals(0, r.exit(), r::toString);
      for (Object k : ServeProcess.json(Files.readString(out)).requireObject("jwks").requireArray("keys")) {
        if (kid.equals(((JsonObject) k).requireString("kid"))) {
          key = (JsonObject) k;
        }
      }
      if (key != null && key.has("revokedAt") && key.requireTime("revokedAt") == revokedAt) {
        return out;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the exported trust root never showed " + kid + " revoked at " + revokedAt + ": " + key);
  }
}
