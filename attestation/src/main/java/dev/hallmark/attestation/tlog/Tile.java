package dev.hallmark.attestation.tlog;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;

/**
 * One c2sp.org/tlog-tiles resource: a Merkle tile {@code tile/<L>/<N>[.p/<W>]} (level {@code L}
 * from 0 to 63) or an entry bundle {@code tile/entries/<N>[.p/<W>]} (level {@link #ENTRIES}). A
 * tile of level L holds up to 256 hashes of the tree's level 8·L; width 256 is a full tile, 1 to
 * 255 a partial one.
 *
 * <pre>{@code
 * Tile t = Tile.hashes(0, 1234067, 256);
 * t.path();                               // "tile/0/x001/x234/067"
 * Tile.entries(5, 17).path();             // "tile/entries/005.p/17"
 * Tile.parsePath("tile/1/000.p/3");       // Tile[level=1, index=0, width=3]
 * }</pre>
 */
public record Tile(int level, long index, int width) {
  /** The level of entry bundles (whose paths say {@code entries}). */
  public static final int ENTRIES = -1;
  /** Hashes (or entries) in a full tile. */
  public static final int FULL_WIDTH = 256;
  /** Tree levels one tile spans: 256 = 2^8. */
  public static final int HEIGHT = 8;
  /** tlog-tiles: levels 0 to 63. */
  public static final int MAX_LEVEL = 63;

  public Tile {
    if (level < ENTRIES || level > MAX_LEVEL) {
      throw invalid("tile level " + level + " is outside 0 to 63");
    }
    if (index < 0) {
      throw invalid("tile index " + index + " is negative");
    }
    if (width < 1 || width > FULL_WIDTH) {
      throw invalid("tile width " + width + " is outside 1 to 256");
    }
  }

  /** A Merkle tile of level {@code level}. */
  public static Tile hashes(int level, long index, int width) {
    if (level < 0) {
      throw invalid("tile level " + level + " is outside 0 to 63");
    }
    return new Tile(level, index, width);
  }

  /** An entry bundle. */
  public static Tile entries(long index, int width) {
    return new Tile(ENTRIES, index, width);
  }

  public boolean isEntries() {
    return level == ENTRIES;
  }

  public boolean isPartial() {
    return width < FULL_WIDTH;
  }

  /** The bytes of a Merkle tile of this width: 32 per hash. */
  public int hashBytes() {
    return width * Merkle.HASH_BYTES;
  }

  /** The path under the log's prefix, as tlog-tiles spells it. */
  public String path() {
    StringBuilder b = new StringBuilder("tile/");
    b.append(isEntries() ? "entries" : Integer.toString(level)).append('/');
    appendIndex(b, index);
    if (isPartial()) {
      b.append(".p/").append(width);
    }
    return b.toString();
  }

  /**
   * tlog-tiles: the index in zero-padded groups of three digits, all but the last prefixed with
   * {@code x}: 1234067 is {@code x001/x234/067}.
   */
  private static void appendIndex(StringBuilder b, long n) {
    String digits = Long.toString(n);
    int pad = (3 - digits.length() % 3) % 3;
    digits = "0".repeat(pad) + digits;
    for (int i = 0; i < digits.length(); i += 3) {
      if (i + 3 < digits.length()) {
        b.append('x').append(digits, i, i + 3).append('/');
      } else {
        b.append(digits, i, i + 3);
      }
    }
  }

  /**
   * Reads a path (without the log's prefix), accepting only the one spelling that {@link #path()}
   * writes: no leading zeros in L or W, no {@code x000} group in front, width 256 never written.
   */
  public static Tile parsePath(String path) {
    String rest;
    int level;
    if (path.startsWith("tile/entries/")) {
      level = ENTRIES;
      rest = path.substring("tile/entries/".length());
    } else if (path.startsWith("tile/")) {
      int slash = path.indexOf('/', 5);
      if (slash < 0) {
        throw invalid("not a tile path");
      }
      String l = path.substring(5, slash);
      if (!l.matches("0|[1-9][0-9]?")) {
        throw invalid("not a tile path: level is not a decimal from 0 to 63");
      }
      level = Integer.parseInt(l);
      rest = path.substring(slash + 1);
    } else {
      throw invalid("not a tile path");
    }
    int width = FULL_WIDTH;
    int p = rest.indexOf(".p/");
    if (p >= 0) {
      String w = rest.substring(p + 3);
      if (!w.matches("[1-9][0-9]{0,2}")) {
        throw invalid("not a tile path: width is not a decimal from 1 to 255");
      }
      width = Integer.parseInt(w);
      if (width >= FULL_WIDTH) {
        throw invalid("not a tile path: width is not a decimal from 1 to 255");
      }
      rest = rest.substring(0, p);
    }
    if (!rest.matches("(x[0-9]{3}/){0,6}[0-9]{3}")) {
      throw invalid("not a tile path: index is not groups of three digits");
    }
    long index;
    try {
      index = Long.parseLong(rest.replace("x", "").replace("/", ""));
    } catch (NumberFormatException e) {
      throw invalid("not a tile path: index is too large");
    }
    Tile tile = new Tile(level, index, width);
    if (!tile.path().equals(path)) {
      throw invalid("not a tile path in its canonical form");
    }
    return tile;
  }

  private static AttestationException invalid(String message) {
    return new AttestationException(Code.LOG, message);
  }

  @Override
  public String toString() {
    return path();
  }
}
