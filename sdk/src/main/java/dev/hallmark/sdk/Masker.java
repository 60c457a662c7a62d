package dev.hallmark.sdk;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces the secrets the SDK knows (the capability, tokens minted for the step, the declared
 * secrets of the run's repository in their encoded forms) with
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

  /** Longest first, so a secret that contains another (a padded base64 form) is masked whole. */
  private volatile List<String> secrets = List.of();
  private volatile List<byte[]> secretBytes = List.of();
  private volatile int maxSecretBytes;

  /**
   * Adds a declared secret in every form the orchestrator masks it in ({@link #forms}): the
   * orchestrator's copy of this rule ({@code SecretForms}) is pinned to this one by a shared test.
   */
  void addDeclared(String value) {
    forms(value).forEach(this::add);
  }

  /**
   * The forms of a declared secret that are masked: the value; standard base64 and base64url of
   * its UTF-8 bytes, each with and without padding; its URL encodings (form encoding with
   * {@code +}, RFC 3986 with {@code %20}), each with upper- and lower-case hex; and, for a value
   * of several lines, each line (masking works line by line). Shorter than 8 characters are
   * dropped by {@link #add}.
   */
  static List<String> forms(String value) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(value);
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    String b64 = Base64.getEncoder().encodeToString(utf8);
    String b64url = Base64.getUrlEncoder().encodeToString(utf8);
    forms.add(b64);
    forms.add(stripPadding(b64));
    forms.add(b64url);
    forms.add(stripPadding(b64url));
    String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
    String rfc3986 = percentEncode(utf8);
    for (String encoded : List.of(form, rfc3986)) {
      forms.add(encoded);
      forms.add(lowerHex(encoded));
    }
    for (String line : value.split("\r?\n|\r")) {
      forms.add(line);
    }
    return new ArrayList<>(forms);
  }

  private static String stripPadding(String base64) {
    int end = base64.length();
    while (end > 0 && base64.charAt(end - 1) == '=') {
      end--;
    }
    return base64.substring(0, end);
  }

  /** RFC 3986: every byte but the unreserved {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}. */
  private static String percentEncode(byte[] utf8) {
    StringBuilder sb = new StringBuilder(utf8.length * 3);
    for (byte b : utf8) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** The same percent-encoding with lower-case hex digits (only the two characters after each {@code %}). */
  private static String lowerHex(String encoded) {
    StringBuilder sb = new StringBuilder(encoded);
    for (int i = 0; i + 2 < sb.length(); i++) {
      if (sb.charAt(i) == '%') {
        sb.setCharAt(i + 1, Character.toLowerCase(sb.charAt(i + 1)));
        sb.setCharAt(i + 2, Character.toLowerCase(sb.charAt(i + 2)));
        i += 2;
      }
    }
    return sb.toString();
  }

  synchronized void add(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH || secrets.contains(secret)) {
      return;
    }
    List<String> next = new ArrayList<>(secrets);
    next.add(secret);
    next.sort(Comparator.comparingInt((String x) -> x.getBytes(StandardCharsets.UTF_8).length).reversed());
    List<byte[]> bytes = new ArrayList<>();
    for (String x : next) {
      bytes.add(x.getBytes(StandardCharsets.UTF_8));
    }
    secretBytes = List.copyOf(bytes);
    secrets = List.copyOf(next);
    maxSecretBytes = bytes.get(0).length;
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
