package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;

/**
 * How much of one job's output is stored: {@code bytes} (UTF-8, a newline counted per line) and
 * {@code lines} for stdout and stderr together. Past either, one marker line is stored, the rest is
 * read and dropped (the job is never blocked on a full pipe), and the job fails: a build whose log
 * was cut cannot be audited.
 *
 * <pre>{@code
 * var limits = new LogLimits(8L << 20, 100_000); // 8 MiB or 100,000 lines, whichever comes first
 * }</pre>
 */
public record LogLimits(long bytes, long lines) {
  public static final long DEFAULT_BYTES = 64L << 20;
  public static final long DEFAULT_LINES = 1_000_000;
  public static final long MIN_BYTES = 1024;
  public static final long MAX_BYTES = 1L << 40;
  public static final long MAX_LINES = 1_000_000_000;

  public LogLimits {
    if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
      throw new OrchestratorException(Code.INVALID_INPUT,
          "--log-limit-bytes must be between " + MIN_BYTES + " and " + MAX_BYTES + ", not " + bytes);
    }
    if (lines < 1 || lines > MAX_LINES) {
      throw new OrchestratorException(Code.INVALID_INPUT,
          "--log-limit-lines must be between 1 and " + MAX_LINES + ", not " + lines);
    }
  }

  public static LogLimits defaults() {
    return new LogLimits(DEFAULT_BYTES, DEFAULT_LINES);
  }

  /** {@code 64 MiB} for whole mebibytes, else {@code 5000 bytes}. */
  String bytesText() {
    return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }
}
