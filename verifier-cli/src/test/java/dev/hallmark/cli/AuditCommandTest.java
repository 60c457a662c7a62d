package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.sign.AttestationSigner;
import dev.hallmark.attestation.sign.IssuerKey;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.token.IdentityClaims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hallmark audit}: a folder of bundles made by the real signer and by BundleForge, with
 * artifacts beside them ({@code X.hallmark.json} next to {@code X}).
 */
class AuditCommandTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern COUNT = Pattern.compile("^  (verified with artifact|verified without artifact|failed|total)\\s+(\\d+)$");

  @TempDir Path root;
  Path folder;
  Path trustRoot;
  P256PrivateKey issuerKey;
  /** Expected counts of the folder as built so far. */
  long withArtifact;
  long withoutArtifact;
  long failed;

  @BeforeEach
  void setUp() throws IOException {
    issuerKey = P256PrivateKey.generate(RANDOM);
    trustRoot = Files.write(root.resolve("trust-root.json"), BundleForge.withIssuerKey(issuerKey).trustRootBytes());
    folder = Files.createDirectory(root.resolve("bundles"));
  }

  // ------------------------------------------------------------------ fixtures

  /** Bundle bytes from the real signer for one subject {@code name} with {@code content}. */
  byte[] signed(String name, byte[] content) {
    return signer(name, content).toJsonBytes();
  }

  Bundle signer(String name, byte[] content) {
    BundleForge template = BundleForge.withIssuerKey(issuerKey);
    template.statement.put("subject", new ArrayList<>(List.of(BundleForge.subject(name, Sha256.hex(Sha256.of(content))))));
    IdentityClaims claims =
        new IdentityClaims(
            BundleForge.ISSUER, "acme/app", "refs/heads/main", BundleForge.SHA, ".hallmark/workflows/Release.java",
            "push", "42", "1", "job-7", "publish", "embedded", Instant.ofEpochSecond(BundleForge.IAT),
            IdentityClaims.DEFAULT_LIFETIME);
    byte[] statement = StrictJson.write(template.statement);
    return new AttestationSigner(RANDOM).sign(statement, new IssuerKey(BundleForge.KID, issuerKey), claims);
  }

  /** Bundle bytes from BundleForge (same issuer key) for one subject. */
  byte[] forged(String name, byte[] content) {
    BundleForge f = BundleForge.withIssuerKey(issuerKey);
    f.statement.put("subject", new ArrayList<>(List.of(BundleForge.subject(name, Sha256.hex(Sha256.of(content))))));
    return f.bytes();
  }

  static byte[] content(String name) {
    return ("contents of " + name + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code dir/name.hallmark.json} and, when {@code withFile}, the artifact {@code dir/name}. */
  void put(Path dir, String name, byte[] bundle, boolean withFile) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + Bundle.FILE_SUFFIX), bundle);
    if (withFile) {
      Files.write(dir.resolve(name), content(name));
    }
  }

  /** Three verified with artifact (two signed, one forged, one in a subfolder), one without. */
  void goodFolder() throws IOException {
    put(folder, "a.tgz", signed("a.tgz", content("a.tgz")), true);
    put(folder, "b.tgz", forged("b.tgz", content("b.tgz")), true);
    put(folder.resolve("sub"), "c.tgz", signed("dist/c.tgz", content("c.tgz")), true);
    withArtifact += 3;
    put(folder.resolve("sub"), "d.tgz", signed("d.tgz", content("d.tgz")), false);
    withoutArtifact += 1;
  }

  /** Adds four bundles that must fail. */
  void badBundles() throws IOException {
    // Tampered after signing: another statement in the envelope, the token and signature kept.
    Bundle b = signer("t.tgz", content("t.tgz"));
    byte[] other = StrictJson.write(Map.of("tampered", true));
    Bundle tampered =
        new Bundle(b.identityToken(), b.publicKey(), new Envelope(other, b.dsseEnvelope().payloadType(), b.dsseEnvelope().signatures()));
    put(folder, "t.tgz", tampered.toJsonBytes(), true);
    // The artifact is named by a subject but holds other bytes.
    put(folder, "w.tgz", signed("w.tgz", content("something else")), true);
    // The artifact holds a subject's bytes but is named for no subject.
    byte[] bytes = content("x.tgz");
    Files.write(folder.resolve("x.tgz" + Bundle.FILE_SUFFIX), signed("y.tgz", bytes));
    Files.write(folder.resolve("x.tgz"), bytes);
    // Signed by a key the trust root does not hold.
    Path foreign = folder.resolve("sub/deeper");
    Files.createDirectories(foreign);
    Files.write(foreign.resolve("f.tgz" + Bundle.FILE_SUFFIX), BundleForge.valid().bytes());
    failed += 4;
  }

  CliRun audit(Object... extra) {
    List<Object> args = new ArrayList<>(List.of("audit", folder, "--trust-root", trustRoot));
    args.addAll(Arrays.asList(extra));
    return CliRun.of(args.toArray());
  }

  /** The human summary's four counts, by label. */
  static Map<String, Long> counts(CliRun r) {
    Map<String, Long> counts = new HashMap<>();
    for (String line : r.outLines()) {
      Matcher m = COUNT.matcher(line);
      if (m.matches()) {
        counts.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return counts;
  }

  void assertCounts(CliRun r) {
    Map<String, Long> c = counts(r);
    assertEquals(withArtifact, c.get("verified with artifact"), r::toString);
    assertEquals(withoutArtifact, c.get("verified without artifact"), r::toString);
    assertEquals(failed, c.get("failed"), r::toString);
    assertEquals(withArtifact + withoutArtifact + failed, c.get("total"), r::toString);
  }

  /** Every stdout line is one strict JSON object: one per bundle, then the summary. */
  static List<JsonObject> jsonLines(CliRun r) {
    List<JsonObject> lines = new ArrayList<>();
    for (String line : r.outLines()) {
      lines.add(StrictJson.parseObject(line.getBytes(StandardCharsets.UTF_8), StrictJson.BUNDLE_LIMIT));
    }
    return lines;
  }

  // ------------------------------------------------------------------ tests

  @Test
  void verifiesAFolderWithSubfolders() throws IOException {
    goodFolder();
    CliRun r = audit();
    assertEquals(0, r.exit(), r::toString);
    assertCounts(r);
    assertEquals("AUDIT PASSED", r.lastLine(), r::toString);
    assertEquals("", r.err(), r::toString);
  }

  @Test
  void auditsABundleReachedThroughASymbolicLinkAndSkipsAFolderNamedLikeOne() throws IOException {
    // The walk's own attributes decide (one stat per entry): a link is followed to its target,
    // and a directory called *.hallmark.json is not a bundle.
    goodFolder();
    Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
    put(elsewhere, "l.tgz", signed("l.tgz", content("l.tgz")), true);
    Files.createSymbolicLink(folder.resolve("l.tgz" + Bundle.FILE_SUFFIX), elsewhere.resolve("l.tgz" + Bundle.FILE_SUFFIX));
    Files.createSymbolicLink(folder.resolve("l.tgz"), elsewhere.resolve("l.tgz"));
    withArtifact += 1;
    Files.createDirectory(folder.resolve("dir.tgz" + Bundle.FILE_SUFFIX));
    CliRun r = audit();
    assertEquals(0, r.exit(), r::toString);
    assertCounts(r);
  }

  @Test
  void requireArtifactsFailsABundleWithoutItsArtifact() throws IOException {
    goodFolder();
    CliRun r = audit("--require-artifacts", "--json");
    assertEquals(1, r.exit(), r::toString);
    List<JsonObject> lines = jsonLines(r);
    JsonObject summary = lines.get(lines.size() - 1).requireObject("summary");
    assertEquals(withArtifact, summary.get("verifiedWithArtifact"));
    assertEquals(0L, summary.get("verifiedWithoutArtifact"));
    assertEquals(withoutArtifact, summary.get("failed"));
    JsonObject d = lines.stream().filter(l -> String.valueOf(l.get("bundle")).endsWith("d.tgz" + Bundle.FILE_SUFFIX)).findFirst().orElseThrow();
    assertEquals(Boolean.FALSE, d.get("verified"));
    assertEquals("artifact", d.get("failedCheck"));
  }

  @Test
  void countsTamperedAndMismatchedBundlesAsFailed() throws IOException {
    goodFolder();
    badBundles();
    CliRun r = audit();
    assertEquals(1, r.exit(), r::toString);
    assertCounts(r);
    assertTrue(r.lastLine().startsWith("AUDIT FAILED"), r::toString);
    List<String> failures = r.outLines().stream().filter(l -> l.startsWith("FAIL  ")).toList();
    assertEquals(failed, failures.size(), r::toString);
  }

  @Test
  void jsonPrintsOneObjectPerBundleAndASummary() throws IOException {
    goodFolder();
    badBundles();
    CliRun r = audit("--json");
    assertEquals(1, r.exit(), r::toString);
    List<JsonObject> lines = jsonLines(r);
    long total = withArtifact + withoutArtifact + failed;
    assertEquals(total + 1, lines.size(), r::toString);
    Map<String, JsonObject> byBundle = new HashMap<>();
    for (JsonObject line : lines.subList(0, lines.size() - 1)) {
      assertTrue(line.get("verified") instanceof Boolean, line::toString);
      byBundle.put(Path.of(line.requireString("bundle")).getFileName().toString(), line);
    }
    assertEquals(total, byBundle.size(), "each bundle exactly once: " + r);
    JsonObject summary = lines.get(lines.size() - 1).requireObject("summary");
    assertEquals(withArtifact, summary.get("verifiedWithArtifact"));
    assertEquals(withoutArtifact, summary.get("verifiedWithoutArtifact"));
    assertEquals(failed, summary.get("failed"));
    assertEquals(total, summary.get("total"));

    assertEquals("key-binding", byBundle.get("t.tgz" + Bundle.FILE_SUFFIX).get("failedCheck"));
    assertEquals("artifact", byBundle.get("w.tgz" + Bundle.FILE_SUFFIX).get("failedCheck"));
    assertEquals("artifact", byBundle.get("x.tgz" + Bundle.FILE_SUFFIX).get("failedCheck"));
    assertEquals("token", byBundle.get("f.tgz" + Bundle.FILE_SUFFIX).get("failedCheck"));
    JsonObject a = byBundle.get("a.tgz" + Bundle.FILE_SUFFIX);
    assertEquals(Boolean.TRUE, a.get("verified"));
    assertEquals(JsonNull.INSTANCE, a.get("failedCheck"));
    assertEquals(folder.resolve("a.tgz").toString(), a.get("artifact"));
    assertEquals(JsonNull.INSTANCE, byBundle.get("d.tgz" + Bundle.FILE_SUFFIX).get("artifact"));
  }

  @Test
  void oneThreadGivesTheSameCountsAsTheDefault() throws IOException {
    goodFolder();
    badBundles();
    // Enough bundles to fill the bounded queue several times over.
    for (int i = 0; i < 30; i++) {
      String name = "many-" + i + ".tgz";
      put(folder.resolve("many"), name, signed(name, content(name)), i % 3 != 0);
      if (i % 3 != 0) {
        withArtifact++;
      } else {
        withoutArtifact++;
      }
    }
    CliRun parallel = audit();
    CliRun serial = audit("--threads", "1");
    assertEquals(1, parallel.exit(), parallel::toString);
    assertEquals(1, serial.exit(), serial::toString);
    assertCounts(parallel);
    assertCounts(serial);
    assertEquals(counts(parallel), counts(serial));
  }

  @Test
  void emptyFolderIsAnError() {
    CliRun r = audit();
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(r.err().startsWith("hallmark: "), r::toString);
    assertEquals("", r.out(), r::toString);
  }

  @Test
  void aFolderWithOnlyOtherFilesIsAnError() throws IOException {
    Files.writeString(folder.resolve("README"), "no bundles here\n");
    CliRun r = audit("--json");
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertJsonError(r);
  }

  /** With --json, a fatal error is one {"error": …} line, so a JSON Lines reader gets JSON. */
  private static void assertJsonError(CliRun r) {
    JsonObject line =
        StrictJson.parseObject(r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8), 1 << 20);
    assertEquals(java.util.Set.of("error"), line.members().keySet(), r::toString);
  }

  @Test
  void aFileIsNotAFolder() throws IOException {
    goodFolder();
    Path file = folder.resolve("a.tgz" + Bundle.FILE_SUFFIX);
    CliRun r = CliRun.of("audit", file, "--trust-root", trustRoot);
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertEquals("", r.out(), r::toString);
    CliRun missing = CliRun.of("audit", root.resolve("nope"), "--trust-root", trustRoot);
    assertEquals(1, missing.exit(), missing::toString);
    assertEquals(1, missing.errLines().size(), missing::toString);
  }

  @Test
  void unreadableTrustRootIsOneLine() throws IOException {
    goodFolder();
    CliRun r = CliRun.of("audit", folder, "--trust-root", root.resolve("nope.json"));
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(r.err().startsWith("hallmark: "), r::toString);
    assertEquals("", r.out(), r::toString);
    Path invalid = Files.writeString(root.resolve("invalid.json"), "[]");
    CliRun bad = CliRun.of("audit", folder, "--trust-root", invalid, "--json");
    assertEquals(1, bad.exit(), bad::toString);
    assertEquals(1, bad.errLines().size(), bad::toString);
    assertJsonError(bad);
  }

  @Test
  void usageErrorsExitOne() throws IOException {
    goodFolder();
    for (CliRun r :
        List.of(
            CliRun.of("audit", folder),
            CliRun.of("audit", "--trust-root", trustRoot),
            audit("--threads", "0"),
            audit("--threads", "many"),
            audit("--bogus"))) {
      assertEquals(1, r.exit(), r::toString);
      assertEquals(1, r.errLines().size(), r::toString);
      assertTrue(r.err().startsWith("hallmark: "), r::toString);
      assertEquals("", r.out(), r::toString);
    }
  }
}
