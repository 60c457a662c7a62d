package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.online.OnlineIssuer;
import dev.hallmark.trustroot.online.OnlineOptions;
import java.net.URI;
import java.nio.file.Path;

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
   * A command-line argument, read as {@link Location#parse} says: {@code http://} or {@code
   * https://} in any case is an issuer URL (its scheme made lower case), a {@code file:} URL is
   * the file it names, any other {@code scheme://…} is refused with {@code INSECURE_URL} rather
   * than looked for as a file, and everything else is a file path.
   */
  static TrustRootSource parse(String arg, OnlineOptions options) {
    requireNonNull(arg, "arg");
    requireNonNull(options, "options");
    Location where = Location.parse(arg, "trust root");
    return where.url() != null ? online(where.url(), options) : file(where.file());
  }
}
