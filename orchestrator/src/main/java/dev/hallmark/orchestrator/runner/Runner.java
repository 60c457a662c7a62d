package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.Orchestrator;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.secret.RepositorySecrets;
import dev.hallmark.orchestrator.secret.SecretForms;
import dev.hallmark.orchestrator.secret.SecretSource;
import dev.hallmark.orchestrator.runner.JobGraph.JobNode;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the workflows of one commit: a fresh checkout per job (HEAD verified against the run's sha),
 * each workflow compiled once per run against the SDK jar, its graph learned from {@code --describe},
 * its jobs run as separate JVMs in {@code needs} order, up to {@link Settings#parallelism} at a
 * time. The job capability and the declared secrets of the run's repository reach the job JVM only
 * on its standard input (never {@code --describe}); its output is masked line by line before it is
 * stored or shown.
 *
 * <pre>{@code
 * Runner runner = new Runner(orchestrator, Runner.Settings.defaults(sdkJar, workDir));
 * List<Runner.RunOutcome> runs = runner.runAll("acme/app", "/src/app", "refs/heads/main", sha);
 * }</pre>
 */
public final class Runner implements AutoCloseable {
  public static final String WORKFLOWS = ".hallmark/workflows";
  public static final String SKIPPED = "skipped";
  static final int MAX_LINE = 16 * 1024;
  /** A longer line is cut with a marker: one line must not spend a job's whole log budget. */
  static final int MAX_LINE_TOTAL = 64 * 1024;
  private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofHours(1);
  /** How long one workflow may take to compile (javac in the sandbox). */
  public static final Duration COMPILE_TIMEOUT = WorkflowCompiler.DEFAULT_TIMEOUT;
  static final String DESCRIBE_HEAP = "256m";
  static final String JOB_HEAP = "1g";
  /** What {@code --describe} may print on standard output; beyond it the process is killed. */
  static final int MAX_DESCRIBE_OUTPUT = 1 << 20;
  /** The end of {@code --describe}'s standard error kept for the reason line. */
  private static final int DESCRIBE_ERR_TAIL = 4096;
  /** Why a run or job ended when the runner's thread was interrupted (serve is stopping). */
  static final String INTERRUPTED = "interrupted: the orchestrator is stopping";

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
        throw new OrchestratorException(Code.BAD_REQUEST, "parallelism must be at least 1");
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

  private final Orchestrator orchestrator;
  private final Settings settings;
  private final Map<String, LogMasker> maskers = new ConcurrentHashMap<>();
  private final Set<Process> live = ConcurrentHashMap.newKeySet();
  private final Set<LogPipe> pipes = ConcurrentHashMap.newKeySet();
  /** Stores what a quiet job printed last within 200 ms (live logs), without a write per line. */
  private final java.util.concurrent.ScheduledExecutorService logFlusher =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hallmark-log-flush");
        t.setDaemon(true);
        return t;
      });
  private final JobUsers users;
  private final Path sdkJar;
  private final Sandbox sandbox;
  private final WorkflowCompiler compiler;
  private volatile boolean closed;
  /** Shared by every runAll/runPushed in progress; close() takes it to know none still writes. */
  private final java.util.concurrent.locks.ReadWriteLock working = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
  private volatile Duration describeTimeout = DESCRIBE_TIMEOUT;

  /** A runner whose jobs run in the sandbox (bubblewrap must work here), the work folder hidden from them. */
  public Runner(Orchestrator orchestrator, Settings settings) {
    this(orchestrator, settings, Sandbox.probe(), WorkflowCompiler.DEFAULT_TIMEOUT);
  }

  /**
   * A runner whose jobs, {@code --describe}s and compilations run in {@code sandbox} (which should
   * hide the data folder), each compilation within {@code compileTimeout}.
   */
  public Runner(Orchestrator orchestrator, Settings settings, Sandbox sandbox, Duration compileTimeout) {
    this.orchestrator = requireNonNull(orchestrator, "orchestrator");
    this.settings = requireNonNull(settings, "settings");
    this.users = JobUsers.detect(settings.workDir());
    this.sdkJar = users.readable(settings.sdkJar());
    // The job folders (other jobs' workspaces) are hidden too; each process gets its own back.
    this.sandbox = requireNonNull(sandbox, "sandbox").hiding(settings.workDir(), users.workRoot());
    this.compiler = new WorkflowCompiler(this.sandbox, users, sdkJar, compileTimeout, settings.compileCache() == null
        ? null : new CompileCache(settings.compileCache(), CompileCache.DEFAULT_MAX_BYTES));
    compiler.prepareInBackground();
    logFlusher.scheduleWithFixedDelay(() -> pipes.forEach(LogPipe::flush), 200, 200, TimeUnit.MILLISECONDS);
    orchestrator.onTokenMinted((jobId, token) -> {
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
      return runAllNow(repository, source, ref, sha);
    } finally {
      working.readLock().unlock();
    }
  }

  private List<RunOutcome> runAllNow(String repository, String source, String ref, String sha) {
    Path work = newWorkDir();
    Path checkout = work.resolve("source");
    Git.checkout(source, sha, checkout);
    List<Path> files;
    try (Stream<Path> s = Files.list(checkout.resolve(WORKFLOWS))) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".java")
          && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      files = List.of();
    }
    if (files.isEmpty()) {
      throw new OrchestratorException(Code.NOT_FOUND, "commit " + sha + " has no " + WORKFLOWS + "/*.java");
    }
    List<RunOutcome> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      String rel = WORKFLOWS + "/" + files.get(i).getFileName();
      RunRecord run = orchestrator.createRun(new NewRun(repository, ref, sha, "push", rel));
      Path runDir = work.resolve("run-" + run.id());
      // Each workflow compiles from a checkout of its own: an earlier workflow's --describe (its
      // own code, lent the checkout) must not be able to change what a later one compiles.
      Path own = checkout;
      if (i > 0) {
        own = work.resolve("source-" + run.id());
        Git.checkout(source, sha, own);
      }
      out.add(runWorkflow(run, source, own, rel, runDir));
    }
    return out;
  }

  /**
   * Runs one run created by event intake: a fresh checkout of its sha from {@code source}, the
   * workflow compiled and described, skipped unless its push trigger matches the run's ref, and its
   * jobs run. Never throws: a failure before the jobs fails the run with the reason. The work
   * folder is deleted afterwards.
   */
  public RunOutcome runPushed(RunRecord run, String source) {
    working.readLock().lock();
    try {
      return runPushedNow(run, source);
    } finally {
      working.readLock().unlock();
    }
  }

  private RunOutcome runPushedNow(RunRecord run, String source) {
    Path work = null;
    try {
      work = newWorkDir();
      Path checkout = work.resolve("source");
      Git.checkout(source, run.sha(), checkout);
      return runWorkflow(run, source, checkout, run.workflowPath(), work.resolve("run-" + run.id()), true);
    } catch (RuntimeException e) {
      String reason = e instanceof OrchestratorException ? e.getMessage() : "the runner failed: " + e.getClass().getSimpleName();
      try {
        orchestrator.store().finishRun(run.id(), JobRecord.FAILED, reason);
      } catch (RuntimeException stored) {
        // the store is closed (shutting down): the restart sweep fails the run instead
      }
      settings.liveLog().accept("[" + run.workflowPath() + "] " + reason);
      return new RunOutcome(run, JobRecord.FAILED, reason, List.of(), work);
    } finally {
      LocalRun.deleteTree(work);
    }
  }

  /**
   * The commit {@code ref} names in the repository at {@code repo}, resolved with the git CLI
   * (user and system configuration ignored); {@link Code#UNPROCESSABLE} when it names none.
   * {@code ref} must already be a checked full ref (it is passed as one argument, never a option).
   */
  public static String resolveCommit(Path repo, String ref) {
    try {
      return Git.run(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
    } catch (OrchestratorException e) {
      throw new OrchestratorException(Code.UNPROCESSABLE, "ref " + ref + " does not name a commit of the repository");
    }
  }

  /** The workflow files ({@code .hallmark/workflows/*.java}, blobs only) of commit {@code sha}, sorted. */
  public static List<String> workflowFiles(Path repo, String sha) {
    String listing = Git.run(repo, "ls-tree", "-z", "--full-tree", sha, "--", WORKFLOWS + "/");
    List<String> out = new ArrayList<>();
    for (String entry : listing.split("\0")) {
      int tab = entry.indexOf('\t');
      if (tab < 0) {
        continue;
      }
      String[] meta = entry.substring(0, tab).split(" ");
      String path = entry.substring(tab + 1);
      String file = path.substring(path.lastIndexOf('/') + 1);
      // Regular files only: a symbolic link (mode 120000) could point the root-run compiler anywhere.
      boolean regular = meta.length == 3 && (meta[0].equals("100644") || meta[0].equals("100755"));
      if (regular && meta[1].equals("blob") && path.equals(WORKFLOWS + "/" + file) && file.endsWith(".java")) {
        out.add(path);
      }
    }
    out.sort(null);
    return out;
  }

  /** True when {@code dir} is the top of a git work tree or a bare repository (not merely inside one). */
  public static boolean isRepositoryRoot(Path dir) {
    try {
      Path real = dir.toRealPath();
      if ("true".equals(Git.run(real, "rev-parse", "--is-bare-repository"))) {
        return Path.of(Git.run(real, "rev-parse", "--absolute-git-dir")).toRealPath().equals(real);
      }
      return Path.of(Git.run(real, "rev-parse", "--show-toplevel")).toRealPath().equals(real);
    } catch (OrchestratorException | IOException e) {
      return false;
    }
  }

  /** True when job processes run in the bubblewrap sandbox (false only with {@code --unsafe-no-sandbox}). */
  public boolean isSandboxed() {
    return sandbox.isEnabled();
  }

  /** How long {@code --describe} may run (default 60 s); tests shorten it. */
  Runner describeTimeout(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new OrchestratorException(Code.BAD_REQUEST, "the describe time limit must be positive");
    }
    this.describeTimeout = limit;
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
    logFlusher.shutdownNow();
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    boolean idle = false;
    try {
      do {
        for (Process p : live) {
          killTree(p.toHandle());
        }
        users.killAll();
        idle = working.writeLock().tryLock(100, TimeUnit.MILLISECONDS);
      } while (!idle && System.nanoTime() < deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop waiting; the folders go now, as far as they can
    }
    try {
      if (users.isIsolated()) {
        LocalRun.deleteTree(users.workRoot());
      }
    } finally {
      if (idle) {
        working.writeLock().unlock();
      }
    }
  }

  private Path newWorkDir() {
    if (closed) {
      throw new OrchestratorException(Code.BAD_REQUEST, "the runner is stopping");
    }
    Path root = users.workRoot();
    try {
      Files.createDirectories(root);
      Path dir = Files.createTempDirectory(root, "run-");
      users.traversable(dir);
      return dir;
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot create a workspace under " + root);
    }
  }

  /**
   * A checkout of the run's sha made in the background (HEAD checked, as every checkout); the
   * first job to start moves it into place as its workspace, and nobody else ever sees it.
   */
  private static final class SpareCheckout {
    private final Path dir;
    private final java.util.concurrent.CompletableFuture<Boolean> made;
    private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();

    SpareCheckout(String source, String sha, Path dir) {
      this.dir = dir;
      this.made = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          Git.checkout(source, sha, dir);
          return true;
        } catch (RuntimeException e) {
          return false; // the job then checks out on its own and reports any error itself
        }
      });
    }

    /** Moves the spare to {@code target}; false when another job took it or it could not be made. */
    boolean takeInto(Path target) {
      if (!taken.compareAndSet(false, true)) {
        return false;
      }
      try {
        if (made.join()) {
          Files.move(dir, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          return true;
        }
      } catch (IOException | RuntimeException e) {
        // fall through: a fresh checkout instead
      }
      LocalRun.deleteTree(dir);
      return false;
    }

    /** Waits for an unused spare and deletes it. */
    void discard() {
      if (taken.compareAndSet(false, true)) {
        made.join();
        LocalRun.deleteTree(dir);
      }
    }

    static void discard(SpareCheckout spare) {
      if (spare != null) {
        spare.discard();
      }
    }
  }

  /** A copy of the run's classes for one job uid (the run's own copy stays root's). */
  private static Path copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, target);
        }
      }
      return to;
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot copy the workflow's classes: " + e.getMessage());
    }
  }

  RunOutcome runWorkflow(RunRecord run, String source, Path checkout, String rel, Path runDir) {
    return runWorkflow(run, source, checkout, rel, runDir, false);
  }

  /**
   * With {@code onlyOnPush}, a workflow whose push trigger does not match the run's ref is skipped.
   * The run always ends recorded: any failure of the checkout folder, the compiler, {@code
   * --describe}, the graph or the scheduler fails it with a one-line reason, never leaving it
   * running, and it succeeds only when every job of its graph ran and succeeded.
   */
  RunOutcome runWorkflow(RunRecord run, String source, Path checkout, String rel, Path runDir, boolean onlyOnPush) {
    SpareCheckout spare = null;
    if (!sandbox.isEnabled()) {
      orchestrator.store().markUnsandboxed(run.id());
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
      String mainClass = compiler.compile(checkout, rel, compiled);
      Path classes = compiled.resolve("classes");
      JobGraph described;
      try (JobUsers.Lease lease = users.lease()) {
        Path cp = classes;
        if (users.isIsolated()) {
          cp = copyTree(classes, runDir.resolve("describe.classes"));
          lease.give(cp);
          lease.give(checkout);
        }
        described = describe(lease, mainClass, cp, checkout, rel);
      }
      if (onlyOnPush && (described.push() == null || !described.push().matches(run.ref()))) {
        String reason = "skipped: the workflow's push trigger does not match " + run.ref();
        orchestrator.store().finishRun(run.id(), SKIPPED, reason);
        settings.liveLog().accept("[" + rel + "] " + reason);
        return new RunOutcome(run, SKIPPED, reason, List.of(), runDir);
      }
      List<JobNode> graph = described.jobs();
      List<JobOutcome> jobs = schedule(run, graph, mainClass, classes, source, runDir, spare);
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
      orchestrator.store().finishRun(run.id(), status, reason);
      return new RunOutcome(run, status, reason, jobs, runDir);
    } catch (IOException e) {
      return failRun(run, rel, runDir, "cannot create the run folder: " + e.getMessage());
    } catch (RuntimeException e) {
      return failRun(run, rel, runDir, e instanceof OrchestratorException ? e.getMessage()
          : "the runner failed: " + e.getClass().getSimpleName());
    } finally {
      SpareCheckout.discard(spare);
    }
  }

  private RunOutcome failRun(RunRecord run, String rel, Path runDir, String reason) {
    try {
      orchestrator.store().finishRun(run.id(), JobRecord.FAILED, reason);
    } catch (RuntimeException e) {
      // the store is closed (the orchestrator is stopping): the restart sweep fails the run instead
    }
    settings.liveLog().accept("[" + rel + "] " + reason);
    return new RunOutcome(run, JobRecord.FAILED, reason, List.of(), runDir);
  }

  /**
   * The job graph, from the last line the workflow prints for {@code --describe}. Both output
   * streams are read on threads of their own into bounded buffers, so the time limit holds whatever
   * the process does with its pipes: past {@link #MAX_DESCRIBE_OUTPUT} bytes of standard output, or
   * past the time limit, the process and its descendants are killed and the run fails.
   */
  private JobGraph describe(JobUsers.Lease lease, String mainClass, Path classes, Path cwd, String rel) {
    ProcessBuilder pb = jvm(lease, mainClass, classes, cwd, "--describe");
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Duration limit = describeTimeout;
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot start java for " + rel + ": " + e.getMessage());
    }
    live.add(p);
    try {
      try {
        p.getOutputStream().close();
      } catch (IOException e) {
        // it has exited already: its status says why
      }
      StreamCapture out = StreamCapture.head(p.getInputStream(), MAX_DESCRIBE_OUTPUT, () -> killTree(p.toHandle()));
      StreamCapture err = StreamCapture.tail(p.getErrorStream(), DESCRIBE_ERR_TAIL);
      boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (out.overflowed()) {
        throw new OrchestratorException(Code.BAD_REQUEST,
            rel + " --describe printed more than " + (MAX_DESCRIBE_OUTPUT >> 20) + " MiB; its processes were killed");
      }
      if (!exited) {
        throw new OrchestratorException(Code.BAD_REQUEST,
            rel + " --describe did not finish in " + seconds(limit) + "; its processes were killed");
      }
      // A child it left in the background may hold the pipes open: what was printed until now counts.
      out.awaitEnd(Duration.ofSeconds(1));
      err.awaitEnd(Duration.ofMillis(200));
      if (out.overflowed()) {
        throw new OrchestratorException(Code.BAD_REQUEST,
            rel + " --describe printed more than " + (MAX_DESCRIBE_OUTPUT >> 20) + " MiB; its processes were killed");
      }
      if (p.exitValue() != 0) {
        String line = new String(err.bytes(), StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b)
            .orElse("exit status " + p.exitValue());
        throw new OrchestratorException(Code.BAD_REQUEST, rel + " --describe failed: " + printable(line));
      }
      return JobGraph.parse(new String(out.bytes(), StandardCharsets.UTF_8), rel);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.BAD_REQUEST, INTERRUPTED);
    } finally {
      killTree(p.toHandle()); // on every path: whatever it left running goes with it
      live.remove(p);
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** A reason line from a process's output: printable characters, at most 300 of them. */
  private static String printable(String line) {
    String p = line.replaceAll("[\\p{Cntrl}&&[^\t]]", "?");
    return p.length() > 300 ? p.substring(0, 300) + "…" : p;
  }

  /**
   * Jobs whose needs all succeeded run, at most {@code parallelism} at once; the others are
   * skipped. Returns one outcome per job of the graph (so the run's result covers all of them).
   * When the calling thread is interrupted (serve stopping), the running jobs are interrupted and
   * waited for (they kill their processes and record their end), the jobs not started are recorded
   * failed with {@link #INTERRUPTED}, and the thread's interrupt status is set again on return.
   */
  private List<JobOutcome> schedule(RunRecord run, List<JobNode> graph, String mainClass, Path classes, String source,
      Path runDir, SpareCheckout spare) {
    Map<String, JobOutcome> done = new LinkedHashMap<>();
    Set<String> started = new java.util.HashSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), r -> {
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
              done.put(j.name(), unstarted(run, j.name(), SKIPPED, "skipped: a job it needs did not succeed"));
              continue;
            }
            completion.submit(() -> runJob(run, j, mainClass, classes, source, runDir, spare));
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
    } catch (java.util.concurrent.ExecutionException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "a job runner failed: " + e.getCause().getClass().getSimpleName());
    } finally {
      pool.shutdownNow(); // interrupts the running jobs' threads: each kills its processes and records its end
    }
    if (interrupted) {
      // The jobs' threads record their own ends; wait (bounded) to report them with the run.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (running > 0) {
        try {
          var f = completion.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (f == null) {
            break;
          }
          running--;
          JobOutcome o = f.get();
          done.put(o.name(), o);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          break;
        }
      }
    }
    List<JobOutcome> ordered = new ArrayList<>();
    for (JobNode j : graph) {
      if (!done.containsKey(j.name()) && !started.contains(j.name())) {
        done.put(j.name(), unstarted(run, j.name(), JobRecord.FAILED,
            interrupted ? INTERRUPTED : "not run: a job it needs never finished"));
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

  /** A job that never starts, recorded with its end (a store already closed leaves it to the restart sweep). */
  private JobOutcome unstarted(RunRecord run, String name, String status, String reason) {
    String id = null;
    try {
      JobRecord rec = orchestrator.createJob(run.id(), name);
      id = rec.id();
      orchestrator.store().finishJob(id, status, reason);
    } catch (RuntimeException e) {
      // the orchestrator is stopping
    }
    return new JobOutcome(name, id, status, reason, null);
  }
  private JobOutcome runJob(RunRecord run, JobNode node, String mainClass, Path classes, String source, Path runDir,
      SpareCheckout spare) {
    JobRecord job = orchestrator.createJob(run.id(), node.name());
    Path ws = runDir.resolve("jobs").resolve(node.name());
    LogMasker masker = new LogMasker();
    maskers.put(job.id(), masker);
    String status = JobRecord.FAILED;
    String reason;
    Process p = null;
    LogBudget budget = new LogBudget(settings.logLimits());
    try (JobUsers.Lease lease = users.lease()) {
      // Read at each job's start, so a secret set while serve runs applies to the next job.
      RepositorySecrets secrets = settings.secrets().of(run.repository());
      secrets.values().values().forEach(v -> SecretForms.of(v).forEach(masker::add));
      users.traversable(Files.createDirectories(ws.getParent()));
      if (!spare.takeInto(ws)) {
        Git.checkout(source, run.sha(), ws);
      }
      Path cp = classes;
      if (users.isIsolated()) {
        cp = copyTree(classes, Files.createDirectories(runDir.resolve("job-classes")).resolve(node.name()));
        lease.give(cp);
        lease.give(ws);
      }
      Capability cap = orchestrator.startJob(job.id(), node.timeout());
      masker.add(cap.reveal());
      ProcessBuilder pb = jvm(lease, mainClass, cp, ws, "--job", node.name());
      if (closed) {
        throw new OrchestratorException(Code.BAD_REQUEST, "the orchestrator is stopping");
      }
      p = pb.start();
      live.add(p);
      LogPipe out = new LogPipe(job.id(), node.name(), "stdout", masker, budget, p.getInputStream());
      LogPipe err = new LogPipe(job.id(), node.name(), "stderr", masker, budget, p.getErrorStream());
      out.start();
      err.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(jobInput(run, job, cap, secrets));
        stdin.flush();
      } catch (IOException e) {
        // The JVM died before reading its input: its exit status says why.
      }
      boolean exited = p.waitFor(node.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        killTree(p.toHandle());
        p.waitFor(10, TimeUnit.SECONDS);
        reason = "timed out after " + node.timeout().toSeconds() + " s; the job's processes were killed";
      } else {
        killTree(p.toHandle()); // anything a step left running in the background
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
    } catch (IOException e) {
      reason = "cannot start the job process: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = INTERRUPTED;
    } catch (RuntimeException e) {
      // Recorded like any failure: a job is never left running by a fault of the runner.
      reason = "the runner failed: " + e.getClass().getSimpleName();
    } finally {
      if (p != null) {
        killTree(p.toHandle());
        live.remove(p);
      }
    }
    try {
      orchestrator.finishJob(job.id(), status, reason);
    } finally {
      maskers.remove(job.id());
    }
    settings.liveLog().accept("[" + node.name() + "] job " + status + (reason == null ? "" : ": " + reason));
    return new JobOutcome(node.name(), job.id(), status, reason, ws);
  }

  /** The job input line (with the capability), then one line per declared secret (sdk JobInput, JobSecrets). */
  private byte[] jobInput(RunRecord run, JobRecord job, Capability cap, RepositorySecrets secrets) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("orchestrator", orchestrator.localUrl());
    m.put("capability", cap.reveal());
    m.put("runId", Long.toString(run.id()));
    m.put("jobId", job.id());
    m.put("repository", run.repository());
    m.put("ref", run.ref());
    m.put("sha", run.sha());
    m.put("workflow", run.workflowPath());
    m.put("jobName", job.name());
    m.put("secrets", secrets.values().size());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(StrictJson.write(m));
    out.write('\n');
    secrets.values().forEach((name, value) -> {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("name", name);
      line.put("value", value);
      out.writeBytes(StrictJson.write(line));
      out.write('\n');
    });
    return out.toByteArray();
  }

  /**
   * A workflow JVM with a minimal environment (PATH, HOME = its workspace, LANG): nothing of the
   * orchestrator's, no {@code HALLMARK_*}, and never the capability.
   */
  private ProcessBuilder jvm(JobUsers.Lease lease, String mainClass, Path classes, Path cwd, String... args) {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The definition (--describe) only builds a graph: a small heap and a CPU limit. A job's steps
    // run in this JVM: a larger heap; its wall-clock time-out bounds it instead of a CPU limit.
    boolean describing = args.length > 0 && args[0].equals("--describe");
    List<String> cmd = new ArrayList<>(List.of(javaBin, describing ? "-Xmx" + DESCRIBE_HEAP : "-Xmx" + JOB_HEAP,
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-XX:-UsePerfData", "-cp", sdkJar + java.io.File.pathSeparator + classes, mainClass));
    cmd.addAll(List.of(args));
    Sandbox.Limits limits = describing ? Sandbox.Limits.JOB.withCpuSeconds(2 * DESCRIBE_TIMEOUT.toSeconds()) : Sandbox.Limits.JOB;
    // Only its own folder is writable; the SDK jar and its classes are lent read-only.
    Sandbox.Mounts mounts = new Sandbox.Mounts(cwd, List.of(cwd), List.of(sdkJar, classes));
    ProcessBuilder pb = new ProcessBuilder(sandbox.command(lease, mounts, limits, cmd)).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", cwd.toString());
    env.put("LANG", "C.UTF-8");
    return pb;
  }

  static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = root.descendants().toList();
    root.destroyForcibly();
    all.forEach(ProcessHandle::destroyForcibly);
  }

  /** One output stream of a job: masked lines into the store (in small batches) and the live log. */
  private final class LogPipe extends Thread {
    private final String jobId;
    private final String jobName;
    private final String stream;
    private final InputStream in;
    private final LineMasker lines;
    private final LogBudget budget;
    private final List<String> batch = new ArrayList<>();
    private volatile String lastLine;

    LogPipe(String jobId, String jobName, String stream, LogMasker masker, LogBudget budget, InputStream in) {
      super("hallmark-log-" + stream);
      setDaemon(true);
      this.jobId = jobId;
      this.jobName = jobName;
      this.stream = stream;
      this.in = in;
      this.budget = budget;
      this.lines = new LineMasker(masker, this::line, MAX_LINE, MAX_LINE_TOTAL);
    }

    private void line(String masked) {
      switch (budget.admit(masked)) {
        case KEEP -> keep(masked);
        case TRUNCATE -> keep(budget.marker());
        case DROP -> { }
      }
    }

    private void keep(String masked) {
      settings.liveLog().accept("[" + jobName + "] " + masked);
      if (!masked.isBlank()) {
        lastLine = masked;
      }
      boolean full;
      synchronized (batch) {
        batch.add(masked);
        full = batch.size() >= 64;
      }
      if (full) {
        flush();
      }
    }

    /** Stores the held lines, in order (the pipe thread and the flusher both call it). */
    void flush() {
      synchronized (batch) {
        if (!batch.isEmpty()) {
          try {
            orchestrator.appendLog(jobId, stream, List.copyOf(batch));
          } catch (RuntimeException e) {
            // the store is closing: these lines are lost with it, the job is failed on restart
          }
          batch.clear();
        }
      }
    }

    @Override
    public void run() {
      pipes.add(this);
      try {
        lines.pump(in, budget::isExceeded);
        // Past the budget: still read everything, so a job writing on is never blocked on a full
        // pipe (it runs on to its end and fails there), but neither mask nor keep it.
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        if (!budget.isExceeded()) {
          lines.finish();
        }
      } finally {
        pipes.remove(this);
        flush();
      }
    }

    /** Waits for the rest of the output; a background child holding the pipe open is cut off. */
    void finish() throws InterruptedException {
      join(5000);
      if (isAlive()) {
        try {
          in.close();
        } catch (IOException e) {
          // closing is all we can do
        }
        join(2000);
      }
    }

    String lastLine() {
      return lastLine;
    }
  }
}
