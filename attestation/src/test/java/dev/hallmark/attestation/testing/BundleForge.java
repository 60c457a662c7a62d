package dev.hallmark.attestation.testing;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Builds bundles for tests from editable parts, and signs every part validly after the edits, so
 * that an adversarial fixture breaks exactly the one rule under attack. A fresh forge makes a
 * bundle that verifies against {@link #trustRoot()}.
 *
 * <p>Every part is a plain mutable map. The derived values ({@code cnf.jkt}, {@code
 * payload_sha256}, the DSSE {@code keyid}, both signatures) are computed at {@link #bytes()} time
 * unless a test replaces them through the override hooks.
 *
 * <pre>{@code
 * BundleForge f = BundleForge.valid();
 * f.header.put("alg", "none");
 * byte[] bundle = f.bytes();
 * }</pre>
 */
public final class BundleForge {
  public static final String ISSUER = "https://ci.test.example/oidc";
  public static final String KID = "test-2026-01";
  public static final String SHA = "9580c31a6421584ba9b2f7c1382c530ba235d8b3";
  public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
  /** Issue time of the tokens: 2026-04-28T12:00:00Z, inside the default key period. */
  public static final long IAT = 1777377600L;

  private static final SecureRandom RANDOM = new SecureRandom();

  public final P256PrivateKey issuerKey;
  public P256PrivateKey ephemeral;
  public final Map<String, Object> issuerJwkExtras = new LinkedHashMap<>();

  public final Map<String, Object> header = new LinkedHashMap<>();
  public final Map<String, Object> claims = new LinkedHashMap<>();
  public final Map<String, Object> statement = new LinkedHashMap<>();

  /** When set, the envelope payload bytes (and payload_sha256) use these instead of {@link #statement}. */
  public byte[] rawStatement;
  /** When set, replaces the ephemeral public JWK in the bundle (cnf.jkt still follows {@link #ephemeral}). */
  public Map<String, Object> publicKeyOverride;
  public String payloadType = PAYLOAD_TYPE;
  /** Computes the token's signature part from the signing input; default ES256 with the issuer key. */
  public Function<byte[], String> tokenSigner;
  /** Computes the envelope's signatures list from the PAE bytes; default one DER signature. */
  public Function<byte[], List<Object>> envelopeSigner;
  /** Last edit of the whole bundle tree. */
  public UnaryOperator<Map<String, Object>> bundleEdit = UnaryOperator.identity();
  public boolean autoJkt = true;
  public boolean autoPayloadSha256 = true;
  /**
   * Last edit of the token header's JSON bytes, before base64url and signing (e.g. to repeat a
   * member, which a map cannot hold); the result is signed validly.
   */
  public UnaryOperator<byte[]> headerJsonEdit = UnaryOperator.identity();
  /** Last edit of the token claims' JSON bytes, before base64url and signing. */
  public UnaryOperator<byte[]> claimsJsonEdit = UnaryOperator.identity();

  private BundleForge(P256PrivateKey issuerKey) {
    this.issuerKey = issuerKey;
    this.ephemeral = P256PrivateKey.generate(RANDOM);
    issuerJwkExtras.put("alg", "ES256");
    issuerJwkExtras.put("kid", KID);
    issuerJwkExtras.put("use", "sig");
    issuerJwkExtras.put("nbf", 1767225600L); // 2026-01-01
    issuerJwkExtras.put("exp", 1893456000L); // 2030-01-01

    header.put("alg", "ES256");
    header.put("kid", KID);
    header.put("typ", "hallmark-attestation+jwt");

    claims.put("iss", ISSUER);
    claims.put("sub", "repo:acme/app:ref:refs/heads/main");
    claims.put("aud", "hallmark:attestation");
    claims.put("iat", IAT);
    claims.put("nbf", IAT);
    claims.put("exp", IAT + 600);
    claims.put("jti", "3f1c2a9e-2b8d-4a59-9d2e-6a1f1b0c9d11");
    claims.put("repository", "acme/app");
    claims.put("ref", "refs/heads/main");
    claims.put("sha", SHA);
    claims.put("workflow", ".hallmark/workflows/Release.java");
    claims.put("event_name", "push");
    claims.put("run_id", "42");
    claims.put("run_attempt", "1");
    claims.put("job_id", "job-7");
    claims.put("job_name", "publish");
    claims.put("runner_environment", "embedded");

    statement.put("_type", "https://in-toto.io/Statement/v1");
    statement.put("subject", new ArrayList<>(List.of(subject("app-1.2.3.tgz", Sha256.hex(Sha256.of(artifactBytes()))))));
    statement.put("predicateType", "https://slsa.dev/provenance/v1");
    statement.put("predicate", predicate());
  }

  /** A forge with a fresh issuer key. */
  public static BundleForge valid() {
    return new BundleForge(P256PrivateKey.generate(RANDOM));
  }

  /** A forge that signs with the given issuer key. */
  public static BundleForge withIssuerKey(P256PrivateKey key) {
    return new BundleForge(key);
  }

  /** The content of the default subject's artifact. */
  public static byte[] artifactBytes() {
    return "app-1.2.3 contents\n".getBytes(StandardCharsets.UTF_8);
  }

  public static Map<String, Object> subject(String name, String sha256) {
    Map<String, Object> digest = new LinkedHashMap<>();
    digest.put("sha256", sha256);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("digest", digest);
    return s;
  }

  private static Map<String, Object> predicate() {
    Map<String, Object> workflow = new LinkedHashMap<>();
    workflow.put("repository", "acme/app");
    workflow.put("ref", "refs/heads/main");
    workflow.put("path", ".hallmark/workflows/Release.java");
    Map<String, Object> external = new LinkedHashMap<>();
    external.put("workflow", workflow);
    external.put("event", "push");
    Map<String, Object> internal = new LinkedHashMap<>();
    internal.put("runId", "42");
    internal.put("runAttempt", "1");
    internal.put("jobId", "job-7");
    internal.put("jobName", "publish");
    Map<String, Object> dep = new LinkedHashMap<>();
    dep.put("uri", "git+https://git.example/acme/app@refs/heads/main");
    dep.put("digest", new LinkedHashMap<>(Map.of("gitCommit", SHA)));
    Map<String, Object> buildDefinition = new LinkedHashMap<>();
    buildDefinition.put("buildType", "https://hallmark.dev/buildtypes/workflow/v1");
    buildDefinition.put("externalParameters", external);
    buildDefinition.put("internalParameters", internal);
    buildDefinition.put("resolvedDependencies", new ArrayList<>(List.of(dep)));
    Map<String, Object> builder = new LinkedHashMap<>();
    builder.put("id", ISSUER + "/runner/embedded");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("invocationId", "https://ci.test.example/runs/42/attempts/1/jobs/job-7");
    metadata.put("startedOn", "2026-04-28T11:55:00Z");
    metadata.put("finishedOn", "2026-04-28T12:00:00Z");
    Map<String, Object> runDetails = new LinkedHashMap<>();
    runDetails.put("builder", builder);
    runDetails.put("metadata", metadata);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("buildDefinition", buildDefinition);
    p.put("runDetails", runDetails);
    return p;
  }

  /** A nested map of the statement, e.g. {@code statementAt("predicate", "buildDefinition")}. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> statementAt(String... path) {
    Map<String, Object> m = statement;
    for (String p : path) {
      m = (Map<String, Object>) m.get(p);
    }
    return m;
  }

  /** The issuer's public JWK as the trust root lists it. */
  public Map<String, Object> issuerJwk() {
    Map<String, Object> jwk = new LinkedHashMap<>(issuerKey.publicKey().toJwk());
    jwk.putAll(issuerJwkExtras);
    return jwk;
  }

  /** The trust root file bytes for this forge's issuer. */
  public byte[] trustRootBytes() {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("keys", List.of(issuerJwk()));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", ISSUER);
    root.put("jwks", keys);
    return StrictJson.writePretty(root);
  }

  public TrustRoot trustRoot() {
    return TrustRoot.parse(trustRootBytes());
  }

  public byte[] statementBytes() {
    return rawStatement != null ? rawStatement : StrictJson.write(statement);
  }

  /** The compact identity token, signed after the edits. */
  public String token() {
    Map<String, Object> c = new LinkedHashMap<>(claims);
    if (autoJkt) {
      c.put("cnf", new LinkedHashMap<>(Map.of("jkt", ephemeral.publicKey().thumbprint())));
    }
    if (autoPayloadSha256) {
      c.put("payload_sha256", Sha256.hex(Sha256.of(statementBytes())));
    }
    String signingInput =
        b64url(headerJsonEdit.apply(StrictJson.write(header)))
            + "."
            + b64url(claimsJsonEdit.apply(StrictJson.write(c)));
    byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
    String sig = tokenSigner != null ? tokenSigner.apply(input) : b64url(issuerKey.signRaw(input));
    return signingInput + "." + sig;
  }

  /** The DSSE envelope tree, signed after the edits. */
  public Map<String, Object> envelope() {
    byte[] payload = statementBytes();
    byte[] pae = Pae.encode(payloadType, payload);
    List<Object> sigs;
    if (envelopeSigner != null) {
      sigs = envelopeSigner.apply(pae);
    } else {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("keyid", ephemeral.publicKey().thumbprint());
      s.put("sig", Base64Strict.encodeStd(ephemeral.signDer(pae)));
      sigs = new ArrayList<>(List.of(s));
    }
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("payload", Base64Strict.encodeStd(payload));
    env.put("payloadType", payloadType);
    env.put("signatures", sigs);
    return env;
  }

  /** The whole bundle tree, after {@link #bundleEdit}. */
  public Map<String, Object> tree() {
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("identityToken", token());
    material.put("publicKey", publicKeyOverride != null ? publicKeyOverride : new LinkedHashMap<>(ephemeral.publicKey().toJwk()));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("mediaType", "application/vnd.hallmark.bundle.v1+json");
    b.put("verificationMaterial", material);
    b.put("dsseEnvelope", envelope());
    return bundleEdit.apply(b);
  }

  public byte[] bytes() {
    return StrictJson.write(tree());
  }

  /**
   * The RFC 7638 SHA-256 thumbprint of an EC JWK exactly as given (its {@code crv}, {@code kty},
   * {@code x}, {@code y} strings, whatever they hold), b64url: to bind {@code cnf.jkt} to a
   * deliberately malformed {@link #publicKeyOverride}, so that only the key rule under attack fails.
   */
  public static String thumbprint(Map<String, Object> ecJwk) {
    Map<String, Object> canonical = new LinkedHashMap<>();
    for (String member : List.of("crv", "kty", "x", "y")) {
      canonical.put(member, ecJwk.get(member));
    }
    return b64url(Sha256.of(StrictJson.write(canonical)));
  }

  public static String b64url(byte[] bytes) {
    return Base64Strict.encodeUrl(bytes);
  }
}
