package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.events.RunEvents;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.runner.JobGraph.JobNode;
import dev.hallmark.orchestrator.runner.JobSpec.CompiledWorkflow;
import dev.hallmark.orchestrator.secret.RepositorySecrets;
import dev.hallmark.orchestrator.secret.SecretSource;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Runs the workflows of one commit: a fresh checkout per job (HEAD verified against the run's sha),
 * each workflow compiled once per run against the SDK jar, its graph learned from {@code --describe},
 * its jobs run as separate JVMs in {@code needs} order, up to {@link Settings#parallelism} at a
 * time. The job capability and the declared secrets of the run's repository reach the job JVM only
 * on its standard input (never {@code --describe}); its output is masked line by line before it is
 * stored or shown.
 *
 * <p>A composition of parts, each in its own file: the {@link WorkflowSource} (checkout, listing,
 * ref to commit), the {@link WorkflowCompiler}, the {@link WorkflowDescriber} ({@code --describe}
 * into a {@link JobGraph}), the {@link JobScheduler} ({@code needs} order, honest outcomes,
 * interrupts) and the {@link JobExecutor} (today the {@link SandboxedJobExecutor}). It records runs
 * and jobs through the narrow {@link RunLedger}, never the store.
 *
 * <pre>{@code
 * Runner runner = new Runner(orchestrator, Runner.Settings.defaults(sdkJar, workDir));
 * List<Runner.RunOutcome> runs = runner.runAll("acme/app", "/src/app", "refs/heads/main", sha);
 * }</pre>
 */
public final class Runner implements PushedRuns, AutoCloseable {
  /** The folder of a commit that holds its workflows. */
  public static final String WORKFLOWS = WorkflowSource.WORKFLOWS;
  public static final String SKIPPED = "skipped";
  static final int MAX_LINE = 16 * 1024;
  /** A longer line is cut with a marker: one line must not spend a job's whole log budget. */
  static final int MAX_LINE_TOTAL = 64 * 1024;
  /** How long one workflow may take to compile (javac in the sandbox). */
  public static final Duration COMPILE_TIMEOUT = WorkflowCompiler.DEFAULT_TIMEOUT;
  /** Why a run or job ended when the runner's thread was interrupted (serve is stopping). */
  static final String INTERRUPTED = "interrupted: the orchestrator is stopping";
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  /**
   * @param liveLog receives every masked output line as {@code [job] line} (e.g. to stdout)
   * @param secrets the declared secrets a job of a repository receives (and its output is masked for)
   * @param logLimits how much of each job's output is stored (past it the job fails)
   * @param compileCache the folder of the compile cache (the data folder's {@code compile-cache}),
   *     or null to run javac for every run
   */
  public record Settings(Path sdkJar, Path workDir, int parallelism, SecretSource secrets,
      Consumer<String> liveLog, LogLimits logLimits, Path compileCache) {
    public Settings {
      requireNonNull(sdkJar, "sdkJar");
      requireNonNull(logLimits, "logLimits");
      requireNonNull(workDir, "workDir");
      requireNonNull(secrets, "secrets");
      requireNonNull(liveLog, "liveLog");
      if (parallelism < 1) {
        throw new OrchestratorException(Code.INVALID_INPUT, "parallelism must be at least 1");
      }
    }

    public Settings(Path sdkJar, Path workDir, int parallelism, SecretSource secrets, Consumer<String> liveLog) {
      this(sdkJar, workDir, parallelism, secrets, liveLog, LogLimits.defaults());
    }

    public Settings(Path sdkJar, Path workDir, int parallelism, SecretSource secrets, Consumer<String> liveLog,
        LogLimits logLimits) {
      this(sdkJar, workDir, parallelism, secrets, liveLog, logLimits, null);
    }

    public static Settings defaults(Path sdkJar, Path workDir) {
      return new Settings(sdkJar, workDir, 2, SecretSource.NONE, line -> {});
    }

    public Settings withLogLimits(LogLimits limits) {
      return new Settings(sdkJar, workDir, parallelism, secrets, liveLog, limits, compileCache);
    }

    /** These settings with the compile cache in {@code dir} (created 0700 on first use). */
    public Settings withCompileCache(Path dir) {
      return new Settings(sdkJar, workDir, parallelism, secrets, liveLog, logLimits, requireNonNull(dir, "dir"));
    }
  }

  /** One job's end: its workspace stays until the caller deletes {@link RunOutcome#workDir}. */
  public record JobOutcome(String name, String jobId, String status, String reason, Path workspace) {}

  public record RunOutcome(RunRecord run, String status, String reason, List<JobOutcome> jobs, Path workDir) {
    public boolean isSucceeded() {
      return JobRecord.SUCCEEDED.equals(status);
    }
  }

  private final RunLedger ledger;
  private final Settings settings;
  /** The masker of each running job, so a token minted for it is hidden from its output too. */
  private final Map<String, LogMasker> maskers = new ConcurrentHashMap<>();
  private final JobUsers users;
  private final WorkflowJvm jvm;
  private final WorkflowCompiler compiler;
  private final WorkflowDescriber describer;
  private final JobScheduler scheduler;
  private final JobExecutor executor;
  private volatile boolean closed;
  /** Shared by every runAll/runPushed in progress; close() takes it to know none still writes. */
  private final ReadWriteLock working = new ReentrantReadWriteLock();

  /** A runner whose jobs run in the sandbox (bubblewrap must work here), the work folder hidden from them. */
  public Runner(RunLedger ledger, Settings settings) {
    this(ledger, settings, Sandbox.probe(), WorkflowCompiler.DEFAULT_TIMEOUT);
  }

  /**
   * A runner whose jobs, {@code --describe}s and compilations run in {@code sandbox} (which should
   * hide the data folder), each compilation within {@code compileTimeout}.
   */
  public Runner(RunLedger ledger, Settings settings, Sandbox sandbox, Duration compileTimeout) {
    this.ledger = requireNonNull(ledger, "ledger");
    this.settings = requireNonNull(settings, "settings");
    this.users = JobUsers.detect(settings.workDir());
    Path sdkJar = users.readable(settings.sdkJar());
    // The job folders (other jobs' workspaces) are hidden too; each process gets its own back.
    Sandbox hiding = requireNonNull(sandbox, "sandbox").hiding(settings.workDir(), users.workRoot());
    this.jvm = new WorkflowJvm(hiding, sdkJar, 2 * WorkflowDescriber.DEFAULT_TIMEOUT.toSeconds());
    this.compiler = new WorkflowCompiler(hiding, users, sdkJar, compileTimeout, settings.compileCache() == null
        ? null : new CompileCache(settings.compileCache(), CompileCache.DEFAULT_MAX_BYTES));
    compiler.prepareInBackground();
    this.describer = new WorkflowDescriber(jvm);
    this.scheduler = new JobScheduler(settings.parallelism());
    this.executor = new SandboxedJobExecutor(users, jvm, settings.logLimits());
    ledger.onTokenMinted((jobId, token) -> {
      LogMasker m = maskers.get(jobId);
      if (m != null) {
        m.add(token);
      }
    });
  }

  /**
   * Runs every {@code .hallmark/workflows/*.java} of {@code sha} (one run each, sorted by file
   * name) from the registered repository {@code repository} cloned from {@code source}.
   */
  public List<RunOutcome> runAll(String repository, String source, String ref, String sha) {
    working.readLock().lock();
    try {
      return runAllNow(repository, GitWorkflowSource.of(source), ref, sha);
    } finally {
      working.readLock().unlock();
    }
  }

  private List<RunOutcome> runAllNow(String repository, WorkflowSource source, String ref, String sha) {
    Path work = newWorkDir();
    Path checkout = work.resolve("source");
    source.checkout(sha, checkout);
    List<Path> files = GitWorkflowSource.workflowFilesIn(checkout);
    if (files.isEmpty()) {
      throw new OrchestratorException(Code.NOT_FOUND, "commit " + sha + " has no " + WORKFLOWS + "/*.java");
    }
    List<RunOutcome> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      String rel = WORKFLOWS + "/" + files.get(i).getFileName();
      RunRecord run = ledger.createRun(new NewRun(repository, ref, sha, "push", rel));
      Path runDir = work.resolve("run-" + run.id());
      // Each workflow compiles from a checkout of its own: an earlier workflow's --describe (its
      // own code, lent the checkout) must not be able to change what a later one compiles.
      Path own = checkout;
      if (i > 0) {
        own = work.resolve("source-" + run.id());
        source.checkout(sha, own);
      }
      out.add(runWorkflow(run, source, own, rel, runDir, false));
    }
    return out;
  }

  /**
   * Runs one run created by event intake: a fresh checkout of its sha from {@code source}, the
   * workflow compiled and described, skipped unless its push trigger matches the run's ref, and its
   * jobs run. Never throws: a failure before the jobs fails the run with the reason. The work
   * folder is deleted afterwards.
   */
  @Override
  public RunOutcome runPushed(RunRecord run, String source) {
    working.readLock().lock();
    try {
      return runPushedNow(run, GitWorkflowSource.of(source));
    } finally {
      working.readLock().unlock();
    }
  }

  private RunOutcome runPushedNow(RunRecord run, WorkflowSource source) {
    Path work = null;
    try {
      work = newWorkDir();
      Path checkout = work.resolve("source");
      source.checkout(run.sha(), checkout);
      return runWorkflow(run, source, checkout, run.workflowPath(), work.resolve("run-" + run.id()), true);
    } catch (RuntimeException e) {
      String reason = e instanceof OrchestratorException ? e.getMessage() : "the runner failed: " + e.getClass().getSimpleName();
      RunEvents.fault("run", Long.toString(run.id()), e);
      try {
        ledger.finishRun(run.id(), JobRecord.FAILED, reason);
      } catch (RuntimeException stored) {
        // the store is closed (shutting down): the restart sweep fails the run instead
        RunEvents.unrecorded("run", Long.toString(run.id()), JobRecord.FAILED, stored);
      }
      settings.liveLog().accept("[" + run.workflowPath() + "] " + reason);
      return new RunOutcome(run, JobRecord.FAILED, reason, List.of(), work);
    } finally {
      WorkspaceFiles.deleteTree(work);
    }
  }

  /** True when job processes run in the bubblewrap sandbox (false only with {@code --unsafe-no-sandbox}). */
  public boolean isSandboxed() {
    return executor.isSandboxed();
  }

  /** How long {@code --describe} may run (default 60 s); tests shorten it. */
  Runner describeTimeout(Duration limit) {
    describer.timeout(limit);
    return this;
  }

  /** True when job processes run as uids of their own (the orchestrator runs as root). */
  public boolean isolatesJobs() {
    return users.isIsolated();
  }

  /**
   * Kills every job process this runner started (and, when isolated, every process of a job uid)
   * and removes the job folder root; the orchestrator is stopping. Jobs still running are failed
   * by their own threads or, if the process ends first, by the restart sweep.
   *
   * <p>The folder root goes only once no run is in progress (at most {@link #CLOSE_WAIT}): a
   * checkout or compile still under way would otherwise create its folders again after the
   * deletion, and leave them behind when the JVM exits. Killing again while waiting also ends a
   * job that started just as the runner closed.
   */
  @Override
  public void close() {
    closed = true;
    executor.close();
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    boolean idle = false;
    try {
      do {
        jvm.killAll();
        users.killAll();
        idle = working.writeLock().tryLock(100, TimeUnit.MILLISECONDS);
      } while (!idle && System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop waiting; the folders go now, as far as they can
    }
    try {
      if (users.isIsolated()) {
        WorkspaceFiles.deleteTree(users.workRoot());
      }
    } finally {
      if (idle) {
        working.writeLock().unlock();
      }
    }
  }

  private Path newWorkDir() {
    if (closed) {
      throw new OrchestratorException(Code.UNAVAILABLE, "the runner is stopping");
    }
    Path root = users.workRoot();
    try {
      Files.createDirectories(root);
      Path dir = Files.createTempDirectory(root, "run-");
      users.traversable(dir);
      return dir;
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot create a workspace under " + root);
    }
  }

  /**
   * With {@code onlyOnPush}, a workflow whose push trigger does not match the run's ref is skipped.
   * The run always ends recorded: any failure of the checkout folder, the compiler, {@code
   * --describe}, the graph or the scheduler fails it with a one-line reason, never leaving it
   * running, and it succeeds only when every job of its graph ran and succeeded.
   */
  private RunOutcome runWorkflow(RunRecord run, WorkflowSource source, Path checkout, String rel, Path runDir,
      boolean onlyOnPush) {
    SpareCheckout spare = null;
    if (!executor.isSandboxed()) {
      ledger.markUnsandboxed(run.id());
      settings.liveLog().accept("[" + rel + "] warning: running without the sandbox (--unsafe-no-sandbox)");
    }
    try {
      users.traversable(Files.createDirectories(runDir));
      // The first job's workspace is cloned while javac and --describe run (git waits on I/O and
      // its own processes; javac on CPU), off the start-up path of that job.
      spare = new SpareCheckout(source, run.sha(), runDir.resolve("spare"));
      // javac runs in the sandbox as a job uid of its own; its classes are root's once it has ended.
      Path compiled = runDir.resolve("compile");
      users.traversable(Files.createDirectories(compiled));
      CompiledWorkflow workflow = new CompiledWorkflow(compiler.compile(checkout, rel, compiled), compiled.resolve("classes"));
      JobGraph described;
      try (JobUsers.Lease lease = users.lease()) {
        Path cp = workflow.classes();
        if (users.isIsolated()) {
          cp = SandboxedJobExecutor.copyTree(cp, runDir.resolve("describe.classes"));
          lease.give(cp);
          lease.give(checkout);
        }
        described = describer.describe(lease, workflow.mainClass(), cp, checkout, rel);
      }
      if (onlyOnPush && (described.push() == null || !described.push().matches(run.ref()))) {
        String reason = "skipped: the workflow's push trigger does not match " + run.ref();
        ledger.finishRun(run.id(), SKIPPED, reason);
        settings.liveLog().accept("[" + rel + "] " + reason);
        return new RunOutcome(run, SKIPPED, reason, List.of(), runDir);
      }
      List<JobNode> graph = described.jobs();
      List<JobOutcome> jobs = scheduler.schedule(graph, new RunJobs(run, workflow, spare, runDir));
      boolean ok = jobs.size() == graph.size() && jobs.stream().allMatch(j -> JobRecord.SUCCEEDED.equals(j.status()));
      String reason = null;
      if (Thread.currentThread().isInterrupted()) {
        ok = false;
        reason = INTERRUPTED;
      } else if (!ok) {
        reason = jobs.stream().filter(j -> !JobRecord.SUCCEEDED.equals(j.status()))
            .map(j -> "job " + j.name() + " " + j.status() + (j.reason() == null ? "" : ": " + j.reason()))
            .findFirst().orElse("not every job ran");
      }
      String status = ok ? JobRecord.SUCCEEDED : JobRecord.FAILED;
      ledger.finishRun(run.id(), status, reason);
      return new RunOutcome(run, status, reason, jobs, runDir);
    } catch (IOException e) {
      return failRun(run, rel, runDir, "cannot create the run folder: " + e.getMessage());
    } catch (RuntimeException e) {
      RunEvents.fault("run", Long.toString(run.id()), e);
      return failRun(run, rel, runDir, e instanceof OrchestratorException ? e.getMessage()
          : "the runner failed: " + e.getClass().getSimpleName());
    } finally {
      SpareCheckout.discard(spare);
    }
  }

  private RunOutcome failRun(RunRecord run, String rel, Path runDir, String reason) {
    try {
      ledger.finishRun(run.id(), JobRecord.FAILED, reason);
    } catch (RuntimeException e) {
      // the store is closed (the orchestrator is stopping): the restart sweep fails the run instead
      RunEvents.unrecorded("run", Long.toString(run.id()), JobRecord.FAILED, e);
    }
    settings.liveLog().accept("[" + rel + "] " + reason);
    return new RunOutcome(run, JobRecord.FAILED, reason, List.of(), runDir);
  }

  /** The jobs of one run as the scheduler starts them: recorded in the ledger, run by the executor. */
  private final class RunJobs implements JobScheduler.Jobs {
    private final RunRecord run;
    private final CompiledWorkflow workflow;
    private final WorkflowSource source;
    private final Path runDir;

    RunJobs(RunRecord run, CompiledWorkflow workflow, WorkflowSource source, Path runDir) {
      this.run = run;
      this.workflow = workflow;
      this.source = source;
      this.runDir = runDir;
    }

    @Override
    public JobOutcome run(JobNode node) {
      JobRecord job = ledger.createJob(run.id(), node.name());
      Path ws = runDir.resolve("jobs").resolve(node.name());
      LogMasker masker = new LogMasker();
      maskers.put(job.id(), masker);
      JobResult result;
      try {
        // Read at each job's start, so a secret set while serve runs applies to the next job.
        RepositorySecrets secrets = settings.secrets().of(run.repository());
        JobSpec spec = new JobSpec(run, job.id(), node.name(), node.timeout(), workflow, source, secrets,
            ledger.localUrl(), ws, runDir, () -> ledger.startJob(job.id(), node.timeout()));
        result = executor.execute(spec, new LiveJobLog(job.id(), node.name(), masker));
      } catch (OrchestratorException e) {
        RunEvents.fault("job", job.id(), e);
        result = JobResult.failed(e.getMessage());
      } catch (RuntimeException e) {
        // Recorded like any failure: a job is never left running by a fault of the runner.
        RunEvents.fault("job", job.id(), e);
        result = JobResult.failed("the runner failed: " + e.getClass().getSimpleName());
      }
      try {
        ledger.finishJob(job.id(), result.status(), result.reason());
      } finally {
        maskers.remove(job.id());
      }
      settings.liveLog().accept("[" + node.name() + "] job " + result.status()
          + (result.reason() == null ? "" : ": " + result.reason()));
      return new JobOutcome(node.name(), job.id(), result.status(), result.reason(), ws);
    }

    /** A job that never starts, recorded with its end (a store already closed leaves it to the restart sweep). */
    @Override
    public JobOutcome unstarted(String name, String status, String reason) {
      String id = null;
      try {
        JobRecord rec = ledger.createJob(run.id(), name);
        id = rec.id();
        ledger.finishJob(id, status, reason);
      } catch (RuntimeException e) {
        // the orchestrator is stopping: the restart sweep fails the job instead
        RunEvents.unrecorded("job", run.id() + "/" + name, status, e);
      }
      return new JobOutcome(name, id, status, reason, null);
    }
  }

  /** A job's output into the ledger (stored) and the live log ({@code [job] line}). */
  private final class LiveJobLog implements JobLog {
    private final String jobId;
    private final String jobName;
    private final LogMasker masker;

    LiveJobLog(String jobId, String jobName, LogMasker masker) {
      this.jobId = jobId;
      this.jobName = jobName;
      this.masker = masker;
    }

    @Override
    public LogMasker masker() {
      return masker;
    }

    @Override
    public void append(String stream, List<String> maskedLines) {
      ledger.appendLog(jobId, stream, maskedLines);
    }

    @Override
    public void show(String maskedLine) {
      settings.liveLog().accept("[" + jobName + "] " + maskedLine);
    }
  }

  /** Kills a process and its descendants (the compiler's and describe's processes too). */
  static void killTree(ProcessHandle root) {
    WorkflowJvm.killTree(root);
  }
}
