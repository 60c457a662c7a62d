package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * A control run of the same probe against a planted fake value proves the probe can find one.
 */
class CapabilityLeakTest {
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
  void noCapabilityLeaksToStepCommandsProcessesOrFiles() throws Exception {
    assertTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc");
    // The test JVM itself never holds a capability in its environment or argv.
    assertFalse(String.join("\n", System.getenv().values()).contains("hmcap_"));
    assertFalse(ProcessHandle.current().info().commandLine().orElse("").contains("hmcap_"));

    // Control first (and finished before the run): the probe finds a planted fake value everywhere.
    Path control = Files.createDirectories(tmp.resolve("control"));
    Files.writeString(control.resolve("probe.sh"), PROBE);
    Files.writeString(control.resolve("planted.txt"), "token hmcap_control\n");
    // The outer sh (the probe's parent) holds the fake value in its environ and as its $0; "; :"
    // keeps it from exec-ing the inner sh.
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "/bin/sh -c '. ./probe.sh'; :", "hmcap_control")
        .directory(control.toFile()).redirectErrorStream(true);
    pb.environment().put("HOME", control.toString());
    pb.environment().put("FAKE_CAPABILITY", "hmcap_control");
    Process p = pb.start();
    p.getOutputStream().close();
    String controlOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), controlOut);
    Map<String, Integer> found = counts(controlOut);
    for (String s : SOURCES) {
      if (s.equals("ps") && !hasPs()) {
        continue;
      }
      assertTrue(found.getOrDefault(s, 0) >= 1, "control: probe missed the planted value in " + s + ":\n" + controlOut);
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
    Path out = tmp.resolve("out");
    Path data = tmp.resolve("data");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    int exit = cl.execute("run", folder.toString(), "--out", out.toString(), "--data", data.toString());
    String streamed = o + "\n" + e;
    assertEquals(0, exit, streamed);

    String stored;
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      RunRecord run = store.runs(1).get(0);
      assertEquals(JobRecord.SUCCEEDED, run.status(), streamed);
      JobRecord job = store.jobsOfRun(run.id()).get(0);
      assertEquals(JobRecord.SUCCEEDED, job.status(), streamed);
      stored = store.logs(job.id(), 0, 10_000).stream().map(Store.LogLine::line).collect(Collectors.joining("\n"));
    }

    for (String log : List.of(streamed, stored)) {
      assertTrue(log.contains("PARENT java"), "the probe's parent is the workflow JVM:\n" + log);
      Map<String, Integer> leaks = counts(log);
      for (String s : SOURCES) {
        if (s.equals("ps") && !hasPs()) {
          continue;
        }
        assertEquals(0, leaks.getOrDefault(s, -1), "capability leak (or missing probe line) in " + s + ":\n" + log);
      }
      assertTrue(log.contains("ATTESTED "), log);
      assertFalse(CAPABILITY.matcher(log).find(), "a capability appears in the log:\n" + log);
    }
    // The attestation needed the job's working capability, held while the probe searched.
    Path bundle = out.resolve("subject.txt.hallmark.json");
    assertTrue(Files.isRegularFile(bundle) && Files.size(bundle) > 0, streamed);
  }
}
