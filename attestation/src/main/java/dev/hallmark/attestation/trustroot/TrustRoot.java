package dev.hallmark.attestation.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trusted issuer and its usable public keys (FORMATS §1), parsed and validated once. Given to
 * the verifier out of band; nothing inside a bundle or token is ever trusted instead.
 *
 * <pre>{@code
 * TrustRoot root = TrustRoot.parse(Files.readAllBytes(Path.of("trust-root.json")));
 * TrustKey key = root.key(kid);   // null when no usable key has that kid
 * }</pre>
 */
public final class TrustRoot {
  /** Media type of the offline file. */
  public static final String MEDIA_TYPE = "application/vnd.hallmark.trust-root.v1+json";

  private final String issuer;
  private final JsonObject jwks;
  private final List<TrustKey> keys;
  private final Map<String, TrustKey> byKid;
  private final TrustRootLog log;

  private TrustRoot(String issuer, JsonObject jwks, List<TrustKey> keys, TrustRootLog log) {
    this.issuer = issuer;
    this.jwks = jwks;
    this.log = log;
    this.keys = List.copyOf(keys);
    Map<String, TrustKey> m = new HashMap<>();
    for (TrustKey k : keys) {
      if (k.kid() != null) {
        m.put(k.kid(), k);
      }
    }
    this.byKid = Collections.unmodifiableMap(m);
  }

  /** Parses the offline file form {@code {"issuer": …, "jwks": {"keys": […]}}}. */
  public static TrustRoot parse(byte[] json) {
    JsonObject root;
    try {
      root = StrictJson.parseObject(json, StrictJson.DOCUMENT_LIMIT);
    } catch (AttestationException e) {
      throw invalid(e.getMessage());
    }
    Object log = root.get("log");
    return of(shaped(() -> root.requireString("issuer")), shaped(() -> root.requireObject("jwks")),
        log == null ? null : TrustRootLog.fromJson(log));
  }

  /** Builds a trust root from an issuer and a JWK Set (the online form's two documents). */
  public static TrustRoot of(String issuer, JsonObject jwks) {
    return of(issuer, jwks, null);
  }

  /**
   * Builds a trust root from an issuer, a JWK Set and an optional log policy (the discovery
   * document's {@code hallmark_log}, FORMATS §1).
   */
  public static TrustRoot of(String issuer, JsonObject jwks, TrustRootLog log) {
    requireNonNull(issuer, "issuer");
    requireNonNull(jwks, "jwks");
    if (issuer.isEmpty()) {
      throw invalid("issuer is empty");
    }
    if (issuer.indexOf('?') >= 0 || issuer.indexOf('#') >= 0) {
      throw invalid("issuer contains '?' or '#'");
    }
    List<Object> entries = shaped(() -> jwks.requireArray("keys"));
    List<TrustKey> usable = new ArrayList<>();
    Map<String, Boolean> kids = new HashMap<>();
    int index = 0;
    for (Object entry : entries) {
      String where = "jwks.keys[" + index++ + "]";
      if (!(entry instanceof JsonObject jwk)) {
        throw invalid(where + " is not an object");
      }
      TrustKey key = usableKey(jwk, where);
      if (key == null) {
        continue;
      }
      if (key.kid() != null && kids.put(key.kid(), Boolean.TRUE) != null) {
        throw invalid("two usable keys have the kid '" + key.kid() + "'");
      }
      usable.add(key);
    }
    return new TrustRoot(issuer, jwks, usable, log);
  }

  /** A usable key, {@code null} for a key the verifier cannot use, or an invalid trust root. */
  private static TrustKey usableKey(JsonObject jwk, String where) {
    for (String member : P256PublicKey.PRIVATE_MEMBERS) {
      if (jwk.has(member)) {
        throw invalid(where + " holds the private member '" + member + "'");
      }
    }
    // Keys of another type or curve, or meant for another algorithm or use, are skipped.
    if (!"EC".equals(jwk.get("kty")) || !"P-256".equals(jwk.get("crv"))) {
      return null;
    }
    String alg = shaped(() -> jwk.optString("alg"), where);
    String use = shaped(() -> jwk.optString("use"), where);
    if ((alg != null && !alg.equals("ES256")) || (use != null && !use.equals("sig"))) {
      return null;
    }
    String kid = shaped(() -> jwk.optString("kid"), where);
    Long nbf = shaped(() -> jwk.optTime("nbf"), where);
    Long exp = shaped(() -> jwk.optTime("exp"), where);
    Long revokedAt = shaped(() -> jwk.optTime("revokedAt"), where);
    P256PublicKey publicKey;
    try {
      publicKey = P256PublicKey.fromJwk(jwk);
    } catch (AttestationException e) {
      throw invalid(where + ": " + e.getMessage());
    }
    return new TrustKey(kid, publicKey, nbf, exp, revokedAt, jwk);
  }

  public String issuer() {
    return issuer;
  }

  /** The usable keys, in the order of the JWK Set. */
  public List<TrustKey> keys() {
    return keys;
  }

  /** The usable key with this {@code kid}, or {@code null}. */
  public TrustKey key(String kid) {
    return byKid.get(kid);
  }

  /** The transparency-log policy (FORMATS §8.2), or {@code null} when the trust root names no log. */
  public TrustRootLog log() {
    return log;
  }

  /** This trust root with {@code log} in place of its own (a verifier's {@code --log-policy}). */
  public TrustRoot withLog(TrustRootLog log) {
    return new TrustRoot(issuer, jwks, keys, log);
  }

  /** The JWK Set as given, skipped keys included. */
  public JsonObject jwks() {
    return jwks;
  }

  /** The offline file form, keys exactly as given. */
  public byte[] toFileBytes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", issuer);
    m.put("jwks", jwks);
    if (log != null) {
      m.put("log", log.toJson());
    }
    return StrictJson.writePretty(m);
  }

  @Override
  public String toString() {
    return "TrustRoot[issuer=" + issuer + ", keys=" + keys.size() + "]";
  }

  private static AttestationException invalid(String message) {
    return new AttestationException(Code.TRUST_ROOT, "invalid trust root: " + message);
  }

  private interface Read<T> {
    T get();
  }

  private static <T> T shaped(Read<T> read) {
    return shaped(read, null);
  }

  private static <T> T shaped(Read<T> read, String where) {
    try {
      return read.get();
    } catch (AttestationException e) {
      throw invalid(where == null ? e.getMessage() : where + ": " + e.getMessage());
    }
  }
}
