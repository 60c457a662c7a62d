package dev.hallmark.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.orchestrator.Orchestrator;
import dev.hallmark.orchestrator.OrchestratorMainAccess;
import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.log.FakeWitness;
import dev.hallmark.orchestrator.log.LogKey;
import dev.hallmark.orchestrator.log.LogSettings;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.Check;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator with its log and one real loopback witness (quorum 1), over real HTTP: bundles
 * carry witnessed proofs that the real verifier accepts, the log is served per tlog-tiles, a witness
 * that is down fails the call by name with nothing stored, and {@code keys revoke} scopes a key in time.
 */
class TransparencyLogApiTest {
  static final String REPO = "acme/app";
  static final String REF = "refs/heads/main";
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String WORKFLOW = ".hallmark/workflows/Release.java";

  @TempDir Path data;
  @TempDir Path work;
  FakeWitness witness;
  Orchestrator orchestrator;
  Capability capability;

  @BeforeEach
  void start() throws Exception {
    Orchestrator.createDataDir(data);
    Files.createDirectories(Orchestrator.keysDir(data));
    // The witness must trust the log's key before the log asks it: make the key as serve would.
    LogKey key = LogKey.openOrCreate(Orchestrator.keysDir(data), "x", System.currentTimeMillis() / 1000 - 5, new SecureRandom());
    witness = FakeWitness.start("w1.witness.test", key.vkey().publicKey());
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withLog(new LogSettings(
        List.of(new LogSettings.Witness(witness.vkey().toString(), witness.url())), "1", null, Duration.ofSeconds(3))));
    orchestrator.registerRepository(REPO, "/src/app", "https://git.example.com/acme/app.git");
    RunRecord run = orchestrator.createRun(new NewRun(REPO, REF, SHA, "push", WORKFLOW));
    JobRecord job = orchestrator.createJob(run.id(), "publish");
    capability = orchestrator.startJob(job.id(), Duration.ofMinutes(30));
  }

  @AfterEach
  void stop() {
    if (orchestrator != null) {
      orchestrator.close();
    }
    witness.close();
  }

  private String host() {
    return "127.0.0.1:" + orchestrator.port();
  }

  private RawHttp.Response get(String path) throws Exception {
    return RawHttp.request(orchestrator.port(), "GET", path, Map.of("Host", host()), null);
  }

  private RawHttp.Response attest(Path artifact) throws Exception {
    String body = "{\"subjects\":[{\"name\":\"" + artifact.getFileName() + "\",\"digest\":{\"sha256\":\""
        + Sha256.hex(Sha256.of(Files.readAllBytes(artifact))) + "\"}}]}";
    return RawHttp.request(orchestrator.port(), "POST", "/api/v1/attestations", Map.of("Host", host(),
        "Content-Type", "application/json", "Authorization", "Bearer " + capability.reveal()),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] attestAndDownload(Path artifact) throws Exception {
    RawHttp.Response r = attest(artifact);
    assertEquals(200, r.status(), r.text());
    String key = StrictJson.parseObject(r.body(), 1 << 20).requireString("storageKey");
    RawHttp.Response b = get("/api/v1/attestations/" + key);
    assertEquals(200, b.status());
    return b.body();
  }

  private VerificationResult verifyOnline(byte[] bundle, Path artifact) {
    return new Verifier().verify(bundle, VerificationPolicy.builder(
            OnlineTrustRootSource.of(URI.create(orchestrator.issuerUrl()), OnlineOptions.defaults()))
        .artifact(artifact).expectRepository(REPO).expectRef(REF).expectSha(SHA).expectWorkflow(WORKFLOW).build());
  }

  private Path artifact(String content) throws Exception {
    Path p = work.resolve("app.tgz");
    Files.writeString(p, content);
    return p;
  }

  private long attestationRows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("hallmark.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM attestations")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void theBundleCarriesAWitnessedProofThatTheVerifierAcceptsAndTheLogIsServed() throws Exception {
    Path artifact = artifact("x");
    byte[] bundle = attestAndDownload(artifact);
    String proofText = Bundle.parse(bundle).logProof();
    assertNotNull(proofText, "the stored bundle carries its logProof");
    VerificationResult r = verifyOnline(bundle, artifact);
    assertTrue(r.isVerified(), () -> r.toJson().toString());
    assertTrue(r.checks().stream().anyMatch(c -> c.check() == Check.LOG && c.ok()));

    JsonObject trustRoot = StrictJson.parseObject(get("/api/v1/trust-root").body(), 1 << 20);
    String policy = trustRoot.requireObject("log").requireString("policy");
    assertTrue(policy.contains("witness w1.witness.test " + witness.vkey() + " " + witness.url()), policy);
    assertTrue(policy.contains("quorum witnesses"), policy);

    RawHttp.Response cp = get("/oidc/log/checkpoint");
    assertEquals(200, cp.status());
    assertEquals("text/plain; charset=utf-8", cp.header("Content-Type"));
    assertEquals("no-cache", cp.header("Cache-Control"));
    long size = Long.parseLong(cp.text().split("\n")[1]);
    long index = LogProof.parse(proofText).index();
    assertTrue(index < size);
    RawHttp.Response entries = get("/oidc/log/tile/entries/000.p/" + size);
    assertEquals(200, entries.status());
    assertTrue(entries.header("Cache-Control").contains("max-age"));
    String token = Bundle.parse(bundle).identityToken();
    assertTrue(new String(entries.body(), StandardCharsets.US_ASCII).contains(token), "the entry bundle holds the token");
    RawHttp.Response tile = get("/oidc/log/tile/0/000.p/" + size);
    assertEquals(200, tile.status());
    assertEquals(32 * size, tile.body().length);
    assertEquals(404, get("/oidc/log/tile/0/000.p/" + (size + 1)).status(), "nothing beyond the published tree");
    assertEquals(404, get("/oidc/log/tile/0/000").status());
  }

  @Test
  void aWitnessThatIsDownFailsTheCallNamingItAndNothingIsStored() throws Exception {
    Path artifact = artifact("y");
    attestAndDownload(artifact);
    long rows = attestationRows();
    witness.close();
    RawHttp.Response r = attest(artifact);
    assertEquals(503, r.status(), r.text());
    String error = StrictJson.parseObject(r.body(), 1 << 16).requireString("error");
    assertTrue(error.contains("w1.witness.test") && error.contains(witness.url()), error);
    assertEquals(rows, attestationRows(), "nothing half-done is stored");
  }

  @Test
  void revokingTheKeyAfterTheAttestationKeepsItValidAndBeforeFailsItAtLog() throws Exception {
    Path artifact = artifact("z");
    byte[] bundle = attestAndDownload(artifact);
    String kid = orchestrator.keys().signingKey().kid();
    long now = System.currentTimeMillis() / 1000;

    assertEquals(0, revoke(kid, Long.toString(now + 3600)));
    VerificationResult later = verifyOnline(bundle, artifact);
    assertTrue(later.isVerified(), () -> later.toJson().toString());
    assertTrue(!kid.equals(orchestrator.keys().signingKey().kid()), "a revoked key no longer signs");

    assertEquals(0, revoke(kid, java.time.Instant.ofEpochSecond(now - 3600).toString()));
    VerificationResult earlier = verifyOnline(bundle, artifact);
    assertEquals(Check.LOG, earlier.failedCheck(), () -> earlier.toJson().toString());

    assertEquals(1, revoke("hm-nonexistent", "0"));
  }

  private int revoke(String kid, String at) {
    var cl = OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    return cl.execute("keys", "revoke", kid, "--at", at, "--data", data.toString());
  }
}
