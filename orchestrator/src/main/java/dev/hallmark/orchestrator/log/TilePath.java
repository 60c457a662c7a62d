package dev.hallmark.orchestrator.log;

import java.util.Optional;

/**
 * A c2sp.org/tlog-tiles resource path below the log's prefix: {@code tile/<L>/<N>[.p/<W>]} (a
 * Merkle tile) or {@code tile/entries/<N>[.p/<W>]} (an entry bundle). Only the canonical spelling
 * parses (the path is re-encoded and compared), so one resource has exactly one URL.
 *
 * <p>Package-private and minimal: the attestation module's tlog-tiles code (another branch) is
 * meant to replace it.
 */
record TilePath(boolean entries, int level, long index, int width) {
  /** Full tiles and bundles hold 256 hashes or entries. */
  static final int FULL = 256;

  boolean isPartial() {
    return width < FULL;
  }

  /** The canonical path, e.g. {@code tile/0/x001/x234/067.p/8}. */
  String path() {
    return "tile/" + (entries ? "entries" : Integer.toString(level)) + "/" + encodeIndex(index)
        + (isPartial() ? ".p/" + width : "");
  }

  /** tlog-tiles: zero-padded 3-digit elements, all but the last prefixed with {@code x}. */
  static String encodeIndex(long n) {
    String s = String.format("%03d", n % 1000);
    n /= 1000;
    while (n > 0) {
      s = String.format("x%03d", n % 1000) + "/" + s;
      n /= 1000;
    }
    return s;
  }

  /** The resource {@code path} names, if it is the canonical path of one. */
  static Optional<TilePath> parse(String path) {
    if (!path.startsWith("tile/") || path.length() > 200) {
      return Optional.empty();
    }
    String rest = path.substring("tile/".length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String head = rest.substring(0, slash);
    boolean entries = head.equals("entries");
    int level = 0;
    if (!entries) {
      if (!head.matches("0|[1-9][0-9]?") || Integer.parseInt(head) > 63) {
        return Optional.empty();
      }
      level = Integer.parseInt(head);
    }
    String tail = rest.substring(slash + 1);
    int width = FULL;
    int p = tail.indexOf(".p/");
    if (p >= 0) {
      String w = tail.substring(p + 3);
      if (!w.matches("[1-9][0-9]{0,2}") || Integer.parseInt(w) >= FULL) {
        return Optional.empty();
      }
      width = Integer.parseInt(w);
      tail = tail.substring(0, p);
    }
    if (!tail.matches("(x[0-9]{3}/){0,6}[0-9]{3}")) {
      return Optional.empty();
    }
    long index = Long.parseLong(tail.replace("x", "").replace("/", ""));
    TilePath t = new TilePath(entries, level, index, width);
    return t.path().equals(path) ? Optional.of(t) : Optional.empty();
  }
}
