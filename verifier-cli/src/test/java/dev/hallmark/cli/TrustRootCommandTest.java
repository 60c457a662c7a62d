package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.trustroot.TrustRoot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hallmark trust-root show|export}, against files and a real issuer on a loopback port;
 * then {@code verify-attestation} with the exported file and with the live URL.
 */
class TrustRootCommandTest {
  @TempDir Path dir;
  P256PrivateKey key;
  RecordingIssuer server;
  String issuer;
  /** A bundle from {@link #server}'s issuer, signed by {@link #key}. */
  BundleForge forge;

  @BeforeEach
  void setUp() throws IOException {
    key = P256PrivateKey.generate(new SecureRandom());
    server = new RecordingIssuer();
    issuer = server.issuer();
    forge = issuedBy(key);
    server.publish(List.of(forge.issuerJwk()));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  BundleForge issuedBy(P256PrivateKey signingKey) {
    BundleForge f = BundleForge.withIssuerKey(signingKey);
    f.claims.put("iss", issuer);
    f.statementAt("predicate", "runDetails", "builder").put("id", issuer + "/runner/embedded");
    return f;
  }

  // ------------------------------------------------------------------ show

  @Test
  void showPrintsIssuerAndKids() throws IOException {
    BundleForge f = BundleForge.valid();
    Path file = Files.write(dir.resolve("trust-root.json"), f.trustRootBytes());
    CliRun r = CliRun.of("trust-root", "show", file);
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.outLines().contains("issuer: " + BundleForge.ISSUER), r::toString);
    String thumbprint = f.issuerKey.publicKey().thumbprint();
    assertTrue(
        r.outLines().stream().anyMatch(l -> l.contains("kid " + BundleForge.KID) && l.contains(thumbprint)),
        r::toString);
  }

  @Test
  void showPrintsTheLogPolicyAndRevokedKeys() throws IOException {
    // The log corpus's trust root (FORMATS §8.2), with one key revoked from a moment on.
    Path vectors = Path.of(System.getProperty("hallmark.vectors.dir", "../vectors"), "log", "trust-root.json");
    String text = Files.readString(vectors, StandardCharsets.UTF_8);
    String revoked = text.replaceFirst("\"kid\"\\s*:\\s*\"logvectors-2025-07\"", "\"kid\": \"logvectors-2025-07\", \"revokedAt\": 1790900000");
    assertNotEquals(text, revoked, "the corpus's trust root changed: update this test");
    Path file = Files.writeString(dir.resolve("trust-root.json"), revoked, StandardCharsets.UTF_8);
    CliRun r = CliRun.of("trust-root", "show", file);
    assertEquals(0, r.exit(), r::toString);
    List<String> lines = r.outLines();
    assertTrue(lines.contains("transparency log: required for tokens issued from " + Instant.ofEpochSecond(1790812800)), r::toString);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  log ci.logvectors.test/oidc/log")), r::toString);
    assertTrue(lines.contains("  witness W1") && lines.contains("  witness W3"), r::toString);
    assertTrue(lines.contains("  group W123: 2 of W1, W2, W3"), r::toString);
    assertTrue(lines.contains("  quorum W123"), r::toString);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("kid logvectors-2025-07") && l.endsWith("REVOKED from " + Instant.ofEpochSecond(1790900000))),
        r::toString);
    assertTrue(lines.stream().noneMatch(l -> l.contains("kid logvectors-2026-01") && l.contains("REVOKED")), r::toString);
  }

  @Test
  void showSaysWhenThereIsNoLog() throws IOException {
    Path file = Files.write(dir.resolve("trust-root.json"), BundleForge.valid().trustRootBytes());
    CliRun r = CliRun.of("trust-root", "show", file);
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.outLines().contains("transparency log: none (bundles are not checked against a log)"), r::toString);
  }

  @Test
  void showJsonParsesBackToTheSameTrustRoot() throws IOException {
    BundleForge f = BundleForge.valid();
    Path file = Files.write(dir.resolve("trust-root.json"), f.trustRootBytes());
    CliRun r = CliRun.of("trust-root", "show", file, "--json");
    assertEquals(0, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals(BundleForge.ISSUER, o.get("issuer"));
    TrustRoot back = TrustRoot.parse(r.out().getBytes(StandardCharsets.UTF_8));
    assertEquals(BundleForge.ISSUER, back.issuer());
    assertEquals(1, back.keys().size());
    assertEquals(f.issuerKey.publicKey(), back.key(BundleForge.KID).publicKey());
  }

  @Test
  void showOfALiveIssuer() {
    CliRun r = CliRun.of("trust-root", "show", issuer);
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.outLines().contains("issuer: " + issuer), r::toString);
    assertTrue(r.out().contains(key.publicKey().thumbprint()), r::toString);
  }

  @Test
  void showOfAnInvalidFileIsOneLine() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"issuer\": \"x\"}");
    for (CliRun r :
        List.of(
            CliRun.of("trust-root", "show", file),
            CliRun.of("trust-root", "show", dir.resolve("nope.json")),
            CliRun.of("trust-root", "show"),
            CliRun.of("trust-root"))) {
      assertEquals(1, r.exit(), r::toString);
      assertEquals("", r.out(), r::toString);
      assertEquals(1, r.errLines().size(), r::toString);
      assertTrue(r.err().startsWith("hallmark: "), r::toString);
    }
  }

  // ------------------------------------------------------------------ export, then verify

  @Test
  void exportWritesTheIssuersKeysAndBothFormsVerify() throws IOException {
    Path out = dir.resolve("exported.json");
    CliRun r = CliRun.of("trust-root", "export", "--issuer", issuer, "--out", out);
    assertEquals(0, r.exit(), r::toString);
    assertEquals(1, r.outLines().size(), r::toString);
    assertEquals(
        List.of("/oidc/.well-known/openid-configuration", "/oidc/jwks"), server.requests());
    TrustRoot exported = TrustRoot.parse(Files.readAllBytes(out));
    assertEquals(issuer, exported.issuer());
    assertEquals(1, exported.keys().size());
    assertEquals(key.publicKey(), exported.key(BundleForge.KID).publicKey());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(out), files.toList(), "only the exported file, no temporary file");
    }

    Path artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    Path bundle = Files.write(dir.resolve("app-1.2.3.tgz.hallmark.json"), forge.bytes());
    for (String trustRoot : List.of(out.toString(), issuer)) {
      CliRun v = CliRun.of("verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot, "--json");
      assertEquals(0, v.exit(), v::toString);
      assertEquals(issuer, v.json().requireObject("identity").get("issuer"));
    }
    assertEquals(4, server.requests().size(), "the live URL fetched discovery and JWKS again");

    // A bundle from another key of the same issuer name fails with both forms.
    Path foreign = Files.write(dir.resolve("foreign.hallmark.json"), issuedBy(P256PrivateKey.generate(new SecureRandom())).bytes());
    for (String trustRoot : List.of(out.toString(), issuer)) {
      CliRun v = CliRun.of("verify-attestation", artifact, "--bundle", foreign, "--trust-root", trustRoot, "--json");
      assertEquals(1, v.exit(), v::toString);
      assertEquals("token", v.json().get("failedCheck"));
    }
  }

  @Test
  void exportToDashWritesTheDocumentAloneToStdout() throws IOException {
    Path file = dir.resolve("exported.json");
    assertEquals(0, CliRun.of("trust-root", "export", "--issuer", issuer, "--out", file).exit());
    CliRun r = CliRun.of("trust-root", "export", "--issuer", issuer, "--out", "-");
    assertEquals(0, r.exit(), r::toString);
    assertEquals("", r.err(), r::toString);
    // Byte for byte what the file holds, and nothing else: stdout can be piped into a file.
    assertEquals(Files.readString(file), r.out());
    assertEquals(issuer, TrustRoot.parse(r.out().getBytes(StandardCharsets.UTF_8)).issuer());
    assertFalse(Files.exists(Path.of("-")), "a file named - was written");
  }

  /** RFC 3986 §3.1: an upper-case scheme reads as the lower-case one, for both flags. */
  @Test
  void upperCaseSchemesReadAsLowerCaseForBundleAndTrustRoot() throws IOException {
    server.serve("/bundles/app.hallmark.json", forge.bytes());
    Path artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    String upper = "Http://127.0.0.1:" + server.port();
    CliRun v =
        CliRun.of("verify-attestation", artifact, "--bundle", "HTTP://127.0.0.1:" + server.port() + "/bundles/app.hallmark.json",
            "--trust-root", upper + "/oidc", "--json");
    assertEquals(0, v.exit(), v::toString);
    assertEquals(issuer, v.json().requireObject("identity").get("issuer"));
    CliRun show = CliRun.of("trust-root", "show", upper + "/oidc");
    assertEquals(0, show.exit(), show::toString);
    assertTrue(show.outLines().contains("issuer: " + issuer), show::toString);
    CliRun export = CliRun.of("trust-root", "export", "--issuer", upper + "/oidc", "--out", "-");
    assertEquals(0, export.exit(), export::toString);
    assertEquals(issuer, TrustRoot.parse(export.out().getBytes(StandardCharsets.UTF_8)).issuer());
  }

  @Test
  void exportReplacesAnExistingFile() throws IOException {
    Path out = Files.writeString(dir.resolve("exported.json"), "old");
    CliRun r = CliRun.of("trust-root", "export", "--issuer", issuer, "--out", out);
    assertEquals(0, r.exit(), r::toString);
    assertEquals(issuer, TrustRoot.parse(Files.readAllBytes(out)).issuer());
  }

  @Test
  void exportToAnUnwritablePathIsOneLineAndLeavesNoFile() throws IOException {
    Path file = Files.writeString(dir.resolve("plain-file"), "x");
    Path existingDir = Files.createDirectory(dir.resolve("existing-dir"));
    List<Path> targets =
        List.of(
            file.resolve("trust-root.json"), // its "folder" is a file
            dir.resolve("no-such-dir/trust-root.json"),
            existingDir, // a directory
            Path.of("/proc/hallmark-trust-root-test.json")); // a folder no one may create files in
    for (Path target : targets) {
      List<Path> before = listing(dir);
      CliRun r = CliRun.of("trust-root", "export", "--issuer", issuer, "--out", target);
      assertEquals(1, r.exit(), r::toString);
      assertEquals("", r.out(), r::toString);
      assertEquals(1, r.errLines().size(), r::toString);
      assertTrue(r.err().startsWith("hallmark: "), r::toString);
      assertEquals(before, listing(dir), "no partial file for " + target);
      assertFalse(Files.exists(Path.of("/proc/hallmark-trust-root-test.json")));
    }
  }

  @Test
  void exportFromADeadPortFailsQuickly() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path out = dir.resolve("exported.json");
    long start = System.nanoTime();
    CliRun r = CliRun.of("trust-root", "export", "--issuer", "http://127.0.0.1:" + port + "/oidc", "--out", out, "--timeout", "2");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertFalse(Files.exists(out));
    assertTrue(millis < 5_000, "took " + millis + " ms");
  }

  /** A server that accepts connections (the kernel's backlog does) and never answers. */
  @Test
  void exportFromASilentServerStopsAtTheTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Path out = dir.resolve("exported.json");
      long start = System.nanoTime();
      CliRun r =
          CliRun.of("trust-root", "export", "--issuer", "http://127.0.0.1:" + silent.getLocalPort() + "/oidc", "--out", out, "--timeout", "1");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(1, r.exit(), r::toString);
      assertEquals(1, r.errLines().size(), r::toString);
      assertFalse(Files.exists(out));
      assertTrue(millis < 6_000, "took " + millis + " ms with --timeout 1");
    }
  }

  @Test
  void exportRefusesPlainHttpToAPublicHostAndBadTimeouts() {
    Path out = dir.resolve("exported.json");
    for (CliRun r :
        List.of(
            CliRun.of("trust-root", "export", "--issuer", "http://ci.example.com/oidc", "--out", out),
            CliRun.of("trust-root", "export", "--issuer", issuer, "--out", out, "--timeout", "0"),
            CliRun.of("trust-root", "export", "--issuer", issuer),
            CliRun.of("trust-root", "export", "--out", out))) {
      assertEquals(1, r.exit(), r::toString);
      assertEquals("", r.out(), r::toString);
      assertEquals(1, r.errLines().size(), r::toString);
      assertFalse(Files.exists(out));
    }
    assertEquals(List.of(), server.requests());
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.sorted().toList();
    }
  }
}
