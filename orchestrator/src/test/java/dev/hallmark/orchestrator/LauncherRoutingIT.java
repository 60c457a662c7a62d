package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hallmark} with both packaged jars: the tree's commands (help, version, completion, no
 * command) come from the orchestrator jar, the verifier's from the verifier jar, both print the
 * same version; without the orchestrator jar the verifier jar answers for itself.
 */
class LauncherRoutingIT {
  @TempDir Path dir;

  record Result(int exit, String stdout, String stderr) {}

  static Path root() {
    String root = System.getProperty("hallmark.root.dir");
    return Path.of(root != null ? root : "..").toAbsolutePath().normalize();
  }

  Result hallmark(Path orchestratorJar, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(root().resolve("bin/hallmark").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HALLMARK_CACHE", dir.resolve("cache").toString());
    pb.environment().put("HALLMARK_ORCHESTRATOR_JAR", orchestratorJar.toString());
    pb.environment().put("HALLMARK_JAR", root().resolve("verifier-cli/target/hallmark.jar").toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/hallmark did not finish: " + cmd);
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    assertFalse(r.stderr().contains("\tat "), r::toString);
    return r;
  }

  @Test
  void treeCommandsComeFromTheOrchestratorJar() throws Exception {
    Path jar = ServeProcess.JAR;
    assertTrue(Files.isRegularFile(jar), "package first: " + jar);
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
      Result help = hallmark(jar, args);
      assertEquals(0, help.exit(), help::toString);
      for (String command : CommandTreeTest.COMMANDS) {
        assertTrue(help.stdout().contains("  " + command + " "), command + " missing: " + help);
      }
    }
    Result none = hallmark(jar);
    assertEquals(1, none.exit(), none::toString);
    assertTrue(none.stderr().contains("  serve "), none::toString);

    // One version, from either jar, and a real one (the manifests carry it).
    Result version = hallmark(jar, "--version");
    assertEquals(0, version.exit(), version::toString);
    assertTrue(version.stdout().matches("hallmark \\S+\\n"), version::toString);
    assertFalse(version.stdout().contains("development build"), version::toString);
    for (String[] args :
        List.of(new String[] {"-V"}, new String[] {"verify-attestation", "--version"}, new String[] {"trust-root", "show", "-V"},
            new String[] {"serve", "--version"}, new String[] {"keys", "rotate", "--version"}, new String[] {"help", "--version"})) {
      Result r = hallmark(jar, args);
      assertEquals(0, r.exit(), r::toString);
      assertEquals(version.stdout(), r.stdout(), String.join(" ", args));
    }

    Result completion = hallmark(jar, "completion", "bash");
    assertEquals(0, completion.exit(), completion::toString);
    assertTrue(completion.stdout().contains("serve") && completion.stdout().contains("verify-attestation"), completion::toString);

    Result typo = hallmark(jar, "sevre");
    assertEquals(1, typo.exit(), typo::toString);
    assertTrue(typo.stderr().contains("(did you mean serve?)"), typo::toString);
  }

  @Test
  void withoutTheOrchestratorJarTheVerifierJarAnswers() throws Exception {
    Path missing = dir.resolve("no-such.jar");
    Result help = hallmark(missing, "--help");
    assertEquals(0, help.exit(), help::toString);
    assertTrue(help.stdout().contains("verify-attestation"), help::toString);
    assertFalse(help.stdout().contains("serve"), help::toString);
    Result serve = hallmark(missing, "serve", "--data", dir.toString());
    assertEquals(1, serve.exit(), serve::toString);
    assertEquals("hallmark: " + missing + " is missing; build it first: mvn -q -DskipTests package\n", serve.stderr());
    Result secret = hallmark(missing, "secret");
    assertEquals(1, secret.exit(), secret::toString);
    assertTrue(secret.stderr().contains("is missing"), secret::toString);
    Result witness = hallmark(missing, "witness", "key", "--key", dir.resolve("w.key").toString());
    assertEquals(1, witness.exit(), witness::toString);
    assertTrue(witness.stderr().contains("is missing"), witness::toString);
  }
}
