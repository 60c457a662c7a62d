package dev.hallmark.orchestrator.secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The forms of a declared secret's value that are masked in job logs: the value; standard base64
 * and base64url of its UTF-8 bytes, each with and without padding; its URL encodings (HTML form
 * encoding with {@code +} as {@link URLEncoder} writes it, and RFC 3986 with {@code %20}), each
 * with upper- and lower-case hex digits; and, for a value of several lines, each of its lines
 * (logs are masked line by line). The SDK's {@code Masker.forms} is a copy, pinned to this one by
 * a shared test; a form shorter than 8 characters is ignored by both maskers.
 *
 * <pre>{@code
 * SecretForms.of("s3cr3t value").forEach(logMasker::add);
 * }</pre>
 */
public final class SecretForms {
  private SecretForms() {}

  /** The distinct forms, the value first. */
  public static List<String> of(String value) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(value);
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    String b64 = Base64.getEncoder().encodeToString(utf8);
    String b64url = Base64.getUrlEncoder().encodeToString(utf8);
    forms.add(b64);
    forms.add(stripPadding(b64));
    forms.add(b64url);
    forms.add(stripPadding(b64url));
    for (String encoded : List.of(URLEncoder.encode(value, StandardCharsets.UTF_8), percentEncode(utf8))) {
      forms.add(encoded);
      forms.add(lowerHex(encoded));
    }
    for (String line : value.split("\\r?\\n|\\r")) {
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

  /** RFC 3986 §2: every byte but the unreserved {@code A-Z a-z 0-9 - . _ ~} as {@code %XX}. */
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

  /** The same percent-encoding with lower-case hex (only the two characters after each {@code %}). */
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
}
