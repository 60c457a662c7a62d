package dev.hallmark.sdk;

import java.util.regex.Pattern;

/**
 * The naming rule for workflows, jobs and steps, and a one-line rendering of any string for
 * error messages.
 *
 * <pre>{@code
 * Names.check("job", "build");        // returns "build"
 * Names.check("job", "my job");       // WorkflowException: job name 'my job' is invalid: …
 * }</pre>
 */
final class Names {
  static final int MAX_LENGTH = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

  private Names() {}

  /**
   * Checks a workflow, job or step name: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, and not {@code .}
   * or {@code ..} (the orchestrator may use names in paths and URLs).
   */
  static String check(String kind, String name) {
    if (name == null || name.isEmpty()) {
      throw new WorkflowException(kind + " name is empty");
    }
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new WorkflowException(kind + " name " + show(name)
          + " is invalid: use 1 to " + MAX_LENGTH + " of A-Z a-z 0-9 . _ - (and not . or ..)");
    }
    return name;
  }

  /**
   * Quotes a string for a one-line message: controls and non-ASCII escaped, at most 80
   * characters shown.
   */
  static String show(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder("'");
    int limit = Math.min(s.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > limit) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /** Makes text one line: controls become spaces, at most {@code max} characters. */
  static String oneLine(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? ' ' : c);
    }
    if (s.length() > max) {
      sb.append("...");
    }
    return sb.toString().strip();
  }
}
