package dev.hallmark.trustroot.online;

import java.net.URI;

/** How URLs and server-supplied strings appear in one-line exception messages. */
final class Display {
  /** Long enough to recognise a value, short enough for one line of a CI log. */
  private static final int MAX_UNTRUSTED = 200;

  private Display() {}

  /**
   * A URL for a message. The query is elided: a bundle URL may be pre-signed, and its query then
   * holds a credential that must not reach a log (STYLE: never log tokens).
   */
  static String url(URI url) {
    String s = url.toString();
    if (url.getRawQuery() != null) {
      int q = s.indexOf('?');
      s = s.substring(0, q) + "?…";
    }
    return untrusted(s);
  }

  /** A string from a server or a user, made printable on one line and bounded in length. */
  static String untrusted(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_UNTRUSTED + 1));
    for (int i = 0; i < s.length(); ) {
      if (b.length() >= MAX_UNTRUSTED) {
        b.append('…');
        break;
      }
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      // Control characters (C0, DEL, C1) and bidirectional controls could forge log lines.
      boolean unsafe =
          cp < 0x20
              || (cp >= 0x7f && cp <= 0x9f)
              || (cp >= 0x202a && cp <= 0x202e)
              || (cp >= 0x2066 && cp <= 0x2069);
      if (unsafe) {
        b.append('?');
      } else {
        b.appendCodePoint(cp);
      }
    }
    return b.toString();
  }
}
