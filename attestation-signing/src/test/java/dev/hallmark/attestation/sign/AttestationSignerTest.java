package dev.hallmark.attestation.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.dsse.EnvelopeSignature;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.token.IdentityClaims;
import dev.hallmark.attestation.trustroot.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** FORMATS §2, §4, §5: what the orchestrator signs. */
class AttestationSignerTest {
  private static final String KID = "hallmark-2026-11";
  private static final IssuerKey ISSUER =
      new IssuerKey(
          KID,
          P256PrivateKey.fromScalar(
              HexFormat.of().parseHex("0c9f1f8a4d3e2b7a6958473625140312f0e1d2c3b4a5968778695a4b3c2d1e0f")));
  private static final long IAT = 1777377600L;
  /** Deliberately not in canonical form: the payload must be these bytes, never a re-encoding. */
  private static final byte[] STATEMENT =
      ("{ \"_type\" : \"https://in-toto.io/Statement/v1\",\n"
              + "  \"subject\": [{\"name\": \"app-1.2.3.tgz\", \"digest\": {\"sha256\": \"" + "ab".repeat(32) + "\"}}],\n"
              + "  \"predicateType\": \"https://slsa.dev/provenance/v1\", \"predicate\": {} }\n")
          .getBytes(StandardCharsets.UTF_8);

  private static final Set<String> STRING_CLAIMS =
      Set.of(
          "iss", "sub", "aud", "jti", "repository", "ref", "sha", "workflow", "event_name", "run_id",
          "run_attempt", "job_id", "job_name", "runner_environment", "payload_sha256");

  private static IdentityClaims claims(Instant issuedAt, Duration lifetime, String jobName) {
    return new IdentityClaims(
        "https://ci.example.com/oidc", "acme/app", "refs/heads/main",
        "9580c31a6421584ba9b2f7c1382c530ba235d8b3", ".hallmark/workflows/Release.java", "push",
        "42", "1", "job-7", jobName, "embedded", issuedAt, lifetime);
  }

  private static IdentityClaims claims() {
    return claims(Instant.ofEpochSecond(IAT), IdentityClaims.DEFAULT_LIFETIME, "publish");
  }

  private static Bundle sign() {
    return new AttestationSigner(new SecureRandom()).sign(STATEMENT, ISSUER, claims());
  }

  private static String sha256Hex(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  // ------------------------------------------------------------------ bundle

  @Test
  void bundleParsesBackEqual() {
    Bundle bundle = sign();
    Bundle parsed = Bundle.parse(bundle.toJsonBytes());
    assertEquals(bundle, parsed);
    assertEquals(bundle.identityToken(), parsed.identityToken());
  }

  @Test
  void publicKeyIsAValidPublicJwk() {
    JsonObject jwk = sign().publicKey();
    assertEquals(Set.of("kty", "crv", "x", "y"), jwk.members().keySet());
    P256PublicKey.fromJwk(jwk);
  }

  // ------------------------------------------------------------------ token header

  @Test
  void tokenHeaderIsExactlyAlgKidTyp() {
    JsonObject header = CompactJws.parse(sign().identityToken()).header();
    assertEquals(Set.of("alg", "kid", "typ"), header.members().keySet());
    assertEquals("ES256", header.get("alg"));
    assertEquals(KID, header.get("kid"));
    assertEquals("hallmark-attestation+jwt", header.get("typ"));
  }

  // ------------------------------------------------------------------ token claims

  @Test
  void claimsCarryEveryFormatsClaimWithTheRightType() {
    Bundle bundle = sign();
    JsonObject c = CompactJws.parse(bundle.identityToken()).claims();
    for (String name : STRING_CLAIMS) {
      c.requireString(name);
    }
    c.requireTime("iat");
    c.requireTime("nbf");
    c.requireTime("exp");
    c.requireObject("cnf").requireString("jkt");
    assertEquals(
        Set.of(
            "iss", "sub", "aud", "iat", "nbf", "exp", "jti", "repository", "ref", "sha", "workflow",
            "event_name", "run_id", "run_attempt", "job_id", "job_name", "runner_environment", "cnf",
            "payload_sha256"),
        c.members().keySet());
  }

  @Test
  void claimValuesComeFromIdentityClaims() {
    JsonObject c = CompactJws.parse(sign().identityToken()).claims();
    assertEquals("https://ci.example.com/oidc", c.requireString("iss"));
    assertEquals("repo:acme/app:ref:refs/heads/main", c.requireString("sub"));
    assertEquals("acme/app", c.requireString("repository"));
    assertEquals("refs/heads/main", c.requireString("ref"));
    assertEquals("9580c31a6421584ba9b2f7c1382c530ba235d8b3", c.requireString("sha"));
    assertEquals(".hallmark/workflows/Release.java", c.requireString("workflow"));
    assertEquals("push", c.requireString("event_name"));
    assertEquals("42", c.requireString("run_id"));
    assertEquals("1", c.requireString("run_attempt"));
    assertEquals("job-7", c.requireString("job_id"));
    assertEquals("publish", c.requireString("job_name"));
    assertEquals("embedded", c.requireString("runner_environment"));
  }

  @Test
  void audienceIsTheAttestationAudience() {
    JsonObject c = CompactJws.parse(sign().identityToken()).claims();
    assertEquals("hallmark:attestation", c.get("aud"));
  }

  @Test
  void timesAreIatNbfAndIatPlus600() {
    JsonObject c = CompactJws.parse(sign().identityToken()).claims();
    assertEquals(IAT, c.requireTime("iat"));
    assertEquals(IAT, c.requireTime("nbf"));
    assertEquals(600, c.requireTime("exp") - c.requireTime("iat"));
  }

  @Test
  void timesAreWholeSecondsForSubSecondIssueTime() {
    Bundle b =
        new AttestationSigner(new SecureRandom())
            .sign(STATEMENT, ISSUER, claims(Instant.ofEpochSecond(IAT, 999_999_999), Duration.ofSeconds(3600), "p"));
    JsonObject c = CompactJws.parse(b.identityToken()).claims();
    assertInstanceOf(Long.class, c.get("iat"));
    assertEquals(IAT, c.requireTime("iat"));
    assertEquals(3600, c.requireTime("exp") - c.requireTime("iat"));
  }

  @Test
  void cnfJktIsTheThumbprintOfTheBundlePublicKey() {
    Bundle bundle = sign();
    JsonObject c = CompactJws.parse(bundle.identityToken()).claims();
    JsonObject cnf = c.requireObject("cnf");
    assertEquals(Set.of("jkt"), cnf.members().keySet());
    assertEquals(P256PublicKey.fromJwk(bundle.publicKey()).thumbprint(), cnf.requireString("jkt"));
  }

  @Test
  void payloadSha256IsTheHashOfTheStatementBytes() throws Exception {
    JsonObject c = CompactJws.parse(sign().identityToken()).claims();
    String h = c.requireString("payload_sha256");
    assertEquals(sha256Hex(STATEMENT), h);
    assertTrue(Hex.isLowerHex(h, 64));
  }

  @Test
  void jtiIsUniquePerToken() {
    String a = CompactJws.parse(sign().identityToken()).claims().requireString("jti");
    String b = CompactJws.parse(sign().identityToken()).claims().requireString("jti");
    assertFalse(a.isEmpty());
    assertNotEquals(a, b);
  }

  @Test
  void unicodeClaimValuesSurviveExactly() {
    String name = "publish \u00e9 \ud83d\ude00 \"q\" \\ </script>";
    Bundle b =
        new AttestationSigner(new SecureRandom())
            .sign(STATEMENT, ISSUER, claims(Instant.ofEpochSecond(IAT), IdentityClaims.DEFAULT_LIFETIME, name));
    assertEquals(name, CompactJws.parse(b.identityToken()).claims().requireString("job_name"));
  }

  // ------------------------------------------------------------------ signatures

  @Test
  void tokenVerifiesWithTheIssuerPublicKey() {
    CompactJws jws = CompactJws.parse(sign().identityToken());
    assertEquals(64, jws.signature().length);
    assertTrue(ISSUER.privateKey().publicKey().verifyRaw(jws.signingInput(), jws.signature()));
  }

  @Test
  void tokenDoesNotVerifyWithAnotherKey() {
    CompactJws jws = CompactJws.parse(sign().identityToken());
    P256PublicKey other = P256PrivateKey.generate(new SecureRandom()).publicKey();
    assertFalse(other.verifyRaw(jws.signingInput(), jws.signature()));
  }

  @Test
  void tokenVerifiesWithNimbusAndTheTrustRootKey() throws Exception {
    Bundle bundle = sign();
    Map<String, Object> trustRoot =
        Map.of("issuer", "https://ci.example.com/oidc", "jwks", Map.of("keys", List.of(ISSUER.publicJwk())));
    TrustRoot root = TrustRoot.parse(StrictJson.write(trustRoot));
    CompactJws jws = CompactJws.parse(bundle.identityToken());
    assertTrue(root.key(KID).publicKey().verifyRaw(jws.signingInput(), jws.signature()));
    // An independent JOSE implementation agrees.
    ECKey ecKey = ECKey.parse(new String(StrictJson.write(ISSUER.publicJwk()), StandardCharsets.UTF_8));
    assertTrue(SignedJWT.parse(bundle.identityToken()).verify(new ECDSAVerifier(ecKey)));
  }

  @Test
  void dsseSignatureVerifiesOverPaeWithTheBundlePublicKey() {
    Bundle bundle = sign();
    Envelope env = bundle.dsseEnvelope();
    assertEquals(Envelope.IN_TOTO_PAYLOAD_TYPE, env.payloadType());
    assertEquals(1, env.signatures().size());
    EnvelopeSignature sig = env.signatures().get(0);
    P256PublicKey key = P256PublicKey.fromJwk(bundle.publicKey());
    assertEquals(key.thumbprint(), sig.keyid());
    assertTrue(key.verifyDer(Pae.encode(env.payloadType(), env.payload()), sig.sig()));
    // Over PAE, not over the raw payload.
    assertFalse(key.verifyDer(env.payload(), sig.sig()));
  }

  @Test
  void payloadIsTheExactStatementBytes() {
    assertArrayEquals(STATEMENT, sign().dsseEnvelope().payload());
  }

  @Test
  void dsseSignatureIsNotByTheIssuerKey() {
    Bundle bundle = sign();
    Envelope env = bundle.dsseEnvelope();
    assertFalse(
        ISSUER.privateKey().publicKey()
            .verifyDer(Pae.encode(env.payloadType(), env.payload()), env.signatures().get(0).sig()));
  }

  @Test
  void twoSigningsUseTwoEphemeralKeys() {
    AttestationSigner signer = new AttestationSigner(new SecureRandom());
    Bundle a = signer.sign(STATEMENT, ISSUER, claims());
    Bundle b = signer.sign(STATEMENT, ISSUER, claims());
    assertNotEquals(a.publicKey(), b.publicKey());
    assertNotEquals(
        CompactJws.parse(a.identityToken()).claims().requireObject("cnf").requireString("jkt"),
        CompactJws.parse(b.identityToken()).claims().requireObject("cnf").requireString("jkt"));
    assertNotEquals(a.publicKey(), JsonObject.of(ISSUER.privateKey().publicKey().toJwk()));
  }

  @Test
  void signsEmptyStatementBytesAsGiven() throws Exception {
    Bundle b = new AttestationSigner(new SecureRandom()).sign(new byte[0], ISSUER, claims());
    assertEquals(0, b.dsseEnvelope().payload().length);
    assertEquals(sha256Hex(new byte[0]), CompactJws.parse(b.identityToken()).claims().requireString("payload_sha256"));
  }

  @Test
  void requiresRandomAndStatement() {
    assertThrows(NullPointerException.class, () -> new AttestationSigner(null));
    assertThrows(
        NullPointerException.class, () -> new AttestationSigner(new SecureRandom()).sign(null, ISSUER, claims()));
  }

  // ------------------------------------------------------------------ engines (issue 11)

  @Test
  void awsLcEphemeralSignatureVerifiesOnBothEnginesAndTheTokenStaysDeterministic() {
    dev.hallmark.attestation.crypto.CryptoEngine aws =
        dev.hallmark.attestation.crypto.CryptoEngine.awsLcOrBouncyCastle(line -> {});
    Bundle b = new AttestationSigner(new SecureRandom(), aws).sign(STATEMENT, ISSUER, claims());
    P256PublicKey ephemeral = P256PublicKey.fromJwk(b.publicKey());
    byte[] pae = Pae.encode(b.dsseEnvelope().payloadType(), b.dsseEnvelope().payloadUnsafe());
    byte[] sig = b.dsseEnvelope().signatures().get(0).sig();
    assertTrue(dev.hallmark.attestation.crypto.CryptoEngine.bouncyCastle().verifyDer(ephemeral, pae, sig));
    assertTrue(aws.verifyDer(ephemeral, pae, sig));
    // The issuer's token signature is RFC 6979 whatever the engine: re-signing its input gives the same bytes.
    CompactJws jws = CompactJws.parse(b.identityToken());
    assertArrayEquals(ISSUER.privateKey().signRaw(jws.signingInput()), jws.signature());
  }

}
