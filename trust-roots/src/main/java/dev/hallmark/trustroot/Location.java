package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.trustroot.TrustRootException.Code;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a command-line argument such as {@code --trust-root} or {@code --bundle} points: an HTTP(S)
 * URL or a local file. Both flags read their argument this one way, so that they never disagree:
 *
 * <ul>
 *   <li>{@code http://…} and {@code https://…} in any case are URLs, their scheme made lower case
 *       (RFC 3986 §3.1: schemes are case-insensitive), so {@code HTTPS://h/x} is {@code
 *       https://h/x};
 *   <li>a {@code file:} URL in any case ({@code file:/x}, {@code file:///x}, {@code
 *       file://localhost/x}, RFC 8089) is the local file it names, percent-decoded;
 *   <li>any other {@code scheme://…} is refused rather than looked for as a file;
 *   <li>everything else is a file path.
 * </ul>
 *
 * <pre>{@code
 * Location where = Location.parse("FILE:///etc/hallmark/trust-root.json", "trust root");
 * where.file();   // /etc/hallmark/trust-root.json
 * where.url();    // null
 * }</pre>
 *
 * @param url the URL, scheme in lower case, or {@code null} for a file
 * @param file the file, or {@code null} for a URL
 */
public record Location(URI url, Path file) {
  public Location {
    if ((url == null) == (file == null)) {
      throw new IllegalArgumentException("a location is a URL or a file, not both or neither");
    }
  }

  /**
   * Reads {@code arg}; {@code what} names it in messages ({@code "trust root"}, {@code "bundle"}).
   *
   * @throws TrustRootException {@code INSECURE_URL} for another scheme, {@code MALFORMED_URL} for a
   *     URL that does not parse or a {@code file:} URL that names no local absolute path, {@code
   *     UNREADABLE} for a string that is no valid path
   */
  public static Location parse(String arg, String what) {
    requireNonNull(arg, "arg");
    requireNonNull(what, "what");
    if (arg.regionMatches(true, 0, "file:", 0, 5)) {
      return new Location(null, fileUrl("file:" + arg.substring(5), arg, what));
    }
    int sep = arg.indexOf("://");
    if (sep > 0 && isScheme(arg.substring(0, sep))) {
      String scheme = arg.substring(0, sep).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new TrustRootException(
            Code.INSECURE_URL, what + " URL scheme '" + printable(scheme) + "' is not https");
      }
      try {
        return new Location(new URI(scheme + arg.substring(sep)), null);
      } catch (URISyntaxException e) {
        throw new TrustRootException(Code.MALFORMED_URL, "'" + printable(arg) + "' is not a URL");
      }
    }
    try {
      return new Location(null, Path.of(arg));
    } catch (InvalidPathException e) {
      throw new TrustRootException(Code.UNREADABLE, "'" + printable(arg) + "' is not a valid file path");
    }
  }

  /** RFC 8089: an absolute path, with no host or {@code localhost}; no query or fragment. */
  private static Path fileUrl(String lowered, String arg, String what) {
    URI uri;
    try {
      uri = new URI(lowered);
    } catch (URISyntaxException e) {
      throw new TrustRootException(Code.MALFORMED_URL, "'" + printable(arg) + "' is not a URL");
    }
    String host = uri.getRawAuthority();
    boolean local = host == null || host.isEmpty() || host.equalsIgnoreCase("localhost");
    if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
      throw new TrustRootException(
          Code.MALFORMED_URL,
          what + " URL '" + printable(arg) + "' names no absolute path (write file:///path, or the path itself)");
    }
    if (!local) {
      throw new TrustRootException(
          Code.MALFORMED_URL, what + " URL '" + printable(arg) + "' names another host; only local files are read");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new TrustRootException(
          Code.MALFORMED_URL, what + " URL '" + printable(arg) + "' has a query or fragment");
    }
    try {
      return Path.of(uri.getPath());
    } catch (InvalidPathException e) {
      throw new TrustRootException(Code.UNREADABLE, "'" + printable(arg) + "' is not a valid file path");
    }
  }

  /** RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
  private static boolean isScheme(String s) {
    if (s.isEmpty() || !isAsciiLetter(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static String printable(String s) {
    return FileTrustRootSource.printable(s);
  }
}
