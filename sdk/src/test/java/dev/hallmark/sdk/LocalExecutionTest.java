package dev.hallmark.sdk;

import static dev.hallmark.sdk.Hallmark.job;
import static dev.hallmark.sdk.Hallmark.workflow;
import static dev.hallmark.sdk.WorkflowTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.sdk.WorkflowTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running a workflow by hand: no arguments, the working directory as workspace, no orchestrator. */
class LocalExecutionTest {
  @TempDir Path workspace;

  @Test
  void runsJobsInDependencyOrderInTheWorkspace() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    Workflow w = workflow("w")
        .job(job("c").needs("b").step("s", ctx -> {
          ran.add("c");
          ctx.sh("echo c >> order.txt");
        }))
        .job(job("a").step("s", ctx -> {
          ran.add("a");
          ctx.sh("echo a >> order.txt");
        }))
        .job(job("b").needs("a").step("s1", ctx -> ran.add("b1")).step("s2", ctx -> {
          ran.add("b2");
          ctx.sh("echo b >> order.txt");
        }));
    Run r = run(w, workspace, "");
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of("a", "b1", "b2", "c"), ran);
    assertEquals(List.of("a", "b", "c"), Files.readAllLines(workspace.resolve("order.txt")));
    assertTrue(r.out().contains("=== workflow w: 3 of 3 jobs succeeded"), r.out());
  }

  @Test
  void shStreamsBothOutputsLineByLine() {
    Workflow w = workflow("w").job(job("a").env("GREETING", "hello there").step("s", ctx ->
        ctx.sh("printf 'one\\ntwo\\n'; echo \"$GREETING\"; echo oops >&2; printf 'no newline'")));
    Run r = run(w, workspace, "");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("$ printf 'one\\ntwo\\n'"), r.out());
    assertTrue(r.out().contains("\none\ntwo\nhello there\nno newline\n"), r.out());
    assertEquals("oops\n", r.err());
  }

  @Test
  void shFailsTheStepWithTheExitStatusAndSkipsTheRest() {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    List<String> ran = new CopyOnWriteArrayList<>();
    Workflow w = workflow("w")
        .job(job("a").step("fail", ctx -> {
          try {
            ctx.sh("echo before; exit 3");
          } catch (RuntimeException e) {
            thrown.set(e);
            throw e;
          }
        }).step("after", ctx -> ran.add("after")))
        .job(job("b").needs("a").step("s", ctx -> ran.add("b")))
        .job(job("c").step("s", ctx -> ran.add("c")));
    Run r = run(w, workspace, "");
    assertEquals(1, r.status());
    StepFailedException e = assertInstanceOf(StepFailedException.class, thrown.get());
    assertEquals("command exited with status 3", e.getMessage());
    assertEquals(List.of("c"), ran);
    assertTrue(r.err().contains("--- step fail failed: command exited with status 3\n"), r.err());
    assertTrue(!r.err().contains("\tat "), "no stack trace for an SDK failure: " + r.err());
    assertTrue(r.out().contains("--- step after skipped: step 'fail' failed"), r.out());
    assertTrue(r.out().contains("=== job b skipped: it needs 'a', which did not succeed"), r.out());
    assertTrue(r.err().contains("=== workflow w: 1 of 3 jobs succeeded"), r.err());
  }

  @Test
  void aStepsOwnExceptionFailsItWithItsStackTrace() {
    Run r = run(workflow("w").job(job("a").step("s", ctx -> {
      throw new IllegalStateException("my bug");
    })), workspace, "");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("--- step s failed: java.lang.IllegalStateException: my bug\n"), r.err());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void attestationAndTokensFailAtOnceOutsideARunningJob() throws Exception {
    Path file = Files.writeString(workspace.resolve("app.tgz"), "x");
    AtomicReference<Throwable> attest = new AtomicReference<>();
    AtomicReference<Throwable> attestList = new AtomicReference<>();
    AtomicReference<Throwable> token = new AtomicReference<>();
    Workflow w = workflow("w").job(job("a").step("s", ctx -> {
      attest.set(assertThrows(IllegalStateException.class,
          () -> ctx.attestProvenance(Subject.ofPath("app.tgz", file))));
      attestList.set(assertThrows(IllegalStateException.class,
          () -> ctx.attestProvenance(List.of(Subject.ofPath("app.tgz", file)))));
      token.set(assertThrows(IllegalStateException.class, () -> ctx.oidc().token("https://example.com")));
    }));
    assertEquals(0, run(w, workspace, "").status());
    assertEquals("attestProvenance is only available inside a running job step (run the workflow with "
        + "hallmark run or on a Hallmark orchestrator)", attest.get().getMessage());
    assertEquals(attest.get().getMessage(), attestList.get().getMessage());
    assertEquals("oidc().token is only available inside a running job step (run the workflow with "
        + "hallmark run or on a Hallmark orchestrator)", token.get().getMessage());
  }

  @Test
  void aLocalAttestationFailsTheStepWithOneLine() {
    Run r = run(workflow("w").job(job("a").step("attest", ctx ->
        ctx.attestProvenance(Subject.ofDigest("x", "0".repeat(64))))), workspace, "");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("--- step attest failed: attestProvenance is only available inside a running job step"),
        r.err());
    assertTrue(!r.err().contains("\tat "), r.err());
  }

  @Test
  void runInfoHoldsPlaceholdersAndTheRealJobName() {
    AtomicReference<RunInfo> info = new AtomicReference<>();
    AtomicReference<Path> ws = new AtomicReference<>();
    run(workflow("w").job(job("build").step("s", ctx -> {
      info.set(ctx.run());
      ws.set(ctx.workspace());
    })), workspace, "");
    assertEquals(new RunInfo("local", "local", "local", "local", "local", "build", "local"), info.get());
    assertTrue(info.get().isLocal());
    assertEquals(workspace, ws.get());
  }

  @Test
  void theContextIsDeadAfterItsStep() {
    AtomicReference<StepContext> kept = new AtomicReference<>();
    run(workflow("w").job(job("a").step("s", kept::set)), workspace, "");
    assertNotNull(kept.get());
    assertThrows(IllegalStateException.class, () -> kept.get().sh("true"));
    assertThrows(IllegalStateException.class, () -> kept.get().oidc().token("x"));
  }

  @Test
  void aCommandOutlivingTheJobTimeoutIsKilled() {
    long start = System.nanoTime();
    Run r = run(workflow("w").job(job("a").timeout(Duration.ofMillis(500))
        .step("slow", ctx -> ctx.sh("sleep 30")).step("next", ctx -> {})), workspace, "");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(1, r.status());
    assertTrue(millis < 10_000, "took " + millis + " ms");
    assertTrue(r.err().contains("--- step slow failed: command stopped: the job's time-out was reached"), r.err());
    assertTrue(r.out().contains("--- step next skipped"), r.out());
  }

  @Test
  void stepLogWritesInfoAndWarnings() {
    Run r = run(workflow("w").job(job("a").step("s", ctx -> {
      ctx.log().info("hello\nworld \u00e9");
      ctx.log().warn("careful");
    })), workspace, "");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("\nhello\nworld \u00e9\n"), r.out());
    assertEquals("warning: careful\n", r.err());
  }
}
