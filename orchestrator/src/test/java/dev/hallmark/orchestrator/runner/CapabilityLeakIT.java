package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.IsolationPass;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a job holds a working capability, a shell command of its step searches every place a
 * capability could leak to (its environment, the workflow JVM's environ and cmdline, every
 * process's environ and cmdline, {@code ps}, the workspace and {@code $HOME}) and finds nothing.
 * A control run of the same probe, as the same user, against a planted fake value proves the probe
 * can find one. Both passes of {@link IsolationPass}: the orchestrator (the packaged jar's
 * {@code hallmark run}, a child process) as root, and as an ordinary user whose jobs run as itself.
 */
class CapabilityLeakIT {
  @TempDir Path tmp;

  /**
   * Prints {@code LEAKS <count> <source>} per source. The pattern is written {@code hmca[p]_} so
   * the probe's own text, argv (grep's) and file never match it.
   */
  static final String PROBE = """
      P='hmca[p]_'
      echo "PARENT $(basename "$(readlink /proc/$PPID/exe)")"
      echo "LEAKS $(env | grep -c "$P") env"
      echo "LEAKS $(tr '\\0' '\\n' < /proc/$PPID/environ 2>/dev/null | grep -c "$P") parent-environ"
      echo "LEAKS $(tr '\\0' '\\n' < /proc/$PPID/cmdline 2>/dev/null | grep -c "$P") parent-cmdline"
      echo "LEAKS $(for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < "$f" 2>/dev/null; done | grep -c "$P") proc-all"
      if command -v ps >/dev/null 2>&1; then echo "LEAKS $(ps -efww | grep -c "$P") ps"; fi
      echo "LEAKS $(grep -rl "$P" . "$HOME" 2>/dev/null | wc -l) files"
      """;

  static final List<String> SOURCES = List.of("env", "parent-environ", "parent-cmdline", "proc-all", "ps", "files");

  private static final Pattern LEAKS = Pattern.compile("(?m)^(?:\\S+ )*LEAKS (\\d+) ([a-z-]+)\\s*$");
  /** A real capability: the prefix and at least 16 token characters. */
  private static final Pattern CAPABILITY = Pattern.compile("hmcap_[A-Za-z0-9._~+/=-]{16,}");

  static Map<String, Integer> counts(String log) {
    Map<String, Integer> m = new LinkedHashMap<>();
    Matcher x = LEAKS.matcher(log);
    while (x.find()) {
      m.merge(x.group(2), Integer.parseInt(x.group(1)), Math::max);
    }
    return m;
  }

  static boolean hasPs() {
    return Files.isExecutable(Path.of("/usr/bin/ps")) || Files.isExecutable(Path.of("/bin/ps"));
  }

  @Test
  void noCapabilityLeaksAsRoot() throws Exception {
    noCapabilityLeaksToStepCommandsProcessesOrFiles(IsolationPass.ROOT);
  }

  @Test
  void noCapabilityLeaksAsAnOrdinaryUser() throws Exception {
    noCapabilityLeaksToStepCommandsProcessesOrFiles(IsolationPass.UNPRIVILEGED);
  }

  private void noCapabilityLeaksToStepCommandsProcessesOrFiles(IsolationPass pass) throws Exception {
    pass.assumeAvailable();
    assertTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
    // The test JVM itself never holds a capability in its environment or argv.
    assertFalse(String.join("\n", System.getenv().values()).contains("hmcap_"));
    assertFalse(ProcessHandle.current().info().commandLine().orElse("").contains("hmcap_"));

    // Control first (and finished before the run): as the pass's user, the probe finds a planted
    // fake value everywhere.
    Path control = Files.createDirectories(tmp.resolve("control"));
    Files.writeString(control.resolve("probe.sh"), PROBE);
    Files.writeString(control.resolve("planted.txt"), "token hmcap_control\n");
    pass.handOver(control);
    // The outer sh (the probe's parent) holds the fake value in its environ and as its $0; "; :"
    // keeps it from exec-ing the inner sh.
    ProcessBuilder pb = new ProcessBuilder(pass.asThisUser(
        List.of("/bin/sh", "-c", "/bin/sh -c '. ./probe.sh'; :", "hmcap_control")))
        .directory(control.toFile()).redirectErrorStream(true);
    pb.environment().put("HOME", control.toString());
    pb.environment().put("FAKE_CAPABILITY", "hmcap_control");
    Process p = pb.start();
    p.getOutputStream().close();
    String controlOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), pass.says(controlOut));
    Map<String, Integer> found = counts(controlOut);
    for (String s : SOURCES) {
      if (s.equals("ps") && !hasPs()) {
        continue;
      }
      assertTrue(found.getOrDefault(s, 0) >= 1,
          pass.says("control: probe missed the planted value in " + s + ":\n" + controlOut));
    }

    // The real run: the probe runs in a step of a job holding a capability, which then attests.
    Path folder = tmp.resolve("leak");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Files.writeString(folder.resolve("probe.sh"), PROBE);
    Files.writeString(folder.resolve("subject.txt"), "leak probe subject\n");
    Files.writeString(folder.resolve(".hallmark/workflows/Leak.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        import dev.hallmark.sdk.*;
        public class Leak {
          public static void main(String[] args) {
            workflow("leak").job(job("leak").step("probe", ctx -> {
              // Sourced, so the shell that searches is the direct child of this JVM.
              ctx.sh(". ./probe.sh");
              Attestation a = ctx.attestProvenance(Subject.ofPath("subject.txt", "subject.txt"));
              ctx.log().info("ATTESTED " + a.storageKey());
            })).main(args);
          }
        }
        """);
    IsolationPass.Folders f = pass.folders(tmp.resolve("orchestrator"));
    IsolationPass.Result r = pass.run(f, pass.handOver(folder));
    String streamed = r.out();
    assertEquals(0, r.exit(), pass.says(streamed));

    String stored;
    try (Store store = Store.open(f.data().resolve("hallmark.db"), Clock.systemUTC())) {
      RunRecord run = store.runs(1).get(0);
      assertEquals(JobRecord.SUCCEEDED, run.status(), pass.says(streamed));
      JobRecord job = store.jobsOfRun(run.id()).get(0);
      assertEquals(JobRecord.SUCCEEDED, job.status(), pass.says(streamed));
      stored = store.logs(job.id(), 0, 10_000).stream().map(Store.LogLine::line).collect(Collectors.joining("\n"));
    }

    for (String log : List.of(streamed, stored)) {
      assertTrue(log.contains("PARENT java"), pass.says("the probe's parent is the workflow JVM:\n" + log));
      Map<String, Integer> leaks = counts(log);
      for (String s : SOURCES) {
        if (s.equals("ps") && !hasPs()) {
          continue;
        }
        assertEquals(0, leaks.getOrDefault(s, -1), pass.says("capability leak (or missing probe line) in " + s + ":\n" + log));
      }
      assertTrue(log.contains("ATTESTED "), pass.says(log));
      assertFalse(CAPABILITY.matcher(log).find(), pass.says("a capability appears in the log:\n" + log));
    }
    // The attestation needed the job's working capability, held while the probe searched.
    Path bundle = f.out().resolve("subject.txt.hallmark.json");
    assertTrue(Files.isRegularFile(bundle) && Files.size(bundle) > 0, pass.says(streamed));
  }
}
