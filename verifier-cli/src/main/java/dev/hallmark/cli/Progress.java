package dev.hallmark.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Hashing progress on stderr, only when stderr is a terminal (the launcher tells us with {@code
 * -Dhallmark.stderr.tty=true}) and the artifact is large; otherwise silent.
 */
final class Progress implements LongConsumer {
  /** Below this, hashing takes well under a second: no progress line. */
  static final long LARGE = 64L << 20;

  private final PrintWriter err;
  private final String name;
  private final long total;
  private final boolean enabled;
  private long lastPrint;
  private boolean printed;

  private Progress(PrintWriter err, String name, long total, boolean enabled) {
    this.err = err;
    this.name = name;
    this.total = total;
    this.enabled = enabled;
  }

  static Progress forArtifact(Path artifact, PrintWriter err) {
    boolean tty = Boolean.getBoolean("hallmark.stderr.tty");
    long size = 0;
    if (artifact != null && tty) {
      try {
        size = Files.isRegularFile(artifact) ? Files.size(artifact) : 0;
      } catch (java.io.IOException e) {
        size = 0;
      }
    }
    String name = artifact == null || artifact.getFileName() == null ? "" : artifact.getFileName().toString();
    return new Progress(err, Text.safe(name), size, tty && size >= LARGE);
  }

  @Override
  public void accept(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (printed && now - lastPrint < 100_000_000L && done < total) {
      return;
    }
    lastPrint = now;
    printed = true;
    int pct = (int) (done * 100 / Math.max(1, total));
    err.printf("\rhashing %s: %d / %d MiB (%d%%)", name, done >> 20, total >> 20, pct);
    err.flush();
  }

  /** Clears the progress line. */
  void finish() {
    if (printed) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
