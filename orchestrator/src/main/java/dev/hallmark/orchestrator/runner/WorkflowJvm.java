package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workflow's JVM, for {@code --describe} and for a job: the command (in the sandbox, as the
 * leased uid), its minimal environment, and every such process still alive, so that stopping kills
 * them all.
 *
 * <pre>{@code
 * Process p = jvm.start(jvm.builder(lease, mainClass, classes, workspace, "--job", "build"));
 * try { ... } finally { jvm.release(p); }   // the process and its descendants are killed
 * }</pre>
 */
final class WorkflowJvm {
  static final String DESCRIBE_HEAP = "256m";
  static final String JOB_HEAP = "1g";

  private final Sandbox sandbox;
  private final Path sdkJar;
  /** CPU seconds a {@code --describe} may use (twice its default wall-clock limit). */
  private final long describeCpuSeconds;
  private final Set<Process> live = ConcurrentHashMap.newKeySet();

  WorkflowJvm(Sandbox sandbox, Path sdkJar, long describeCpuSeconds) {
    this.sandbox = requireNonNull(sandbox, "sandbox");
    this.sdkJar = requireNonNull(sdkJar, "sdkJar");
    this.describeCpuSeconds = describeCpuSeconds;
  }

  boolean isSandboxed() {
    return sandbox.isEnabled();
  }

  /**
   * A workflow JVM with a minimal environment (PATH, HOME = its workspace, LANG): nothing of the
   * orchestrator's, no {@code HALLMARK_*}, and never the capability.
   */
  ProcessBuilder builder(JobUsers.Lease lease, String mainClass, Path classes, Path cwd, String... args) {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The definition (--describe) only builds a graph: a small heap and a CPU limit. A job's steps
    // run in this JVM: a larger heap; its wall-clock time-out bounds it instead of a CPU limit.
    boolean describing = args.length > 0 && args[0].equals("--describe");
    List<String> cmd = new ArrayList<>(List.of(javaBin, describing ? "-Xmx" + DESCRIBE_HEAP : "-Xmx" + JOB_HEAP,
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-XX:-UsePerfData", "-cp", sdkJar + File.pathSeparator + classes, mainClass));
    cmd.addAll(List.of(args));
    Sandbox.Limits limits = describing ? Sandbox.Limits.JOB.withCpuSeconds(describeCpuSeconds) : Sandbox.Limits.JOB;
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

  /** Starts {@code pb} and keeps the process until {@link #release}. */
  Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    live.add(p);
    return p;
  }

  /** Kills {@code p} and whatever it left running; it is no longer tracked. */
  void release(Process p) {
    killTree(p.toHandle());
    live.remove(p);
  }

  /** Kills every process started here and not yet released (the orchestrator is stopping). */
  void killAll() {
    for (Process p : live) {
      killTree(p.toHandle());
    }
  }

  static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = root.descendants().toList();
    root.destroyForcibly();
    all.forEach(ProcessHandle::destroyForcibly);
  }
}
