package dev.hallmark.cli;

/** Making untrusted strings safe to print on a terminal, on one line. */
final class Text {
  private Text() {}

  /**
   * Escapes control characters (C0, DEL, C1) and bidirectional controls, so that nothing from a
   * bundle can move the cursor, recolour the terminal or spoof a line.
   */
  static String safe(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad =
          c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      if (bad) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        b.append(String.format("\\u%04x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** The first line of a message, made safe. */
  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return safe((nl < 0 ? s : s.substring(0, nl)).strip());
  }
}
