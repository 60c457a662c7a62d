package dev.hallmark.orchestrator;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.attest.RequestedSubject;
import dev.hallmark.orchestrator.runner.Git;
import dev.hallmark.orchestrator.runner.LogLimits;
import dev.hallmark.orchestrator.runner.Runner;
import dev.hallmark.orchestrator.runner.Sandbox;
import dev.hallmark.orchestrator.runner.SdkJar;
import dev.hallmark.orchestrator.runner.WorkspaceFiles;
import dev.hallmark.orchestrator.store.StoredAttestation;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code hallmark run <dir>}: an embedded orchestrator runs every workflow of {@code dir}'s commit
 * and writes bundles, artifacts and the trust-root file into an output folder.
 *
 * <p>Naming: for a git work tree (a folder holding {@code .git}) the commit is HEAD (a dirty tree,
 * untracked files included, is refused, naming the paths; the output folder, when it lies inside
 * the tree, does not count: jobs check the commit out, so it never reaches a build), {@code ref}
 * is the current branch ({@code refs/heads/<b>}) or {@code --ref}, and {@code repository} is the path of the {@code origin} remote without
 * {@code .git} (e.g. {@code acme/app} for {@code git@github.com:acme/app.git}) or else the folder
 * name. A plain folder is snapshotted into a fresh repository with a fixed author, committer and
 * date (so the same files give the same sha), ref {@code refs/heads/main}, repository
 * {@code local/<folder name>}.
 *
 * <p>Declared secrets: jobs receive those the data folder's {@code secrets/} holds for the
 * repository name above ({@code hallmark secret set}); a name without {@code /} has none.
 *
 * <p>Issuer identity: the data folder keeps the issuer keys and one issuer string, chosen on first
 * use as {@code http://127.0.0.1:<free port>/oidc}. Later runs listen on that port when it is free
 * and on any port otherwise; tokens always carry the stored issuer, so every bundle the data folder
 * ever signed verifies against its newest trust-root file (which is what {@code run} writes).
 */
public final class LocalRun {
  static final String SNAPSHOT_NAME = "Hallmark snapshot";
  static final String SNAPSHOT_EMAIL = "snapshot@hallmark.invalid";
  static final String SNAPSHOT_DATE = "@0 +0000";
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PUBLIC =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

  /** What a run wrote; {@code succeeded} decides the exit status. */
  public record Result(boolean succeeded, String repository, String ref, String sha, List<Path> bundles,
      List<Path> artifacts, Path trustRoot) {}

  private final Path dir;
  private final String refOverride;
  private final Path out;
  private final Path data;
  private final PrintWriter log;
  private int attestRate = 1000;
  private boolean unsafeNoSandbox;
  private java.time.Duration compileTimeout = Runner.COMPILE_TIMEOUT;
  private String verifier = "hallmark";
  private boolean verifierIsBare = true;
  private LogLimits logLimits = LogLimits.defaults();
  private dev.hallmark.orchestrator.log.LogSettings logSettings = dev.hallmark.orchestrator.log.LogSettings.defaults();

  public LocalRun(Path dir, String refOverride, Path out, Path data, PrintWriter log) {
    this.dir = requireNonNull(dir, "dir").toAbsolutePath().normalize();
    this.refOverride = refOverride;
    this.out = requireNonNull(out, "out").toAbsolutePath().normalize();
    this.data = requireNonNull(data, "data").toAbsolutePath().normalize();
    this.log = requireNonNull(log, "log");
  }

  /** Attestations per second and job (burst 2×); default 1,000. */
  public LocalRun attestRate(int perSecond) {
    this.attestRate = perSecond;
    return this;
  }

  /** Runs jobs without the bubblewrap sandbox ({@code --unsafe-no-sandbox}); every run records it. */
  public LocalRun unsafeNoSandbox(boolean unsafe) {
    this.unsafeNoSandbox = unsafe;
    return this;
  }

  /** How long one workflow may take to compile (default 120 s; tests use less). */
  public LocalRun compileTimeout(java.time.Duration limit) {
    this.compileTimeout = limit;
    return this;
  }

  /**
   * The shell words that start the verifier in the printed "verify with" command, e.g. {@code
   * '/opt/hallmark/bin/hallmark'} (see {@link #verifierCommand(Map)}); default the bare {@code
   * hallmark}, which then comes with a note.
   */
  public LocalRun verifier(String shellWords) {
    this.verifier = requireNonNull(shellWords, "shellWords");
    this.verifierIsBare = shellWords.equals("hallmark");
    return this;
  }

  /**
   * The verifier as a command that works when pasted into a shell: the launcher that started us
   * ({@code HALLMARK_LAUNCHER}, exported by {@code bin/hallmark} with its absolute path), else
   * {@code java -jar} with the verifier jar ({@code HALLMARK_JAR}, or {@code
   * verifier-cli/target/hallmark.jar} of the build this orchestrator comes from), else the bare
   * {@code hallmark}.
   */
  public static String verifierCommand(Map<String, String> env) {
    String launcher = env.get("HALLMARK_LAUNCHER");
    if (launcher != null && !launcher.isEmpty()) {
      try {
        Path p = Path.of(launcher);
        Path normal = p.normalize();
        if (p.isAbsolute() && Files.isExecutable(normal)) {
          return shellWord(normal.toString());
        }
        if (p.isAbsolute() && Files.isExecutable(p)) {
          return shellWord(p.toString());
        }
      } catch (InvalidPathException e) {
        // not a path: fall through to the jar
      }
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Optional<Path> jar = verifierJar(env.get("HALLMARK_JAR"));
    return jar.map(j -> shellWord(java.toString()) + " -jar " + shellWord(j.toString())).orElse("hallmark");
  }

  private static Optional<Path> verifierJar(String configured) {
    try {
      if (configured != null && !configured.isEmpty()) {
        Path p = Path.of(configured).toAbsolutePath().normalize();
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
      }
      // <root>/orchestrator/target/hallmark-orchestrator.jar (or target/classes) → <root>/verifier-cli/target/hallmark.jar
      Path self = Path.of(LocalRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = self.toAbsolutePath().normalize().getParent();
      root = root == null ? null : root.getParent();
      root = root == null ? null : root.getParent();
      Path jar = root == null ? null : root.resolve("verifier-cli/target/hallmark.jar");
      return jar != null && Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    } catch (RuntimeException | java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** {@code s} as one shell word: as it is when it holds only safe characters, else single-quoted. */
  static String shellWord(String s) {
    if (PLAIN_WORD.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** How much of each job's output is kept (default {@link LogLimits#defaults()}). */
  public LocalRun logLimits(LogLimits limits) {
    this.logLimits = requireNonNull(limits, "limits");
    return this;
  }

  /** The transparency log's witnesses and quorum (default: none, {@code quorum none}). */
  public LocalRun log(dev.hallmark.orchestrator.log.LogSettings settings) {
    this.logSettings = requireNonNull(settings, "settings");
    return this;
  }

  /** The default data folder: {@code ${XDG_DATA_HOME:-~/.local/share}/hallmark/run}. */
  public static Path defaultDataDir() {
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("hallmark").resolve("run");
  }

  public Result execute() {
    if (!Files.isDirectory(dir)) {
      throw new OrchestratorException(Code.INVALID_INPUT, dir + " is not a folder");
    }
    if (refOverride != null && !refOverride.startsWith("refs/")) {
      throw new OrchestratorException(Code.INVALID_INPUT, "--ref must be a full ref such as refs/heads/main, not " + refOverride);
    }
    // Checked before anything is written: no sandbox, no run (unless the caller said unsafe).
    Sandbox sandbox = unsafeNoSandbox ? Sandbox.unsafeNone() : Sandbox.probe();
    Path workRoot = data.resolve("work");
    Orchestrator.Config config = Orchestrator.Config.defaults(data).withRate(attestRate, 2.0 * attestRate).withLog(logSettings);
    Orchestrator.createDataDir(data); // owner-only, before anything is written into it
    Path sdkJar = SdkJar.locate(data);
    Source source = Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS) ? gitSource(workRoot) : snapshot(workRoot);
    String issuer = issuer();
    int port = URI.create(issuer).getPort();
    try (Orchestrator o = Orchestrator.start(config.withPort(isFree(port) ? port : 0).withIssuerUrl(issuer))) {
      int interrupted = o.failInterrupted();
      if (interrupted > 0) {
        log.println("hallmark: marked " + interrupted + " job(s) of an earlier, interrupted run failed");
      }
      o.registerRepository(source.repository, dir.toString(), "file://" + dir);
      Map<String, List<RequestedSubject>> requested = new ConcurrentHashMap<>();
      o.onAttested((jobId, storageKey, subjects) -> requested.put(storageKey, subjects));
      log.println("hallmark: running " + source.repository + " " + source.ref + " " + source.sha);
      log.flush();
      Runner runner = new Runner(o, new Runner.Settings(sdkJar, workRoot, 2,
          dev.hallmark.orchestrator.secret.DeclaredSecrets.in(data), line -> {
        log.println(line);
        log.flush();
      }, logLimits).withCompileCache(data.resolve("compile-cache")), sandbox.hiding(data), compileTimeout);
      // Ctrl-C or SIGTERM: the job processes end with us.
      Thread stopJobs = new Thread(runner::close, "hallmark-stop-jobs");
      Runtime.getRuntime().addShutdownHook(stopJobs);
      List<Runner.RunOutcome> runs = List.of();
      try {
        runs = runner.runAll(source.repository, source.cloneSource.toString(), source.ref, source.sha);
        return writeOutputs(o, source, runs, requested);
      } finally {
        for (Runner.RunOutcome r : runs) {
          deleteTree(r.workDir().getParent());
        }
        if (source.temporary) {
          deleteTree(source.cloneSource);
        }
        runner.close();
        try {
          Runtime.getRuntime().removeShutdownHook(stopJobs);
        } catch (IllegalStateException e) {
          // already shutting down: the hook runs anyway
        }
      }
    }
  }

  private Result writeOutputs(Orchestrator o, Source source, List<Runner.RunOutcome> runs,
      Map<String, List<RequestedSubject>> requested) {
    createOut();
    OutputLayout layout = new OutputLayout(out);
    List<Path> bundles = new ArrayList<>();
    List<Path> artifacts = new ArrayList<>();
    boolean ok = true;
    Path trustRoot = layout.reserve("trust-root.json");
    writeFile(trustRoot, o.trustRootFile());
    String expect = " --trust-root " + shellWord(trustRoot.toString()) + " --repository " + shellWord(source.repository)
        + " --ref " + shellWord(source.ref) + " --sha " + source.sha;
    boolean printed = false;
    for (Runner.RunOutcome run : runs) {
      ok &= run.isSucceeded();
      log.println("hallmark: run " + run.run().id() + " (" + run.run().workflowPath() + ") " + run.status()
          + (run.reason() == null ? "" : ": " + run.reason()));
      for (StoredAttestation a : o.store().attestationsOfRun(run.run().id())) {
        String bundleName;
        try {
          bundleName = Subject.fileName(a.subjectName()) + ".hallmark.json";
        } catch (AttestationException e) {
          log.println("hallmark: subject " + a.subjectName() + " has no usable file name; bundle " + a.storageKey() + " not written");
          continue;
        }
        byte[] bundle = o.store().bundle(a.storageKey()).orElseThrow().bytes();
        Path workspace = run.jobs().stream().filter(j -> j.jobId().equals(a.jobId()) && j.workspace() != null)
            .map(Runner.JobOutcome::workspace).findFirst().orElse(null);
        // Every subject attested by path is copied, from the file its SDK hashed (re-checked here);
        // a subject attested by digest never is, whatever the workspace holds under its name.
        List<String> names = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        List<RequestedSubject> digestOnly = new ArrayList<>();
        for (RequestedSubject r : requested.getOrDefault(a.storageKey(), List.of())) {
          if (!r.isFile()) {
            digestOnly.add(r);
            continue;
          }
          String name;
          try {
            name = Subject.fileName(r.subject().name());
          } catch (AttestationException e) {
            log.println("hallmark: subject " + r.subject().name() + " has no usable file name; its file is not copied");
            continue;
          }
          Optional<Path> file = workspace == null ? Optional.empty()
              : workspaceFile(workspace, r.path(), r.subject().sha256());
          if (file.isEmpty()) {
            log.println("hallmark: " + r.subject().name() + " is not copied: the job's workspace holds no regular file "
                + "with the attested digest at the path it was hashed from");
            continue;
          }
          names.add(name);
          sources.add(file.get());
        }
        List<OutputLayout.Group> groups = layout.place(bundleName, names);
        Path firstBundle = null;
        for (OutputLayout.Group g : groups) {
          createFolder(g.bundle().getParent());
          writeFile(g.bundle(), bundle);
          bundles.add(g.bundle());
          firstBundle = firstBundle == null ? g.bundle() : firstBundle;
          for (Map.Entry<Integer, Path> e : g.artifacts().entrySet()) {
            copyFile(workspace, sources.get(e.getKey()), e.getValue());
            artifacts.add(e.getValue());
            log.println("hallmark: verify with: " + verifier + " verify-attestation " + shellWord(e.getValue().toString())
                + " --bundle " + shellWord(g.bundle().toString()) + expect);
            printed = true;
          }
        }
        for (RequestedSubject r : digestOnly) {
          log.println("hallmark: " + r.subject().name() + " was attested by digest, not copied; verify it where it is: "
              + verifier + " verify-attestation --digest sha256:" + r.subject().sha256() + " --bundle "
              + shellWord(firstBundle.toString()) + expect);
          printed = true;
        }
        if (groups.stream().allMatch(g -> g.artifacts().isEmpty()) && digestOnly.isEmpty()) {
          log.println("hallmark: wrote " + firstBundle + " (no attested file to copy; verify its artifact where it is, with --sha "
              + source.sha + ")");
        }
      }
    }
    if (printed && verifierIsBare) {
      log.println("hallmark: (hallmark is bin/hallmark of your Hallmark build; or run the verifier jar: java -jar "
          + "verifier-cli/target/hallmark.jar)");
    }
    log.println("hallmark: " + (ok ? "run succeeded" : "run failed") + "; output in " + out);
    log.flush();
    return new Result(ok, source.repository, source.ref, source.sha, bundles, artifacts, trustRoot);
  }

  /** {@code out/name}, refusing anything that would land elsewhere (FORMATS §3 file-name rule). */
  Path inside(String name) {
    return OutputLayout.inside(out, name);
  }

  /**
   * The file a path subject was hashed from: {@code relativePath} (the job's word, so checked)
   * inside the workspace, reached through no symbolic link, a regular file, with the attested
   * digest.
   */
  static Optional<Path> workspaceFile(Path workspace, String relativePath, String sha256) {
    Path ws = workspace.toAbsolutePath().normalize();
    Path rel;
    try {
      rel = Path.of(relativePath);
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    Path file = ws.resolve(rel).normalize();
    if (rel.isAbsolute() || !file.startsWith(ws) || file.equals(ws)) {
      return Optional.empty();
    }
    // Opened by a walk that follows no symbolic link on any part of the path, as the copy opens it.
    return digestIs(ws, file, sha256) ? Optional.of(file) : Optional.empty();
  }

  private static boolean digestIs(Path workspace, Path p, String sha256) {
    try (java.io.InputStream in = WorkspaceFiles.openRegularFile(workspace, workspace.relativize(p).toString())) {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest()).equals(sha256);
    } catch (IOException | RuntimeException | java.security.NoSuchAlgorithmException e) {
      return false;
    }
  }

  private record Source(String repository, String ref, String sha, Path cloneSource, boolean temporary) {}

  /**
   * A git work tree: HEAD's commit, copied into a repository of our own that the runner then
   * clones from. In the user's repository only plumbing runs (the orchestrator may be root and the
   * folder anyone's; see {@link Git}); the uncommitted-changes check compares the user's files with
   * that commit from our repository, so the folder's own {@code .git/config} (monitor, filters,
   * hooks) is never acted on.
   */
  private Source gitSource(Path workRoot) {
    String sha = Git.run(dir, "rev-parse", "--verify", "HEAD^{commit}");
    String ref = refOverride;
    if (ref == null) {
      try {
        ref = Git.run(dir, "symbolic-ref", "-q", "HEAD");
      } catch (OrchestratorException e) {
        throw new OrchestratorException(Code.INVALID_INPUT, "HEAD of " + dir + " is detached; name the ref with --ref");
      }
    }
    String repository = dir.getFileName().toString();
    try {
      String origin = Git.run(dir, "remote", "get-url", "origin");
      repository = repositoryOf(origin).orElse(repository);
    } catch (OrchestratorException e) {
      // no origin: the folder name
    }
    String exclude = Git.run(dir, "rev-parse", "--git-path", "info/exclude");
    Path copy;
    try {
      Files.createDirectories(workRoot);
      copy = Files.createTempDirectory(workRoot, "source-");
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot create a copy of the repository under " + workRoot);
    }
    try {
      Git.run(copy, "init", "--quiet", "--initial-branch=main");
      Git.run(copy, "fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--", dir.toString(), "HEAD");
      String fetched = Git.run(copy, "rev-parse", "--verify", "FETCH_HEAD^{commit}");
      if (!fetched.equals(sha)) {
        throw new OrchestratorException(Code.CONFLICT, "HEAD of " + dir + " moved while hallmark read it; run again");
      }
      Git.run(copy, "update-ref", "refs/heads/main", sha);
      // Our index of that commit against the user's files: every file is compared by content
      // (there is no stat data to trust), with the user's ignore rules but our configuration.
      // Submodules are left alone (git status would run in each, under its own configuration):
      // a run attests the commit's gitlinks and never checks submodules out.
      String workTree = "--work-tree=" + dir;
      Git.run(copy, workTree, "read-tree", sha);
      List<String> args = new ArrayList<>(List.of("-c", "core.excludesFile=" + dir.resolve(exclude), workTree,
          "status", "--porcelain=v2", "-z", "--untracked-files=all", "--ignore-submodules=all"));
      // The output folder, when inside the tree, is left out: the run writes there, and jobs check
      // the commit out, so it never reaches a build. (Only an exclusion: git then takes the rest.)
      outInsideTree().ifPresent(rel -> args.addAll(List.of("--", ":(top,exclude,literal)" + rel)));
      List<String> changed = changedPaths(Git.run(copy, args.toArray(String[]::new)));
      if (!changed.isEmpty()) {
        int shown = Math.min(changed.size(), 10);
        String names = String.join(", ", changed.subList(0, shown).stream().map(LocalRun::printable).toList())
            + (changed.size() > shown ? " and " + (changed.size() - shown) + " more" : "");
        throw new OrchestratorException(Code.CONFLICT,
            dir + " has uncommitted changes (" + names + "); commit or stash them first (hallmark run attests a commit)");
      }
      return new Source(repository, ref, sha, copy, true);
    } catch (RuntimeException e) {
      deleteTree(copy);
      throw e;
    }
  }

  /** The paths of a {@code git status --porcelain=v2 -z} answer: changed and untracked. */
  private static List<String> changedPaths(String status) {
    List<String> paths = new ArrayList<>();
    String[] records = status.split("\0");
    for (int i = 0; i < records.length; i++) {
      String r = records[i];
      if (r.isEmpty()) {
        continue;
      }
      // porcelain v2: "1 XY sub mH mI mW hH hI path", "2 … score path" then the origin path,
      // "u XY sub m1 m2 m3 mW h1 h2 h3 path", "? path"
      int fields = switch (r.charAt(0)) {
        case '1' -> 8;
        case '2' -> 9;
        case 'u' -> 10;
        default -> 1;
      };
      String[] parts = r.split(" ", fields + 1);
      paths.add(parts[parts.length - 1]);
      if (r.charAt(0) == '2') {
        i++; // the rename's origin
      }
    }
    return paths;
  }

  /** The output folder relative to the work tree ({@code /}-separated), when it lies strictly inside it. */
  private Optional<String> outInsideTree() {
    Path tree = realOrSelf(dir);
    Path target = realOrSelf(out);
    if (!target.startsWith(tree) || target.equals(tree)) {
      return Optional.empty();
    }
    return Optional.of(tree.relativize(target).toString().replace(java.io.File.separatorChar, '/'));
  }

  /** The real path of {@code p}'s nearest existing ancestor, with the rest of {@code p} after it. */
  private static Path realOrSelf(Path p) {
    Path existing = p;
    Path rest = Path.of("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    try {
      return existing == null ? p : existing.toRealPath().resolve(rest).normalize();
    } catch (IOException e) {
      return p;
    }
  }

  private static String printable(String s) {
    String p = s.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    return p.length() > 200 ? p.substring(0, 200) + "…" : p;
  }

  /** {@code acme/app} from {@code https://host/acme/app.git}, {@code git@host:acme/app.git} or a path. */
  static Optional<String> repositoryOf(String url) {
    String u = url.strip();
    int scheme = u.indexOf("://");
    String path;
    if (scheme >= 0) {
      String rest = u.substring(scheme + 3);
      int slash = rest.indexOf('/');
      path = slash < 0 ? "" : rest.substring(slash + 1);
    } else if (u.matches("[^/]+@[^/:]+:.*")) {
      path = u.substring(u.indexOf(':') + 1);
    } else {
      path = u;
    }
    path = path.replaceAll("/+$", "").replaceAll("\\.git$", "");
    String[] parts = path.split("/");
    List<String> segs = new ArrayList<>();
    for (String s : parts) {
      if (!s.isEmpty() && !s.equals(".") && !s.equals("..")) {
        segs.add(s);
      }
    }
    if (segs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(segs.size() == 1 ? segs.get(0) : segs.get(segs.size() - 2) + "/" + segs.get(segs.size() - 1));
  }

  private Source snapshot(Path workRoot) {
    String folder = dir.getFileName() == null ? "root" : dir.getFileName().toString();
    Path repo;
    try {
      Files.createDirectories(workRoot);
      repo = Files.createTempDirectory(workRoot, "snapshot-");
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot create a snapshot under " + workRoot);
    }
    Map<String, String> env = Map.of("GIT_AUTHOR_NAME", SNAPSHOT_NAME, "GIT_AUTHOR_EMAIL", SNAPSHOT_EMAIL,
        "GIT_AUTHOR_DATE", SNAPSHOT_DATE, "GIT_COMMITTER_NAME", SNAPSHOT_NAME, "GIT_COMMITTER_EMAIL", SNAPSHOT_EMAIL,
        "GIT_COMMITTER_DATE", SNAPSHOT_DATE);
    String gitDir = "--git-dir=" + repo.resolve(".git");
    String workTree = "--work-tree=" + dir;
    Git.run(repo, "init", "--quiet", "--initial-branch=main");
    Git.run(repo, env, gitDir, workTree, "add", "--all", "--", ".");
    String staged = Git.run(repo, gitDir, workTree, "ls-files");
    if (staged.isEmpty()) {
      deleteTree(repo);
      throw new OrchestratorException(Code.INVALID_INPUT, dir + " holds no files to run");
    }
    Git.run(repo, env, gitDir, workTree, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify",
        "-m", "hallmark run snapshot of " + folder);
    String sha = Git.run(repo, gitDir, "rev-parse", "HEAD");
    String ref = refOverride != null ? refOverride : "refs/heads/main";
    return new Source("local/" + folder, ref, sha, repo, true);
  }

  /** The stored issuer string, chosen once (see the class description); the same file as serve's. */
  private String issuer() {
    Optional<RecordedIssuer> recorded = RecordedIssuer.read(data);
    if (recorded.isPresent()) {
      if (recorded.get().port() <= 0) {
        throw new OrchestratorException(Code.CONFIG, data.resolve(RecordedIssuer.FILE)
            + " does not hold an issuer URL with a port");
      }
      return recorded.get().issuerUrl();
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    } catch (IOException e) {
      throw new OrchestratorException(Code.START_FAILED, "cannot find a free loopback port: " + e.getMessage());
    }
    RecordedIssuer chosen = new RecordedIssuer("http://127.0.0.1:" + port + "/oidc", RecordedIssuer.Origin.LISTEN_ADDRESS);
    chosen.write(data);
    return chosen.issuerUrl();
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void createOut() {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot create the output folder " + out);
    }
  }

  /** A sub-folder of the output folder for names that collide (see {@link OutputLayout}); never through a link. */
  private void createFolder(Path folder) {
    if (folder.equals(out)) {
      return;
    }
    try {
      if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(folder);
      }
      if (!Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
        throw new IOException("not a folder");
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot create the output folder " + folder + ": " + e.getMessage());
    }
  }

  private static void writeFile(Path target, byte[] bytes) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), ".hallmark", ".tmp");
      Files.write(tmp, bytes);
      Files.setPosixFilePermissions(tmp, PUBLIC); // bundles and trust roots are public
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot write " + target + ": " + e.getMessage());
    }
  }

  /** Copies {@code from} (inside {@code workspace}) as what it is: opened without following any link. */
  private static void copyFile(Path workspace, Path from, Path target) {
    Path ws = workspace.toAbsolutePath().normalize();
    try (java.io.InputStream in = WorkspaceFiles.openRegularFile(ws, ws.relativize(from).toString())) {
      Path tmp = Files.createTempFile(target.getParent(), ".hallmark", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(tmp, PUBLIC);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot copy the artifact to " + target + ": " + e.getMessage());
    }
  }

  /** Best effort, never following a link (a job's workspace may hold any): see {@link WorkspaceFiles#deleteTree}. */
  static void deleteTree(Path root) {
    WorkspaceFiles.deleteTree(root);
  }
}
