package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compiles one workflow source file against the SDK jar, once per run, with the JDK's
 * {@code javac} as a child process in the {@link Sandbox}: javac on a hostile source (type
 * inference that never ends, a huge constant) costs the sandbox's time and memory, never the
 * orchestrator's. It gets a time limit (wall clock and CPU), a heap limit, and only its own folder
 * writable.
 *
 * <p>Start-up: a cold javac JVM spends most of its time loading javac's own classes. At start the
 * compiler makes a class-data archive of them (once per orchestrator process, in the sandbox,
 * from a fixed source) and every later javac maps it. With a {@link CompileCache}, a workflow
 * compiled before (same file, SDK jar, JDK and options) is not compiled again: its classes are
 * the bytes the sandboxed javac wrote then.
 */
final class WorkflowCompiler {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
  static final String HEAP = "512m";
  /** javac's options that shape its output (the compile cache's key has them); -J options do not. */
  static final List<String> OPTIONS = List.of("-encoding", "UTF-8", "-proc:none", "-implicit:none", "-nowarn", "-g",
      "-Xmaxerrs", "5");
  /** The javac that runs ({@code java.home}'s): its version, vendor and place, for the cache key. */
  private static final String JDK = Runtime.version() + " " + System.getProperty("java.vendor") + " "
      + System.getProperty("java.home");
  /** javac's output beyond this is not kept: the first error is all a run reports. */
  private static final int MAX_OUTPUT = 64 * 1024;
  private static final String WARM_UP_SOURCE = """
      import static dev.hallmark.sdk.Hallmark.*;
      import dev.hallmark.sdk.*;
      public class WarmUp {
        public static void main(String[] args) {
          workflow("warm-up").on(push().branches("main")).job(job("a").step("s", ctx -> {
            ctx.sh("true");
            ctx.attestProvenance(Subject.ofPath("a", "a"));
          })).main(args);
        }
      }
      """;

  private final Sandbox sandbox;
  private final JobUsers users;
  private final Path sdkJar;
  private final Duration timeout;
  private final CompileCache cache;
  private final java.util.concurrent.atomic.AtomicInteger javacRuns = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Path archive;

  WorkflowCompiler(Sandbox sandbox, JobUsers users, Path sdkJar, Duration timeout) {
    this(sandbox, users, sdkJar, timeout, null);
  }

  /** With {@code cache} null, every compile runs javac. */
  WorkflowCompiler(Sandbox sandbox, JobUsers users, Path sdkJar, Duration timeout, CompileCache cache) {
    this.cache = cache;
    this.sandbox = sandbox;
    this.users = users;
    this.sdkJar = sdkJar;
    if (timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > 3600) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the compile time limit must be 1 s to 1 h");
    }
    this.timeout = timeout;
  }

  /**
   * Makes javac's class-data archive on a background thread (about 2 s of one core); compiles
   * before it is ready simply run without it. Failures are ignored: the archive is only speed.
   */
  void prepareInBackground() {
    Thread t = new Thread(() -> {
      Path dir = null;
      try {
        dir = Files.createTempDirectory(Files.createDirectories(users.workRoot()), "javac-archive-");
        users.traversable(dir);
        Path made = dir.resolve("work").resolve("javac.jsa");
        Path src = dir.resolve("work").resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("WarmUp.java"), WARM_UP_SOURCE);
        run(dir.resolve("work"), "WarmUp.java", List.of("-J-XX:ArchiveClassesAtExit=" + made));
        if (Files.isRegularFile(made, LinkOption.NOFOLLOW_LINKS) && Files.size(made) > 0) {
          Path target = dir.resolve("javac.jsa");
          Files.move(made, target, StandardCopyOption.ATOMIC_MOVE);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r--r--"));
          archive = target;
          dir = null; // kept for the orchestrator's life (in its job folder)
        }
      } catch (IOException | RuntimeException e) {
        // speed only
      } finally {
        WorkspaceFiles.deleteTree(dir);
      }
    }, "hallmark-javac-archive");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  /**
   * Compiles {@code rel} of {@code checkout} into {@code work/classes} and returns the binary name
   * of its top-level class (the file's stem, in whatever package the file declares). The source is
   * copied into {@code work} first, opened without following links. A compile error throws with
   * the compiler's first error, as {@code compile error: <file>:<line>: <message>}.
   */
  String compile(Path checkout, String rel, Path work) {
    Path src = work.resolve("src");
    Path copy = src.resolve(rel);
    java.security.MessageDigest source = CompileCache.sha256();
    try (InputStream in = new java.security.DigestInputStream(WorkspaceFiles.openRegularFile(checkout, rel), source)) {
      Files.createDirectories(copy.getParent());
      Files.copy(in, copy);
    } catch (OrchestratorException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, rel + " is not a regular file of the commit");
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot compile " + rel + ": " + e.getMessage());
    }
    Path classes = work.resolve("classes");
    CompileCache.Key key = cache == null ? null
        : CompileCache.Key.of(rel, source.digest(), CompileCache.digestOf(sdkJar), JDK, OPTIONS);
    boolean cached = key != null && cache.restore(key, classes);
    if (!cached) {
      Path a = archive;
      run(work, rel, a == null ? List.of() : List.of("-J-XX:SharedArchiveFile=" + a));
    }
    String stem = copy.getFileName().toString().replaceFirst("\\.java$", "");
    try (Stream<Path> s = Files.walk(classes)) {
      Path cls = s.filter(p -> p.getFileName().toString().equals(stem + ".class")
              && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).findFirst()
          .orElseThrow(() -> new OrchestratorException(Code.INVALID_INPUT, rel + " declares no top-level class named " + stem));
      String name = classes.relativize(cls).toString();
      if (key != null && !cached) {
        cache.store(key, classes); // only a compile that succeeded, as javac left it
      }
      return name.substring(0, name.length() - ".class".length()).replace('/', '.');
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot read the classes of " + rel);
    }
  }

  /** javac on {@code work/src/<rel>} into {@code work/classes}, as a job uid, in the sandbox. */
  private void run(Path work, String rel, List<String> jvmExtra) {
    Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
    if (!Files.isExecutable(javac)) {
      throw new OrchestratorException(Code.CONFIG, "no Java compiler: run the orchestrator on a JDK, not a JRE");
    }
    try {
      Files.createDirectories(work.resolve("classes"));
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot compile " + rel + ": " + e.getMessage());
    }
    List<String> cmd = new ArrayList<>(List.of(javac.toString(), "-J-Xmx" + HEAP, "-J-XX:+UseSerialGC",
        "-J-XX:TieredStopAtLevel=1", "-J-Xshare:auto", "-J-XX:-UsePerfData", "-J-Xlog:disable", "-J-Duser.language=en"));
    cmd.addAll(jvmExtra);
    cmd.addAll(List.of("-classpath", sdkJar.toString(), "-d", work.resolve("classes").toString()));
    cmd.addAll(OPTIONS);
    cmd.add(rel);
    List<Path> readOnly = new ArrayList<>(List.of(sdkJar));
    Path a = archive;
    if (a != null) {
      readOnly.add(a);
    }
    Sandbox.Limits limits = new Sandbox.Limits(256, 1024, 256L << 20, 2 * timeout.toSeconds());
    String output;
    try (JobUsers.Lease lease = users.lease()) {
      lease.give(work);
      ProcessBuilder pb = new ProcessBuilder(sandbox.command(lease,
          new Sandbox.Mounts(work.resolve("src"), List.of(work), readOnly), limits, cmd))
          .directory(work.resolve("src").toFile()).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.clear();
      env.put("PATH", path);
      env.put("HOME", work.toString());
      env.put("LANG", "C.UTF-8");
      Process p = pb.start();
      javacRuns.incrementAndGet();
      p.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readCapped(p.getInputStream()));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Runner.killTree(p.toHandle());
        p.waitFor(10, TimeUnit.SECONDS);
        throw new OrchestratorException(Code.INVALID_INPUT,
            rel + " did not compile within " + timeout.toSeconds() + " s (the compile time limit); the compiler was stopped");
      }
      output = out.get(10, TimeUnit.SECONDS);
      if (p.exitValue() == 0) {
        return;
      }
      if (p.exitValue() > 128) {
        throw new OrchestratorException(Code.INVALID_INPUT, rel + " did not compile: the compiler was killed by signal "
            + (p.exitValue() - 128) + " (the compile limits: " + HEAP + " heap, " + 2 * timeout.toSeconds() + " s CPU)");
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot start javac for " + rel + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.UNAVAILABLE, "interrupted while compiling " + rel);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot read the compiler's output for " + rel);
    }
    throw new OrchestratorException(Code.INVALID_INPUT, "compile error: " + firstError(output, rel));
  }

  /** How many javac processes this compiler started (the warm-up's included): a cache hit starts none. */
  int javacRuns() {
    return javacRuns.get();
  }

  /** {@code <file>:<line>: <message>} of javac's first error, from its plain-text output. */
  static String firstError(String output, String rel) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(rel) + ":(\\d+): error: (.*)$").matcher(output);
    if (m.find()) {
      return rel + ":" + m.group(1) + ": " + m.group(2).strip();
    }
    if (output.contains("OutOfMemoryError")) {
      return rel + ": the compiler ran out of memory (" + HEAP + " heap)";
    }
    String first = output.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
    return rel + ": does not compile" + (first.isEmpty() ? "" : " (" + first.strip() + ")");
  }

  private static String readCapped(InputStream in) {
    try (in) {
      byte[] kept = in.readNBytes(MAX_OUTPUT);
      in.transferTo(java.io.OutputStream.nullOutputStream()); // drain the rest so javac never blocks on a full pipe
      return new String(kept, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
