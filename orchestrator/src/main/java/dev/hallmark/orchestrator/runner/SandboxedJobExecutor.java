package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.events.RunEvents;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.secret.SecretForms;
import dev.hallmark.orchestrator.store.JobRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded {@link JobExecutor}: each job is a JVM of the workflow on this machine ({@code --job
 * <name>}), in the sandbox, as a job uid leased for it when the orchestrator is root, in a fresh
 * checkout of the run's sha; the capability and the declared secrets reach it on its standard
 * input only, and its output is masked line by line before it is stored or shown.
 *
 * <pre>{@code
 * JobExecutor executor = new SandboxedJobExecutor(users, jvm, LogLimits.defaults());
 * JobResult r = executor.execute(spec, log);
 * }</pre>
 */
final class SandboxedJobExecutor implements JobExecutor {
  private final JobUsers users;
  private final WorkflowJvm jvm;
  private final LogLimits logLimits;
  private final Set<LogPipe> pipes = ConcurrentHashMap.newKeySet();
  /** Stores what a quiet job printed last within 200 ms (live logs), without a write per line. */
  private final ScheduledExecutorService logFlusher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hallmark-log-flush");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  SandboxedJobExecutor(JobUsers users, WorkflowJvm jvm, LogLimits logLimits) {
    this.users = requireNonNull(users, "users");
    this.jvm = requireNonNull(jvm, "jvm");
    this.logLimits = requireNonNull(logLimits, "logLimits");
    logFlusher.scheduleWithFixedDelay(() -> pipes.forEach(LogPipe::flush), 200, 200, TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean isSandboxed() {
    return jvm.isSandboxed();
  }

  @Override
  public JobResult execute(JobSpec job, JobLog log) {
    String status = JobRecord.FAILED;
    String reason;
    Process p = null;
    LogBudget budget = new LogBudget(logLimits);
    Path ws = job.workspace();
    try (JobUsers.Lease lease = users.lease()) {
      job.secrets().values().values().forEach(v -> SecretForms.of(v).forEach(log.masker()::add));
      users.traversable(Files.createDirectories(ws.getParent()));
      job.source().checkout(job.run().sha(), ws);
      Path cp = job.workflow().classes();
      if (users.isIsolated()) {
        cp = copyTree(cp, Files.createDirectories(job.runFolder().resolve("job-classes")).resolve(job.name()));
        lease.give(cp);
        lease.give(ws);
      }
      Capability cap = job.start().start();
      log.masker().add(cap.reveal());
      ProcessBuilder pb = jvm.builder(lease, job.workflow().mainClass(), cp, ws, "--job", job.name());
      if (closed) {
        throw new OrchestratorException(Code.UNAVAILABLE, "the orchestrator is stopping");
      }
      p = jvm.start(pb);
      LogPipe out = new LogPipe("stdout", log, budget, p.getInputStream(), pipes);
      LogPipe err = new LogPipe("stderr", log, budget, p.getErrorStream(), pipes);
      out.start();
      err.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(jobInput(job, cap));
        stdin.flush();
      } catch (IOException e) {
        // The JVM died before reading its input: its exit status says why.
      }
      boolean exited = p.waitFor(job.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        WorkflowJvm.killTree(p.toHandle());
        p.waitFor(10, TimeUnit.SECONDS);
        reason = "timed out after " + job.timeout().toSeconds() + " s; the job's processes were killed";
      } else {
        WorkflowJvm.killTree(p.toHandle()); // anything a step left running in the background
        int code = p.exitValue();
        if (code == 0) {
          status = JobRecord.SUCCEEDED;
          reason = null;
        } else if (code > 128) {
          reason = "the job process was killed by signal " + (code - 128);
        } else {
          reason = "the job process exited with status " + code;
        }
      }
      out.finish();
      err.finish();
      if (reason != null && err.lastLine() != null && !reason.startsWith("timed out") && !budget.isExceeded()) {
        reason = reason + ": " + err.lastLine();
      }
      if (budget.isExceeded()) {
        // Fail, not succeed with a hole: a build whose log was cut cannot be audited.
        status = JobRecord.FAILED;
        reason = reason == null ? budget.reason() : reason + "; " + budget.reason();
      }
    } catch (OrchestratorException e) {
      reason = e.getMessage();
      RunEvents.fault("job", job.jobId(), e);
    } catch (IOException e) {
      reason = "cannot start the job process: " + e.getMessage();
      RunEvents.fault("job", job.jobId(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = Runner.INTERRUPTED;
    } catch (RuntimeException e) {
      // Recorded like any failure: a job is never left running by a fault of the runner.
      reason = "the runner failed: " + e.getClass().getSimpleName();
      RunEvents.fault("job", job.jobId(), e);
    } finally {
      if (p != null) {
        jvm.release(p);
      }
    }
    return new JobResult(status, reason);
  }

  /** The job input line (with the capability), then one line per declared secret (sdk JobInput, JobSecrets). */
  private static byte[] jobInput(JobSpec job, Capability cap) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("orchestrator", job.orchestratorUrl());
    m.put("capability", cap.reveal());
    m.put("runId", Long.toString(job.run().id()));
    m.put("jobId", job.jobId());
    m.put("repository", job.run().repository());
    m.put("ref", job.run().ref());
    m.put("sha", job.run().sha());
    m.put("workflow", job.run().workflowPath());
    m.put("jobName", job.name());
    m.put("secrets", job.secrets().values().size());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(StrictJson.write(m));
    out.write('\n');
    job.secrets().values().forEach((name, value) -> {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("name", name);
      line.put("value", value);
      out.writeBytes(StrictJson.write(line));
      out.write('\n');
    });
    return out.toByteArray();
  }

  /** A copy of the run's classes for one job uid (the run's own copy stays root's). */
  static Path copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, target);
        }
      }
      return to;
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot copy the workflow's classes: " + e.getMessage());
    }
  }

  /** No job starts from now on, and every workflow process alive is killed. */
  @Override
  public void close() {
    closed = true;
    logFlusher.shutdownNow();
    jvm.killAll();
  }
}
