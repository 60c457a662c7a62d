package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

/**
 * One job's share of {@link LogLimits}, spent by both of its output streams. The first line that
 * would overrun it is replaced by {@link #marker()}; every later line is dropped.
 */
final class LogBudget {
  enum Verdict {
    /** Store the line. */
    KEEP,
    /** The budget ran out on this line: store the marker instead, once. */
    TRUNCATE,
    /** Already out: drop the line. */
    DROP
  }

  private final LogLimits limits;
  private long bytes;
  private long lines;
  private String exceeded;

  LogBudget(LogLimits limits) {
    this.limits = requireNonNull(limits, "limits");
  }

  synchronized Verdict admit(String line) {
    if (exceeded != null) {
      return Verdict.DROP;
    }
    long size = utf8Length(line) + 1;
    if (lines + 1 > limits.lines()) {
      exceeded = limits.lines() + " lines";
    } else if (bytes + size > limits.bytes()) {
      exceeded = limits.bytesText();
    } else {
      lines++;
      bytes += size;
      return Verdict.KEEP;
    }
    return Verdict.TRUNCATE;
  }

  synchronized boolean isExceeded() {
    return exceeded != null;
  }

  /** The one line stored where the output was cut. */
  synchronized String marker() {
    return "[hallmark] " + reason();
  }

  /** Why the job failed; null while the budget holds. */
  synchronized String reason() {
    return exceeded == null ? null : "log truncated: job output exceeded " + exceeded;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
