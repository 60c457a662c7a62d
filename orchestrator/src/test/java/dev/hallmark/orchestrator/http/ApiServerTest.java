package dev.hallmark.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.intoto.Statement;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.orchestrator.Orchestrator;
import dev.hallmark.orchestrator.SteppedClock;
import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.keys.IssuerKeyStore;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.Check;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real loopback server and a real SQLite file; no crypto is mocked. */
class ApiServerTest {
  static final String REPO = "acme/app";
  static final String REF = "refs/heads/main";
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String WORKFLOW = ".hallmark/workflows/Release.java";

  @TempDir Path data;
  @TempDir Path work;
  final SteppedClock clock = SteppedClock.ofSystem();
  Orchestrator orchestrator;
  RunRecord run;
  JobRecord job;
  Capability capability;

  @BeforeEach
  void start() {
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withClock(clock));
    orchestrator.registerRepository(REPO, "/src/app", "https://git.example.com/acme/app.git");
    run = orchestrator.createRun(new NewRun(REPO, REF, SHA, "push", WORKFLOW));
    job = orchestrator.createJob(run.id(), "publish");
    capability = orchestrator.startJob(job.id(), Duration.ofMinutes(30));
  }

  @AfterEach
  void stop() {
    if (orchestrator != null) {
      orchestrator.close();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  String host() {
    return "127.0.0.1:" + orchestrator.port();
  }

  RawHttp.Response get(String path) throws Exception {
    return RawHttp.request(orchestrator.port(), "GET", path, Map.of("Host", host()), null);
  }

  RawHttp.Response post(String path, Capability cap, String contentType, byte[] body) throws Exception {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host());
    if (contentType != null) {
      h.put("Content-Type", contentType);
    }
    if (cap != null) {
      h.put("Authorization", "Bearer " + cap.reveal());
    }
    return RawHttp.request(orchestrator.port(), "POST", path, h, body);
  }

  RawHttp.Response postJson(String path, Capability cap, String json) throws Exception {
    return post(path, cap, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  static String attestBody(String name, String sha256) {
    return "{\"subjects\":[{\"name\":\"" + name + "\",\"digest\":{\"sha256\":\"" + sha256 + "\"}}]}";
  }

  Path artifact(String name, String content) throws Exception {
    Path p = work.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  static String sha256(Path p) throws Exception {
    return Sha256.hex(Sha256.of(Files.readAllBytes(p)));
  }

  JsonObject attestOk(Capability cap, String body) throws Exception {
    RawHttp.Response r = postJson("/api/v1/attestations", cap, body);
    assertEquals(200, r.status(), r.text());
    return StrictJson.parseObject(r.body(), 1 << 20);
  }

  byte[] download(String storageKey) throws Exception {
    RawHttp.Response r = get("/api/v1/attestations/" + storageKey);
    assertEquals(200, r.status(), r.text());
    assertEquals(Bundle.MEDIA_TYPE, r.header("Content-Type"));
    return r.body();
  }

  VerificationResult verifyOnline(byte[] bundle, Path artifact) {
    return new Verifier().verify(bundle, policy(
        OnlineTrustRootSource.of(URI.create(orchestrator.issuerUrl()), OnlineOptions.defaults()), artifact));
  }

  static VerificationPolicy policy(TrustRootSource source, Path artifact) {
    return VerificationPolicy.builder(source).artifact(artifact)
        .expectRepository(REPO).expectRef(REF).expectSha(SHA).expectWorkflow(WORKFLOW).build();
  }

  long attestationRows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("hallmark.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM attestations")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static JsonObject payload(byte[] bundle) {
    return Statement.parse(Bundle.parse(bundle).dsseEnvelope().payloadUnsafe()).toJson();
  }

  // ---- the issuer ---------------------------------------------------------------------------

  @Test
  void listeningOnEveryAddressAcceptsTheLoopbackLiteralsJobsAreGiven() {
    Set<String> hosts = ApiServer.hostsFor("0.0.0.0", 8080, "https://ci.example.com");
    assertTrue(hosts.containsAll(Set.of("127.0.0.1:8080", "[::1]:8080", "localhost:8080", "ci.example.com", "ci.example.com:443")));
    assertFalse(ApiServer.hostsFor("127.0.0.1", 8080, "http://127.0.0.1:8080").contains("[::1]:8080"));
    assertFalse(hosts.contains("evil.example:8080"));
  }

  @Test
  void discoveryAndJwksPassTheOnlineTrustRootLoaderAndTheFileParses() throws Exception {
    TrustRoot online =
        OnlineTrustRootSource.of(URI.create(orchestrator.issuerUrl()), OnlineOptions.defaults()).load();
    assertEquals(orchestrator.issuerUrl(), online.issuer());
    assertEquals(1, online.keys().size());

    RawHttp.Response file = get("/api/v1/trust-root");
    assertEquals(200, file.status());
    assertEquals(TrustRoot.MEDIA_TYPE, file.header("Content-Type"));
    TrustRoot offline = TrustRoot.parse(file.body());
    assertEquals(online.issuer(), offline.issuer());
    assertEquals(online.keys().get(0).kid(), offline.keys().get(0).kid());
    assertEquals(orchestrator.keys().signingKey().kid(), offline.keys().get(0).kid());
  }

  /** The discovery document lists exactly the claims real tokens carry: an attestation token's and a step token's. */
  @Test
  void claimsSupportedListsEveryClaimOfTheTokens() throws Exception {
    JsonObject attested = attestOk(capability, attestBody("app.tgz", sha256(artifact("app.tgz", "x"))));
    String attestationToken = Bundle.parse(download(attested.requireString("storageKey"))).identityToken();
    RawHttp.Response minted = postJson("/api/v1/oidc/token", capability, "{\"audience\":\"https://registry.example.com\"}");
    assertEquals(200, minted.status(), minted.text());
    String stepToken = StrictJson.parseObject(minted.body(), 1 << 20).requireString("token");
    Set<String> carried = new java.util.TreeSet<>();
    carried.addAll(CompactJws.parse(attestationToken).claims().members().keySet());
    carried.addAll(CompactJws.parse(stepToken).claims().members().keySet());

    RawHttp.Response discovery = get(orchestrator.issuerUrl().substring(orchestrator.url().length())
        + "/.well-known/openid-configuration");
    assertEquals(200, discovery.status());
    Set<String> listed = new java.util.TreeSet<>();
    for (Object c : StrictJson.parseObject(discovery.body(), 1 << 20).requireArray("claims_supported")) {
      listed.add((String) c);
    }
    assertEquals(carried, listed);
    assertTrue(listed.containsAll(Set.of("cnf", "payload_sha256")));
  }

  @Test
  void theRunListCarriesEachRunsReason() throws Exception {
    RunRecord other = orchestrator.createRun(new NewRun(REPO, REF, SHA, "push", WORKFLOW));
    orchestrator.store().finishRun(run.id(), JobRecord.FAILED, "compile error: Release.java:1: ';' expected");
    RawHttp.Response r = get("/api/v1/runs");
    assertEquals(200, r.status());
    Map<String, Object> reasons = new LinkedHashMap<>();
    for (Object o : StrictJson.parseObject(r.body(), 1 << 20).requireArray("runs")) {
      JsonObject run = (JsonObject) o;
      assertTrue(run.has("reason"), run.toString());
      reasons.put(run.requireString("id"), run.get("reason"));
    }
    assertEquals("compile error: Release.java:1: ';' expected", reasons.get(Long.toString(run.id())));
    assertEquals(dev.hallmark.attestation.json.JsonNull.INSTANCE, reasons.get(Long.toString(other.id())));
  }

  /**
   * The SDK says where it hashed a path subject; the orchestrator hands that only to its listener
   * (hallmark run's copy), never into the statement, and refuses a path that is not a string.
   */
  @Test
  void aSubjectsPathReachesTheListenerAndNeverTheStatement() throws Exception {
    List<dev.hallmark.orchestrator.attest.RequestedSubject> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    orchestrator.onAttested((jobId, key, subjects) -> seen.addAll(subjects));
    String a = sha256(artifact("a.bin", "a"));
    String b = "b".repeat(64);
    JsonObject answer = attestOk(capability, "{\"subjects\":[{\"name\":\"a.bin\",\"digest\":{\"sha256\":\"" + a
        + "\"},\"path\":\"dist/a.bin\"},{\"name\":\"image\",\"digest\":{\"sha256\":\"" + b + "\"}}]}");
    assertEquals(2, seen.size());
    assertEquals("dist/a.bin", seen.get(0).path());
    assertNull(seen.get(1).path());
    byte[] bundle = download(answer.requireString("storageKey"));
    String statement = new String(Bundle.parse(bundle).dsseEnvelope().payloadUnsafe(), StandardCharsets.UTF_8);
    assertFalse(statement.contains("dist/a.bin"), statement);

    long rows = attestationRows();
    for (String bad : List.of("1", "null", "\"\"", "{}")) {
      RawHttp.Response r = postJson("/api/v1/attestations", capability, "{\"subjects\":[{\"name\":\"a.bin\",\"digest\":"
          + "{\"sha256\":\"" + a + "\"},\"path\":" + bad + "}]}");
      assertEquals(400, r.status(), bad + ": " + r.text());
    }
    assertEquals(rows, attestationRows());
  }

  @Test
  void privateKeyIsNeverServed() throws Exception {
    attestOk(capability, attestBody("app.tgz", sha256(artifact("app.tgz", "x"))));
    List<String> secrets = new ArrayList<>();
    try (Stream<Path> files = Files.list(IssuerKeyStoreAccess.dir(data))) {
      for (Path f : files.toList()) {
        String d = StrictJson.parseObject(Files.readAllBytes(f), 1 << 16).requireString("d");
        byte[] scalar = Base64Strict.decodeUrl(d);
        secrets.add(d);
        secrets.add(Hex.encode(scalar));
        secrets.add(Base64Strict.encodeStd(scalar).replace("=", ""));
      }
    }
    String key = attestationKeys().get(0);
    List<String> paths = List.of(orchestrator.issuerUrl().substring(orchestrator.url().length()) + "/.well-known/openid-configuration",
        "/oidc/jwks", "/api/v1/trust-root", "/api/v1/runs", "/api/v1/runs/" + run.id(), "/api/v1/runs/" + run.id() + "/jobs",
        "/api/v1/runs/" + run.id() + "/attestations", "/api/v1/jobs/" + job.id() + "/logs", "/api/v1/attestations/" + key);
    for (String p : paths) {
      RawHttp.Response r = get(p);
      assertEquals(200, r.status(), p);
      for (String s : secrets) {
        assertFalse(r.text().toLowerCase().contains(s.toLowerCase()), p + " leaks the private scalar");
      }
      assertFalse(r.text().contains("\"d\""), p);
    }
  }

  List<String> attestationKeys() throws Exception {
    JsonObject o = StrictJson.parseObject(get("/api/v1/runs/" + run.id() + "/attestations").body(), 1 << 20);
    List<String> keys = new ArrayList<>();
    for (Object a : o.requireArray("attestations")) {
      keys.add(((JsonObject) a).requireString("storageKey"));
    }
    return keys;
  }

  // ---- attestations -------------------------------------------------------------------------

  @Test
  void attestationVerifiesOnlineAndAgainstTheTrustRootFile() throws Exception {
    Path app = artifact("app.tgz", "the artifact");
    long commitsBefore = orchestrator.store().commitCount();
    JsonObject answer = attestOk(capability, attestBody("dist/app.tgz", sha256(app)));
    assertEquals(sha256(app), answer.requireString("subjectDigest"));
    assertEquals(Bundle.MEDIA_TYPE, answer.requireString("bundleMediaType"));
    String key = answer.requireString("storageKey");
    // durability: the row is in the file, seen by a second connection, when the 200 has arrived
    assertEquals(1, attestationRows());
    assertTrue(orchestrator.store().commitCount() > commitsBefore);

    RawHttp.Response dl = get("/api/v1/attestations/" + key);
    assertEquals("attachment; filename=\"app.tgz.hallmark.json\"; filename*=UTF-8''app.tgz.hallmark.json",
        dl.header("Content-Disposition"));
    byte[] bundle = dl.body();
    assertEquals(key, Sha256.hex(Sha256.of(bundle)), "storageKey is the SHA-256 of the stored bytes");

    VerificationResult online = verifyOnline(bundle, app);
    assertTrue(online.isVerified(), () -> String.valueOf(online.failure()));

    Path rootFile = work.resolve("trust-root.json");
    Files.write(rootFile, get("/api/v1/trust-root").body());
    VerificationResult offline = new Verifier().verify(bundle, policy(TrustRootSource.file(rootFile), app));
    assertTrue(offline.isVerified(), () -> String.valueOf(offline.failure()));

    JsonObject claims = CompactJws.parse(Bundle.parse(bundle).identityToken()).claims();
    assertEquals(job.id(), claims.requireString("job_id"));
    assertEquals(Long.toString(run.id()), claims.requireString("run_id"));
    assertEquals("embedded", claims.requireString("runner_environment"));
    assertEquals(600, claims.requireTime("exp") - claims.requireTime("iat"));
  }

  @Test
  void extraRequestFieldsChangeNothing() throws Exception {
    Path app = artifact("app.tgz", "content");
    String body = "{\"repository\":\"evil/x\",\"ref\":\"refs/heads/evil\",\"sha\":\"" + "f".repeat(40) + "\","
        + "\"workflow\":\"evil.java\",\"jobId\":\"evil\",\"predicate\":{\"evil\":true},\"predicateType\":\"evil\","
        + "\"subjects\":[{\"name\":\"app.tgz\",\"digest\":{\"sha256\":\"" + sha256(app) + "\",\"evil\":\"1\"},"
        + "\"uri\":\"evil\",\"annotations\":{\"evil\":1}}]}";
    String key = attestOk(capability, body).requireString("storageKey");
    byte[] bundle = download(key);
    VerificationResult r = verifyOnline(bundle, app);
    assertTrue(r.isVerified(), () -> String.valueOf(r.failure()));
    String statement = new String(Bundle.parse(bundle).dsseEnvelope().payloadUnsafe(), StandardCharsets.UTF_8);
    String token = new String(Base64Strict.decodeUrl(Bundle.parse(bundle).identityToken().split("\\.")[1]), StandardCharsets.UTF_8);
    assertFalse(statement.contains("evil"), statement);
    assertFalse(token.contains("evil"), token);
  }

  @Test
  void jobAsCapabilityCannotActForJobB() throws Exception {
    JobRecord other = orchestrator.createJob(run.id(), "other");
    Capability otherCap = orchestrator.startJob(other.id(), Duration.ofMinutes(5));
    String stepBody = "{\"step\":\"build\",\"status\":\"running\",\"message\":\"hi\"}";
    assertEquals(403, postJson("/api/v1/jobs/" + other.id() + "/steps", capability, stepBody).status());
    assertEquals(200, postJson("/api/v1/jobs/" + other.id() + "/steps", otherCap, stepBody).status());
    // a job id in the request cannot redirect an attestation: it is always for the capability's job
    Path app = artifact("app.tgz", "a");
    String body = "{\"jobId\":\"" + other.id() + "\",\"job_id\":\"" + other.id() + "\"," + attestBody("app.tgz", sha256(app)).substring(1);
    byte[] bundle = download(attestOk(capability, body).requireString("storageKey"));
    assertEquals(job.id(), CompactJws.parse(Bundle.parse(bundle).identityToken()).claims().requireString("job_id"));
  }

  @Test
  void capabilityIsRefusedAfterItsJobEnded() throws Exception {
    Path app = artifact("app.tgz", "a");
    attestOk(capability, attestBody("app.tgz", sha256(app)));
    orchestrator.finishJob(job.id(), JobRecord.SUCCEEDED, null);
    assertEquals(403, postJson("/api/v1/attestations", capability, attestBody("app.tgz", sha256(app))).status());
    assertEquals(403, postJson("/api/v1/oidc/token", capability, "{\"audience\":\"x\"}").status());
    assertEquals(1, attestationRows());
  }

  @Test
  void capabilityIsRefusedAfterExpiry() throws Exception {
    JobRecord shortJob = orchestrator.createJob(run.id(), "short");
    Capability shortCap = orchestrator.startJob(shortJob.id(), Duration.ofSeconds(60));
    Path app = artifact("app.tgz", "a");
    attestOk(shortCap, attestBody("app.tgz", sha256(app)));
    clock.advance(Duration.ofSeconds(61));
    assertEquals(403, postJson("/api/v1/attestations", shortCap, attestBody("app.tgz", sha256(app))).status());
    assertEquals(1, attestationRows());
  }

  @Test
  void rejectsUnknownOrMissingCapability() throws Exception {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host());
    h.put("Content-Type", "application/json");
    h.put("Authorization", "Bearer hmcap_" + "A".repeat(43));
    byte[] body = attestBody("a", "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
    assertEquals(401, RawHttp.request(orchestrator.port(), "POST", "/api/v1/attestations", h, body).status());
    assertEquals(401, post("/api/v1/attestations", null, "application/json", body).status());
    assertEquals(0, attestationRows());
  }

  @Test
  void rejectsInvalidSubjects() throws Exception {
    String good = "0".repeat(64);
    for (String body : List.of(
        attestBody("a\\u0007b", good),
        attestBody("a\\u202Eb", good),
        attestBody("app", "A".repeat(64)),
        attestBody("app", "0".repeat(63)),
        attestBody("", good),
        "{\"subjects\":[]}",
        "{\"subjects\":\"app\"}",
        "{}")) {
      RawHttp.Response r = postJson("/api/v1/attestations", capability, body);
      assertEquals(400, r.status(), body);
      assertTrue(StrictJson.parseObject(r.body(), 4096).requireString("error").lines().count() == 1);
    }
    assertEquals(0, attestationRows());
  }

  @Test
  void rateLimitsAttestationsPerJob() throws Exception {
    orchestrator.close();
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withClock(clock).withRate(0.001, 2));
    JobRecord j = orchestrator.createJob(run.id(), "limited");
    Capability cap = orchestrator.startJob(j.id(), Duration.ofMinutes(5));
    String body = attestBody("app", "0".repeat(64));
    assertEquals(200, postJson("/api/v1/attestations", cap, body).status());
    assertEquals(200, postJson("/api/v1/attestations", cap, body).status());
    RawHttp.Response third = postJson("/api/v1/attestations", cap, body);
    assertEquals(429, third.status());
    assertTrue(third.text().startsWith("{\"error\":"));
  }

  // ---- step tokens --------------------------------------------------------------------------

  @Test
  void rateLimitsStepTokensInTheAttestationBucket() throws Exception {
    orchestrator.close();
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withClock(clock).withRate(0.001, 3));
    JobRecord j = orchestrator.createJob(run.id(), "token-loop");
    Capability cap = orchestrator.startJob(j.id(), Duration.ofMinutes(5));
    String audience = "{\"audience\":\"sts.example.com\"}";
    for (int i = 0; i < 3; i++) {
      assertEquals(200, postJson("/api/v1/oidc/token", cap, audience).status());
    }
    RawHttp.Response third = postJson("/api/v1/oidc/token", cap, audience);
    assertEquals(429, third.status());
    assertEquals(1, third.text().lines().count());
    assertTrue(StrictJson.parseObject(third.body(), 4096).requireString("error").length() > 0);
    assertFalse(third.text().contains("token\""), "no token past the limit");
    // One bucket per job for every issuer signature: the tokens used up the attestation too.
    JobRecord k = orchestrator.createJob(run.id(), "mixed");
    Capability kCap = orchestrator.startJob(k.id(), Duration.ofMinutes(5));
    assertEquals(200, postJson("/api/v1/oidc/token", kCap, audience).status());
    assertEquals(200, postJson("/api/v1/oidc/token", kCap, audience).status());
    assertEquals(200, postJson("/api/v1/attestations", kCap, attestBody("app", "0".repeat(64))).status());
    assertEquals(429, postJson("/api/v1/attestations", kCap, attestBody("app", "0".repeat(64))).status());
    // Another job's bucket is its own.
    assertEquals(200, postJson("/api/v1/oidc/token", capability, audience).status());
  }

  @Test
  void reservedAudienceIsRefused() throws Exception {
    assertEquals(400, postJson("/api/v1/oidc/token", capability, "{\"audience\":\"hallmark:attestation\"}").status());
    assertEquals(400, postJson("/api/v1/oidc/token", capability, "{\"audience\":\"hallmark:other\"}").status());
    assertEquals(400, postJson("/api/v1/oidc/token", capability, "{\"audience\":\"\"}").status());
    assertEquals(400, postJson("/api/v1/oidc/token", capability, "{}").status());
  }

  @Test
  void stepTokenCannotPassAsAnAttestationToken() throws Exception {
    RawHttp.Response r = postJson("/api/v1/oidc/token", capability, "{\"audience\":\"sts.example.com\",\"cnf\":{\"jkt\":\"x\"}}");
    assertEquals(200, r.status(), r.text());
    JsonObject answer = StrictJson.parseObject(r.body(), 1 << 16);
    assertEquals(600L, answer.requireTime("expiresIn"));
    CompactJws jws = CompactJws.parse(answer.requireString("token"));
    assertEquals("JWT", jws.header().requireString("typ"));
    assertEquals("sts.example.com", jws.claims().get("aud") instanceof String s ? s : ((List<?>) jws.claims().get("aud")).get(0));
    assertFalse(jws.claims().has("cnf"));
    assertFalse(jws.claims().has("payload_sha256"));
    assertEquals(REPO, jws.claims().requireString("repository"));
    assertEquals(job.id(), jws.claims().requireString("job_id"));

    // a real bundle with its token swapped for the step token fails at `token`
    Path app = artifact("app.tgz", "a");
    byte[] bundle = download(attestOk(capability, attestBody("app.tgz", sha256(app))).requireString("storageKey"));
    Bundle b = Bundle.parse(bundle);
    byte[] forged = new Bundle(answer.requireString("token"), b.publicKey(), b.dsseEnvelope()).toJsonBytes();
    assertEquals(Check.TOKEN, verifyOnline(forged, app).failedCheck());
  }

  // ---- request guards -----------------------------------------------------------------------

  @Test
  void refusesMissingOrWrongContentType() throws Exception {
    byte[] body = attestBody("app", "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
    assertEquals(415, post("/api/v1/attestations", capability, null, body).status());
    assertEquals(415, post("/api/v1/attestations", capability, "text/plain", body).status());
    assertEquals(415, post("/api/v1/attestations", capability, "application/x-www-form-urlencoded", body).status());
    assertEquals(415, post("/api/v1/attestations", capability, "application/json; charset=latin1", body).status());
    assertEquals(415, post("/api/v1/jobs/" + job.id() + "/steps", capability, "text/plain",
        "{\"step\":\"s\",\"status\":\"running\"}".getBytes(StandardCharsets.UTF_8)).status());
    assertEquals(200, post("/api/v1/attestations", capability, "application/json; charset=utf-8", body).status());
    assertEquals(1, attestationRows());
  }

  @Test
  void refusesCrossSiteTextPlainPostWithoutCapability() throws Exception {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host());
    h.put("Content-Type", "text/plain");
    h.put("Origin", "https://evil.example");
    RawHttp.Response r = RawHttp.request(orchestrator.port(), "POST", "/api/v1/attestations", h,
        attestBody("app", "0".repeat(64)).getBytes(StandardCharsets.UTF_8));
    assertEquals(415, r.status());
    assertEquals(0, attestationRows());
  }

  @Test
  void refusesForeignHost() throws Exception {
    for (String hostHeader : List.of("evil.example", "evil.example:" + orchestrator.port(), "127.0.0.1:1")) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Host", hostHeader);
      h.put("Content-Type", "application/json");
      h.put("Authorization", "Bearer " + capability.reveal());
      assertEquals(421, RawHttp.request(orchestrator.port(), "POST", "/api/v1/attestations", h,
          attestBody("app", "0".repeat(64)).getBytes(StandardCharsets.UTF_8)).status());
      assertEquals(421, RawHttp.request(orchestrator.port(), "GET", "/api/v1/runs", Map.of("Host", hostHeader), null).status());
    }
    assertEquals(200, RawHttp.request(orchestrator.port(), "GET", "/api/v1/runs",
        Map.of("Host", "localhost:" + orchestrator.port()), null).status());
    assertEquals(0, attestationRows());
  }

  @Test
  void refusesMalformedDuplicateOrOversizedBodies() throws Exception {
    String sha = "0".repeat(64);
    for (String bad : List.of("{", "not json", "{\"subjects\":[]} trailing",
        "{\"subjects\":[{\"name\":\"a\",\"digest\":{\"sha256\":\"" + sha + "\"}}],\"subjects\":[]}",
        "{\"subjects\":[{\"name\":\"a\",\"name\":\"b\",\"digest\":{\"sha256\":\"" + sha + "\"}}]}",
        "[]")) {
      RawHttp.Response r = postJson("/api/v1/attestations", capability, bad);
      assertEquals(400, r.status(), bad);
      assertEquals(1, r.text().lines().count());
      assertFalse(r.text().contains("Exception"), r.text());
    }
    String huge = "{\"pad\":\"" + "x".repeat(ApiServer.MAX_BODY) + "\"," + attestBody("a", sha).substring(1);
    assertEquals(413, postJson("/api/v1/attestations", capability, huge).status());
    assertEquals(0, attestationRows());
  }

  // ---- keys and restarts --------------------------------------------------------------------

  @Test
  void rotationKeepsOldBundlesVerifyingAndSignsNewOnesWithTheNewKey() throws Exception {
    Path app = artifact("app.tgz", "a");
    String oldKid = orchestrator.keys().signingKey().kid();
    byte[] before = download(attestOk(capability, attestBody("app.tgz", sha256(app))).requireString("storageKey"));
    // `hallmark keys rotate --data` in another process: its own key store over the same folder
    String newKid = IssuerKeyStore.open(Orchestrator.keysDir(data), Clock.systemUTC(), new SecureRandom()).rotate();
    byte[] after = download(attestOk(capability, attestBody("app.tgz", sha256(app))).requireString("storageKey"));

    assertEquals(oldKid, CompactJws.parse(Bundle.parse(before).identityToken()).header().requireString("kid"));
    assertEquals(newKid, CompactJws.parse(Bundle.parse(after).identityToken()).header().requireString("kid"));
    assertTrue(verifyOnline(before, app).isVerified());
    assertTrue(verifyOnline(after, app).isVerified());

    TrustRoot root = TrustRoot.parse(get("/api/v1/trust-root").body());
    assertEquals(2, root.keys().size());
    assertTrue(root.key(oldKid).exp() != null, "old key retired with exp");
    assertNull(root.key(newKid).exp());
  }

  @Test
  void restartKeepsRunsAndAttestations() throws Exception {
    Path app = artifact("app.tgz", "a");
    String key = attestOk(capability, attestBody("app.tgz", sha256(app))).requireString("storageKey");
    byte[] bundle = download(key);
    postJson("/api/v1/jobs/" + job.id() + "/steps", capability, "{\"step\":\"build\",\"status\":\"succeeded\"}");
    orchestrator.appendLog(job.id(), "stdout", List.of("line one", "line two"));
    int oldPort = orchestrator.port();
    orchestrator.close();

    // Same port, hence the same issuer URL: with port 0 the default public URL (and so `iss`) would
    // change on every restart.
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withClock(clock).withPort(oldPort));
    assertEquals(oldPort, orchestrator.port());
    assertArrayEquals(bundle, download(key));
    assertEquals(List.of(key), attestationKeys());
    JsonObject runJson = StrictJson.parseObject(get("/api/v1/runs/" + run.id()).body(), 1 << 20);
    assertEquals(SHA, runJson.requireString("sha"));
    String jobs = get("/api/v1/runs/" + run.id() + "/jobs").text();
    assertTrue(jobs.contains("\"build\"") && jobs.contains(job.id()), jobs);
    assertTrue(get("/api/v1/jobs/" + job.id() + "/logs").text().contains("line two"));
    // the same issuer key signs on after a restart, so the old bundle verifies against the new server
    assertTrue(new Verifier().verify(bundle, VerificationPolicy.builder(
        TrustRootSource.of(TrustRoot.parse(get("/api/v1/trust-root").body()))).artifact(app).build()).isVerified());
  }

  @Test
  void unknownEndpointsAndMethodsGetOneLineErrors() throws Exception {
    RawHttp.Response r = get("/api/v1/nope");
    assertEquals(404, r.status());
    assertTrue(r.text().startsWith("{\"error\":"));
    assertEquals(404, get("/api/v1/attestations/" + "0".repeat(64)).status());
    assertEquals(404, get("/api/v1/runs/999").status());
  }

  @Test
  void wrongMethodOnAKnownPathIs405WithAllow() throws Exception {
    for (String path : List.of("/api/v1/trust-root", "/api/v1/runs", "/api/v1/runs/" + run.id(),
        "/oidc/jwks", "/oidc/.well-known/openid-configuration", "/api/v1/jobs/" + job.id() + "/logs")) {
      RawHttp.Response r = RawHttp.request(orchestrator.port(), "DELETE", path, Map.of("Host", host()), null);
      assertEquals(405, r.status(), path);
      assertEquals("GET, HEAD", r.header("Allow"), path);
      assertTrue(r.text().startsWith("{\"error\":"), path);
    }
    for (String path : List.of("/api/v1/attestations", "/api/v1/oidc/token", "/api/v1/events/push",
        "/api/v1/jobs/" + job.id() + "/steps")) {
      RawHttp.Response r = get(path);
      assertEquals(405, r.status(), path);
      assertEquals("POST", r.header("Allow"), path);
    }
    // An unknown path stays 404, whatever the method; a known one with its method is not 405.
    assertEquals(404, RawHttp.request(orchestrator.port(), "DELETE", "/api/v1/nope", Map.of("Host", host()), null).status());
    assertNull(get("/api/v1/runs").header("Allow"));
  }

  @Test
  void aServerFaultIs500WithOneLineForTheClientAndItsCauseInTheLog() throws Exception {
    orchestrator.store().close(); // the database is gone under a running server
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = System.err;
    RawHttp.Response r;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      r = get("/api/v1/runs/" + run.id());
    } finally {
      System.setErr(err);
    }
    assertEquals(500, r.status());
    assertEquals(1, r.text().lines().count(), r.text());
    assertFalse(r.text().contains("Exception") || r.text().contains("\tat "), r.text());
    String log = captured.toString(StandardCharsets.UTF_8);
    List<String> lines = log.lines().toList();
    int at = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("ERROR") && lines.get(i).contains("request.error method=GET path=/api/v1/runs/"
          + run.id() + " status=500 code=STORE")) {
        at = i;
      }
    }
    assertTrue(at >= 0, log);
    // The cause follows the line: the exception and where it was thrown.
    assertTrue(lines.get(at + 1).startsWith("dev.hallmark.orchestrator.OrchestratorException: the store is closed"), log);
    assertTrue(lines.get(at + 2).startsWith("\tat dev.hallmark.orchestrator.store."), log);
  }

  @Test
  void everyRefusedRequestIsOneLogLineWithItsCodeAndNoCapability() throws Exception {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = System.err;
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      orchestrator.finishJob(job.id(), JobRecord.SUCCEEDED, null);
      assertEquals(403, postJson("/api/v1/attestations", capability, attestBody("a", "0".repeat(64))).status());
      assertEquals(401, postJson("/api/v1/attestations", null, attestBody("a", "0".repeat(64))).status());
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("WARN HttpErrors - request.error method=POST path=/api/v1/attestations status=403 code=FORBIDDEN"), log);
    assertTrue(log.contains("request.error method=POST path=/api/v1/attestations status=401 code=UNAUTHENTICATED"), log);
    assertFalse(log.contains(capability.reveal()), "a capability reached the log");
    assertFalse(log.contains("\tat "), "a caller's fault is logged without a stack trace: " + log);
  }
}
