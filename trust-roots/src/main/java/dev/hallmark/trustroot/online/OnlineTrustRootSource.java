package dev.hallmark.trustroot.online;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.Location;
import dev.hallmark.trustroot.TrustRootSource;
import java.net.URI;

/**
 * The online {@link TrustRootSource}: an issuer URL (FORMATS §1), fetched on every load (wrap it in
 * {@link TrustRootSource#memoized()}). It lives here, not beside {@link TrustRootSource}, so that
 * the package of the interface and its exception depends on nothing online: {@code
 * trustroot.online} depends on {@code trustroot}, never the reverse.
 *
 * <pre>{@code
 * TrustRootSource source = OnlineTrustRootSource.parse(args.trustRoot(), OnlineOptions.defaults())
 *     .memoized();                      // fetched once for all the bundles of an audit
 * TrustRoot root = source.load();       // throws TrustRootException
 * }</pre>
 */
public final class OnlineTrustRootSource implements TrustRootSource {
  private final OnlineIssuer issuer;
  private final OnlineOptions options;

  private OnlineTrustRootSource(OnlineIssuer issuer, OnlineOptions options) {
    this.issuer = issuer;
    this.options = options;
  }

  /**
   * The online form: an issuer URL (FORMATS §1). The URL is checked now ({@code INSECURE_URL},
   * {@code MALFORMED_URL}); nothing is fetched before {@link #load()}.
   */
  public static TrustRootSource of(URI issuer, OnlineOptions options) {
    return new OnlineTrustRootSource(OnlineIssuer.of(issuer), requireNonNull(options, "options"));
  }

  /**
   * A command-line argument, read as {@link Location#parse} says: {@code http://} or {@code
   * https://} in any case is an issuer URL (its scheme made lower case), a {@code file:} URL is
   * the file it names, any other {@code scheme://…} is refused with {@code INSECURE_URL} rather
   * than looked for as a file, and everything else is a file path ({@link TrustRootSource#file}).
   */
  public static TrustRootSource parse(String arg, OnlineOptions options) {
    requireNonNull(arg, "arg");
    requireNonNull(options, "options");
    Location where = Location.parse(arg, "trust root");
    return where.url() != null ? of(where.url(), options) : TrustRootSource.file(where.file());
  }

  @Override
  public TrustRoot load() {
    return issuer.fetch(options);
  }

  @Override
  public String describe() {
    return "issuer " + issuer.issuer();
  }

  @Override
  public String toString() {
    return "TrustRootSource[" + describe() + "]";
  }
}
