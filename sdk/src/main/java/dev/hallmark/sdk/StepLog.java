package dev.hallmark.sdk;

import java.io.PrintStream;

/**
 * Lines a step writes into its log: {@code info} to standard output, {@code warn} to standard
 * error with a {@code warning: } prefix. Secrets the SDK knows (tokens minted for the step) are
 * masked; the orchestrator captures both streams as the step's log.
 *
 * <pre>{@code
 * ctx.log().info("packaging " + files.size() + " files");
 * ctx.log().warn("no tests found");
 * }</pre>
 */
public final class StepLog {
  private final Masker masker;
  private final PrintStream out;
  private final PrintStream err;

  StepLog(Masker masker, PrintStream out, PrintStream err) {
    this.masker = masker;
    this.out = out;
    this.err = err;
  }

  /** Writes {@code message} (each of its lines) to the step's standard output. */
  public void info(String message) {
    write(out, "", message);
  }

  /** Writes {@code message} (each of its lines) to the step's standard error, marked as a warning. */
  public void warn(String message) {
    write(err, "warning: ", message);
  }

  private void write(PrintStream target, String prefix, String message) {
    StringBuilder sb = new StringBuilder();
    for (String line : String.valueOf(message).split("\r?\n", -1)) {
      sb.append(prefix).append(line).append('\n');
    }
    byte[] bytes = Shell.utf8(masker.mask(sb.toString()));
    target.write(bytes, 0, bytes.length); // one write, so lines of other threads do not cut in
    target.flush();
  }
}
