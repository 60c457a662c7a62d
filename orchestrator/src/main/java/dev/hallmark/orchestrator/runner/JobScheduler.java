package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.runner.JobGraph.JobNode;
import dev.hallmark.orchestrator.runner.Runner.JobOutcome;
import dev.hallmark.orchestrator.store.JobRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a run's jobs in {@code needs} order: a job whose needs all succeeded runs, at most {@code
 * parallelism} at once; a job with a need that did not succeed is recorded {@code skipped}. The
 * answer has one outcome per job of the graph, in graph order, so the run's result covers all of
 * them. What a job is (a process here, a remote runner later) is the {@link Jobs} given.
 *
 * <p>When the calling thread is interrupted (serve stopping), the running jobs are interrupted and
 * waited for (at most {@link #INTERRUPT_WAIT}; they kill their processes and record their end), the
 * jobs not started are recorded failed with {@link Runner#INTERRUPTED}, and the thread's interrupt
 * status is set again on return: the caller sees that the run was cut short.
 *
 * <pre>{@code
 * List<JobOutcome> outcomes = new JobScheduler(2).schedule(graph.jobs(), jobs);
 * }</pre>
 */
final class JobScheduler {
  static final Duration INTERRUPT_WAIT = Duration.ofSeconds(20);

  /** How the scheduler runs and records the jobs of one run. */
  interface Jobs {
    /** Runs one job to its end and records it; called on a thread of the scheduler's pool. */
    JobOutcome run(JobNode job);

    /** Records a job that never starts ({@code skipped}, or {@code failed} when interrupted). */
    JobOutcome unstarted(String name, String status, String reason);
  }

  private final int parallelism;

  JobScheduler(int parallelism) {
    if (parallelism < 1) {
      throw new OrchestratorException(Code.INVALID_INPUT, "parallelism must be at least 1");
    }
    this.parallelism = parallelism;
  }

  List<JobOutcome> schedule(List<JobNode> graph, Jobs jobs) {
    Map<String, JobOutcome> done = new LinkedHashMap<>();
    Set<String> started = new HashSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, "hallmark-job");
      t.setDaemon(true);
      return t;
    });
    ExecutorCompletionService<JobOutcome> completion = new ExecutorCompletionService<>(pool);
    int running = 0;
    boolean interrupted = false;
    try {
      while (done.size() < graph.size()) {
        for (JobNode j : graph) {
          if (started.contains(j.name())) {
            continue;
          }
          if (done.keySet().containsAll(j.needs())) {
            started.add(j.name());
            boolean needsOk = j.needs().stream().allMatch(n -> JobRecord.SUCCEEDED.equals(done.get(n).status()));
            if (!needsOk) {
              done.put(j.name(), jobs.unstarted(j.name(), Runner.SKIPPED, "skipped: a job it needs did not succeed"));
              continue;
            }
            completion.submit(() -> jobs.run(j));
            running++;
          }
        }
        if (done.size() == graph.size() || running == 0) {
          break; // running == 0 with jobs left cannot happen for a graph JobGraph accepted; never spin
        }
        JobOutcome o = completion.take().get();
        running--;
        done.put(o.name(), o);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException e) {
      throw new OrchestratorException(Code.INTERNAL, "a job runner failed: " + e.getCause().getClass().getSimpleName());
    } finally {
      pool.shutdownNow(); // interrupts the running jobs' threads: each kills its processes and records its end
    }
    if (interrupted) {
      // The jobs' threads record their own ends; wait (bounded) to report them with the run.
      long deadline = System.nanoTime() + INTERRUPT_WAIT.toNanos();
      while (running > 0) {
        try {
          Future<JobOutcome> f = completion.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (f == null) {
            break;
          }
          running--;
          JobOutcome o = f.get();
          done.put(o.name(), o);
        } catch (InterruptedException | ExecutionException e) {
          break;
        }
      }
    }
    List<JobOutcome> ordered = new ArrayList<>();
    for (JobNode j : graph) {
      if (!done.containsKey(j.name()) && !started.contains(j.name())) {
        done.put(j.name(), jobs.unstarted(j.name(), JobRecord.FAILED,
            interrupted ? Runner.INTERRUPTED : "not run: a job it needs never finished"));
      }
      if (done.containsKey(j.name())) {
        ordered.add(done.get(j.name()));
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return ordered;
  }
}
