package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --describe} runs the workflow's own code inside the orchestrator's run queue (one run at a
 * time): its time limit and its output cap must hold whatever that code does, and the runs pushed
 * after it must still run.
 */
class DescribeLimitsTest {
  private static final String REPO = "acme/app";
  private static final String WORKFLOW = ".hallmark/workflows/W.java";
  /** An argument no other process on the machine has, to find the describe's child by. */
  private static final String CHILD_MARK = "612345";

  @TempDir Path tmp;

  private static String describeThen(String body) {
    return "public class W {\n  public static void main(String[] a) throws Exception {\n"
        + "    if (a.length > 0 && a[0].equals(\"--describe\")) {\n" + body + "\n    }\n"
        + "    throw new IllegalStateException(\"a job ran\");\n  }\n}\n";
  }

  @Test
  void describeThatSleepsOrFloodsFailsItsRunAndTheNextPushStillSucceeds() throws Exception {
    Path repo = tmp.resolve("app");
    // Sleeps for ever, with a child holding its standard output open (the read must not block the wait).
    InProcessServe.commit(repo, "sleeps", Map.of(WORKFLOW, describeThen(
        "new ProcessBuilder(\"sleep\", \"" + CHILD_MARK + "\").inheritIO().start(); Thread.sleep(Long.MAX_VALUE);")));
    // Prints without end (3 GiB once ran serve out of memory).
    InProcessServe.commit(repo, "floods", Map.of(WORKFLOW, describeThen(
        "byte[] b = new byte[65536]; java.util.Arrays.fill(b, (byte) 'x'); while (true) { System.out.write(b, 0, b.length); }")));
    InProcessServe.commit(repo, "main", Map.of(WORKFLOW, String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class W {",
        "  public static void main(String[] args) {",
        "    workflow(\"w\").on(push().branches(\"main\")).job(job(\"ok\").step(\"s\", ctx -> ctx.sh(\"echo FINE\"))).main(args);",
        "  }",
        "}", "")));

    Path data = tmp.resolve("data");
    try (InProcessServe serve = InProcessServe.start(data, r -> r.describeTimeout(Duration.ofSeconds(3)))) {
      serve.orchestrator().registerRepository(REPO, repo.toString(), "file://" + repo);
      String sleeps = serve.push(REPO, "refs/heads/sleeps").get(0);
      String floods = serve.push(REPO, "refs/heads/floods").get(0);
      String good = serve.push(REPO, "refs/heads/main").get(0);

      RunRecord goodRun = serve.awaitFinished(good, Duration.ofSeconds(120));
      assertEquals(JobRecord.SUCCEEDED, goodRun.status(), String.join("\n", serve.log()));

      RunRecord sleepsRun = serve.awaitFinished(sleeps, Duration.ofSeconds(1));
      assertEquals(JobRecord.FAILED, sleepsRun.status());
      String sleepsReason = serve.orchestrator().store().runReason(sleepsRun.id()).orElse("");
      assertTrue(sleepsReason.contains(WORKFLOW + " --describe did not finish in 3 s"), sleepsReason);
      assertTrue(serve.orchestrator().store().jobsOfRun(sleepsRun.id()).isEmpty(), "a job was created");

      RunRecord floodsRun = serve.awaitFinished(floods, Duration.ofSeconds(1));
      assertEquals(JobRecord.FAILED, floodsRun.status());
      String floodsReason = serve.orchestrator().store().runReason(floodsRun.id()).orElse("");
      assertTrue(floodsReason.contains(WORKFLOW + " --describe printed more than 1 MiB"), floodsReason);
      assertTrue(serve.orchestrator().store().jobsOfRun(floodsRun.id()).isEmpty(), "a job was created");

      assertFalse(childStillRuns(), "the sleeping describe's child outlived it");
    }
  }

  private static boolean childStillRuns() throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      boolean found = ProcessHandle.allProcesses().anyMatch(h -> h.info().arguments()
          .map(args -> List.of(args).contains(CHILD_MARK)).orElse(false));
      if (!found) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }
}
