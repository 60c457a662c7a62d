package dev.hallmark.sdk;

import static dev.hallmark.sdk.Hallmark.job;
import static dev.hallmark.sdk.Hallmark.push;
import static dev.hallmark.sdk.Hallmark.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DSL's build-time rules, the graph order and {@code --describe}. */
class WorkflowTest {
  static final Step NOOP = ctx -> {};

  @TempDir Path workspace;

  /** Asserts a one-line WorkflowException that names {@code mentioned}. */
  static void assertRejected(String mentioned, Supplier<?> build) {
    WorkflowException e = assertThrows(WorkflowException.class, build::get);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains(mentioned), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "my job", "a/b", "a:b", "j\u00f6b", "tab\t", ".", "..", "x\n"})
  void rejectsInvalidNames(String name) {
    assertThrows(WorkflowException.class, () -> job(name));
    assertThrows(WorkflowException.class, () -> workflow(name));
    assertThrows(WorkflowException.class, () -> job("ok").step(name, NOOP));
    assertThrows(WorkflowException.class, () -> job("ok").needs(name));
  }

  @Test
  void rejectsNullNames() {
    assertRejected("job name is empty", () -> job(null));
    assertRejected("step name is empty", () -> job("a").step(null, NOOP));
  }

  @Test
  void acceptsSixtyFourCharacterNamesAndRejectsSixtyFive() {
    job("a".repeat(64));
    job("A-z_0.9-x");
    assertRejected("is invalid", () -> job("a".repeat(65)));
  }

  @Test
  void rejectsDuplicateJobNames() {
    assertRejected("two jobs named 'build'",
        () -> workflow("w").job(job("build").step("s", NOOP)).job(job("build").step("t", NOOP)));
  }

  @Test
  void rejectsUnknownNeeds() {
    Workflow w = workflow("w").job(job("publish").needs("buld").step("s", NOOP)).job(job("build").step("s", NOOP));
    assertRejected("needs unknown job 'buld'", w::order);
  }

  @Test
  void rejectsCycles() {
    Workflow w = workflow("w")
        .job(job("a").needs("c").step("s", NOOP))
        .job(job("b").needs("a").step("s", NOOP))
        .job(job("c").needs("b").step("s", NOOP));
    assertRejected("a -> c -> b -> a", w::order);
    assertRejected("needs itself", () -> job("a").needs("a"));
  }

  @Test
  void rejectsDuplicateStepNames() {
    assertRejected("two steps named 'compile'", () -> job("build").step("compile", NOOP).step("compile", NOOP));
  }

  @Test
  void rejectsTimeoutsThatAreNotPositive() {
    assertRejected("timeout must be positive", () -> job("a").timeout(Duration.ZERO));
    assertRejected("timeout must be positive", () -> job("a").timeout(Duration.ofSeconds(-1)));
    assertRejected("timeout must be positive", () -> job("a").timeout(null));
    assertRejected("at most 24 hours", () -> job("a").timeout(Duration.ofHours(25)));
  }

  /**
   * The orchestrator accepts timeoutSeconds from 1 to 86,400 only; the SDK refuses the rest at
   * definition time, so an SDK-described graph is never refused for its time-outs.
   */
  @Test
  void timeoutsStopAtExactly24Hours() {
    assertRejected("at most 24 hours", () -> job("a").timeout(Duration.ofHours(24).plusNanos(1)));
    assertRejected("at most 24 hours", () -> job("a").timeout(Duration.ofSeconds(100_000_000_000_000_000L)));
    assertRejected("at most 24 hours", () -> job("a").timeout(Duration.ofSeconds(Long.MAX_VALUE)));
    Workflow w = workflow("w").job(job("a").timeout(Duration.ofHours(24)).step("s", NOOP))
        .job(job("b").timeout(Duration.ofNanos(1)).step("s", NOOP));
    List<?> jobs = (List<?>) ((Map<?, ?>) Json.parse(run(w, workspace, "", "--describe").out)).get("jobs");
    assertEquals(86_400L, ((Map<?, ?>) jobs.get(0)).get("timeoutSeconds"));
    assertEquals(1L, ((Map<?, ?>) jobs.get(1)).get("timeoutSeconds"));
  }

  @Test
  void rejectsOtherDefinitionErrors() {
    assertRejected("has no jobs", () -> workflow("w").order());
    assertRejected("job 'a' has no steps", () -> workflow("w").job(job("a")).order());
    assertRejected("'a' twice", () -> job("b").needs("a", "a"));
    assertRejected("has no code", () -> job("a").step("s", null));
    assertRejected("reserved", () -> job("a").env("HALLMARK_CAPABILITY", "x"));
    assertRejected("reserved", () -> job("a").env("hallmark_x", "x"));
    assertRejected("env name", () -> job("a").env("1X", "x"));
    assertRejected("env name", () -> job("a").env("A=B", "x"));
    assertRejected("NUL", () -> job("a").env("A", "x\0y"));
    assertRejected("sets env 'A' twice", () -> job("a").env("A", "1").env("A", "2"));
    assertRejected("two push triggers", () -> workflow("w").on(push()).on(push().tags("v*")));
    assertRejected("short name", () -> push().branches("refs/heads/main"));
    assertRejected("is given twice", () -> push().branches("main", "main"));
    assertRejected("pattern", () -> push().tags("v 1"));
    assertRejected("at least one pattern", () -> push().branches());
  }

  @Test
  void aJobChangedAfterItWasAddedDoesNotChangeTheWorkflow() {
    Job build = job("build").step("s", NOOP);
    Workflow w = workflow("w").job(build);
    build.needs("ghost");
    assertEquals(List.of(), w.order().get(0).needs());
  }

  @Test
  void ordersJobsAfterTheirNeedsAndOtherwiseByDeclaration() {
    Workflow w = workflow("w")
        .job(job("c").needs("b").step("s", NOOP))
        .job(job("a").step("s", NOOP))
        .job(job("d").step("s", NOOP))
        .job(job("b").needs("a").step("s", NOOP));
    assertEquals(List.of("a", "d", "b", "c"), w.order().stream().map(JobSpec::name).toList());
  }

  @Test
  void describeEqualsTheDeclaredGraph() {
    Workflow w = workflow("release")
        .on(push().branches("main", "release/*").tags("v*"))
        .job(job("build").step("compile", NOOP).step("test", NOOP))
        .job(job("publish").needs("build").env("TZ", "UTC").env("LANG", "C\u00e9")
            .timeout(Duration.ofMinutes(10)).step("attest", NOOP));
    Run r = run(w, workspace, "", "--describe");
    assertEquals(0, r.status);
    assertEquals("", r.err);
    assertTrue(r.out.endsWith("\n") && r.out.indexOf('\n') == r.out.length() - 1, "exactly one line");

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("name", "release");
    expected.put("on", Map.of("push", Map.of("branches", List.of("main", "release/*"), "tags", List.of("v*"))));
    expected.put("jobs", List.of(
        jobJson("build", List.of(), Map.of(), 3600L, List.of("compile", "test")),
        jobJson("publish", List.of("build"), Map.of("TZ", "UTC", "LANG", "C\u00e9"), 600L, List.of("attest"))));
    assertEquals(expected, Json.parse(r.out));
    assertEquals(List.of("name", "on", "jobs"), List.copyOf(((Map<?, ?>) Json.parse(r.out)).keySet()));
  }

  @Test
  void describeWithoutTriggerHasEmptyOnAndRoundsTimeoutsUp() {
    Workflow w = workflow("w").job(job("a").timeout(Duration.ofMillis(1500)).step("s", NOOP));
    Map<?, ?> graph = (Map<?, ?>) Json.parse(run(w, workspace, "", "--describe").out);
    assertEquals(Map.of(), graph.get("on"));
    assertEquals(2L, ((Map<?, ?>) ((List<?>) graph.get("jobs")).get(0)).get("timeoutSeconds"));
    Map<?, ?> everyPush = (Map<?, ?>) Json.parse(run(workflow("w").on(push()).job(job("a").step("s", NOOP)),
        workspace, "", "--describe").out);
    assertEquals(Map.of("push", Map.of("branches", List.of(), "tags", List.of())), everyPush.get("on"));
  }

  @Test
  void anInvalidGraphFailsEveryModeWithOneLine() {
    Workflow w = workflow("w").job(job("a").needs("zz").step("s", NOOP));
    for (String[] args : List.of(new String[] {"--describe"}, new String[] {}, new String[] {"--job", "a"})) {
      Run r = run(w, workspace, "", args);
      assertEquals(1, r.status);
      assertEquals("", r.out);
      assertEquals("error: job 'a' needs unknown job 'zz'\n", r.err);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "--describe x", "--job", "--job a b", "describe"})
  void unknownArgumentsExitOneWithOneLine(String args) {
    Run r = run(workflow("w").job(job("a").step("s", NOOP)), workspace, "", args.split(" "));
    assertEquals(1, r.status);
    assertEquals("", r.out);
    assertEquals(1, r.err.split("\n").length, r.err);
    assertTrue(r.err.startsWith("error: unknown arguments; usage:"), r.err);
  }

  @Test
  void workflowExceptionPrintsOneLineAsUncaught() {
    WorkflowException e = assertThrows(WorkflowException.class, () -> job("bad name"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    e.printStackTrace(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(printed.startsWith("dev.hallmark.sdk.WorkflowException: job name 'bad name' is invalid"), printed);
    assertEquals(1, printed.split("\n").length, printed);
  }

  static Map<String, Object> jobJson(String name, List<String> needs, Map<String, String> env, long timeout,
      List<String> steps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("needs", needs);
    m.put("env", env);
    m.put("timeoutSeconds", timeout);
    m.put("steps", steps);
    return m;
  }

  /** What one {@link Workflow#execute} printed and returned. */
  record Run(int status, String out, String err) {}

  static Run run(Workflow w, Path workspace, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = w.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        workspace);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
