package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is recorded as it ended: "succeeded" only when every job of its graph ran and succeeded,
 * never "running" once the runner is done with it.
 */
class RunOutcomeTest {
  private static final String REPO = "acme/app";

  @TempDir Path tmp;

  /**
   * serve stops its run thread by interrupting it (shutdownNow) while a job runs. The interrupt
   * once ended the scheduler with only the finished jobs (none), and a run over no job counted as
   * succeeded.
   */
  @Test
  void interruptedRunFailsWithEveryJobRecordedNotSucceeded() throws Exception {
    Path repo = tmp.resolve("app");
    InProcessServe.commit(repo, "main", Map.of(".hallmark/workflows/W.java", String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class W {",
        "  public static void main(String[] args) {",
        "    workflow(\"w\").on(push().branches(\"main\"))",
        "        .job(job(\"slow\").step(\"s\", ctx -> ctx.sh(\"sleep 120\")))",
        "        .job(job(\"after\").needs(\"slow\").step(\"s\", ctx -> ctx.sh(\"true\")))",
        "        .main(args);",
        "  }",
        "}", "")));
    try (InProcessServe serve = InProcessServe.start(tmp.resolve("data"), r -> r)) {
      serve.orchestrator().registerRepository(REPO, repo.toString(), "file://" + repo);
      long runId = Long.parseLong(serve.push(REPO, "refs/heads/main").get(0));
      awaitRunningJob(serve, runId);

      long start = System.nanoTime();
      serve.runs().shutdownNow(); // what serve's shutdown hook does first
      assertTrue(serve.runs().awaitTermination(60, TimeUnit.SECONDS), "the run thread did not end");
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60));

      RunRecord run = serve.orchestrator().store().run(runId).orElseThrow();
      assertEquals(JobRecord.FAILED, run.status());
      assertEquals(Runner.INTERRUPTED, serve.orchestrator().store().runReason(runId).orElse(""));
      List<JobRecord> jobs = serve.orchestrator().store().jobsOfRun(runId);
      assertEquals(2, jobs.size(), jobs.toString());
      for (JobRecord j : jobs) {
        assertEquals(JobRecord.FAILED, j.status(), j.toString());
        assertEquals(Runner.INTERRUPTED, j.reason(), j.toString());
      }
    }
  }

  private static void awaitRunningJob(InProcessServe serve, long runId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (serve.orchestrator().store().jobsOfRun(runId).stream().anyMatch(JobRecord::isRunning)) {
        Thread.sleep(500); // into the step's sleep
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no job started: " + String.join("\n", serve.log()));
  }
}
