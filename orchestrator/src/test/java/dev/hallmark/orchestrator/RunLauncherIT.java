package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hallmark run} as a user starts it: {@code bin/hallmark run .} inside a git work tree, twice,
 * with the default output folder; every "verify with" command it prints, pasted into {@code bash};
 * the output folder under the real {@code hallmark audit}; and the orchestrator jar started with
 * {@code java -jar}, without the launcher.
 */
class RunLauncherIT {
  private static final String PREFIX = "hallmark: verify with: ";

  @TempDir Path tmp;

  record Result(int exit, String out) {}

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("bin/hallmark"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("bin/hallmark not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** Runs {@code command} in {@code cwd} with a home, data and cache folder of the test's own; stdout and stderr together. */
  static Result exec(Path tmp, Path cwd, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "exec", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("HALLMARK_") || k.startsWith("GIT_"));
    Path home = Files.createDirectories(tmp.resolve("home"));
    env.put("HOME", home.toString());
    env.put("XDG_DATA_HOME", home.resolve("data").toString());
    env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 300 s: " + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  static void requireBuilt(Path root) {
    for (String jar : List.of("verifier-cli/target/hallmark.jar", "orchestrator/target/hallmark-orchestrator.jar")) {
      assertTrue(Files.isRegularFile(root.resolve(jar)), jar + " is missing: build the project first (mvn -DskipTests package)");
    }
  }

  /** Pastes every printed verify command into bash (from another folder); each must exit 0. */
  private int pasteVerifyCommands(String runOutput) throws Exception {
    List<String> commands = runOutput.lines().filter(l -> l.startsWith(PREFIX)).map(l -> l.substring(PREFIX.length())).toList();
    for (String c : commands) {
      Result r = exec(tmp, tmp, List.of("bash", "-c", c));
      assertEquals(0, r.exit(), c + "\n" + r.out());
      assertTrue(r.out().contains("VERIFIED"), r.out());
    }
    return commands.size();
  }

  @Test
  void runDotTwiceInAWorkTreeAndEveryPrintedVerifyCommandWorksWhenPasted() throws Exception {
    Path root = root();
    requireBuilt(root);
    Path app = tmp.resolve("app");
    ServeIT.copyTree(root.resolve("examples/release"), app);
    // A second workflow: two attestations of files that share a name.
    Files.writeString(app.resolve(".hallmark/workflows/Twice.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        import dev.hallmark.sdk.*;
        public class Twice {
          public static void main(String[] args) {
            workflow("twice").job(job("twice")
                .step("build", ctx -> ctx.sh("mkdir -p a b && echo a > a/app.bin && echo b > b/app.bin"))
                .step("attest", ctx -> {
                  ctx.attestProvenance(Subject.ofPath("app.bin", "a/app.bin"));
                  ctx.attestProvenance(Subject.ofPath("app.bin", "b/app.bin"));
                })).main(args);
          }
        }
        """);
    for (List<String> git : List.of(List.of("init", "--quiet", "--initial-branch=main"), List.of("add", "--all"),
        List.of("-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "commit", "--quiet",
            "-m", "init"))) {
      List<String> cmd = new ArrayList<>(List.of("git"));
      cmd.addAll(git);
      assertEquals(0, exec(tmp, app, cmd).exit());
    }
    String hallmark = root.resolve("bin/hallmark").toString();

    Result first = exec(tmp, app, List.of(hallmark, "run", "."));
    assertEquals(0, first.exit(), first.out());
    assertTrue(first.out().contains(PREFIX + root.resolve("bin/hallmark") + " verify-attestation "), first.out());
    Result second = exec(tmp, app, List.of(hallmark, "run", "."));
    assertEquals(0, second.exit(), second.out());
    assertFalse(second.out().contains("uncommitted changes"), second.out());

    assertEquals(3, pasteVerifyCommands(second.out()));
    Path out = app.resolve("hallmark-out");
    assertTrue(Files.isRegularFile(out.resolve("app.bin")));
    assertTrue(Files.isRegularFile(out.resolve("2/app.bin")));
    Result audit = exec(tmp, app, List.of(hallmark, "audit", "hallmark-out", "--trust-root", "hallmark-out/trust-root.json",
        "--require-artifacts"));
    assertEquals(0, audit.exit(), audit.out());
    assertTrue(audit.out().matches("(?s).*verified with artifact\\s+3\\n.*"), audit.out());
  }

  @Test
  void withoutTheLauncherThePrintedCommandStillWorksWhenPasted() throws Exception {
    Path root = root();
    requireBuilt(root);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = tmp.resolve("out dir");
    Result run = exec(tmp, root, List.of(java, "-jar", root.resolve("orchestrator/target/hallmark-orchestrator.jar").toString(),
        "run", "examples/release", "--out", out.toString(), "--data", tmp.resolve("data").toString()));
    assertEquals(0, run.exit(), run.out());
    assertTrue(run.out().contains(" -jar " + root.resolve("verifier-cli/target/hallmark.jar") + " verify-attestation '"
        + out.resolve("app-1.0.0.tgz") + "'"), run.out());
    assertEquals(1, pasteVerifyCommands(run.out()));
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(3, s.count());
    }
  }
}
