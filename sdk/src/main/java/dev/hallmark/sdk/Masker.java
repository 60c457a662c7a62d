package dev.hallmark.sdk;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replaces the secrets the SDK knows (the capability, tokens minted for the step) with
 * {@value #MASK} in what the SDK itself prints: step log lines, command output it relays, failure
 * messages. The orchestrator masks the captured streams again; this is the first line, not the
 * only one, and it cannot stop a step that prints a secret on purpose.
 *
 * <pre>{@code
 * masker.add(token.token());
 * out.println(masker.mask(line));
 * }</pre>
 */
final class Masker {
  static final String MASK = "***";
  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.US_ASCII);
  /** Shorter values are not masked: they would blank out ordinary text. */
  private static final int MIN_SECRET_LENGTH = 8;

  private final List<String> secrets = new CopyOnWriteArrayList<>();
  private final List<byte[]> secretBytes = new CopyOnWriteArrayList<>();
  private volatile int maxSecretBytes;

  void add(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH || secrets.contains(secret)) {
      return;
    }
    byte[] b = secret.getBytes(StandardCharsets.UTF_8);
    secrets.add(secret);
    secretBytes.add(b);
    maxSecretBytes = Math.max(maxSecretBytes, b.length);
  }

  /** The longest secret in bytes, 0 when there is none. */
  int maxSecretBytes() {
    return maxSecretBytes;
  }

  boolean containsSecret(String s) {
    for (String secret : secrets) {
      if (s.contains(secret)) {
        return true;
      }
    }
    return false;
  }

  String mask(String s) {
    if (s == null) {
      return null;
    }
    for (String secret : secrets) {
      s = s.replace(secret, MASK);
    }
    return s;
  }

  /**
   * Masks {@code buf[0, len)} into {@code out} and returns how many bytes of {@code buf} were
   * consumed. With {@code all} false, the last bytes that could be the start of a secret cut off
   * by the end of the buffer are left unconsumed for the caller to keep: a secret that starts at
   * a consumed position lies wholly inside the buffer, so it was seen.
   */
  int mask(byte[] buf, int len, boolean all, ByteArrayOutputStream out) {
    List<byte[]> list = secretBytes;
    int limit = all ? len : Math.max(0, len - Math.max(0, maxSecretBytes - 1));
    int i = 0;
    scan:
    while (i < len) {
      for (byte[] s : list) {
        if (startsWith(buf, i, len, s)) {
          out.write(MASK_BYTES, 0, MASK_BYTES.length);
          i += s.length;
          continue scan;
        }
      }
      if (i >= limit) {
        break;
      }
      out.write(buf[i]);
      i++;
    }
    return i;
  }

  private static boolean startsWith(byte[] buf, int at, int len, byte[] s) {
    if (at + s.length > len) {
      return false;
    }
    for (int k = 0; k < s.length; k++) {
      if (buf[at + k] != s[k]) {
        return false;
      }
    }
    return true;
  }
}
