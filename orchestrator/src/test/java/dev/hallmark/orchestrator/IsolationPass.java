package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hallmark.orchestrator.runner.JobUsers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The two passes of the isolation suite (JobIsolationIT, CapabilityLeakIT, SandboxIT): each probe
 * runs the packaged jar's {@code hallmark run} as a child process, once with the orchestrator as
 * root ({@link #ROOT}: jobs get uids of their own through {@code setpriv}, then the sandbox) and
 * once as an ordinary user ({@link #UNPRIVILEGED}: jobs run as that user, so the sandbox alone
 * hides the data folder, the job folders and the orchestrator's home). A failure names its pass:
 * each probe is two test methods, {@code …AsRoot} and {@code …AsAnOrdinaryUser}, and every
 * assertion message starts with the pass ({@link #says}: "[as root] …", "[as an ordinary user] …").
 *
 * <p>When the tests run as root (CI: {@code ./scripts/test}), the ordinary user is
 * {@link #USER}, a uid with no passwd entry outside the job uid range, reached with
 * {@code setpriv --reuid --regid --clear-groups}; it owns the folders it is given (HOME, data,
 * output, the workflow's folder). When they do not (a developer's machine), the test's own user is
 * the ordinary user and the root pass is skipped by a JUnit assumption that says why.
 *
 * <p>Why child processes of the packaged jar, and not a second Maven pass of the tests as a system
 * user: the orchestrator under test must be the one that runs jobs as the given uid, and only a
 * process can change its uid. The packaged jar (one file, world-readable, bundling the SDK) and the
 * JDK are all the ordinary user needs to read; a second Maven pass would also need {@code ~/.m2}
 * (under root's 0700 home) and the build output readable and writable by it, and a user account
 * created on the machine. Where the jar is not reachable by other users (a clone under
 * {@code /root}), a copy in a world-readable temporary folder is used.
 *
 * <pre>{@code
 * @Test void probeAsRoot() throws Exception { probe(IsolationPass.ROOT); }
 * @Test void probeAsAnOrdinaryUser() throws Exception { probe(IsolationPass.UNPRIVILEGED); }
 *
 * private void probe(IsolationPass pass) throws Exception {
 *   pass.assumeAvailable();
 *   IsolationPass.Folders f = pass.folders(tmp.resolve("orchestrator"));
 *   IsolationPass.Result r = pass.run(f, pass.handOver(workflowFolder));
 *   assertEquals(0, r.exit(), pass.says(r.out()));
 * }
 * }</pre>
 */
public enum IsolationPass {
  ROOT("as root"),
  UNPRIVILEGED("as an ordinary user");

  /** No passwd entry, outside the job uid range: the ordinary user running the orchestrator as root's tests see it. */
  public static final int USER = 1_899_990_001;
  /** The orchestrator's environment in both passes: nothing of the test JVM's (root's PATH, XDG folders). */
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final String label;

  IsolationPass(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }

  /** {@code message} prefixed with this pass, so an assertion failure says which pass failed. */
  public String says(String message) {
    return "[" + label + "] " + message;
  }

  /** Skips the root pass, with the reason in the test report, when the tests do not run as root. */
  public void assumeAvailable() {
    if (this == ROOT) {
      assumeTrue(JobUsers.isRoot(), "the root pass needs the tests to run as root (as CI does); "
          + "only the ordinary-user pass runs here");
    }
  }

  /** The pass the tests' own user makes: root's, or an ordinary user's (for probes that need no second pass). */
  public static IsolationPass ofTestUser() {
    return JobUsers.isRoot() ? ROOT : UNPRIVILEGED;
  }

  /** The uid the orchestrator runs as in this pass. */
  public int uid() {
    if (this == ROOT) {
      return 0;
    }
    return JobUsers.isRoot() ? USER : testUid();
  }

  /** True when this pass starts the orchestrator as a user other than the test's (root's tests, ordinary pass). */
  boolean switchesUser() {
    return this == UNPRIVILEGED && JobUsers.isRoot();
  }

  /** One orchestrator's folders: HOME (holding {@code secret.txt}), the data folder and the output folder. */
  public record Folders(Path base, Path home, Path data, Path out) {
    public Path homeSecret() {
      return home.resolve("secret.txt");
    }
  }

  public record Result(int exit, String out) {}

  /**
   * Creates {@code base} with an orchestrator's HOME (its {@code secret.txt} world-readable, so only
   * the sandbox keeps a job from it); data and output folders are left for the orchestrator to
   * create. All of it belongs to this pass's user, and every folder above it is traversable.
   */
  public Folders folders(Path base) throws IOException {
    Path home = Files.createDirectories(base.resolve("home"));
    Path secret = Files.writeString(home.resolve("secret.txt"), "the orchestrator user's secret\n");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    handOver(base);
    return new Folders(base, home, base.resolve("data"), base.resolve("out"));
  }

  /**
   * Gives the tree at {@code path} to this pass's user (when it is not the test's) and makes every
   * folder above it traversable by it, failing with a clear line where a parent cannot be reached
   * (a {@code TMPDIR} under a 0700 home). Returns {@code path}.
   */
  public Path handOver(Path path) throws IOException {
    if (!switchesUser()) {
      return path;
    }
    try (Stream<Path> s = Files.walk(path)) {
      for (Path p : s.toList()) {
        Files.setAttribute(p, "unix:uid", USER, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", USER, LinkOption.NOFOLLOW_LINKS);
      }
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
    for (Path p = path.toRealPath().getParent(); p != null; p = p.getParent()) {
      if (p.startsWith(tmp) && !p.equals(tmp)) {
        // A JUnit temporary folder (0700): traversable, not listable, as the job folders are.
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        perms.add(PosixFilePermission.GROUP_EXECUTE);
        Files.setPosixFilePermissions(p, perms);
      }
      assertTrue(Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE),
          says("the ordinary user (uid " + USER + ") cannot traverse " + p + "; run the tests with "
              + "java.io.tmpdir (TMPDIR) in a folder every user can traverse, such as /tmp"));
    }
    return path;
  }

  /** {@code hallmark run DIR --out OUT --data DATA EXTRA…} as this pass's user, at most 240 s. */
  public Result run(Folders f, Path dir, String... extra) throws IOException, InterruptedException {
    return run(f, dir, false, extra);
  }

  /** As {@link #run(Folders, Path, String...)}, under a pseudo-terminal ({@code script}) as its controlling terminal. */
  public Result runUnderPty(Folders f, Path dir, String... extra) throws IOException, InterruptedException {
    return run(f, dir, true, extra);
  }

  private Result run(Folders f, Path dir, boolean underPty, String... extra) throws IOException, InterruptedException {
    assumeAvailable();
    List<String> cmd = new ArrayList<>(List.of(ServeProcess.java(), "-jar", Jar.PATH.toString(), "run",
        dir.toString(), "--out", f.out().toString(), "--data", f.data().toString()));
    cmd.addAll(List.of(extra));
    cmd = asThisUser(cmd);
    if (underPty) {
      cmd = List.of("/usr/bin/script", "-qfec", shellQuote(cmd), "/dev/null");
    }
    Path log = Files.createTempFile(f.base().getParent(), "run-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(f.base().toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(Map.of("PATH", PATH, "HOME", f.home().toString(), "LANG", "C.UTF-8", "TERM", "dumb"));
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(says("hallmark run did not finish within 240 s:\n" + Files.readString(log, StandardCharsets.ISO_8859_1)));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
  }

  /**
   * {@code command} as this pass's user: through {@code setpriv} when it is not the test's, with
   * no supplementary groups (root's would open root-group files to it).
   */
  public List<String> asThisUser(List<String> command) {
    if (!switchesUser()) {
      return List.copyOf(command);
    }
    List<String> as = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + USER, "--regid=" + USER,
        "--clear-groups", "--"));
    as.addAll(command);
    return as;
  }

  /** The exit status of {@code command} (run with the passes' environment, at most 30 s); its output is dropped. */
  public static int exit(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(Map.of("PATH", PATH, "LANG", "C.UTF-8"));
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 30 s");
    }
    return p.exitValue();
  }

  private static String shellQuote(List<String> cmd) {
    StringBuilder b = new StringBuilder();
    for (String c : cmd) {
      b.append('\'').append(c.replace("'", "'\\''")).append("' ");
    }
    return b.toString();
  }

  private static int testUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the test's uid from /proc/self", e);
    }
  }

  /**
   * The packaged jar, or (once per test JVM) a copy every user can read when a parent folder of the
   * checkout is not traversable by others. The JDK must be reachable as it is: jobs run with it.
   */
  private static final class Jar {
    static final Path PATH = reachable();

    private static Path reachable() {
      try {
        Path jdk = Path.of(System.getProperty("java.home")).toRealPath();
        if (JobUsers.isRoot() && !readableByOthers(jdk)) {
          throw new AssertionError("the ordinary-user pass needs a JDK every user can run; " + jdk
              + " is not (install one under /usr/lib/jvm, or point JAVA_HOME at one)");
        }
        Path jar = ServeProcess.JAR.toRealPath();
        if (!JobUsers.isRoot() || readableByOthers(jar)) {
          return jar;
        }
        Path dir = Files.createTempDirectory("hallmark-isolation-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        copy.toFile().deleteOnExit();
        dir.toFile().deleteOnExit(); // deleted after the jar (reverse order of registration)
        return copy;
      } catch (IOException e) {
        throw new IllegalStateException("cannot make the packaged jar readable by the ordinary user", e);
      }
    }

    /** Every folder above {@code p} traversable by others, and {@code p} readable by them. */
    private static boolean readableByOthers(Path p) throws IOException {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_READ)) {
        return false;
      }
      for (Path d = p.getParent(); d != null; d = d.getParent()) {
        if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      }
      return true;
    }
  }
}
