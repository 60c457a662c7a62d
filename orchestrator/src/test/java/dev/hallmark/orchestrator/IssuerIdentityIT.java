package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 §2: the issuer URL is part of every signature, so a data folder keeps the issuer it was
 * first started as. Real {@code serve} processes restarted on one data folder; the old bundle is
 * checked by the real verifier, online and against {@code GET /api/v1/trust-root}.
 */
class IssuerIdentityIT {
  private static final String REPO = "acme/app";
  private static final String REF = "refs/heads/main";
  private static final String WORKFLOW = ".hallmark/workflows/Release.java";

  @TempDir Path tmp;
  private Process server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      ServeProcess.stop(server);
    }
  }

  @Test
  void aRestartWithoutAPortIsTheSameIssuerAndTheOldBundleStillVerifies() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = ServeIT.exampleRepository(tmp.resolve("app"));
    String sha = ServeIT.git(repo, "rev-parse", "HEAD");
    assertEquals(0, ServeProcess.cli(tmp, "repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());

    ServeProcess first = ServeProcess.start(tmp, data, 0); // --port 0: what the docs show
    server = first.process();
    String issuer = first.url() + "/oidc";
    byte[] bundle = pushAndFetchBundle(first.url(), data);
    ServeProcess.stop(server);
    server = null;
    Path issuerFile = data.resolve("issuer");
    assertEquals(issuer + "\n", Files.readString(issuerFile));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(issuerFile)));

    ServeProcess again = ServeProcess.startWith(tmp, data); // no --port
    server = again.process();
    assertEquals(first.url(), again.url(), "the restart did not bind the recorded port");
    HttpClient http = client(); // a new client: the old one's pooled connections died with the first server
    assertEquals(issuer, ServeProcess.json(get(http, again.url() + "/api/v1/issuer")).requireString("issuer"));
    Path artifact = ServeIT.buildArchive(repo, tmp.resolve("rebuild"));
    VerificationResult online = verify(bundle, OnlineTrustRootSource.of(URI.create(issuer), OnlineOptions.defaults()),
        artifact, sha);
    assertTrue(online.isVerified(), () -> online.toJson().toString());
    Path trustRoot = Files.writeString(tmp.resolve("trust-root.json"), get(http, again.url() + "/api/v1/trust-root"));
    VerificationResult offline = verify(bundle, TrustRootSource.file(trustRoot), artifact, sha);
    assertTrue(offline.isVerified(), () -> offline.toJson().toString());
  }

  @Test
  void aDataFolderWithRunsButNoIssuerFileRecordsTheFlagsIssuerAndSaysSo() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = ServeIT.exampleRepository(tmp.resolve("app"));
    assertEquals(0, ServeProcess.cli(tmp, "repo", "add", REPO, repo.toString(), "--data", data.toString()).exit());
    ServeProcess first = ServeProcess.start(tmp, data, 0);
    server = first.process();
    pushAndFetchBundle(first.url(), data);
    ServeProcess.stop(server);
    server = null;
    Files.delete(data.resolve("issuer")); // as an older serve left it: runs, no record

    int port = freePort();
    ServeProcess again = ServeProcess.start(tmp, data, port);
    server = again.process();
    String issuer = "http://127.0.0.1:" + port + "/oidc";
    assertEquals(issuer + "\n", Files.readString(data.resolve("issuer")));
    List<String> said = again.startLines().stream().filter(l -> l.startsWith("recorded issuer ")).toList();
    assertEquals(1, said.size(), again.startLines().toString());
    assertTrue(said.get(0).contains(issuer), said.get(0));
  }

  @Test
  void aPortOrPublicUrlThatWouldChangeTheIssuerIsRefusedAndChangesNothing() throws Exception {
    Path data = tmp.resolve("data");
    ServeProcess first = ServeProcess.start(tmp, data, 0);
    server = first.process();
    String issuer = first.url() + "/oidc";
    ServeProcess.stop(server);
    server = null;
    Map<String, String> before = snapshot(data);
    byte[] recorded = Files.readAllBytes(data.resolve("issuer"));

    int other = freePort();
    assertNotEquals(URI.create(first.url()).getPort(), other);
    ServeProcess.CliResult port = ServeProcess.cli(tmp, "serve", "--data", data.toString(), "--port", Integer.toString(other));
    assertRefused(port, issuer, "--port " + other);
    ServeProcess.CliResult publicUrl = ServeProcess.cli(tmp, "serve", "--data", data.toString(),
        "--public-url", "https://ci.example.com");
    assertRefused(publicUrl, issuer, "--public-url https://ci.example.com");

    assertArrayEquals(recorded, Files.readAllBytes(data.resolve("issuer")));
    assertEquals(before, snapshot(data));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static void assertRefused(ServeProcess.CliResult r, String issuer, String change) {
    assertEquals(1, r.exit(), r.out() + r.err());
    List<String> lines = r.err().lines().toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("hallmark: "), lines.get(0));
    assertTrue(lines.get(0).contains("belongs to issuer " + issuer + ";"), lines.get(0));
    assertTrue(lines.get(0).contains(change), lines.get(0));
    assertEquals("", r.out());
  }

  /** Every entry under the data folder: its permissions and, for a file, the SHA-256 of its bytes. */
  private static Map<String, String> snapshot(Path data) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(data)) {
      for (Path p : s.toList()) {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
            ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))) : "";
        m.put(data.relativize(p).toString(), perms + " " + content);
      }
    }
    return m;
  }

  /** Pushes the example, waits for its run and returns its one bundle's bytes. */
  private byte[] pushAndFetchBundle(String url, Path data) throws Exception {
    HttpClient http = client();
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events/push"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + credential)
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + REPO + "\",\"ref\":\"" + REF + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode(), accepted.body());
    String runId = (String) ServeProcess.json(accepted.body()).requireArray("runIds").get(0);
    JsonObject run = ServeProcess.awaitFinished(http, url, runId, Duration.ofSeconds(90));
    assertEquals("succeeded", run.requireString("status"), run.toString());
    List<Object> attestations = ServeProcess.json(get(http, url + "/api/v1/runs/" + runId + "/attestations"))
        .requireArray("attestations");
    assertEquals(1, attestations.size());
    String key = ((JsonObject) attestations.get(0)).requireString("storageKey");
    HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/attestations/" + key)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, bundle.statusCode());
    return bundle.body();
  }

  private static VerificationResult verify(byte[] bundle, TrustRootSource source, Path artifact, String sha) {
    return new Verifier().verify(bundle, VerificationPolicy.builder(source).artifact(artifact)
        .expectRepository(REPO).expectRef(REF).expectSha(sha).expectWorkflow(WORKFLOW).build());
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
