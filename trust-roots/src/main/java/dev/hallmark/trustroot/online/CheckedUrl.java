package dev.hallmark.trustroot.online;

import static java.util.Objects.requireNonNull;

import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A URL that passed the FORMATS §1 fetch rules, with the address a plain-HTTP fetch must connect
 * to. Checking happens before any connection, so a refused URL never produces traffic.
 *
 * @param uri the URL as given
 * @param address for plain HTTP, the loopback address the host literal names (never looked up in
 *     DNS or a hosts file); {@code null} for HTTPS, whose host name TLS authenticates
 */
record CheckedUrl(URI uri, InetAddress address) {
  private static final byte[] IPV4_LOOPBACK = {127, 0, 0, 1};
  private static final byte[] IPV6_LOOPBACK = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

  CheckedUrl {
    requireNonNull(uri, "uri");
  }

  /** Applies the URL rules of FORMATS §1; throws {@link TrustRootException} otherwise. */
  static CheckedUrl check(URI url) {
    requireNonNull(url, "url");
    String shown = Display.url(url);
    if (!url.isAbsolute() || url.isOpaque()) {
      throw new TrustRootException(Code.MALFORMED_URL, shown + " is not an absolute URL");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new TrustRootException(Code.INSECURE_URL, shown + " does not use HTTPS (FORMATS §1)");
    }
    String authority = url.getRawAuthority();
    // No user info: it would send credentials, and "https://good@evil/" misleads readers about
    // the host. Checked on the raw authority too, so that an authority the URI parser could not
    // split into user info and host is refused as well.
    if (url.getRawUserInfo() != null || (authority != null && authority.indexOf('@') >= 0)) {
      throw new TrustRootException(Code.INSECURE_URL, shown + " carries user info");
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      throw new TrustRootException(Code.MALFORMED_URL, shown + " has no valid host");
    }
    int port = url.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new TrustRootException(Code.MALFORMED_URL, shown + " has an invalid port");
    }
    if (url.getRawFragment() != null) {
      throw new TrustRootException(Code.MALFORMED_URL, shown + " has a fragment");
    }
    if (scheme.equals("https")) {
      return new CheckedUrl(url, null);
    }
    InetAddress loopback = loopbackLiteral(host);
    if (loopback == null) {
      throw new TrustRootException(
          Code.INSECURE_URL,
          shown
              + " is plain HTTP to a host that is not a literal loopback address;"
              + " use HTTPS (FORMATS §1)");
    }
    return new CheckedUrl(url, loopback);
  }

  /** The RFC 6454 origin of this URL; see {@link #originOf(URI)}. */
  String origin() {
    return originOf(uri);
  }

  /**
   * The RFC 6454 origin of an absolute URL with a host, as a comparable string: scheme and host
   * lower case (both are case-insensitive, RFC 3986 §3.1 and §3.2.2) and the scheme's default port
   * made explicit, so {@code https://a.example} and {@code https://A.example:443} agree.
   */
  static String originOf(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    if (port == -1) {
      port =
          switch (scheme) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
          };
    }
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /**
   * The loopback address a host literal names, or {@code null}. FORMATS §1 allows exactly {@code
   * localhost}, a {@code 127.x.y.z} literal and {@code [::1]}; {@code localhost} means 127.0.0.1
   * here, never what a resolver or a hosts file says, so a name that resolves elsewhere cannot
   * redirect a plain-HTTP fetch off the machine.
   */
  static InetAddress loopbackLiteral(String host) {
    byte[] bytes;
    if (host.equalsIgnoreCase("localhost")) {
      bytes = IPV4_LOOPBACK;
    } else if (host.equals("[::1]")) {
      bytes = IPV6_LOOPBACK;
    } else {
      bytes = ipv4Loopback(host);
      if (bytes == null) {
        return null;
      }
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("a 4- or 16-byte address is always accepted", e);
    }
  }

  /**
   * Four canonical decimal octets, the first being 127; anything else (octal, hex, short) is not.
   */
  private static byte[] ipv4Loopback(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }
}
