package dev.hallmark.orchestrator.events;

/**
 * Text that goes into an operator's log line (docs/orchestrator.md#what-serve-logs): one line, and
 * safe inside {@code key="…"} so every line still parses as {@code key=value} pairs.
 */
public final class LogText {
  private LogText() {}

  /** The first line of {@code s}, stripped and at most 300 characters; {@code "error"} for null. */
  public static String oneLine(String s) {
    if (s == null) {
      return "error";
    }
    String line = s.lines().findFirst().orElse("").strip();
    return line.length() > 300 ? line.substring(0, 300) : line;
  }

  /** A value inside {@code "…"} of a log line: quotes and backslashes escaped, so the line parses. */
  public static String quoted(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
