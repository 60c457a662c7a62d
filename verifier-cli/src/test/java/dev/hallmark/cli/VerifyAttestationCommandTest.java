package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.testing.BundleForge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hallmark verify-attestation} in process (FORMATS §7): exit status, the human report and
 * the {@code --json} object, for verified and failing bundles, usage errors and unusable inputs.
 */
class VerifyAttestationCommandTest {
  /** FORMATS §6, in order. */
  static final List<String> CHECKS =
      List.of(
          "bundle", "trust-root", "token", "key-binding", "signature", "statement", "build-context",
          "log", "artifact", "policy");

  static final List<String> MEMBERS =
      List.of("verified", "failedCheck", "checks", "identity", "subjects", "artifact", "log", "policy");

  private static final Pattern CHECK_LINE = Pattern.compile("^  (ok|FAIL)\\s+(\\S+)\\s+(.*)$");
  private static final char ESC = '\u001b';

  @TempDir Path dir;
  BundleForge forge;
  Path artifact;
  Path trustRoot;

  @BeforeEach
  void setUp() throws IOException {
    forge = BundleForge.valid();
    artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    trustRoot = Files.write(dir.resolve("trust-root.json"), forge.trustRootBytes());
  }

  /** Writes the forge's bundle as it is now (after the test's edits). */
  Path bundle() throws IOException {
    return Files.write(dir.resolve("app-1.2.3.tgz.hallmark.json"), forge.bytes());
  }

  CliRun verify(Object... extra) throws IOException {
    List<Object> args = new ArrayList<>(List.of("verify-attestation", "--bundle", bundle(), "--trust-root", trustRoot));
    args.addAll(Arrays.asList(extra));
    return CliRun.of(args.toArray());
  }

  // ------------------------------------------------------------------ human output

  @Test
  void verifiedBundleWithArtifactListsTenChecksAndEndsWithOneVerifiedLine() throws IOException {
    CliRun r = verify(artifact);
    assertEquals(0, r.exit(), r::toString);
    assertEquals("", r.err(), r::toString);
    List<String> lines = r.outLines();
    assertEquals(CHECKS, checkNames(lines), r::toString);
    for (String line : lines.subList(0, 10)) {
      assertEquals("ok", statusOf(line), line);
    }
    assertTrue(r.lastLine().startsWith("VERIFIED"), r::toString);
    assertEquals(1, lines.stream().filter(l -> l.startsWith("VERIFIED")).count(), r::toString);
    assertTrue(r.lastLine().contains(artifact.toString()), r::toString);
    assertTrue(r.lastLine().contains((String) forge.claims.get("repository")), r::toString);
    assertTrue(r.lastLine().contains((String) forge.claims.get("sha")), r::toString);
    // No expectation: any repository and ref of this issuer would have passed; said on its own line.
    assertEquals(1, lines.stream().filter(l -> l.startsWith("warning:")).count(), r::toString);
    assertEquals(12, lines.size(), r::toString);
  }

  @Test
  void noWarningWhenARepositoryIsExpected() throws IOException {
    CliRun r = verify(artifact, "--repository", forge.claims.get("repository"));
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.outLines().stream().noneMatch(l -> l.startsWith("warning")), r::toString);
    assertTrue(r.lastLine().startsWith("VERIFIED"), r::toString);
    assertEquals(CHECKS, checkNames(r.outLines()), r::toString);
  }

  @Test
  void verifiedWithoutArtifactSaysSo() throws IOException {
    CliRun r = verify("--repository", forge.claims.get("repository"));
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.lastLine().startsWith("VERIFIED"), r::toString);
    assertFalse(r.lastLine().contains(artifact.toString()), r::toString);
  }

  @Test
  void rejectsBundleFromAnotherIssuerAndNamesTheCheckOnTheLastLine() throws IOException {
    forge.claims.put("iss", "https://evil.example/oidc");
    CliRun r = verify(artifact);
    assertEquals(1, r.exit(), r::toString);
    assertEquals(CHECKS.subList(0, 3), checkNames(r.outLines()), r::toString);
    assertEquals("FAIL", statusOf(r.outLines().get(2)), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'token'"), r::toString);
    assertTrue(r.outLines().stream().noneMatch(l -> l.startsWith("VERIFIED") || l.startsWith("warning")), r::toString);
  }

  @Test
  void rejectsArtifactOfOtherContent() throws IOException {
    Files.writeString(artifact, "not the attested bytes\n");
    CliRun r = verify(artifact);
    assertEquals(1, r.exit(), r::toString);
    assertEquals(CHECKS.subList(0, 9), checkNames(r.outLines()), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'artifact'"), r::toString);
  }

  @Test
  void rejectsPayloadNotBoundByTheToken() throws IOException {
    forge.autoPayloadSha256 = false;
    forge.claims.put("payload_sha256", Sha256.hex(Sha256.of("another statement".getBytes(StandardCharsets.UTF_8))));
    CliRun r = verify(artifact);
    assertEquals(1, r.exit(), r::toString);
    assertEquals(CHECKS.subList(0, 4), checkNames(r.outLines()), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'key-binding'"), r::toString);
  }

  @Test
  void rejectsUnexpectedRepository() throws IOException {
    CliRun r = verify(artifact, "--repository", "acme/other");
    assertEquals(1, r.exit(), r::toString);
    assertEquals(CHECKS, checkNames(r.outLines()), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'policy'"), r::toString);
  }

  // ------------------------------------------------------------------ --json

  @Test
  void jsonOnSuccessIsOneObjectWithEveryMember() throws IOException {
    CliRun r = verify(artifact, "--json");
    assertEquals(0, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals(MEMBERS, List.copyOf(o.members().keySet()), r::toString);
    assertEquals(Boolean.TRUE, o.get("verified"));
    assertEquals(JsonNull.INSTANCE, o.get("failedCheck"));
    List<Object> checks = o.requireArray("checks");
    assertEquals(CHECKS, names(checks));
    for (Object c : checks) {
      assertEquals(Boolean.TRUE, ((JsonObject) c).get("ok"), c::toString);
      assertFalse(((JsonObject) c).requireString("message").isEmpty(), c::toString);
    }
    JsonObject identity = o.requireObject("identity");
    assertEquals(forge.claims.get("repository"), identity.get("repository"));
    assertEquals(forge.claims.get("ref"), identity.get("ref"));
    assertEquals(forge.claims.get("sha"), identity.get("sha"));
    assertEquals(forge.claims.get("workflow"), identity.get("workflow"));
    assertEquals(forge.claims.get("run_id"), identity.get("run_id"));
    assertEquals(forge.claims.get("job_id"), identity.get("job_id"));
    assertEquals(forge.claims.get("iss"), identity.get("issuer"));
    String sha256 = Sha256.hex(Sha256.of(BundleForge.artifactBytes()));
    List<Object> subjects = o.requireArray("subjects");
    assertEquals(1, subjects.size());
    JsonObject subject = (JsonObject) subjects.get(0);
    assertEquals("app-1.2.3.tgz", subject.get("name"));
    assertEquals(sha256, subject.requireObject("digest").get("sha256"));
    JsonObject art = o.requireObject("artifact");
    assertEquals(artifact.toString(), art.get("path"));
    assertEquals(sha256, art.get("sha256"));
    assertEquals(Map.of(), o.requireObject("policy").members());
  }

  @Test
  void jsonPolicyListsTheExpectationsThatWereEnforced() throws IOException {
    CliRun r =
        verify(
            "--sha", forge.claims.get("sha"), "--ref", forge.claims.get("ref"),
            "--repository", forge.claims.get("repository"), "--workflow", forge.claims.get("workflow"),
            "--json");
    assertEquals(0, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals(JsonNull.INSTANCE, o.get("artifact"));
    Map<String, Object> policy = o.requireObject("policy").members();
    assertEquals(List.of("repository", "ref", "workflow", "sha"), List.copyOf(policy.keySet()));
    for (String k : policy.keySet()) {
      assertEquals(forge.claims.get(k), policy.get(k), k);
    }
  }

  @Test
  void jsonOnFailureIsOneObjectEndingAtTheFailingCheck() throws IOException {
    P256PrivateKey other = P256PrivateKey.generate(new SecureRandom());
    forge.envelopeSigner =
        pae -> {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("keyid", forge.ephemeral.publicKey().thumbprint());
          s.put("sig", Base64Strict.encodeStd(other.signDer(pae)));
          return new ArrayList<>(List.of(s));
        };
    CliRun r = verify(artifact, "--json");
    assertEquals(1, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals(MEMBERS, List.copyOf(o.members().keySet()), r::toString);
    assertEquals(Boolean.FALSE, o.get("verified"));
    assertEquals("signature", o.get("failedCheck"));
    List<Object> checks = o.requireArray("checks");
    assertEquals(CHECKS.subList(0, 5), names(checks));
    assertEquals(List.of(true, true, true, true, false), oks(checks));
    // identity once token passed; subjects and artifact not yet.
    assertEquals(forge.claims.get("repository"), o.requireObject("identity").get("repository"));
    assertEquals(JsonNull.INSTANCE, o.get("subjects"));
    assertEquals(JsonNull.INSTANCE, o.get("artifact"));
    assertEquals(Map.of(), o.requireObject("policy").members());
  }

  @Test
  void jsonOnArtifactFailureCarriesTheComputedDigest() throws IOException {
    byte[] other = "other bytes\n".getBytes(StandardCharsets.UTF_8);
    Files.write(artifact, other);
    CliRun r = verify(artifact, "--json");
    assertEquals(1, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals("artifact", o.get("failedCheck"));
    assertEquals(Sha256.hex(Sha256.of(other)), o.requireObject("artifact").get("sha256"));
    assertEquals(1, o.requireArray("subjects").size());
  }

  // ------------------------------------------------------------------ --digest (FORMATS §7)

  private static String digestOfArtifact() {
    return Sha256.hex(Sha256.of(BundleForge.artifactBytes()));
  }

  @Test
  void digestOfASubjectVerifiesAndJsonSaysNoPath() throws IOException {
    String hex = digestOfArtifact();
    CliRun r = verify("--digest", "sha256:" + hex, "--json");
    assertEquals(0, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals(Boolean.TRUE, o.get("verified"), r::toString);
    JsonObject a = o.requireObject("artifact");
    assertEquals(JsonNull.INSTANCE, a.get("path"), r::toString);
    assertEquals(hex, a.get("sha256"), r::toString);
  }

  @Test
  void digestOfASubjectInHumanOutputSaysItWasGivenByDigest() throws IOException {
    String hex = digestOfArtifact();
    CliRun r = verify("--digest", "sha256:" + hex);
    assertEquals(0, r.exit(), r::toString);
    assertTrue(
        r.outLines().contains("  ok    artifact       subject 'app-1.2.3.tgz' has digest sha256:" + hex + " (given by --digest)"),
        r::toString);
    assertTrue(r.lastLine().startsWith("VERIFIED: sha256:" + hex + " was attested by "), r::toString);
  }

  /** The picocli path (an {@code --x=y} form) reads --digest as the fast path does. */
  @Test
  void digestInEqualsFormVerifiesToo() throws IOException {
    CliRun r = verify("--digest=sha256:" + digestOfArtifact(), "--json");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(JsonNull.INSTANCE, r.json().requireObject("artifact").get("path"), r::toString);
  }

  @Test
  void digestOfNoSubjectFailsTheArtifactCheck() throws IOException {
    String other = Sha256.hex(Sha256.of("an image\n".getBytes(StandardCharsets.UTF_8)));
    CliRun r = verify("--digest", "sha256:" + other, "--json");
    assertEquals(1, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals("artifact", o.get("failedCheck"), r::toString);
    assertEquals(other, o.requireObject("artifact").get("sha256"), r::toString);
  }

  @Test
  void artifactTogetherWithDigestIsAUsageErrorOfTheArtifactStage() throws IOException {
    usageError(
        "artifact", "verify-attestation", artifact, "--digest", "sha256:" + digestOfArtifact(),
        "--bundle", bundle(), "--trust-root", trustRoot);
  }

  @Test
  void digestNotSha256And64LowercaseHexIsAUsageErrorOfTheArtifactStage() throws IOException {
    String hex = digestOfArtifact();
    Path b = bundle();
    for (String bad :
        List.of(
            "sha256:" + hex.toUpperCase(java.util.Locale.ROOT), "sha256:" + hex.substring(1), "sha256:" + hex + "0",
            "sha512:" + hex + hex, hex, "SHA256:" + hex, "sha256:")) {
      usageError("artifact", "verify-attestation", "--digest", bad, "--bundle", b, "--trust-root", trustRoot);
    }
  }

  @Test
  void digestWithoutValueIsAUsageErrorOfTheArtifactStage() throws IOException {
    // --json first: after --digest it would be taken as --digest's (missing) value.
    CliRun r = CliRun.of("verify-attestation", "--json", "--bundle", bundle(), "--trust-root", trustRoot, "--digest");
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    JsonObject o = r.json();
    assertEquals("artifact", o.get("failedCheck"), r::toString);
    assertEquals(List.of("artifact"), names(o.requireArray("checks")), r::toString);
  }

  // ------------------------------------------------------------------ did you mean, hints

  @Test
  void unknownFlagNamesTheNearestOne() throws IOException {
    Path b = bundle();
    Map<String, String> nearest =
        Map.of("--repo", "--repository", "--trust_root", "--trust-root", "--bundel", "--bundle", "--jsno", "--json",
            "--Digest", "--digest");
    for (Map.Entry<String, String> e : nearest.entrySet()) {
      CliRun r = CliRun.of("verify-attestation", "--bundle", b, "--trust-root", trustRoot, e.getKey(), "x");
      assertEquals(1, r.exit(), r::toString);
      assertEquals(1, r.errLines().size(), r::toString);
      assertTrue(r.err().contains("(did you mean " + e.getValue() + "?)"), r::toString);
    }
    CliRun far = CliRun.of("verify-attestation", "--bundle", b, "--trust-root", trustRoot, "--frobnicate");
    assertFalse(far.err().contains("did you mean"), far::toString);
  }

  @Test
  void unknownCommandNamesTheNearestOne() {
    CliRun r = CliRun.of("verify-attestaton", "--bundle", "b");
    assertEquals(1, r.exit(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(r.err().contains("(did you mean verify-attestation?)"), r::toString);
  }

  @Test
  void shortRefFailsPolicyWithAHint() throws IOException {
    CliRun r = verify(artifact, "--ref", "main");
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'policy'"), r::toString);
    assertTrue(r.lastLine().endsWith("(refs are full names: did you mean refs/heads/main?)"), r::toString);
  }

  @Test
  void abbreviatedShaFailsPolicyWithAHint() throws IOException {
    CliRun r = verify(artifact, "--sha", ((String) forge.claims.get("sha")).substring(0, 12), "--json");
    assertEquals(1, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals("policy", o.get("failedCheck"), r::toString);
    List<Object> checks = o.requireArray("checks");
    assertTrue(((JsonObject) checks.get(checks.size() - 1)).requireString("message").contains("full 40-hex commit"), r::toString);
  }

  // ------------------------------------------------------------------ schemes: one reading for both flags

  /** RFC 3986 §3.1 and RFC 8089: file: URLs and upper-case schemes read as their lower-case forms. */
  @Test
  void fileUrlsAndUpperCaseSchemesWorkForBundleAndTrustRoot() throws IOException {
    Path b = bundle();
    for (String form : List.of("file://%s", "file:%s", "FILE:%s", "File://localhost%s")) {
      CliRun r =
          CliRun.of("verify-attestation", artifact, "--bundle", String.format(form, b), "--trust-root",
              String.format(form, trustRoot), "--json");
      assertEquals(0, r.exit(), r::toString);
      assertEquals(Boolean.TRUE, r.json().get("verified"), r::toString);
    }
  }

  @Test
  void otherSchemesAreRefusedForBundleAsForTrustRoot() throws IOException {
    JsonObject bundle = failsAt("bundle", "verify-attestation", "--bundle", "FTP://ci.example.com/b.json", "--trust-root", trustRoot);
    assertEquals("bundle URL scheme 'ftp' is not https", lastMessage(bundle));
    JsonObject root = failsAt("trust-root", "verify-attestation", "--bundle", bundle(), "--trust-root", "FTP://ci.example.com/oidc");
    assertEquals("trust root URL scheme 'ftp' is not https", lastMessage(root));
  }

  @Test
  void aBundleThatIsADirectoryOrMissingFailsTheBundleCheckWithItsReason() throws IOException {
    // One stat decides both (it used to take isDirectory, exists and isRegularFile).
    Path folder = Files.createDirectories(dir.resolve("a-folder.hallmark.json"));
    JsonObject d = failsAt("bundle", "verify-attestation", "--bundle", folder, "--trust-root", trustRoot);
    assertEquals("bundle " + folder + " is a directory, not a file", lastMessage(d));
    Path absent = dir.resolve("absent.hallmark.json");
    JsonObject m = failsAt("bundle", "verify-attestation", "--bundle", absent, "--trust-root", trustRoot);
    assertEquals("bundle " + absent + " does not exist", lastMessage(m));
  }

  // ------------------------------------------------------------------ usage errors: exit 1, not 2

  @Test
  void missingBundleIsAUsageErrorOfTheBundleStage() throws IOException {
    JsonObject o = usageError("bundle", "verify-attestation", artifact, "--trust-root", trustRoot);
    assertEquals(JsonNull.INSTANCE, o.get("identity"));
  }

  @Test
  void missingTrustRootIsAUsageErrorOfTheTrustRootStage() throws IOException {
    usageError("trust-root", "verify-attestation", artifact, "--bundle", bundle());
  }

  @Test
  void usageErrorObjectKeepsTheExpectations() throws IOException {
    JsonObject o = usageError("bundle", "verify-attestation", "--trust-root", trustRoot, "--repository", "acme/app");
    assertEquals(Map.of("repository", "acme/app"), o.requireObject("policy").members());
  }

  @Test
  void unknownOptionIsAUsageError() throws IOException {
    usageError(null, "verify-attestation", artifact, "--bundle", bundle(), "--trust-root", trustRoot, "--frobnicate");
  }

  @Test
  void optionGivenTwiceIsAUsageError() throws IOException {
    Path b = bundle();
    usageError(null, "verify-attestation", artifact, "--bundle", b, "--bundle", b, "--trust-root", trustRoot);
  }

  @Test
  void zeroTimeoutIsAUsageError() throws IOException {
    usageError(null, "verify-attestation", artifact, "--bundle", bundle(), "--trust-root", trustRoot, "--timeout", "0");
  }

  @Test
  void nonNumericTimeoutIsAUsageError() throws IOException {
    usageError(null, "verify-attestation", artifact, "--bundle", bundle(), "--trust-root", trustRoot, "--timeout", "ten");
  }

  @Test
  void twoArtifactsAreAUsageError() throws IOException {
    usageError(null, "verify-attestation", artifact, artifact, "--bundle", bundle(), "--trust-root", trustRoot);
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun r = CliRun.of("verify-everything");
    assertEquals(1, r.exit(), r::toString);
    assertEquals("", r.out(), r::toString);
    assertTrue(r.err().startsWith("hallmark: "), r::toString);
  }

  /**
   * Runs {@code args} without and with {@code --json}: both exit 1; without, stdout is empty and
   * stderr one line; with, stdout is one §7 object whose {@code checks} hold only the blocked
   * stage (which must be {@code stage} when given).
   */
  private static JsonObject usageError(String stage, Object... args) {
    CliRun human = CliRun.of(args);
    assertEquals(1, human.exit(), human::toString);
    assertEquals("", human.out(), human::toString);
    assertEquals(1, human.errLines().size(), human::toString);
    assertTrue(human.err().startsWith("hallmark: "), human::toString);

    Object[] withJson = Arrays.copyOf(args, args.length + 1);
    withJson[args.length] = "--json";
    CliRun r = CliRun.of(withJson);
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.err().startsWith("hallmark: "), r::toString);
    JsonObject o = r.json();
    assertEquals(MEMBERS, List.copyOf(o.members().keySet()), r::toString);
    assertEquals(Boolean.FALSE, o.get("verified"), r::toString);
    List<Object> checks = o.requireArray("checks");
    assertEquals(1, checks.size(), r::toString);
    JsonObject only = (JsonObject) checks.get(0);
    assertEquals(Boolean.FALSE, only.get("ok"), r::toString);
    assertEquals(o.get("failedCheck"), only.get("name"), r::toString);
    assertTrue(List.of("bundle", "trust-root", "artifact").contains(only.get("name")), r::toString);
    if (stage != null) {
      assertEquals(stage, o.get("failedCheck"), r::toString);
    }
    assertEquals(JsonNull.INSTANCE, o.get("identity"));
    assertEquals(JsonNull.INSTANCE, o.get("subjects"));
    assertEquals(JsonNull.INSTANCE, o.get("artifact"));
    assertInstanceOf(JsonObject.class, o.get("policy"));
    return o;
  }

  // ------------------------------------------------------------------ unusable inputs

  @Test
  void missingBundleFileFailsTheBundleCheck() throws IOException {
    failsAt("bundle", "verify-attestation", artifact, "--bundle", dir.resolve("nope.hallmark.json"), "--trust-root", trustRoot);
  }

  @Test
  void bundleThatIsADirectoryFailsTheBundleCheck() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder.hallmark.json"));
    failsAt("bundle", "verify-attestation", artifact, "--bundle", folder, "--trust-root", trustRoot);
  }

  @Test
  void missingTrustRootFileFailsTheTrustRootCheck() throws IOException {
    failsAt("trust-root", "verify-attestation", artifact, "--bundle", bundle(), "--trust-root", dir.resolve("nope.json"));
  }

  @Test
  void invalidTrustRootFileFailsTheTrustRootCheck() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"issuer\": 1}");
    failsAt("trust-root", "verify-attestation", artifact, "--bundle", bundle(), "--trust-root", bad);
  }

  @Test
  void rejectsPlainHttpTrustRootOnAPublicHost() throws IOException {
    failsAt("trust-root", "verify-attestation", artifact, "--bundle", bundle(), "--trust-root", "http://ci.example.com/oidc");
  }

  @Test
  void missingArtifactFailsTheArtifactCheck() throws IOException {
    JsonObject o = failsAt("artifact", "verify-attestation", dir.resolve("nope.tgz"), "--bundle", bundle(), "--trust-root", trustRoot);
    assertEquals(JsonNull.INSTANCE, o.get("artifact"));
  }

  @Test
  void artifactThatIsADirectoryFailsTheArtifactCheck() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder.tgz"));
    failsAt("artifact", "verify-attestation", folder, "--bundle", bundle(), "--trust-root", trustRoot);
  }

  /**
   * Runs {@code args} without and with {@code --json}: exit 1, the human report ends with the
   * FAILED line of {@code check}, and the §7 object lists the checks up to {@code check}, which
   * alone failed.
   */
  private static JsonObject failsAt(String check, Object... args) {
    CliRun human = CliRun.of(args);
    assertEquals(1, human.exit(), human::toString);
    assertTrue(human.lastLine().startsWith("FAILED: check '" + check + "'"), human::toString);
    assertTrue(human.outLines().stream().noneMatch(l -> l.startsWith("VERIFIED")), human::toString);

    Object[] withJson = Arrays.copyOf(args, args.length + 1);
    withJson[args.length] = "--json";
    CliRun r = CliRun.of(withJson);
    assertEquals(1, r.exit(), r::toString);
    JsonObject o = r.json();
    assertEquals(Boolean.FALSE, o.get("verified"));
    assertEquals(check, o.get("failedCheck"), r::toString);
    List<Object> checks = o.requireArray("checks");
    int n = CHECKS.indexOf(check) + 1;
    assertEquals(CHECKS.subList(0, n), names(checks), r::toString);
    List<Boolean> expectOk = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expectOk.add(i < n - 1);
    }
    assertEquals(expectOk, oks(checks), r::toString);
    return o;
  }

  /**
   * FORMATS §1: plain HTTP only to a literal loopback host, refused before any connection. A child
   * JVM maps ci.example.com to 127.0.0.1 (jdk.net.hosts.file), proves the mapping reaches the
   * recording server, then runs the command: a fetch through the name would be seen there.
   */
  @Test
  void plainHttpToAPublicHostMakesNoRequest() throws Exception {
    Path b = bundle();
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 ci.example.com\n");
    try (RecordingIssuer server = new RecordingIssuer()) {
      String named = "http://ci.example.com:" + server.port();
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Djdk.net.hosts.file=" + hosts);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(NoNetworkProbe.class.getName());
      cmd.add(named + "/probe");
      cmd.addAll(List.of("verify-attestation", artifact.toString(), "--bundle", b.toString(),
          "--trust-root", named + "/oidc", "--json"));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Path out = dir.resolve("probe.out");
      Path err = dir.resolve("probe.err");
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
      String stderr = Files.readString(err);
      assertEquals(1, p.exitValue(), stderr);
      assertEquals(List.of("/probe"), server.requests(), "the mapping must work and the CLI must not connect");
      JsonObject o = new CliRun(1, Files.readString(out), stderr).json();
      assertEquals("trust-root", o.get("failedCheck"));
    }
  }

  /** Odd arguments: always exit 1, one §7 object, no stack trace (checked by CliRun). */
  @Test
  void oddArgumentsFailCleanly() throws IOException {
    Path b = bundle();
    List<List<Object>> cases =
        List.of(
            List.of("--bundle", "", "--trust-root", trustRoot),
            List.of("--bundle", b, "--trust-root", ""),
            List.of("", "--bundle", b, "--trust-root", trustRoot),
            List.of("--bundle", "bad\u0000path", "--trust-root", trustRoot),
            List.of("--bundle", b, "--trust-root", "bad\u0000path"),
            List.of("--bundle", b, "--trust-root", "ftp://ci.example.com/oidc"),
            List.of("--bundle", b, "--trust-root", "http://[::1/oidc"),
            List.of("--bundle", b, "--trust-root", "https://"),
            List.of("--bundle", "http://127.0.0.1:1/b.hallmark.json", "--trust-root", trustRoot),
            List.of("--bundle", "http://ci.example.com/b.hallmark.json", "--trust-root", trustRoot),
            List.of("--bundle", "https://exa mple.com/b", "--trust-root", trustRoot),
            List.of("--bundle", b, "--trust-root", trustRoot, "--timeout", "-1"),
            List.of("--bundle", b, "--trust-root", trustRoot, "--timeout", "99999"),
            List.of("--bundle", b, "--trust-root", trustRoot, "--timeout", "2147483648"));
    for (List<Object> c : cases) {
      List<Object> args = new ArrayList<>();
      args.add("verify-attestation");
      args.addAll(c);
      args.add("--json");
      CliRun r = CliRun.of(args.toArray());
      assertEquals(1, r.exit(), r::toString);
      JsonObject o = r.json();
      assertEquals(Boolean.FALSE, o.get("verified"), r::toString);
      assertTrue(CHECKS.contains(o.get("failedCheck")), r::toString);
    }
  }

  // ------------------------------------------------------------------ help, version

  @Test
  void helpAndVersionExitZero() {
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exit(), help::toString);
    assertTrue(help.out().contains("verify-attestation"), help::toString);
    CliRun sub = CliRun.of("verify-attestation", "--help");
    assertEquals(0, sub.exit(), sub::toString);
    assertTrue(sub.out().contains("--trust-root"), sub::toString);
    assertTrue(sub.out().contains("--bundle"), sub::toString);
    CliRun version = CliRun.of("--version");
    assertEquals(0, version.exit(), version::toString);
    assertEquals(1, version.outLines().size(), version::toString);
    assertTrue(version.out().startsWith("hallmark "), version::toString);
  }

  // ------------------------------------------------------------------ terminal escapes

  @Test
  void escapesAnsiInAKid() throws IOException {
    forge.header.put("kid", ESC + "[31mred");
    CliRun r = verify(artifact);
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'token'"), r::toString);
    assertNoEscape(r);
    assertTrue(r.out().contains("\\u001b[31mred"), r::toString);
    CliRun json = verify(artifact, "--json");
    assertNoEscape(json);
    List<Object> checks = json.json().requireArray("checks");
    // JSON carries the kid exactly, escaped only in transit.
    assertTrue(((JsonObject) checks.get(checks.size() - 1)).requireString("message").contains(ESC + "[31mred"), json::toString);
  }

  @Test
  void escapesAnsiInASubjectName() throws IOException {
    forge.statement.put("subject", new ArrayList<>(List.of(BundleForge.subject(ESC + "[31mapp.tgz", Sha256.hex(Sha256.of(BundleForge.artifactBytes()))))));
    CliRun r = verify(artifact);
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.lastLine().startsWith("FAILED: check 'statement'"), r::toString);
    assertNoEscape(r);
  }

  @Test
  void escapesAnsiInAVerifiedIdentityAndArtifactPath() throws IOException {
    String repository = "acme/" + ESC + "[2Japp";
    forge.claims.put("repository", repository);
    forge.statementAt("predicate", "buildDefinition", "externalParameters", "workflow").put("repository", repository);
    Path odd = Files.write(dir.resolve("app" + ESC + "[31m.tgz"), BundleForge.artifactBytes());
    CliRun r = verify(odd);
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.lastLine().startsWith("VERIFIED"), r::toString);
    assertNoEscape(r);
    assertTrue(r.lastLine().contains("acme/\\u001b[2Japp"), r::toString);
    CliRun policy = verify(odd, "--repository", "acme/app");
    assertEquals(1, policy.exit(), policy::toString);
    assertTrue(policy.lastLine().startsWith("FAILED: check 'policy'"), policy::toString);
    assertNoEscape(policy);
    CliRun json = verify(odd, "--json");
    assertEquals(0, json.exit(), json::toString);
    assertNoEscape(json);
    assertEquals(repository, json.json().requireObject("identity").get("repository"));
  }

  private static void assertNoEscape(CliRun r) {
    assertEquals(-1, r.out().indexOf(ESC), () -> "raw ESC on stdout: " + r);
    assertEquals(-1, r.err().indexOf(ESC), () -> "raw ESC on stderr: " + r);
  }

  // ------------------------------------------------------------------

  private static List<String> checkNames(List<String> lines) {
    List<String> names = new ArrayList<>();
    for (String line : lines) {
      Matcher m = CHECK_LINE.matcher(line);
      if (m.matches()) {
        names.add(m.group(2));
      }
    }
    return names;
  }

  private static String statusOf(String line) {
    Matcher m = CHECK_LINE.matcher(line);
    assertTrue(m.matches(), line);
    return m.group(1);
  }

  static List<String> names(List<Object> checks) {
    List<String> names = new ArrayList<>();
    for (Object c : checks) {
      names.add(((JsonObject) c).requireString("name"));
    }
    return names;
  }

  static String lastMessage(JsonObject result) {
    List<Object> checks = result.requireArray("checks");
    return ((JsonObject) checks.get(checks.size() - 1)).requireString("message");
  }

  static List<Boolean> oks(List<Object> checks) {
    List<Boolean> oks = new ArrayList<>();
    for (Object c : checks) {
      oks.add((Boolean) ((JsonObject) c).get("ok"));
    }
    return oks;
  }
}
