package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.verifier.ConformanceCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance corpus (the repository's {@code vectors/conformance}) through the packaged
 * launcher, {@code bin/hallmark verify-attestation … --json}, as a subprocess: exit status and the
 * FORMATS §7 object (parsed strictly, so stdout must hold exactly one JSON object and nothing else).
 */
class LauncherConformanceIT {
  private static final ConformanceCorpus CORPUS = ConformanceCorpus.load();
  @TempDir static Path cache;

  static Path root() {
    String root = System.getProperty("hallmark.root.dir");
    return Path.of(root != null ? root : "..").toAbsolutePath().normalize();
  }

  /** Runs {@code bin/hallmark} with a private CDS cache; returns {exit, stdout, stderr}. */
  static Result hallmark(Path cacheDir, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(root().resolve("bin/hallmark").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HALLMARK_CACHE", cacheDir.toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path out = Files.createTempFile(cacheDir, "out", ".txt");
    Path err = Files.createTempFile(cacheDir, "err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/hallmark did not finish within 60 s");
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  record Result(int exit, String stdout, String stderr) {}

  @Test
  void jarHasNoServerClasses() throws IOException {
    Path jar = root().resolve("verifier-cli/target/hallmark.jar");
    assertTrue(Files.isRegularFile(jar), "standalone jar missing: " + jar);
    List<String> forbidden =
        List.of("dev/hallmark/orchestrator/", "dev/hallmark/sdk/", "com/sun/net/httpserver/", "org/eclipse/jetty/", "com/github/tomakehurst/", "org/wiremock/",
            // The auditor's jar carries no signing code and nothing of bcprov the verifier never loads (issue 11).
            "dev/hallmark/attestation/sign/", "com/nimbusds/", "org/bouncycastle/pqc/", "META-INF/versions/9/org/bouncycastle/pqc/",
            "org/bouncycastle/jcajce/", "org/bouncycastle/jce/", "org/bouncycastle/x509/",
            // No logging at all (issue 13): the verifier's commands print their own one-line errors.
            "org/slf4j/", "simplelogger.properties");
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      zip.stream().forEach(e -> {
        for (String f : forbidden) {
          assertTrue(!e.getName().startsWith(f), "server/test class in the CLI jar: " + e.getName());
        }
        assertTrue(!e.getName().matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"), "signature file in the shaded jar: " + e.getName());
      });
    }
  }

  @Test
  void jarCarriesAwsLcForAudit() throws IOException {
    Path jar = root().resolve("verifier-cli/target/hallmark.jar");
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      assertTrue(zip.getEntry("com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so") != null, "AWS-LC is missing from the jar");
      assertTrue(zip.getEntry("dev/hallmark/attestation/crypto/AwsLcEngine.class") != null);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseThroughTheLauncher() {
    return CORPUS.cases.stream().map(c -> DynamicTest.dynamicTest(c.requireString("id"), () -> check(CORPUS, c)));
  }

  /** The transparency-log corpus (FORMATS §8, revision 2), with --log-policy where a case gives one. */
  @TestFactory
  Stream<DynamicTest> everyLogCaseThroughTheLauncher() {
    ConformanceCorpus log = ConformanceCorpus.load("log");
    return log.cases.stream().map(c -> DynamicTest.dynamicTest(c.requireString("id"), () -> check(log, c)));
  }

  private static void check(ConformanceCorpus CORPUS, JsonObject c) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("verify-attestation");
    if (c.get("artifact") instanceof String a) {
      args.add(CORPUS.resolve(a).toString());
    }
    args.add("--bundle");
    args.add(CORPUS.resolve(c.requireString("bundle")).toString());
    args.add("--trust-root");
    args.add(CORPUS.resolve(c.requireString("trustRoot")).toString());
    for (Object a : c.requireArray("args")) {
      args.add((String) a);
    }
    if (c.get("logPolicy") instanceof String policy) {
      args.add("--log-policy");
      args.add(CORPUS.resolve(policy).toString());
    }
    args.add("--json");
    Result r = hallmark(cache, args);
    JsonObject expect = c.requireObject("expect");
    boolean verified = (Boolean) expect.get("verified");
    assertEquals(verified ? 0 : 1, r.exit(), "exit status; stderr: " + r.stderr());
    JsonObject out = StrictJson.parseObject(r.stdout().getBytes(StandardCharsets.UTF_8), StrictJson.BUNDLE_LIMIT);
    ConformanceCorpus.assertResult(expect, out.members());
  }
}
