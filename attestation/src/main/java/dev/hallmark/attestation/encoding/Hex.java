package dev.hallmark.attestation.encoding;

/**
 * Lowercase hexadecimal, the only hex FORMATS allows.
 *
 * <pre>{@code
 * String hex = Hex.encode(digest);
 * boolean ok = Hex.isLowerHex(value, 64);
 * }</pre>
 */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** True when {@code s} is exactly {@code length} characters of {@code [0-9a-f]}. */
  public static boolean isLowerHex(String s, int length) {
    if (s == null || s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
