package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.orchestrator.Orchestrator;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.store.StoredAttestation;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code hallmark run <dir>}: an embedded orchestrator runs every workflow of {@code dir}'s commit
 * and writes bundles, artifacts and the trust-root file into an output folder.
 *
 * <p>Naming: for a git work tree (a folder holding {@code .git}) the commit is HEAD (a dirty tree,
 * untracked files included, is refused), {@code ref} is the current branch ({@code refs/heads/<b>})
 * or {@code --ref}, and {@code repository} is the path of the {@code origin} remote without
 * {@code .git} (e.g. {@code acme/app} for {@code git@github.com:acme/app.git}) or else the folder
 * name. A plain folder is snapshotted into a fresh repository with a fixed author, committer and
 * date (so the same files give the same sha), ref {@code refs/heads/main}, repository
 * {@code local/<folder name>}.
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

  /** The default data folder: {@code ${XDG_DATA_HOME:-~/.local/share}/hallmark/run}. */
  public static Path defaultDataDir() {
    String xdg = System.getenv("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("hallmark").resolve("run");
  }

  public Result execute() {
    if (!Files.isDirectory(dir)) {
      throw new OrchestratorException(Code.BAD_REQUEST, dir + " is not a folder");
    }
    if (refOverride != null && !refOverride.startsWith("refs/")) {
      throw new OrchestratorException(Code.BAD_REQUEST, "--ref must be a full ref such as refs/heads/main, not " + refOverride);
    }
    Path workRoot = data.resolve("work");
    Orchestrator.Config config = Orchestrator.Config.defaults(data).withRate(attestRate, 2.0 * attestRate);
    Orchestrator.createDataDir(data); // owner-only, before anything is written into it
    Path sdkJar = SdkJar.locate(data);
    WorkflowCompiler.warmUpInBackground(sdkJar); // beside the snapshot and the orchestrator's start
    Source source = Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS) ? gitSource(workRoot) : snapshot(workRoot);
    String issuer = issuer();
    int port = URI.create(issuer).getPort();
    try (Orchestrator o = Orchestrator.start(config.withPort(isFree(port) ? port : 0).withIssuerUrl(issuer))) {
      int interrupted = o.failInterrupted();
      if (interrupted > 0) {
        log.println("hallmark: marked " + interrupted + " job(s) of an earlier, interrupted run failed");
      }
      o.registerRepository(source.repository, dir.toString(), "file://" + dir);
      log.println("hallmark: running " + source.repository + " " + source.ref + " " + source.sha);
      log.flush();
      Runner runner = new Runner(o, new Runner.Settings(sdkJar, workRoot, 2, java.util.Set.of(), line -> {
        log.println(line);
        log.flush();
      }));
      // Ctrl-C or SIGTERM: the job processes end with us.
      Thread stopJobs = new Thread(runner::close, "hallmark-stop-jobs");
      Runtime.getRuntime().addShutdownHook(stopJobs);
      List<Runner.RunOutcome> runs = List.of();
      try {
        runs = runner.runAll(source.repository, source.cloneSource.toString(), source.ref, source.sha);
        return writeOutputs(o, source, runs);
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

  private Result writeOutputs(Orchestrator o, Source source, List<Runner.RunOutcome> runs) {
    createOut();
    List<Path> bundles = new ArrayList<>();
    List<Path> artifacts = new ArrayList<>();
    boolean ok = true;
    Path trustRoot = inside("trust-root.json");
    writeFile(trustRoot, o.trustRootFile());
    for (Runner.RunOutcome run : runs) {
      ok &= run.isSucceeded();
      log.println("hallmark: run " + run.run().id() + " (" + run.run().workflowPath() + ") " + run.status()
          + (run.reason() == null ? "" : ": " + run.reason()));
      for (StoredAttestation a : o.store().attestationsOfRun(run.run().id())) {
        String name;
        try {
          name = Subject.fileName(a.subjectName());
        } catch (AttestationException e) {
          log.println("hallmark: subject " + a.subjectName() + " has no usable file name; bundle " + a.storageKey() + " not written");
          continue;
        }
        byte[] bundle = o.store().bundle(a.storageKey()).orElseThrow().bytes();
        Path bundleFile = inside(name + ".hallmark.json");
        writeFile(bundleFile, bundle);
        bundles.add(bundleFile);
        Path artifact = inside(name);
        Optional<Path> found = run.jobs().stream().filter(j -> a.jobId().equals(j.jobId()) && j.workspace() != null)
            .findFirst().flatMap(j -> findArtifact(j.workspace(), a.subjectName(), a.subjectSha256()));
        if (found.isPresent()) {
          copyFile(found.get(), artifact);
          artifacts.add(artifact);
          log.println("hallmark: verify with: hallmark verify-attestation " + artifact + " --bundle " + bundleFile
              + " --trust-root " + trustRoot + " --repository " + source.repository + " --ref " + source.ref
              + " --sha " + source.sha);
        } else {
          log.println("hallmark: wrote " + bundleFile + " (the artifact " + a.subjectName()
              + " is not a file in the job's workspace; verify it where it is, with --sha " + source.sha + ")");
        }
      }
    }
    log.println("hallmark: " + (ok ? "run succeeded" : "run failed") + "; output in " + out);
    log.flush();
    return new Result(ok, source.repository, source.ref, source.sha, bundles, artifacts, trustRoot);
  }

  /** {@code out/name}, refusing anything that would land elsewhere (FORMATS §3 file-name rule). */
  Path inside(String name) {
    Path p = out.resolve(name).normalize();
    if (name.isEmpty() || name.contains("/") || name.contains("\0") || !out.equals(p.getParent())) {
      throw new OrchestratorException(Code.BAD_REQUEST, "refusing to write " + name + " outside " + out);
    }
    return p;
  }

  /**
   * The attested file in the job's workspace: the subject name as a path, else any regular file
   * with the subject's digest; never a symbolic link or a file outside the workspace.
   */
  static Optional<Path> findArtifact(Path workspace, String subjectName, String sha256) {
    Path ws = workspace.toAbsolutePath().normalize();
    Path direct = ws.resolve(subjectName).normalize();
    if (direct.startsWith(ws) && isPlainFile(direct) && digestIs(direct, sha256)) {
      return Optional.of(direct);
    }
    try (Stream<Path> s = Files.walk(ws)) {
      return s.filter(p -> !ws.relativize(p).startsWith(".git"))
          .filter(LocalRun::isPlainFile)
          .limit(10_000)
          .filter(p -> digestIs(p, sha256))
          .findFirst();
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  private static boolean isPlainFile(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean digestIs(Path p, String sha256) {
    try {
      return Sha256.hex(Sha256.of(p, n -> {})).equals(sha256);
    } catch (RuntimeException e) {
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
        throw new OrchestratorException(Code.BAD_REQUEST, "HEAD of " + dir + " is detached; name the ref with --ref");
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
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot create a copy of the repository under " + workRoot);
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
      String status = Git.run(copy, "-c", "core.excludesFile=" + dir.resolve(exclude), workTree,
          "status", "--porcelain", "--untracked-files=normal", "--ignore-submodules=all");
      if (!status.isEmpty()) {
        throw new OrchestratorException(Code.CONFLICT,
            dir + " has uncommitted changes; commit or stash them first (hallmark run attests a commit)");
      }
      return new Source(repository, ref, sha, copy, true);
    } catch (RuntimeException e) {
      deleteTree(copy);
      throw e;
    }
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
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot create a snapshot under " + workRoot);
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
      throw new OrchestratorException(Code.BAD_REQUEST, dir + " holds no files to run");
    }
    Git.run(repo, env, gitDir, workTree, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify",
        "-m", "hallmark run snapshot of " + folder);
    String sha = Git.run(repo, gitDir, "rev-parse", "HEAD");
    String ref = refOverride != null ? refOverride : "refs/heads/main";
    return new Source("local/" + folder, ref, sha, repo, true);
  }

  /** The stored issuer string, chosen once (see the class description). */
  private String issuer() {
    Path file = data.resolve("issuer");
    try {
      if (Files.exists(file)) {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        URI u = URI.create(s);
        if (u.getPort() > 0) {
          return s;
        }
        throw new OrchestratorException(Code.BAD_REQUEST, file + " does not hold an issuer URL with a port");
      }
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      String s = "http://127.0.0.1:" + port + "/oidc";
      Path tmp = data.resolve("issuer.tmp-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)));
      Files.writeString(tmp, s + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return s;
    } catch (IOException | IllegalArgumentException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot read or create the issuer file " + file + ": " + e.getMessage());
    }
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
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot create the output folder " + out);
    }
  }

  private static void writeFile(Path target, byte[] bytes) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), ".hallmark", ".tmp");
      Files.write(tmp, bytes);
      Files.setPosixFilePermissions(tmp, PUBLIC); // bundles and trust roots are public
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot write " + target + ": " + e.getMessage());
    }
  }

  private static void copyFile(Path from, Path target) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), ".hallmark", ".tmp");
      Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(tmp, PUBLIC);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot copy the artifact to " + target + ": " + e.getMessage());
    }
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a leftover workspace is only disk space
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }
}
