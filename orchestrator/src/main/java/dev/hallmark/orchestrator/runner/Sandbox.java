package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bubblewrap sandbox every job JVM, every {@code --describe} and every workflow compilation
 * runs in. One sandboxed process gets: a new session with no controlling terminal (no TIOCSTI into
 * the terminal that started the orchestrator); its own PID namespace, so when its first process
 * exits everything it started dies with it (daemons included) and it sees no other process; its own
 * IPC and UTS namespaces; a read-only view of the system; private, empty {@code /tmp},
 * {@code /var/tmp}, {@code /dev/shm} and {@code /run/lock}; the orchestrator's folders (data
 * folder, job folders, home) replaced by empty ones; only the folders it is given writable;
 * {@code no_new_privs} (bwrap sets it); and resource limits (processes, open files, file size, and
 * CPU time where the caller asks). The network is shared: jobs reach the orchestrator over loopback.
 *
 * <p>bwrap is always started unprivileged (as the job's uid when the orchestrator is root, through
 * {@link JobUsers.Lease#command}), so it builds its mounts in a user namespace of its own and the
 * sandbox holds no capability of the host's.
 *
 * <pre>{@code
 * Sandbox sandbox = Sandbox.probe().hiding(dataDir);
 * List<String> argv = sandbox.command(lease, new Sandbox.Mounts(workspace, List.of(workspace),
 *     List.of(sdkJar)), Sandbox.Limits.JOB, List.of("java", "-cp", "...", "Main"));
 * }</pre>
 */
public final class Sandbox {
  static final String BWRAP = "/usr/bin/bwrap";
  static final String PRLIMIT = "/usr/bin/prlimit";
  /** What a missing or broken bubblewrap is answered with. */
  static final String INSTALL_HINT = "jobs run in a bubblewrap sandbox: install it (apt-get install bubblewrap) "
      + "or start with --unsafe-no-sandbox on a machine where every workflow author is trusted";
  /** Sizes of the private temporary folders: they are memory, so they are bounded. */
  static final long TMP_BYTES = 1L << 30;
  static final long SHM_BYTES = 64L << 20;
  static final long LOCK_BYTES = 1L << 20;

  /**
   * Limits of one sandboxed process tree; {@code cpuSeconds} 0 means none (a job has its own
   * wall-clock time-out; the definition and the compiler get a CPU limit too).
   */
  public record Limits(int processes, int openFiles, long fileSizeBytes, long cpuSeconds) {
    /** A job: 4,096 processes (counted per uid), 8,192 open files, files up to 8 GiB. */
    public static final Limits JOB = new Limits(4096, 8192, 8L << 30, 0);

    public Limits {
      if (processes < 16 || openFiles < 64 || fileSizeBytes < 1 << 20 || cpuSeconds < 0) {
        throw new OrchestratorException(Code.INVALID_INPUT, "sandbox limits out of range");
      }
    }

    public Limits withCpuSeconds(long seconds) {
      return new Limits(processes, openFiles, fileSizeBytes, seconds);
    }
  }

  /**
   * What one sandboxed process sees of the host besides the read-only system: {@code writable}
   * folders bound read-write, {@code readOnly} files or folders bound read-only (e.g. the SDK jar,
   * which may sit in a hidden folder), starting in {@code cwd}.
   */
  public record Mounts(Path cwd, List<Path> writable, List<Path> readOnly) {
    public Mounts {
      requireNonNull(cwd, "cwd");
      writable = List.copyOf(writable);
      readOnly = List.copyOf(readOnly);
    }
  }

  private final boolean enabled;
  private final List<Path> hidden;

  private Sandbox(boolean enabled, List<Path> hidden) {
    this.enabled = enabled;
    this.hidden = List.copyOf(hidden);
  }

  /**
   * The sandbox, after checking once that bubblewrap works here as an unprivileged user (the way
   * every job uses it); a one-line error naming the package otherwise.
   */
  public static Sandbox probe() {
    if (!Files.isExecutable(Path.of(BWRAP))) {
      throw new OrchestratorException(Code.CONFIG, BWRAP + " is missing; " + INSTALL_HINT);
    }
    Sandbox s = new Sandbox(true, List.of());
    List<String> cmd = new ArrayList<>();
    if (JobUsers.isRoot()) {
      // As a job would run: bwrap unprivileged, so it must be able to make a user namespace.
      cmd.addAll(List.of(JobUsers.SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", "--no-new-privs", "--"));
    }
    Path root = Path.of("/");
    cmd.addAll(s.bwrap(new Mounts(root, List.of(), List.of())));
    cmd.add("/bin/true");
    String why;
    try {
      Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(4096);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        why = "did not finish in 30 s";
      } else if (p.exitValue() == 0) {
        return s;
      } else {
        why = new String(out, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("exit status " + p.exitValue());
      }
    } catch (IOException e) {
      why = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    }
    throw new OrchestratorException(Code.CONFIG, "bubblewrap does not work here (" + why + "); " + INSTALL_HINT);
  }

  /** No sandbox at all ({@code --unsafe-no-sandbox}): every run records that it ran without one. */
  public static Sandbox unsafeNone() {
    return new Sandbox(false, List.of());
  }

  /**
   * This sandbox with {@code paths} (those that exist) replaced by empty folders inside it, e.g.
   * the data folder: a job running as the orchestrator's own user must not read the issuer key.
   */
  public Sandbox hiding(Path... paths) {
    List<Path> all = new ArrayList<>(hidden);
    for (Path p : paths) {
      if (p == null) {
        continue;
      }
      try {
        Path real = p.toRealPath();
        if (real.getNameCount() > 0 && Files.isDirectory(real) && !all.contains(real)) {
          all.add(real);
        }
      } catch (IOException e) {
        // nothing there to hide
      }
    }
    return new Sandbox(enabled, all);
  }

  public boolean isEnabled() {
    return enabled;
  }

  /**
   * The command line running {@code command} in the sandbox as {@code lease}'s uid, with
   * {@code limits}. Without a sandbox ({@link #unsafeNone}) only the uid and the limits apply.
   */
  public List<String> command(JobUsers.Lease lease, Mounts mounts, Limits limits, List<String> command) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of(PRLIMIT))) {
      cmd.addAll(List.of(PRLIMIT, "--nproc=" + limits.processes(), "--nofile=" + limits.openFiles(),
          "--fsize=" + limits.fileSizeBytes(), "--core=0"));
      if (limits.cpuSeconds() > 0) {
        cmd.add("--cpu=" + limits.cpuSeconds());
      }
      cmd.add("--");
    }
    if (enabled) {
      cmd.addAll(bwrap(mounts));
    }
    cmd.addAll(command);
    return lease.command(cmd);
  }

  private List<String> bwrap(Mounts mounts) {
    List<String> b = new ArrayList<>(List.of(BWRAP,
        // Dies with the orchestrator; no controlling terminal; sees and outlives no other process.
        "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--unshare-user", "--disable-userns",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc"));
    tmpfs(b, "/tmp", TMP_BYTES);
    tmpfs(b, "/var/tmp", TMP_BYTES);
    tmpfs(b, "/dev/shm", SHM_BYTES);
    if (Files.isDirectory(Path.of("/run/lock"))) {
      tmpfs(b, "/run/lock", LOCK_BYTES);
    }
    List<Path> masks = new ArrayList<>(hidden);
    masks.add(Path.of("/run/user")); // session buses and agents of logged-in users
    // Keys, tokens and caches of the orchestrator's user (its passwd home and $HOME may differ).
    for (String home : new String[] {System.getProperty("user.home", ""), System.getenv("HOME")}) {
      if (home != null && home.startsWith("/") && Path.of(home).normalize().getNameCount() > 0) {
        masks.add(Path.of(home).normalize());
      }
    }
    // Parents before children, so a deeper mask is not undone by a shallower one.
    masks.sort(Comparator.comparingInt(Path::getNameCount));
    for (Path m : masks) {
      if (Files.isDirectory(m, LinkOption.NOFOLLOW_LINKS)) {
        // Traversable (to the folders bound below it), not listable: as the job folders were for job uids.
        b.addAll(List.of("--perms", "0111", "--size", Long.toString(LOCK_BYTES), "--tmpfs", m.toString()));
      }
    }
    List<Path> ro = new ArrayList<>(mounts.readOnly());
    ro.add(Path.of(System.getProperty("java.home"))); // in case the JDK lives under a hidden folder
    for (Path p : ro) {
      String s = real(p);
      b.addAll(List.of("--ro-bind", s, s));
    }
    for (Path p : mounts.writable()) {
      String s = real(p);
      b.addAll(List.of("--bind", s, s));
    }
    b.addAll(List.of("--chdir", real(mounts.cwd()), "--"));
    return b;
  }

  private static void tmpfs(List<String> b, String path, long size) {
    b.addAll(List.of("--perms", "1777", "--size", Long.toString(size), "--tmpfs", path));
  }

  private static String real(Path p) {
    try {
      return p.toRealPath().toString();
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot give " + p + " to a sandbox: " + e.getMessage());
    }
  }
}
