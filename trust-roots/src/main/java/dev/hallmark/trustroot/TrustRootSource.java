package dev.hallmark.trustroot;

import dev.hallmark.attestation.trustroot.TrustRoot;
import java.nio.file.Path;

/**
 * Where a verifier gets its {@link TrustRoot} (FORMATS §1), offline or online: one method, so that
 * the two forms replace each other. Nothing inside a bundle ever chooses the source. The online form
 * and the command-line parser live in {@code trustroot.online} ({@code OnlineTrustRootSource}),
 * which depends on this package and never the reverse.
 *
 * <pre>{@code
 * TrustRootSource source = OnlineTrustRootSource.parse(args.trustRoot(), OnlineOptions.defaults())
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

  /** A trust root already in memory. */
  static TrustRootSource of(TrustRoot trustRoot) {
    return new PreloadedTrustRootSource(trustRoot);
  }
}
