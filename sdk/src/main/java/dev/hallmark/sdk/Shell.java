package dev.hallmark.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@code /bin/sh -c} command for {@link StepContext#sh}: in the workspace, with every
 * {@code HALLMARK_*} variable (and any inherited variable holding a known secret) removed, then
 * the job's env and the command's own env added, standard input closed, and its output relayed
 * line by line, masked, into the step's output streams.
 *
 * <pre>{@code
 * new Shell(workspace, job.env(), masker, out, err).run("make", deadlineNanos);
 * }</pre>
 */
final class Shell {
  /** A longer line is relayed in pieces, so one endless line cannot exhaust memory. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  private final Path workspace;
  private final Map<String, String> env;
  private final Masker masker;
  private final PrintStream out;
  private final PrintStream err;

  Shell(Path workspace, Map<String, String> env, Masker masker, PrintStream out, PrintStream err) {
    this.workspace = workspace;
    this.env = env;
    this.masker = masker;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code command}; throws {@link StepFailedException} on a non-zero exit or at the deadline. */
  void run(String command, long deadlineNanos) throws InterruptedException {
    run(command, Map.of(), deadlineNanos);
  }

  /** Runs {@code command} with {@code extraEnv} added after the job's env (for this command only). */
  void run(String command, Map<String, String> extraEnv, long deadlineNanos) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).directory(workspace.toFile());
    Map<String, String> childEnv = pb.environment();
    // ARCHITECTURE: commands a step starts get neither the capability nor any HALLMARK_* value.
    childEnv.entrySet().removeIf(e -> e.getKey().toUpperCase(Locale.ROOT).startsWith("HALLMARK_")
        || masker.containsSecret(e.getValue()) || masker.containsSecret(e.getKey()));
    childEnv.putAll(env);
    childEnv.putAll(extraEnv); // after the secret filter: a step hands a command a secret this way
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new StepFailedException("cannot start /bin/sh: " + Names.oneLine(e.getMessage(), 200));
    }
    try {
      process.getOutputStream().close(); // the command reads no input: EOF at once
    } catch (IOException ignored) {
      // The child may already be gone; its exit status tells.
    }
    Thread stdout = relay(process.getInputStream(), out, "hallmark-sh-stdout");
    Thread stderr = relay(process.getErrorStream(), err, "hallmark-sh-stderr");
    boolean exited;
    try {
      long remaining = deadlineNanos - System.nanoTime();
      exited = remaining > 0 && process.waitFor(remaining, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    }
    if (!exited) {
      kill(process);
    }
    stdout.join(TimeUnit.SECONDS.toMillis(5));
    stderr.join(TimeUnit.SECONDS.toMillis(5));
    if (!exited) {
      throw new StepFailedException("command stopped: the job's time-out was reached");
    }
    int status = process.exitValue();
    if (status != 0) {
      throw new StepFailedException("command exited with status " + status);
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Thread relay(InputStream in, PrintStream target, String name) {
    Thread t = new Thread(() -> relayLines(in, target), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Copies {@code in} to {@code target} one whole, masked line per write. */
  void relayLines(InputStream in, PrintStream target) {
    byte[] line = new byte[MAX_LINE_BYTES];
    byte[] chunk = new byte[8192];
    int len = 0;
    try (in) {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        for (int i = 0; i < n; i++) {
          line[len++] = chunk[i];
          if (chunk[i] == '\n') {
            emit(line, len, true, target);
            len = 0;
          } else if (len == line.length) {
            len = emitPartial(line, len, target);
          }
        }
      }
    } catch (IOException e) {
      // The pipe broke because the command was killed; what was read is still relayed below.
    }
    if (len > 0) {
      emit(line, len, true, target); // a last line without a newline gets one
    }
  }

  private void emit(byte[] line, int len, boolean newline, PrintStream target) {
    ByteArrayOutputStream masked = new ByteArrayOutputStream(len + 16);
    masker.mask(line, len, true, masked);
    if (newline && line[len - 1] != '\n') {
      masked.write('\n');
    }
    byte[] bytes = masked.toByteArray();
    target.write(bytes, 0, bytes.length);
    target.flush();
  }

  /** Relays all of a full buffer that cannot hide the start of a secret; returns what is kept. */
  private int emitPartial(byte[] line, int len, PrintStream target) {
    ByteArrayOutputStream masked = new ByteArrayOutputStream(len + 16);
    int consumed = masker.mask(line, len, false, masked);
    if (consumed == 0) { // a secret longer than the buffer: give up keeping a tail
      consumed = masker.mask(line, len, true, masked);
    }
    byte[] bytes = masked.toByteArray();
    target.write(bytes, 0, bytes.length);
    target.flush();
    System.arraycopy(line, consumed, line, 0, len - consumed);
    return len - consumed;
  }

  static String firstLine(String command) {
    int nl = command.indexOf('\n');
    return nl < 0 ? command : command.substring(0, nl) + " ...";
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
