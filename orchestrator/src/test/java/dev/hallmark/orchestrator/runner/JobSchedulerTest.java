package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.runner.JobGraph.JobNode;
import dev.hallmark.orchestrator.runner.Runner.JobOutcome;
import dev.hallmark.orchestrator.store.JobRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The scheduler alone: needs order, skips, one outcome per job, and the interrupt of a stopping serve. */
class JobSchedulerTest {
  private static JobNode job(String name, String... needs) {
    return new JobNode(name, List.of(needs), Duration.ofMinutes(1));
  }

  /** Jobs run by {@code body}; every start, end and unstarted record is written to {@code events}. */
  private static JobScheduler.Jobs jobs(Queue<String> events, Function<JobNode, String> body) {
    return new JobScheduler.Jobs() {
      @Override
      public JobOutcome run(JobNode job) {
        events.add("start " + job.name());
        String status = body.apply(job);
        events.add("end " + job.name());
        String reason = JobRecord.SUCCEEDED.equals(status) ? null : (Thread.currentThread().isInterrupted()
            ? Runner.INTERRUPTED : "exit 1");
        return new JobOutcome(job.name(), "id-" + job.name(), status, reason, null);
      }

      @Override
      public JobOutcome unstarted(String name, String status, String reason) {
        events.add(status + " " + name);
        return new JobOutcome(name, null, status, reason, null);
      }
    };
  }

  @Test
  void jobsAfterAFailedNeedAreSkippedAndEveryJobHasAnOutcomeInGraphOrder() {
    Queue<String> events = new ConcurrentLinkedQueue<>();
    List<JobNode> graph = List.of(job("a"), job("b", "a"), job("c", "b"), job("d"));
    List<JobOutcome> out = new JobScheduler(2).schedule(graph,
        jobs(events, j -> j.name().equals("a") ? JobRecord.FAILED : JobRecord.SUCCEEDED));

    assertEquals(List.of("a", "b", "c", "d"), out.stream().map(JobOutcome::name).toList());
    assertEquals(List.of(JobRecord.FAILED, Runner.SKIPPED, Runner.SKIPPED, JobRecord.SUCCEEDED),
        out.stream().map(JobOutcome::status).toList());
    assertFalse(events.contains("start b"), events.toString());
    assertFalse(events.contains("start c"), events.toString());
  }

  @Test
  void aJobStartsOnlyAfterEveryJobItNeedsHasEnded() {
    Queue<String> events = new ConcurrentLinkedQueue<>();
    List<JobNode> graph = List.of(job("build"), job("test"), job("publish", "build", "test"));
    List<JobOutcome> out = new JobScheduler(3).schedule(graph, jobs(events, j -> JobRecord.SUCCEEDED));

    List<String> seen = List.copyOf(events);
    int publish = seen.indexOf("start publish");
    assertTrue(publish > seen.indexOf("end build") && publish > seen.indexOf("end test"), seen.toString());
    assertTrue(out.stream().allMatch(o -> JobRecord.SUCCEEDED.equals(o.status())), out.toString());
  }

  /**
   * serve stops by interrupting the run thread: the running job is interrupted and reported, the
   * job after it is recorded failed (never silently dropped), and the thread stays interrupted so
   * the run cannot be recorded as succeeded.
   */
  @Test
  void interruptFailsTheJobsNotStartedAndKeepsTheThreadInterrupted() throws Exception {
    Queue<String> events = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(1);
    List<JobNode> graph = List.of(job("slow"), job("after", "slow"));
    JobScheduler.Jobs blocking = jobs(events, j -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(); // until interrupted
        return JobRecord.SUCCEEDED;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return JobRecord.FAILED;
      }
    });
    AtomicReference<List<JobOutcome>> result = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread runThread = new Thread(() -> {
      result.set(new JobScheduler(2).schedule(graph, blocking));
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    runThread.start();
    assertTrue(started.await(30, TimeUnit.SECONDS));
    runThread.interrupt();
    runThread.join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(runThread.isAlive());

    Map<String, JobOutcome> byName = result.get().stream()
        .collect(java.util.stream.Collectors.toMap(JobOutcome::name, o -> o));
    assertEquals(2, byName.size(), result.get().toString());
    assertEquals(JobRecord.FAILED, byName.get("slow").status());
    assertEquals(Runner.INTERRUPTED, byName.get("slow").reason());
    assertEquals(JobRecord.FAILED, byName.get("after").status());
    assertEquals(Runner.INTERRUPTED, byName.get("after").reason());
    assertFalse(events.contains("start after"), events.toString());
    assertTrue(stillInterrupted.get());
  }

  @Test
  void refusesAParallelismBelowOne() {
    assertThrows(OrchestratorException.class, () -> new JobScheduler(0));
  }
}
