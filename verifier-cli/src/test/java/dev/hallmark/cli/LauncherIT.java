package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher, {@code bin/hallmark}, as a subprocess with a private CDS cache: exit
 * statuses, {@code --json} on stdout alone (also once the class-data archive exists), and hashing
 * progress on stderr only when stderr is a terminal ({@code script} gives the child a pty).
 */
class LauncherIT {
  /** Above the launcher's 32 MiB "heavy" threshold and Progress.LARGE (64 MiB); at most 100 MiB. */
  private static final long BIG = 65L << 20;

  @TempDir Path dir;
  Path cache;
  BundleForge forge;
  Path artifact;
  Path bundle;
  Path trustRoot;

  @BeforeEach
  void setUp() throws IOException {
    cache = Files.createDirectory(dir.resolve("cache"));
    forge = BundleForge.valid();
    artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    bundle = Files.write(dir.resolve("app-1.2.3.tgz.hallmark.json"), forge.bytes());
    trustRoot = Files.write(dir.resolve("trust-root.json"), forge.trustRootBytes());
  }

  static Path launcher() {
    String root = System.getProperty("hallmark.root.dir");
    return Path.of(root != null ? root : "..").toAbsolutePath().normalize().resolve("bin/hallmark");
  }

  record Result(int exit, String stdout, String stderr) {
    JsonObject json() {
      return StrictJson.parseObject(stdout.getBytes(StandardCharsets.UTF_8), StrictJson.BUNDLE_LIMIT);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** Runs {@code cmd} with the private cache, stdin from /dev/null, stdout and stderr to files. */
  Result run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HALLMARK_CACHE", cache.toString());
    pb.environment().remove("HALLMARK_CDS");
    pb.environment().remove("HALLMARK_JAR");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish within 60 s: " + cmd);
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    assertFalse(r.stderr().contains("\tat "), r::toString);
    assertFalse(r.stderr().contains("Exception"), r::toString);
    return r;
  }

  Result hallmark(Object... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    for (Object a : args) {
      cmd.add(a.toString());
    }
    return run(cmd);
  }

  /** Runs a shell command line under {@code script}, so the child's stdio is a terminal. */
  Result underTerminal(String commandLine) throws IOException, InterruptedException {
    Path script = Path.of("/usr/bin/script");
    assertTrue(Files.isExecutable(script), "util-linux script(1) is needed for a pty: apt-get install bsdutils");
    return run(List.of(script.toString(), "-qec", commandLine, "/dev/null"));
  }

  static String quote(Object arg) {
    return "'" + arg.toString().replace("'", "'\\''") + "'";
  }

  static String commandLine(Object... args) {
    StringBuilder b = new StringBuilder(quote(launcher()));
    for (Object a : args) {
      b.append(' ').append(quote(a));
    }
    return b.toString();
  }

  // ------------------------------------------------------------------

  @Test
  void versionAndHelpExitZero() throws Exception {
    Result version = hallmark("--version");
    assertEquals(0, version.exit(), version::toString);
    assertTrue(version.stdout().matches("hallmark \\S+\\R"), version::toString);
    assertFalse(version.stdout().contains("development build"), "the jar's manifest carries the version: " + version);
    Result help = hallmark("--help");
    assertEquals(0, help.exit(), help::toString);
    assertTrue(help.stdout().contains("verify-attestation"), help::toString);
    Result sub = hallmark("verify-attestation", "--help");
    assertEquals(0, sub.exit(), sub::toString);
    assertTrue(sub.stdout().contains("--trust-root"), sub::toString);
  }

  @Test
  void usageErrorExitsOne() throws Exception {
    Result r = hallmark("verify-attestation", "--bundle", bundle, "--trust-root", trustRoot, "--frobnicate");
    assertEquals(1, r.exit(), r::toString);
    assertEquals("", r.stdout(), r::toString);
    assertTrue(r.stderr().startsWith("hallmark: "), r::toString);
    Result json = hallmark("verify-attestation", "--trust-root", trustRoot, "--json");
    assertEquals(1, json.exit(), json::toString);
    assertEquals("bundle", json.json().get("failedCheck"));
    Result noSuchCommand = hallmark("frobnicate");
    assertEquals(1, noSuchCommand.exit(), noSuchCommand::toString);
  }

  @Test
  void jsonIsOneObjectOnStdoutAlsoWhenTheArchiveExists() throws Exception {
    Object[] args = {"verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot, "--json"};
    Result first = hallmark(args);
    assertEquals(0, first.exit(), first::toString);
    assertEquals(Boolean.TRUE, first.json().get("verified"));
    assertEquals(1, files(cache, ".jsa").size(), "one archive after the first run: " + files(cache, ""));
    assertEquals(List.of(), files(cache, ".tmp"));
    long archived = Files.getLastModifiedTime(files(cache, ".jsa").get(0)).toMillis();

    Result second = hallmark(args);
    assertEquals(0, second.exit(), second::toString);
    assertEquals(first.stdout(), second.stdout());
    assertEquals(Boolean.TRUE, second.json().get("verified"));
    assertEquals("", second.stderr(), second::toString);
    assertEquals(archived, Files.getLastModifiedTime(files(cache, ".jsa").get(0)).toMillis(), "the archive was reused");

    // A failure through the same archive: still exactly one object.
    Files.writeString(artifact, "other bytes");
    Result failed = hallmark(args);
    assertEquals(1, failed.exit(), failed::toString);
    assertEquals("artifact", failed.json().get("failedCheck"));
  }

  @Test
  void progressOnlyWhenStderrIsATerminal() throws Exception {
    Path big = dir.resolve("big.bin");
    try {
      try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
        f.setLength(BIG); // sparse: zeros
      }
      MessageDigest md = Sha256.newDigest();
      byte[] zeros = new byte[1 << 20];
      for (long done = 0; done < BIG; done += zeros.length) {
        md.update(zeros);
      }
      forge.statement.put("subject", new ArrayList<>(List.of(BundleForge.subject("big.bin", Sha256.hex(md.digest())))));
      Path bigBundle = Files.write(dir.resolve("big.bin.hallmark.json"), forge.bytes());
      Object[] args = {"verify-attestation", big, "--bundle", bigBundle, "--trust-root", trustRoot};

      // stderr (and stdout) a terminal: progress shows.
      Result tty = underTerminal(commandLine(args));
      assertEquals(0, tty.exit(), tty::toString);
      assertTrue(tty.stdout().contains("hashing"), tty::toString);
      assertTrue(tty.stdout().contains("VERIFIED"), tty::toString);

      // stderr a terminal, stdout a file: progress on the terminal, never in stdout.
      Path jsonOut = dir.resolve("json.out");
      Object[] jsonArgs = {"verify-attestation", big, "--bundle", bigBundle, "--trust-root", trustRoot, "--json"};
      Result split = underTerminal(commandLine(jsonArgs) + " >" + quote(jsonOut));
      assertEquals(0, split.exit(), split::toString);
      assertTrue(split.stdout().contains("hashing"), split::toString);
      String stdout = Files.readString(jsonOut);
      assertFalse(stdout.contains("hashing"), stdout);
      assertEquals(Boolean.TRUE, new Result(0, stdout, "").json().get("verified"));

      // stdout a terminal, stderr a file: no progress anywhere.
      Path errFile = dir.resolve("stderr.txt");
      Result fileErr = underTerminal(commandLine(args) + " 2>" + quote(errFile));
      assertEquals(0, fileErr.exit(), fileErr::toString);
      assertTrue(fileErr.stdout().contains("VERIFIED"), fileErr::toString);
      assertFalse(fileErr.stdout().contains("hashing"), fileErr::toString);
      assertFalse(Files.readString(errFile).contains("hashing"), Files.readString(errFile));

      // No terminal at all.
      Result plain = hallmark(args);
      assertEquals(0, plain.exit(), plain::toString);
      assertFalse(plain.stderr().contains("hashing"), plain::toString);
      assertFalse(plain.stdout().contains("hashing"), plain::toString);
    } finally {
      Files.deleteIfExists(big);
    }
  }

  private static List<Path> files(Path folder, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  // ------------------------------------------------------------------ crypto engines (issue 11)

  /** The standalone jar the launcher runs. */
  static Path jar() {
    return launcher().getParent().getParent().resolve("verifier-cli/target/hallmark.jar");
  }

  /** {@code java [jvmOption] -jar hallmark.jar args}: the real jar, with a JVM option of the test's. */
  Result jarWith(String jvmOption, Object... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(jvmOption);
    cmd.add("-jar");
    cmd.add(jar().toString());
    for (Object a : args) {
      cmd.add(a.toString());
    }
    return run(cmd);
  }

  /** ACCP's own switch to load AWS-LC from java.library.path: with none there, it fails as on a platform without it. */
  static final String NO_AWS_LC = "-Dcom.amazon.corretto.crypto.provider.useExternalLib=true";

  @Test
  void auditRunsOnAwsLcByDefaultAndOnEitherEngineOnDemand() throws Exception {
    for (List<String> crypto : List.of(List.<String>of(), List.of("--crypto", "bc"), List.of("--crypto", "native"))) {
      List<Object> args = new ArrayList<>(List.of("audit", dir, "--trust-root", trustRoot));
      args.addAll(crypto);
      Result r = hallmark(args.toArray());
      assertEquals(0, r.exit(), r::toString);
      assertEquals("", r.stderr(), "no fallback line where AWS-LC loads: " + r);
      assertTrue(r.stdout().contains("AUDIT PASSED"), r::toString);
    }
  }

  @Test
  void auditFallsBackToBouncyCastleWithOneLineWhereAwsLcCannotLoad() throws Exception {
    Result r = jarWith(NO_AWS_LC, "audit", dir, "--trust-root", trustRoot);
    assertEquals(0, r.exit(), r::toString);
    List<String> lines = r.stderr().lines().toList();
    assertEquals(1, lines.size(), r::toString);
    assertTrue(lines.get(0).startsWith("hallmark: AWS-LC is not available on "), r::toString);
    assertTrue(lines.get(0).endsWith("; using BouncyCastle"), r::toString);
    assertTrue(r.stdout().contains("AUDIT PASSED"), r::toString);
    // --json: the line stays on stderr, stdout stays JSON Lines.
    Result json = jarWith(NO_AWS_LC, "audit", dir, "--trust-root", trustRoot, "--json");
    assertEquals(0, json.exit(), json::toString);
    assertEquals(1, json.stderr().lines().count(), json::toString);
    json.stdout().lines().forEach(l -> StrictJson.parseObject(l.getBytes(StandardCharsets.UTF_8), StrictJson.BUNDLE_LIMIT));
  }

  @Test
  void forcedNativeEngineFailsInOneLineWhereAwsLcCannotLoad() throws Exception {
    Result audit = jarWith(NO_AWS_LC, "audit", dir, "--trust-root", trustRoot, "--crypto", "native");
    assertEquals(1, audit.exit(), audit::toString);
    assertEquals(1, audit.stderr().lines().count(), audit::toString);
    assertTrue(audit.stderr().startsWith("hallmark: --crypto native: AWS-LC is not available"), audit::toString);
    Result verify = jarWith(NO_AWS_LC, "verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot, "--crypto", "native");
    assertEquals(1, verify.exit(), verify::toString);
    assertTrue(verify.stderr().startsWith("hallmark: --crypto native: AWS-LC is not available"), verify::toString);
    // BouncyCastle needs nothing native: the one-shot default is unaffected.
    Result plain = jarWith(NO_AWS_LC, "verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot);
    assertEquals(0, plain.exit(), plain::toString);
    assertEquals("", plain.stderr(), plain::toString);
  }

  @Test
  void verifyAttestationOnEitherEngineAndRefusesAnUnknownOne() throws Exception {
    for (String engine : List.of("bc", "native")) {
      Result r = hallmark("verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot, "--crypto", engine, "--json");
      assertEquals(0, r.exit(), r::toString);
      assertEquals(true, r.json().get("verified"), r::toString);
    }
    Result bad = hallmark("verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot, "--crypto", "rsa");
    assertEquals(1, bad.exit(), bad::toString);
    assertEquals(1, bad.stderr().lines().count(), bad::toString);
    assertTrue(bad.stderr().startsWith("hallmark: --crypto must be bc or native"), bad::toString);
    Result badAudit = hallmark("audit", dir, "--trust-root", trustRoot, "--crypto", "rsa");
    assertEquals(1, badAudit.exit(), badAudit::toString);
    assertTrue(badAudit.stderr().startsWith("hallmark: --crypto must be bc or native"), badAudit::toString);
  }

}
