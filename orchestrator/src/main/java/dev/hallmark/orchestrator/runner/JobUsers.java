package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Who job processes run as. When the orchestrator runs as root, every job (and every
 * {@code --describe}) gets a uid of its own from a reserved range, leased for the job's life: the
 * data folder (0700), the issuer key and other jobs' workspaces (0700, each owned by its job's
 * uid) are out of its reach, and it cannot signal or trace other jobs. The uids have no passwd
 * entry (as systemd's {@code DynamicUser=}); {@code setpriv} (util-linux) drops to them with no
 * supplementary groups and {@code no_new_privs}, so set-uid programs cannot climb back.
 *
 * <p>At the lease's end every process of the uid is killed (nothing a step left in the background
 * survives its job) and the folders it was given are handed back to root before the uid is used
 * again; only then does root delete anything of the job, and never by following a link
 * ({@link WorkspaceFiles#deleteTree}). Jobs never share temporary folders (see {@link Sandbox}), so
 * root sweeps none. When the orchestrator is not root, jobs run as its own user (single-tenant; documented).
 *
 * <pre>{@code
 * JobUsers users = JobUsers.detect(settingsWorkDir);
 * try (JobUsers.Lease lease = users.lease()) {
 *   lease.give(workspace);
 *   Process p = new ProcessBuilder(lease.command(List.of("java", "..."))).start();
 * }
 * }</pre>
 */
public final class JobUsers {
  /** Above systemd's container range (up to 0x6FFFFFFF), below 2^31; no distribution allocates it. */
  public static final int DEFAULT_UID_BASE = 1_900_000_000;
  public static final int DEFAULT_UID_COUNT = 4096;
  static final String SETPRIV = "/usr/bin/setpriv";

  private final boolean isolated;
  private final int base;
  private final int count;
  private final Path root;
  private final Path locks;
  private final BitSet inUse = new BitSet();
  private int next;
  private final Set<Integer> live = ConcurrentHashMap.newKeySet();

  private JobUsers(boolean isolated, int base, int count, Path root, Path locks) {
    this.isolated = isolated;
    this.base = base;
    this.count = count;
    this.root = root;
    this.locks = locks;
  }

  /**
   * Isolation when the effective uid is 0 (then {@code setpriv} must exist), else none. The job
   * folders then live in a fresh 0711 folder under the system temp folder, outside the 0700 data
   * folder, which a job uid could not traverse.
   */
  public static JobUsers detect(Path workDir) {
    if (!isRoot()) {
      return new JobUsers(false, 0, 0, workDir, null);
    }
    if (!Files.isExecutable(Path.of(SETPRIV))) {
      throw new OrchestratorException(Code.CONFIG,
          "running as root needs " + SETPRIV + " (util-linux) to run jobs as unprivileged users");
    }
    checkRangeUnused(DEFAULT_UID_BASE, DEFAULT_UID_COUNT);
    try {
      Path root = Files.createTempDirectory("hallmark-jobs-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x")); // umask-proof
      return new JobUsers(true, DEFAULT_UID_BASE, DEFAULT_UID_COUNT, root, lockFolder());
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot create the job folder: " + e.getMessage());
    }
  }

  /**
   * One lock file per uid, shared by every orchestrator on this machine: two {@code serve}s (or a
   * {@code serve} and a {@code hallmark run}) never hand out the same uid at once, and a lock dies
   * with its process, so a crashed holder's uid is taken over (and cleaned) by the next one.
   */
  private static Path lockFolder() throws IOException {
    Path run = Path.of("/run");
    Path dir = (Files.isDirectory(run) && Files.isWritable(run) ? run : Path.of(System.getProperty("java.io.tmpdir")))
        .resolve("hallmark-job-uids");
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        || ((Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)) != 0) {
      throw new IOException(dir + " is not a folder owned by root");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  /** The uid's lock, or null when another holder (this process or another) has it. */
  private FileLock tryLock(int uid) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(locks.resolve(Integer.toString(uid)), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
      }
      return lock;
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      return null;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot lock job uid " + uid + ": " + e.getMessage());
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing held
      }
    }
  }

  /** True when this process's effective uid is 0 (the owner of {@code /proc/self}). */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** A uid of the range that names a user or group would share that user's files: refuse to start. */
  private static void checkRangeUnused(int base, int count) {
    for (String db : List.of("/etc/passwd", "/etc/group")) {
      try (Stream<String> lines = Files.lines(Path.of(db))) {
        lines.map(l -> l.split(":", -1)).filter(f -> f.length > 2).forEach(f -> {
          try {
            long id = Long.parseLong(f[2]);
            if (id >= base && id < (long) base + count) {
              throw new OrchestratorException(Code.CONFIG,
                  db + " names id " + id + ", inside the job uid range " + base + "-" + (base + count - 1));
            }
          } catch (NumberFormatException ignored) {
            // not an id: not ours to judge
          }
        });
      } catch (IOException e) {
        // no such database: nothing can collide
      }
    }
  }

  public boolean isIsolated() {
    return isolated;
  }

  /** Where run folders go: a traversable folder outside the data folder when isolated. */
  public Path workRoot() {
    return root;
  }

  /**
   * A copy of {@code jar} that job uids can read (the original sits in the 0700 data folder), or
   * {@code jar} itself when not isolated.
   */
  public Path readable(Path jar) {
    if (!isolated) {
      return jar;
    }
    Path target = root.resolve(jar.getFileName().toString());
    try {
      if (!Files.isRegularFile(target) || Files.size(target) != Files.size(jar)) {
        Path tmp = Files.createTempFile(root, "copy", ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--r--r--"));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return target;
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot place " + jar.getFileName() + " for jobs: " + e.getMessage());
    }
  }

  /** Makes folders job uids must pass through (a run's folder, {@code jobs/}) traversable, not listable. */
  public void traversable(Path dir) {
    if (!isolated) {
      return;
    }
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot set permissions of " + dir + ": " + e.getMessage());
    }
  }

  /** A uid of its own for one job; {@link Lease#close()} ends it. */
  public Lease lease() {
    if (!isolated) {
      return new Lease(-1, null);
    }
    int uid = -1;
    FileLock lock = null;
    synchronized (inUse) {
      // Round robin, as the kernel does with pids: a uid comes back as late as possible.
      for (int k = 0; k < count && lock == null; k++) {
        int i = (next + k) % count;
        if (!inUse.get(i) && (lock = tryLock(base + i)) != null) {
          inUse.set(i);
          next = i + 1;
          uid = base + i;
        }
      }
    }
    if (lock == null) {
      throw new OrchestratorException(Code.UNAVAILABLE, "all " + count + " job uids are in use");
    }
    live.add(uid);
    // A holder that crashed may have left processes: they end before the uid is reused. (Temporary
    // files need no sweep: every sandboxed process has private /tmp, /var/tmp, /dev/shm, /run/lock.)
    killUid(uid);
    return new Lease(uid, lock);
  }

  /** Kills every process of every leased uid (the orchestrator is stopping). */
  public void killAll() {
    for (int uid : live) {
      killUid(uid);
    }
  }

  /** How long {@link #killUid} keeps killing before it gives up (forks race the scan). */
  private static final long KILL_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  /**
   * SIGKILL to every live process whose real uid is {@code uid}, until none is left (forks race the
   * scan). It looks again after 1, 2, 4 … 32 ms: waiting on {@link ProcessHandle#onExit} instead
   * costs at least 300 ms a process, as the JDK polls a process that is not its child that often.
   */
  static void killUid(int uid) {
    long deadline = System.nanoTime() + KILL_WAIT_NANOS;
    long pause = 1;
    while (true) {
      List<ProcessHandle> found = processesOf(uid);
      if (found.isEmpty() || System.nanoTime() > deadline) {
        return;
      }
      found.forEach(ProcessHandle::destroyForcibly);
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pause = Math.min(pause * 2, 32);
    }
  }

  /**
   * Live processes whose real uid is {@code uid}, from {@code /proc/<pid>/status}. A zombie is not
   * one: it runs nothing and holds nothing but its pid, and waits only for its parent to collect it.
   * bubblewrap leaves one per sandbox (its outer process exits without collecting the inner one,
   * which is handed to pid 1), and a pid 1 that collects slowly made every lease's end wait for it
   * (1–2 s per compile, per {@code --describe}). A thread-group leader that exited while its other
   * threads run shows as a zombie too, but with more than one thread: that one is live.
   */
  static List<ProcessHandle> processesOf(int uid) {
    List<ProcessHandle> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try {
          if (isLiveProcessOf(Files.readAllLines(p.resolve("status")), uid)) {
            ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(out::add);
          }
        } catch (IOException | RuntimeException e) {
          // the process ended while we looked
        }
      });
    } catch (IOException e) {
      // no /proc: nothing we can find
    }
    return out;
  }

  /** From a {@code /proc/<pid>/status}: real uid {@code uid}, and not a zombie of one thread. */
  static boolean isLiveProcessOf(List<String> status, int uid) {
    boolean ours = false;
    boolean zombie = false;
    int threads = 0;
    for (String line : status) {
      if (line.startsWith("Uid:")) {
        ours = Integer.parseInt(line.substring(4).strip().split("\\s+")[0]) == uid;
        if (!ours) {
          return false;
        }
      } else if (line.startsWith("State:")) {
        zombie = line.substring(6).strip().startsWith("Z");
      } else if (line.startsWith("Threads:")) {
        threads = Integer.parseInt(line.substring(8).strip());
      }
    }
    return ours && !(zombie && threads <= 1);
  }

  /** One uid held for one job (or, when not isolated, a lease that changes nothing). */
  public final class Lease implements AutoCloseable {
    private final int uid;
    private final FileLock lock;
    private final List<Path> given = new ArrayList<>();
    private boolean closed;

    private Lease(int uid, FileLock lock) {
      this.uid = uid;
      this.lock = lock;
    }

    /** The uid, or -1 when jobs run as the orchestrator's own user. */
    public int uid() {
      return uid;
    }

    /** {@code command}, run as this lease's uid and gid with no groups and no new privileges. */
    public List<String> command(List<String> command) {
      if (uid < 0) {
        return command;
      }
      List<String> out = new ArrayList<>(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
          "--no-new-privs", "--"));
      out.addAll(command);
      return out;
    }

    /** Hands {@code dir} (recursively, symbolic links not followed) to this uid, mode 0700 at the top. */
    public void give(Path dir) {
      if (uid < 0) {
        return;
      }
      chownTree(dir, uid);
      try {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } catch (IOException e) {
        throw new OrchestratorException(Code.ENVIRONMENT, "cannot set permissions of " + dir + ": " + e.getMessage());
      }
      given.add(dir);
    }

    /**
     * Kills every process of the uid, then hands the given folders back to root (so a later job
     * with the same uid cannot read them) and frees the uid.
     */
    @Override
    public void close() {
      if (uid < 0 || closed) {
        return;
      }
      closed = true;
      killUid(uid);
      boolean reclaimed = true;
      for (Path dir : given) {
        try {
          chownTree(dir, 0);
        } catch (OrchestratorException e) {
          reclaimed = false;
        }
      }
      live.remove(uid);
      if (reclaimed && processesOf(uid).isEmpty()) {
        closeQuietly(lock.channel());
        synchronized (inUse) {
          inUse.clear(uid - base);
        }
      } // else: the uid stays locked and retired for this orchestrator's life rather than be reused unclean
    }
  }

  private static void chownTree(Path dir, int uid) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          own(d, uid);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          own(f, uid);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }
      });
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot change the owner of " + dir + ": " + e.getMessage());
    }
  }

  private static void own(Path p, int uid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
  }
}
