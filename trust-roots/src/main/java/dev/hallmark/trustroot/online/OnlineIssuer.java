package dev.hallmark.trustroot.online;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The online form of a trust root (FORMATS §1): an issuer URL whose OpenID discovery document names
 * the issuer and a same-origin {@code jwks_uri}. Fetching yields the same {@link TrustRoot} as the
 * offline file would. Construction checks the URL; nothing is fetched until {@link #fetch}.
 *
 * <pre>{@code
 * OnlineIssuer issuer = OnlineIssuer.of(URI.create("https://ci.example.com/oidc/"));
 * issuer.issuer();                                   // "https://ci.example.com/oidc"
 * TrustRoot root = issuer.fetch(OnlineOptions.defaults());
 * }</pre>
 */
public final class OnlineIssuer {
  /** OpenID Connect Discovery 1.0 §4: the path appended to the issuer URL. */
  static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

  private final String issuer;
  private final CheckedUrl issuerUrl;
  private final URI discoveryUri;

  private OnlineIssuer(String issuer, CheckedUrl issuerUrl, URI discoveryUri) {
    this.issuer = issuer;
    this.issuerUrl = issuerUrl;
    this.discoveryUri = discoveryUri;
  }

  /**
   * Checks an issuer URL: FORMATS §1 URL rules, and no query (OpenID Connect Discovery 1.0 §2: the
   * issuer has no query or fragment, and the discovery path is appended to it).
   *
   * @throws TrustRootException {@code INSECURE_URL} or {@code MALFORMED_URL}
   */
  public static OnlineIssuer of(URI issuerUrl) {
    requireNonNull(issuerUrl, "issuerUrl");
    String given = issuerUrl.toString();
    // FORMATS §1: strip one trailing "/", no more; the result is the exact issuer string.
    String issuer = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
    URI stripped = parseUrl(issuer, given);
    CheckedUrl checked = CheckedUrl.check(stripped);
    if (stripped.getRawQuery() != null) {
      throw new TrustRootException(
          Code.MALFORMED_URL, "issuer URL " + Display.url(issuerUrl) + " has a query");
    }
    URI discovery = parseUrl(issuer + DISCOVERY_PATH, given);
    return new OnlineIssuer(issuer, checked, discovery);
  }

  /** The issuer string: the URL with one trailing {@code /} stripped. */
  public String issuer() {
    return issuer;
  }

  /** {@code <issuer>/.well-known/openid-configuration}. */
  public URI discoveryUri() {
    return discoveryUri;
  }

  /** Fetches both documents within {@code options.timeout()} together. */
  public TrustRoot fetch(OnlineOptions options) {
    requireNonNull(options, "options");
    return fetch(Deadline.after(options.timeout()), options.connector());
  }

  /**
   * Fetches the discovery document and the JWK Set, both before {@code deadline}.
   *
   * @throws TrustRootException {@code ISSUER_MISMATCH}, {@code FOREIGN_ORIGIN}, {@code INVALID}
   *     (not strict JSON, missing members, or a JWK Set that breaks FORMATS §1), or any code of
   *     {@link RemoteDocument#fetch(URI, int, Deadline, Connector)}
   */
  public TrustRoot fetch(Deadline deadline, Connector connector) {
    requireNonNull(deadline, "deadline");
    requireNonNull(connector, "connector");
    String shownDiscovery = Display.url(discoveryUri);
    byte[] discoveryBytes =
        RemoteDocument.fetch(
            discoveryUri, StrictJson.DOCUMENT_LIMIT, deadline, connector, notFoundHint());
    JsonObject discovery = parseObject(discoveryBytes, "discovery document " + shownDiscovery);

    String named = member(discovery, "issuer", shownDiscovery);
    // FORMATS §1: the issuer member equals the URL exactly (code points, no normalisation), so
    // that a server cannot vouch for keys under another issuer's name.
    if (!named.equals(issuer)) {
      throw new TrustRootException(
          Code.ISSUER_MISMATCH,
          "discovery document "
              + shownDiscovery
              + " names the issuer '"
              + Display.untrusted(named)
              + "', expected '"
              + Display.untrusted(issuer)
              + "'");
    }

    // FORMATS §1: a hallmark_log member is the trust root's log member, under the same rules.
    dev.hallmark.attestation.trustroot.TrustRootLog log = null;
    if (discovery.has("hallmark_log")) {
      try {
        log = dev.hallmark.attestation.trustroot.TrustRootLog.fromJson(discovery.get("hallmark_log"));
      } catch (AttestationException e) {
        throw new TrustRootException(Code.INVALID, "discovery document " + shownDiscovery + ": hallmark_log: " + e.getMessage());
      }
    }
    String jwksText = member(discovery, "jwks_uri", shownDiscovery);
    URI jwksUri;
    try {
      jwksUri = new URI(jwksText);
    } catch (URISyntaxException e) {
      throw new TrustRootException(
          Code.INVALID,
          "discovery document "
              + shownDiscovery
              + ": jwks_uri '"
              + Display.untrusted(jwksText)
              + "' is not a URL");
    }
    CheckedUrl jwksUrl = checkSameOrigin(jwksUri, shownDiscovery);

    byte[] jwksBytes =
        RemoteDocument.fetch(jwksUrl.uri(), StrictJson.DOCUMENT_LIMIT, deadline, connector);
    JsonObject jwks = parseObject(jwksBytes, "JWK Set " + Display.url(jwksUri));
    try {
      return TrustRoot.of(issuer, jwks, log);
    } catch (AttestationException e) {
      throw new TrustRootException(
          Code.INVALID, "JWK Set " + Display.url(jwksUri) + ": " + e.getMessage());
    }
  }

  /**
   * A Hallmark orchestrator's issuer is {@code <base>/oidc}: a discovery document that is not
   * found under a URL without that path most often means the base URL was given.
   */
  private String notFoundHint() {
    return issuer.endsWith("/oidc") ? null : "(is the issuer URL " + Display.untrusted(issuer + "/oidc") + "?)";
  }

  /**
   * FORMATS §1: the {@code jwks_uri} has the issuer URL's origin (scheme, host, port, default ports
   * made explicit), so that the keys come from the party the user named; then the URL rules apply
   * to it like to any fetch.
   */
  private CheckedUrl checkSameOrigin(URI jwksUri, String shownDiscovery) {
    if (!jwksUri.isAbsolute() || jwksUri.isOpaque() || jwksUri.getHost() == null) {
      throw new TrustRootException(
          Code.INVALID,
          "discovery document "
              + shownDiscovery
              + ": jwks_uri "
              + Display.url(jwksUri)
              + " is not an absolute URL with a host");
    }
    // Origin first: a URL on another origin is refused as such, whatever else is wrong with it.
    String origin = CheckedUrl.originOf(jwksUri);
    if (!origin.equals(issuerUrl.origin())) {
      throw new TrustRootException(
          Code.FOREIGN_ORIGIN,
          "discovery document "
              + shownDiscovery
              + ": jwks_uri "
              + Display.url(jwksUri)
              + " is not on the issuer's origin "
              + issuerUrl.origin());
    }
    return CheckedUrl.check(jwksUri);
  }

  private static JsonObject parseObject(byte[] bytes, String what) {
    try {
      return StrictJson.parseObject(bytes, StrictJson.DOCUMENT_LIMIT);
    } catch (AttestationException e) {
      throw new TrustRootException(Code.INVALID, what + ": " + e.getMessage());
    }
  }

  private static String member(JsonObject document, String name, String shownDiscovery) {
    try {
      return document.requireString(name);
    } catch (AttestationException e) {
      throw new TrustRootException(
          Code.INVALID, "discovery document " + shownDiscovery + ": " + e.getMessage());
    }
  }

  private static URI parseUrl(String text, String given) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new TrustRootException(
          Code.MALFORMED_URL, "issuer URL '" + Display.untrusted(given) + "' is not a URL");
    }
  }

  @Override
  public String toString() {
    return "OnlineIssuer[" + issuer + "]";
  }
}
