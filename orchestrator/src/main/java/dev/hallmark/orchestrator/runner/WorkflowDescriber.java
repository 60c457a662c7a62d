package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Learns a compiled workflow's job graph by running it with {@code --describe} (its own code, in the
 * sandbox, as a job uid): the last line it prints on standard output, parsed by {@link JobGraph}.
 * Both output streams are read on threads of their own into bounded buffers, so the time limit
 * holds whatever the process does with its pipes: past {@link #MAX_OUTPUT} bytes of standard
 * output, or past the time limit, the process and its descendants are killed and the run fails.
 *
 * <pre>{@code
 * JobGraph graph = describer.describe(lease, "W", classes, checkout, ".hallmark/workflows/W.java");
 * }</pre>
 */
final class WorkflowDescriber {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  /** What {@code --describe} may print on standard output; beyond it the process is killed. */
  static final int MAX_OUTPUT = 1 << 20;
  /** The end of {@code --describe}'s standard error kept for the reason line. */
  private static final int ERR_TAIL = 4096;

  private final WorkflowJvm jvm;
  private volatile Duration timeout = DEFAULT_TIMEOUT;

  WorkflowDescriber(WorkflowJvm jvm) {
    this.jvm = requireNonNull(jvm, "jvm");
  }

  /** How long {@code --describe} may run (default 60 s). */
  void timeout(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the describe time limit must be positive");
    }
    this.timeout = limit;
  }

  JobGraph describe(JobUsers.Lease lease, String mainClass, Path classes, Path cwd, String rel) {
    ProcessBuilder pb = jvm.builder(lease, mainClass, classes, cwd, "--describe");
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Duration limit = timeout;
    Process p;
    try {
      p = jvm.start(pb);
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot start java for " + rel + ": " + e.getMessage());
    }
    try {
      try {
        p.getOutputStream().close();
      } catch (IOException e) {
        // it has exited already: its status says why
      }
      StreamCapture out = StreamCapture.head(p.getInputStream(), MAX_OUTPUT, () -> WorkflowJvm.killTree(p.toHandle()));
      StreamCapture err = StreamCapture.tail(p.getErrorStream(), ERR_TAIL);
      boolean exited = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (out.overflowed()) {
        throw new OrchestratorException(Code.INVALID_INPUT,
            rel + " --describe printed more than " + (MAX_OUTPUT >> 20) + " MiB; its processes were killed");
      }
      if (!exited) {
        throw new OrchestratorException(Code.INVALID_INPUT,
            rel + " --describe did not finish in " + seconds(limit) + "; its processes were killed");
      }
      // A child it left in the background may hold the pipes open: what was printed until now counts.
      out.awaitEnd(Duration.ofSeconds(1));
      err.awaitEnd(Duration.ofMillis(200));
      if (out.overflowed()) {
        throw new OrchestratorException(Code.INVALID_INPUT,
            rel + " --describe printed more than " + (MAX_OUTPUT >> 20) + " MiB; its processes were killed");
      }
      if (p.exitValue() != 0) {
        String line = new String(err.bytes(), StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b)
            .orElse("exit status " + p.exitValue());
        throw new OrchestratorException(Code.INVALID_INPUT, rel + " --describe failed: " + printable(line));
      }
      return JobGraph.parse(new String(out.bytes(), StandardCharsets.UTF_8), rel);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.INVALID_INPUT, Runner.INTERRUPTED);
    } finally {
      jvm.release(p); // on every path: whatever it left running goes with it
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
}
