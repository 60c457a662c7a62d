package dev.hallmark.verifier;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code log} check proved (FORMATS §7's {@code log} member): the token is entry
 * {@code index} of the log {@code origin}, whose checkpoint of {@code treeSize} entries the named
 * witnesses cosigned, the quorum of them by {@code witnessedBefore} (null for {@code quorum none}).
 * {@code index} and {@code treeSize} are unsigned 64-bit values.
 *
 * <pre>{@code
 * LogEntry e = result.log();     // null when no log policy applied
 * System.out.println("entry " + Long.toUnsignedString(e.index()) + " of " + e.origin());
 * }</pre>
 */
public record LogEntry(String origin, long index, long treeSize, List<String> witnesses, Long witnessedBefore) {
  public LogEntry {
    witnesses = List.copyOf(witnesses);
  }

  /** The §7 object; the integers are written exactly, even past 2^53. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("origin", origin);
    m.put("index", exact(index));
    m.put("treeSize", exact(treeSize));
    m.put("witnesses", witnesses);
    m.put("witnessedBefore", witnessedBefore);
    return m;
  }

  private static Object exact(long unsigned) {
    return unsigned >= 0 ? (Object) unsigned : new BigInteger(Long.toUnsignedString(unsigned));
  }
}
