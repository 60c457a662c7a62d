package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.LocalRun;
import dev.hallmark.orchestrator.LocalRunTest;
import dev.hallmark.orchestrator.OrchestratorException;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's stored output is bounded: lines, bytes and the length of one line. */
class LogBudgetTest {
  @TempDir Path tmp;

  @Test
  void theLineThatOverrunsBecomesTheMarkerAndLaterLinesAreDropped() {
    LogBudget budget = new LogBudget(new LogLimits(1024, 3));
    assertEquals(LogBudget.Verdict.KEEP, budget.admit("a"));
    assertEquals(LogBudget.Verdict.KEEP, budget.admit("b"));
    assertEquals(LogBudget.Verdict.KEEP, budget.admit("c"));
    assertFalse(budget.isExceeded());
    assertEquals(LogBudget.Verdict.TRUNCATE, budget.admit("d"));
    assertEquals(LogBudget.Verdict.DROP, budget.admit("e"));
    assertTrue(budget.isExceeded());
    assertEquals("[hallmark] log truncated: job output exceeded 3 lines", budget.marker());

    LogBudget bytes = new LogBudget(new LogLimits(2L << 20, 1000));
    assertEquals(LogBudget.Verdict.KEEP, bytes.admit("x".repeat((1 << 20) - 1)));
    // Counted in UTF-8: two-byte characters cost two.
    assertEquals(LogBudget.Verdict.TRUNCATE, bytes.admit("é".repeat(1 << 19)));
    assertEquals("log truncated: job output exceeded 2 MiB", bytes.reason());
  }

  @Test
  void absurdLimitsAreRefused() {
    assertThrows(OrchestratorException.class, () -> new LogLimits(10, 100));
    assertThrows(OrchestratorException.class, () -> new LogLimits(1L << 41, 100));
    assertThrows(OrchestratorException.class, () -> new LogLimits(1 << 20, 0));
  }

  @Test
  void badLimitFlagsGetOneLineAndExitOne() {
    for (String[] flags : List.of(new String[] {"--log-limit-bytes", "10"}, new String[] {"--log-limit-lines", "0"},
        new String[] {"--log-limit-bytes", "many"})) {
      StringWriter err = new StringWriter();
      var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(err, true));
      List<String> args = new ArrayList<>(List.of("run", LocalRunTest.example().toString(), "--out",
          tmp.resolve("out").toString(), "--data", tmp.resolve("data").toString()));
      args.addAll(List.of(flags));
      assertEquals(1, cl.execute(args.toArray(String[]::new)), String.join(" ", flags));
      assertEquals(1, err.toString().strip().lines().count(), err.toString());
      assertTrue(err.toString().startsWith("hallmark: "), err.toString());
      assertFalse(Files.exists(tmp.resolve("out")), "a refused command wrote its output folder");
    }
  }

  @Test
  void anOverlongLineIsCutWithAMarkerAndNoSecretPrefixSurvivesTheCut() {
    LogMasker masker = new LogMasker();
    String secret = LineMaskerTest.SECRET;
    masker.add(secret);
    List<String> lines = new ArrayList<>();
    LineMasker lm = new LineMasker(masker, lines::add, 64, 200);
    // The cut at 200 falls inside the secret: its first part must not be stored.
    lm.accept("x".repeat(180) + secret + "y".repeat(500) + "\nnext\n");
    lm.finish();
    String joined = String.join("\n", lines);
    assertFalse(joined.contains(secret.substring(0, 8)), joined);
    assertFalse(joined.contains("y"), "the rest of the cut line is dropped");
    assertTrue(lines.contains(String.format(LineMasker.LINE_CUT, 200)), joined);
    assertEquals("next", lines.get(lines.size() - 1));
    assertTrue(lines.stream().mapToInt(String::length).sum() < 200 + 100, joined);
  }

  /**
   * A job prints far past its budget (400,000 lines, and a 100 KB line): the stored log stays
   * within the byte limit plus the marker, ends in the marker, and the job, which exited 0, fails
   * with the reason. The job is not blocked: it runs to its end.
   */
  @Test
  void aJobPrintingPastItsBudgetIsCutAndFails() throws Exception {
    Path folder = tmp.resolve("loud");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    LoopbackDrop done = new LoopbackDrop(); // the sandbox lets a job write only its workspace
    Files.writeString(folder.resolve(".hallmark/workflows/Loud.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        public class Loud {
          public static void main(String[] args) {
            workflow("loud").job(job("loud").step("print", ctx -> {
              System.out.println("L".repeat(100_000));
              StringBuilder b = new StringBuilder();
              for (int i = 0; i < 400_000; i++) {
                b.append("line ").append(i).append('\\n');
                if (b.length() > 1 << 16) { System.out.print(b); b.setLength(0); }
              }
              System.out.print(b);
              System.out.flush();
              %s
            })).main(args);
          }
        }
        """.formatted(done.sendSource("\"done\"")));
    Path data = tmp.resolve("data");
    StringWriter out = new StringWriter();
    var result = new LocalRun(folder, null, tmp.resolve("out"), data, new PrintWriter(out, true))
        .logLimits(new LogLimits(200_000, 1_000_000)).execute();
    assertFalse(result.succeeded(), out.toString());
    assertEquals("done", done.await(java.time.Duration.ofSeconds(10)), "the job ran to its end");
    done.close();
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      RunRecord run = store.runs(1).get(0);
      assertEquals(JobRecord.FAILED, run.status());
      JobRecord job = store.jobsOfRun(run.id()).get(0);
      assertEquals(JobRecord.FAILED, job.status());
      assertEquals("log truncated: job output exceeded 200000 bytes", job.reason());
      List<Store.LogLine> logs = store.logs(job.id(), 0, 1_000_000);
      long bytes = logs.stream().mapToLong(l -> l.line().getBytes(StandardCharsets.UTF_8).length + 1).sum();
      String marker = "[hallmark] log truncated: job output exceeded 200000 bytes";
      assertTrue(bytes <= 200_000 + marker.length() + 1, "stored " + bytes + " bytes");
      assertEquals(marker, logs.get(logs.size() - 1).line());
      assertEquals(1, logs.stream().filter(l -> l.line().equals(marker)).count());
      assertTrue(logs.stream().anyMatch(l -> l.line().equals(String.format(LineMasker.LINE_CUT, Runner.MAX_LINE_TOTAL))),
          "the 100 KB line is cut");
      assertTrue(logs.stream().noneMatch(l -> l.line().startsWith("line 399999")));
    }
  }

  @Test
  void theLineLimitFailsAJobToo() throws IOException {
    Path folder = tmp.resolve("many");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Files.writeString(folder.resolve(".hallmark/workflows/Many.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        public class Many {
          public static void main(String[] args) {
            workflow("many").job(job("many").step("print", ctx -> {
              for (int i = 0; i < 5_000; i++) { System.out.println(i); }
            })).main(args);
          }
        }
        """);
    Path data = tmp.resolve("data");
    var result = new LocalRun(folder, null, tmp.resolve("out"), data, new PrintWriter(new StringWriter(), true))
        .logLimits(new LogLimits(1 << 20, 1_000)).execute();
    assertFalse(result.succeeded());
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      JobRecord job = store.jobsOfRun(store.runs(1).get(0).id()).get(0);
      assertEquals("log truncated: job output exceeded 1000 lines", job.reason());
      assertEquals(1_001, store.logs(job.id(), 0, 1_000_000).size());
    }
  }
}
