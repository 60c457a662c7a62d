package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import dev.hallmark.trustroot.online.OnlineIssuer;
import dev.hallmark.trustroot.online.OnlineOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a verifier gets its {@link TrustRoot} (FORMATS §1), offline or online: one method, so that
 * the two forms replace each other. Nothing inside a bundle ever chooses the source.
 *
 * <pre>{@code
 * TrustRootSource source = TrustRootSource.parse(args.trustRoot(), OnlineOptions.defaults())
 *     .memoized();                      // fetched once for all the bundles of an audit
 * TrustRoot root = source.load();       // throws TrustRootException
 * }</pre>
 */
public interface TrustRootSource {
  /**
   * Loads the trust root.
   *
   * @throws TrustRootException with a code saying why, and a message naming {@link #describe()}
   */
  TrustRoot load();

  /** What this source reads, for people: {@code file trust-root.json}, {@code issuer https://…}. */
  String describe();

  /**
   * A source that loads this one at most once, thread-safely, and then returns the same trust root,
   * or throws the same {@link TrustRootException}, on every call: an audit that verifies thousands
   * of bundles fetches the issuer once, and fails all alike if that fetch failed.
   */
  default TrustRootSource memoized() {
    return new MemoizedTrustRootSource(this);
  }

  /**
   * The offline form: a trust root file of at most 1 MiB.
   *
   * <p>Load fails with {@code UNREADABLE} (missing, not a regular file, I/O error), {@code
   * TOO_LARGE} or {@code INVALID}.
   */
  static TrustRootSource file(Path path) {
    return new FileTrustRootSource(path);
  }

  /**
   * The online form: an issuer URL (FORMATS §1). The URL is checked now ({@code INSECURE_URL},
   * {@code MALFORMED_URL}); nothing is fetched before {@link #load()}.
   */
  static TrustRootSource online(URI issuer, OnlineOptions options) {
    return new OnlineTrustRootSource(OnlineIssuer.of(issuer), requireNonNull(options, "options"));
  }

  /** A trust root already in memory. */
  static TrustRootSource of(TrustRoot trustRoot) {
    return new PreloadedTrustRootSource(trustRoot);
  }

  /**
   * A command-line argument: a string starting with {@code http://} or {@code https://} (any case)
   * is an issuer URL, any other {@code scheme://…} is refused with {@code INSECURE_URL} rather than
   * looked for as a file, and everything else is a file path.
   */
  static TrustRootSource parse(String arg, OnlineOptions options) {
    requireNonNull(arg, "arg");
    requireNonNull(options, "options");
    int sep = arg.indexOf("://");
    if (sep > 0 && isScheme(arg.substring(0, sep))) {
      String scheme = arg.substring(0, sep).toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new TrustRootException(
            Code.INSECURE_URL, "trust root URL scheme '" + scheme + "' is not https");
      }
      URI uri;
      try {
        uri = new URI(arg);
      } catch (URISyntaxException e) {
        throw new TrustRootException(Code.MALFORMED_URL, "'" + printable(arg) + "' is not a URL");
      }
      return online(uri, options);
    }
    try {
      return file(Path.of(arg));
    } catch (InvalidPathException e) {
      throw new TrustRootException(
          Code.UNREADABLE, "'" + printable(arg) + "' is not a valid file path");
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
