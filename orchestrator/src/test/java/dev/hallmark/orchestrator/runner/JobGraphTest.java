package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job graph comes from the workflow's own code, which may print anything instead of letting
 * the SDK describe it: a graph the SDK would refuse fails its run, with a reason naming the job,
 * before any job is created.
 */
class JobGraphTest {
  @TempDir Path tmp;

  /** Forged graphs (file name → last line of --describe) and the reason each run must fail with. */
  private static final Map<String, String[]> FORGED = new LinkedHashMap<>();

  static {
    FORGED.put("Cycle", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[\"c\"]},{\"name\":\"b\",\"needs\":[\"a\"]},{\"name\":\"c\",\"needs\":[\"b\"]}]}",
        "printed a job graph with a cycle through needs: a -> c -> b -> a"});
    FORGED.put("SelfNeed", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[\"a\"]}]}",
        "printed a job graph with a cycle through needs: a -> a"});
    FORGED.put("TimeoutHuge", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":100000000000000000}]}",
        "printed job a with timeoutSeconds 100000000000000000; it must be a whole number of seconds from 1 to 86400"});
    FORGED.put("TimeoutBigInteger", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":100000000000000000000000}]}",
        "printed job a with timeoutSeconds 100000000000000000000000;"});
    FORGED.put("TimeoutExponent", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":1e300}]}", "printed job a with timeoutSeconds 1.0E300;"});
    FORGED.put("TimeoutFraction", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":1.5}]}", "printed job a with timeoutSeconds 1.5;"});
    FORGED.put("TimeoutZero", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":0}]}", "printed job a with timeoutSeconds 0;"});
    FORGED.put("TimeoutNegative", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":-5}]}", "printed job a with timeoutSeconds -5;"});
    FORGED.put("TimeoutString", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":\"x\"}]}", "printed job a with timeoutSeconds x;"});
    FORGED.put("TimeoutOverADay", new String[] {
        "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":86401}]}", "printed job a with timeoutSeconds 86401;"});
  }

  /**
   * One {@code hallmark run} of a folder holding one workflow per forged graph (plus a control at
   * the 24 h limit, which is accepted and reaches its job).
   */
  @Test
  void forgedCyclesAndTimeoutsFailTheirRunsBeforeAnyJob() throws Exception {
    Path folder = tmp.resolve("forged");
    Path workflows = Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Map<String, String> graphs = new LinkedHashMap<>();
    FORGED.forEach((name, v) -> graphs.put(name, v[0]));
    graphs.put("ZControlAtTheLimit", "{\"jobs\":[{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":86400}]}");
    for (Map.Entry<String, String> g : graphs.entrySet()) {
      Files.writeString(workflows.resolve(g.getKey() + ".java"), "public class " + g.getKey() + " {\n"
          + "  public static void main(String[] a) {\n"
          + "    if (a.length > 0 && a[0].equals(\"--describe\")) { System.out.println(\"" + g.getValue().replace("\"", "\\\"")
          + "\"); return; }\n"
          + "    System.exit(3); // the job ran\n  }\n}\n");
    }
    Path data = tmp.resolve("data");
    StringWriter out = new StringWriter();
    var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    int exit = cl.execute("run", folder.toString(), "--out", tmp.resolve("out").toString(), "--data", data.toString());
    assertEquals(1, exit, out.toString());

    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      List<RunRecord> runs = new ArrayList<>(store.runs(100));
      assertEquals(graphs.size(), runs.size(), out.toString());
      for (RunRecord run : runs) {
        String name = Path.of(run.workflowPath()).getFileName().toString().replace(".java", "");
        String reason = store.runReason(run.id()).orElse("");
        assertEquals(JobRecord.FAILED, run.status(), name);
        if (name.equals("ZControlAtTheLimit")) {
          assertEquals(1, store.jobsOfRun(run.id()).size(), "the control never reached its job: " + reason);
          assertTrue(reason.contains("exited with status 3"), reason);
          continue;
        }
        String expected = run.workflowPath() + " --describe " + FORGED.get(name)[1];
        assertTrue(reason.startsWith(expected), name + ": " + reason);
        assertTrue(store.jobsOfRun(run.id()).isEmpty(), name + ": a job was created");
      }
    }
    assertFalse(out.toString().contains("ArithmeticException"), out.toString());
  }

  @Test
  void namesTheCycleOfADeepGraphWithoutRecursion() {
    StringBuilder jobs = new StringBuilder("{\"jobs\":[");
    int n = JobGraph.MAX_JOBS;
    for (int i = 0; i < n; i++) {
      // j0 needs j1 needs … j999 needs j500: a long chain into a cycle.
      String need = i == n - 1 ? "j500" : "j" + (i + 1);
      jobs.append(i == 0 ? "" : ",").append("{\"name\":\"j").append(i).append("\",\"needs\":[\"").append(need).append("\"]}");
    }
    jobs.append("]}");
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> JobGraph.parse(jobs.toString(), "W.java"));
    assertTrue(e.getMessage().startsWith("W.java --describe printed a job graph with a cycle through needs: j500 -> j501 -> "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(" -> j509 -> … -> j999 -> j500"), e.getMessage());
  }

  @Test
  void acceptsTheSdksGraphAndTheLimits() {
    JobGraph g = JobGraph.parse("noise\n{\"name\":\"w\",\"on\":{\"push\":{\"branches\":[\"main\"],\"tags\":[]}},\"jobs\":["
        + "{\"name\":\"a\",\"needs\":[],\"timeoutSeconds\":1},{\"name\":\"b\",\"needs\":[\"a\"],\"timeoutSeconds\":86400},"
        + "{\"name\":\"c\",\"needs\":[\"a\",\"b\"]}]}\n", "W.java");
    assertEquals(List.of("a", "b", "c"), g.jobs().stream().map(JobGraph.JobNode::name).toList());
    assertEquals(Duration.ofSeconds(1), g.jobs().get(0).timeout());
    assertEquals(Duration.ofHours(24), g.jobs().get(1).timeout());
    assertEquals(JobGraph.DEFAULT_JOB_TIMEOUT, g.jobs().get(2).timeout());
    assertTrue(g.push().matches("refs/heads/main"));
  }

  @Test
  void rejectsMoreJobsThanTheLimit() {
    StringBuilder jobs = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i <= JobGraph.MAX_JOBS; i++) {
      jobs.append(i == 0 ? "" : ",").append("{\"name\":\"j").append(i).append("\",\"needs\":[]}");
    }
    jobs.append("]}");
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> JobGraph.parse(jobs.toString(), "W.java"));
    assertTrue(e.getMessage().contains("at most " + JobGraph.MAX_JOBS), e.getMessage());
  }
}
