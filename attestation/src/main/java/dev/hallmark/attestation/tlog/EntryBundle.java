package dev.hallmark.attestation.tlog;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A tlog-tiles entry bundle: entries, each prefixed with its length as a big-endian uint16. A
 * Hallmark entry (a token, FORMATS §8.1) is at most 65,535 bytes, so every entry fits.
 *
 * <pre>{@code
 * byte[] bundle = EntryBundle.encode(List.of(token1, token2));
 * List<byte[]> entries = EntryBundle.parse(bundle, 2);
 * }</pre>
 */
public final class EntryBundle {
  /** FORMATS §8.1 and the uint16 length prefix: at most 65,535 bytes per entry. */
  public static final int MAX_ENTRY_BYTES = 0xffff;

  private EntryBundle() {}

  public static byte[] encode(List<byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      checkLength(e);
      out.write(e.length >>> 8);
      out.write(e.length);
      out.write(e, 0, e.length);
    }
    return out.toByteArray();
  }

  /** Splits a bundle that must hold exactly {@code count} entries and nothing after them. */
  public static List<byte[]> parse(byte[] bundle, int count) {
    List<byte[]> entries = new ArrayList<>(count);
    int at = 0;
    while (at < bundle.length) {
      if (entries.size() == count) {
        throw invalid("entry bundle holds bytes after its " + count + " entries");
      }
      if (bundle.length - at < 2) {
        throw invalid("entry bundle ends inside a length prefix");
      }
      int length = ((bundle[at] & 0xff) << 8) | (bundle[at + 1] & 0xff);
      at += 2;
      if (bundle.length - at < length) {
        throw invalid("entry bundle ends inside entry " + entries.size());
      }
      entries.add(java.util.Arrays.copyOfRange(bundle, at, at + length));
      at += length;
    }
    if (entries.size() != count) {
      throw invalid("entry bundle holds " + entries.size() + " entries, not " + count);
    }
    return entries;
  }

  static void checkLength(byte[] entry) {
    if (entry.length > MAX_ENTRY_BYTES) {
      throw invalid("a log entry of " + entry.length + " bytes exceeds 65,535 bytes");
    }
  }

  private static AttestationException invalid(String message) {
    return new AttestationException(Code.LOG, message);
  }
}
