package dev.hallmark.orchestrator.oidc;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEObjectType;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.sign.IdentityTokens;
import dev.hallmark.attestation.sign.IssuerKey;
import dev.hallmark.attestation.token.IdentityClaims;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.keys.IssuerKeyStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OIDC issuer (FORMATS §1, §2): the discovery document and JWKS published under {@code
 * <public-url>/oidc}, the offline trust-root file, and the tokens steps ask for through {@code
 * ctx.oidc().token(audience)}.
 *
 * <pre>{@code
 * Issuer issuer = new Issuer("http://127.0.0.1:8080", keys);
 * byte[] discovery = issuer.discoveryDocument();
 * }</pre>
 */
public final class Issuer {
  /** FORMATS §2: audiences with this prefix are reserved for the orchestrator's own tokens. */
  public static final String RESERVED_AUDIENCE_PREFIX = "hallmark:";
  public static final int MAX_AUDIENCE_LENGTH = 512;
  /**
   * Every claim the issuer's tokens carry (FORMATS §2): the identity claims of both kinds of token,
   * and {@code cnf} and {@code payload_sha256}, which only attestation tokens carry.
   */
  public static final List<String> CLAIMS_SUPPORTED = List.of("iss", "sub", "aud", "iat", "nbf", "exp", "jti",
      "repository", "ref", "sha", "workflow", "event_name", "run_id", "run_attempt", "job_id", "job_name",
      "runner_environment", "cnf", "payload_sha256");

  private final String publicUrl;
  private final String issuerUrl;
  private final IssuerKeyStore keys;
  private final Map<String, Object> log;

  /** @param publicUrl the orchestrator's public base URL, without a trailing slash */
  public Issuer(String publicUrl, IssuerKeyStore keys) {
    this(publicUrl, null, keys);
  }

  /**
   * @param issuerUrl the exact {@code iss} of every token; null means {@code publicUrl + "/oidc"}.
   *     {@code hallmark run} keeps one fixed issuer string in its data folder while it listens on
   *     whatever port is free, so bundles of earlier runs verify against the newest trust-root file.
   */
  public Issuer(String publicUrl, String issuerUrl, IssuerKeyStore keys) {
    this(publicUrl, issuerUrl, keys, null, 0);
  }

  /**
   * An issuer whose tokens are logged: the trust root's {@code log} member and the discovery
   * document's {@code hallmark_log} carry {@code logPolicy} and {@code since} (FORMATS §1, §8.2).
   * {@code logPolicy} null means no log.
   */
  public Issuer(String publicUrl, String issuerUrl, IssuerKeyStore keys, String logPolicy, long since) {
    if (logPolicy == null) {
      this.log = null;
    } else {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", logPolicy);
      m.put("since", since);
      this.log = JsonObject.of(m).members();
    }
    this.publicUrl = stripSlash(requireNonNull(publicUrl, "publicUrl"));
    this.issuerUrl = issuerUrl == null ? issuerUrlFor(this.publicUrl) : stripSlash(issuerUrl);
    this.keys = requireNonNull(keys, "keys");
  }

  /** The issuer a public base URL gives: {@code <public URL>/oidc}, one trailing slash ignored. */
  public static String issuerUrlFor(String publicUrl) {
    return stripSlash(requireNonNull(publicUrl, "publicUrl")) + "/oidc";
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  public String publicUrl() {
    return publicUrl;
  }

  /** The exact string every token's {@code iss} carries. */
  public String issuerUrl() {
    return issuerUrl;
  }

  /** The log's URL prefix, {@code <issuer URL>/log} (FORMATS §8.1). */
  public String logUrl() {
    return issuerUrl + "/log";
  }

  public String jwksUri() {
    return issuerUrl + "/jwks";
  }

  public IssuerKeyStore keys() {
    return keys;
  }

  public byte[] discoveryDocument() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issuer", issuerUrl);
    d.put("jwks_uri", jwksUri());
    d.put("response_types_supported", List.of("id_token"));
    d.put("subject_types_supported", List.of("public"));
    d.put("id_token_signing_alg_values_supported", List.of("ES256"));
    d.put("claims_supported", CLAIMS_SUPPORTED);
    if (log != null) {
      d.put("hallmark_log", JsonObject.of(log));
    }
    return StrictJson.writePretty(d);
  }

  public byte[] jwks() {
    return StrictJson.writePretty(keys.jwks());
  }

  /** FORMATS §1 offline form. */
  public byte[] trustRootFile() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", issuerUrl);
    m.put("jwks", JsonObject.of(keys.jwks()));
    if (log != null) {
      m.put("log", JsonObject.of(log));
    }
    return StrictJson.writePretty(m);
  }

  /** Refuses a step audience that is empty, too long, or reserved (FORMATS §2). */
  public static void checkStepAudience(String audience) {
    if (audience == null || audience.isEmpty()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'audience' is required");
    }
    if (audience.length() > MAX_AUDIENCE_LENGTH) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'audience' is longer than " + MAX_AUDIENCE_LENGTH + " characters");
    }
    if (audience.startsWith(RESERVED_AUDIENCE_PREFIX)) {
      throw new OrchestratorException(Code.INVALID_INPUT, "audiences beginning with 'hallmark:' are reserved");
    }
  }

  /**
   * A token a step asked for: the job's identity claims, {@code typ: JWT}, {@code aud} = the
   * caller's audience, and never the reserved type, audience, {@code cnf} or {@code payload_sha256}.
   */
  public String mintStepToken(IdentityClaims c, String audience) {
    checkStepAudience(audience);
    IssuerKey issuer = keys.signingKey();
    try {
      // Same identity claims as an attestation token; never its type, audience or bindings.
      return IdentityTokens.mint(issuer, c, JOSEObjectType.JWT.getType(), audience, Map.of());
    } catch (IllegalStateException e) {
      throw new OrchestratorException(Code.KEYS, "signing the token failed");
    }
  }
}
