package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.nest;
import static dev.hallmark.verifier.ForgeVerification.repeatMember;
import static dev.hallmark.verifier.ForgeVerification.replaceOnce;
import static dev.hallmark.verifier.ForgeVerification.verify;
import static dev.hallmark.verifier.ForgeVerification.verifyAt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.attestation.crypto.DerSignature;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.testing.BundleForge;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMATS §6 check 3, {@code token}: the §2 header rules, key selection by {@code kid}, the ES256
 * signature, the claims table and the time rules. Unless a test attacks the signature itself, the
 * token is signed validly by the trusted issuer key, so each test fails only on its own rule.
 */
class TokenCheckTest {
  /** The P-256 group order. */
  static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static final long MAX_TIME = (1L << 53) - 1;

  // ------------------------------------------------------------ alg

  @Test
  void rejectsAlgNone() {
    BundleForge f = BundleForge.valid();
    f.header.put("alg", "none");
    f.tokenSigner = input -> ""; // RFC 7519 §6.1: an unsecured JWS has an empty signature
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsAlgNoneEvenWithValidEs256Signature() {
    BundleForge f = BundleForge.valid();
    f.header.put("alg", "none");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** The classic confusion: HMAC keyed with public bytes the attacker knows. */
  @ParameterizedTest
  @ValueSource(strings = {"raw-x-y", "spki-der", "spki-pem", "jwk-json"})
  void rejectsHs256KeyedWithIssuerPublicKey(String encoding) throws Exception {
    BundleForge f = BundleForge.valid();
    byte[] secret = publicKeyBytes(f, encoding);
    f.header.put("alg", "HS256");
    f.tokenSigner = input -> BundleForge.b64url(hmacSha256(secret, input));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** Another alg label on a signature that verifies as ES256: only the label is wrong. */
  @ParameterizedTest
  @ValueSource(
      strings = {"ES384", "ES512", "ES256K", "EdDSA", "RS256", "PS256", "HS256", "es256", "ES256 ", "None"})
  void rejectsAlgOtherThanEs256EvenWithValidEs256Signature(String alg) {
    BundleForge f = BundleForge.valid();
    f.header.put("alg", alg);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsEs384Alg() throws Exception {
    BundleForge f = BundleForge.valid();
    f.header.put("alg", "ES384");
    // What an ES384 signer would write with this key: ECDSA over SHA-384, r‖s.
    java.security.Signature es384 = java.security.Signature.getInstance("SHA384withECDSAinP1363Format");
    es384.initSign(jcaPrivateKey(f.issuerKey));
    f.tokenSigner =
        input -> {
          try {
            es384.update(input);
            return BundleForge.b64url(es384.sign());
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        };
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsMissingAlg() {
    BundleForge f = BundleForge.valid();
    f.header.remove("alg");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsAlgAsArrayHoldingEs256() {
    BundleForge f = BundleForge.valid();
    f.header.put("alg", List.of("ES256"));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  // ------------------------------------------------------------ forbidden headers

  @Test
  void rejectsJkuHeader() {
    BundleForge f = BundleForge.valid();
    f.header.put("jku", "https://attacker.example/jwks.json");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsJwkHeader() {
    BundleForge f = BundleForge.valid();
    f.header.put("jwk", f.issuerKey.publicKey().toJwk());
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsJwkHeaderCarryingAttackerKeyUnderRightKid() {
    BundleForge f = BundleForge.valid();
    P256PrivateKey attacker = P256PrivateKey.generate(new SecureRandom());
    f.header.put("jwk", attacker.publicKey().toJwk());
    f.tokenSigner = input -> BundleForge.b64url(attacker.signRaw(input));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsX5uHeader() {
    BundleForge f = BundleForge.valid();
    f.header.put("x5u", "https://attacker.example/cert.pem");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsX5cHeader() {
    BundleForge f = BundleForge.valid();
    f.header.put("x5c", List.of("MIIBszCCAVmgAwIBAgIUQ8Y="));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsCritHeader() {
    BundleForge f = BundleForge.valid();
    f.header.put("crit", List.of("exp"));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsForbiddenHeaderEvenWhenNull() {
    BundleForge f = BundleForge.valid();
    f.headerJsonEdit = json -> replaceOnce(json, "{", "{\"jku\":null,");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  // ------------------------------------------------------------ typ

  @Test
  void rejectsTypJwt() {
    BundleForge f = BundleForge.valid();
    f.header.put("typ", "JWT");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsMissingTyp() {
    BundleForge f = BundleForge.valid();
    f.header.remove("typ");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** FORMATS conventions: strings compare as exact code points, no case folding. */
  @ParameterizedTest
  @ValueSource(strings = {"HALLMARK-ATTESTATION+JWT", "application/hallmark-attestation+jwt", "at+jwt", ""})
  void rejectsTypOtherThanExactAttestationType(String typ) {
    BundleForge f = BundleForge.valid();
    f.header.put("typ", typ);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  // ------------------------------------------------------------ kid and key

  @Test
  void rejectsUnknownKid() {
    BundleForge f = BundleForge.valid();
    f.header.put("kid", "test-2025-12");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsMissingKid() {
    BundleForge f = BundleForge.valid();
    f.header.remove("kid");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsKidOfNonStringType() {
    BundleForge f = BundleForge.valid();
    f.header.put("kid", 202601L);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsKidDifferingInCase() {
    BundleForge f = BundleForge.valid();
    f.header.put("kid", BundleForge.KID.toUpperCase(java.util.Locale.ROOT));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsForeignSignerUnderRightKid() {
    BundleForge f = BundleForge.valid();
    P256PrivateKey foreign = P256PrivateKey.generate(new SecureRandom());
    f.tokenSigner = input -> BundleForge.b64url(foreign.signRaw(input));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  // ------------------------------------------------------------ token signature encoding

  @Test
  void rejectsDerTokenSignature() {
    BundleForge f = BundleForge.valid();
    f.tokenSigner = input -> BundleForge.b64url(f.issuerKey.signDer(input));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsTokenSignatureWithRZero() {
    BundleForge f = BundleForge.valid();
    f.tokenSigner =
        input -> {
          byte[] raw = f.issuerKey.signRaw(input);
          Arrays.fill(raw, 0, 32, (byte) 0);
          return BundleForge.b64url(raw);
        };
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsTokenSignatureOfAnotherSigningInput() {
    BundleForge f = BundleForge.valid();
    f.tokenSigner = input -> BundleForge.b64url(f.issuerKey.signRaw("eyJ.eyJ".getBytes(StandardCharsets.US_ASCII)));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** A valid 64-byte r‖s with one byte appended: ES256 signatures are exactly 64 bytes. */
  @Test
  void rejectsTokenSignatureWithTrailingByte() {
    BundleForge f = BundleForge.valid();
    f.tokenSigner = input -> BundleForge.b64url(Arrays.copyOf(f.issuerKey.signRaw(input), 65));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** The same 64 bytes, but the last base64url character carries non-zero pad bits. */
  @Test
  void rejectsTokenSignatureWithNonZeroPadBits() {
    BundleForge f = BundleForge.valid();
    f.tokenSigner = input -> withNonZeroPadBits(BundleForge.b64url(f.issuerKey.signRaw(input)));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /**
   * FORMATS §2 requires raw r‖s of 64 bytes and nothing about the size of s: (r, n − s), a
   * malleated but valid ECDSA signature, passes.
   */
  @Test
  void acceptsHighSTokenSignatureSinceFormatsDoesNotForbidIt() {
    BundleForge f = BundleForge.valid();
    f.tokenSigner =
        input -> {
          byte[] raw = f.issuerKey.signRaw(input);
          BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
          BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
          return BundleForge.b64url(DerSignature.toRaw(r, N.subtract(s)));
        };
    assertVerified(verify(f));
  }

  // ------------------------------------------------------------ compact form

  @ParameterizedTest
  @ValueSource(strings = {"two-parts", "four-parts", "padded-signature", "trailing-space", "empty"})
  void rejectsMalformedCompactJws(String defect) {
    BundleForge f = BundleForge.valid();
    String token = f.token();
    String[] parts = token.split("\\.");
    String bad =
        switch (defect) {
          case "two-parts" -> parts[0] + "." + parts[1];
          case "four-parts" -> token + "." + parts[2];
          // 64 bytes need "==" in padded base64; b64url carries none.
          case "padded-signature" -> token + "==";
          case "trailing-space" -> token + " ";
          default -> "";
        };
    f.bundleEdit =
        b -> {
          material(b).put("identityToken", bad);
          return b;
        };
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsDuplicateKeyInTokenHeader() {
    BundleForge f = BundleForge.valid();
    f.headerJsonEdit = json -> repeatMember(json, "\"typ\":\"hallmark-attestation+jwt\"");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsDuplicateKeyInTokenClaims() {
    BundleForge f = BundleForge.valid();
    f.claimsJsonEdit = json -> repeatMember(json, "\"iss\":\"" + BundleForge.ISSUER + "\"");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsDuplicateKeyInsideCnf() {
    BundleForge f = BundleForge.valid();
    String jkt = "\"jkt\":\"" + f.ephemeral.publicKey().thumbprint() + "\"";
    f.claimsJsonEdit = json -> repeatMember(json, jkt);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsClaimsThatAreNotJson() {
    BundleForge f = BundleForge.valid();
    f.claimsJsonEdit = json -> "iss=https://ci.test.example/oidc".getBytes(StandardCharsets.US_ASCII);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsClaimsThatAreAJsonArray() {
    BundleForge f = BundleForge.valid();
    f.claimsJsonEdit = json -> ForgeVerification.concat(ForgeVerification.concat(new byte[] {'['}, json), new byte[] {']'});
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsClaimsNested65Deep() {
    BundleForge f = BundleForge.valid();
    f.claims.put("x", nest(64));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void acceptsClaimsNested64DeepInUnknownClaim() {
    BundleForge f = BundleForge.valid();
    f.claims.put("x", nest(63));
    assertVerified(verify(f));
  }

  // ------------------------------------------------------------ claims present and typed

  static Stream<String> requiredClaims() {
    return Stream.of(
        "iss", "sub", "aud", "iat", "nbf", "exp", "jti", "repository", "ref", "sha", "workflow",
        "event_name", "run_id", "run_attempt", "job_id", "job_name", "runner_environment",
        "payload_sha256");
  }

  @ParameterizedTest
  @MethodSource("requiredClaims")
  void rejectsMissingRequiredClaim(String claim) {
    BundleForge f = BundleForge.valid();
    if (claim.equals("payload_sha256")) {
      f.autoPayloadSha256 = false;
    }
    f.claims.remove(claim);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @ParameterizedTest
  @MethodSource("requiredClaims")
  void rejectsMistypedRequiredClaim(String claim) {
    BundleForge f = BundleForge.valid();
    if (claim.equals("payload_sha256")) {
      f.autoPayloadSha256 = false;
    }
    Object value = f.claims.get(claim);
    // Time claims become their decimal string; every string claim (and aud) becomes a number.
    f.claims.put(claim, value instanceof Long l ? Long.toString(l) : (Object) 42L);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @ParameterizedTest
  @MethodSource("requiredClaims")
  void rejectsRequiredClaimThatIsJsonNull(String claim) {
    BundleForge f = BundleForge.valid();
    if (claim.equals("payload_sha256")) {
      f.autoPayloadSha256 = false;
    }
    f.claims.put(claim, null);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** FORMATS §2: only the absence of cnf (or of its jkt) is key-binding's; a mistyped cnf is token's. */
  @ParameterizedTest
  @ValueSource(strings = {"string", "array", "null"})
  void rejectsCnfThatIsNotAnObjectAtToken(String shape) {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    String jkt = f.ephemeral.publicKey().thumbprint();
    f.claims.put(
        "cnf",
        switch (shape) {
          case "string" -> jkt;
          case "array" -> List.of(Map.of("jkt", jkt));
          default -> null;
        });
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void acceptsUnknownClaimsAndArbitrarySub() {
    BundleForge f = BundleForge.valid();
    f.claims.put("sub", "anything at all: sub is not checked further");
    f.claims.put("custom", Map.of("nested", List.of(1L, "two")));
    assertVerified(verify(f));
  }

  // ------------------------------------------------------------ iss and aud

  @Test
  void rejectsIssMismatch() {
    BundleForge f = BundleForge.valid();
    f.claims.put("iss", "https://attacker.example/oidc");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  /** The message names both issuers, so a trust root for the wrong server is easy to spot. */
  @Test
  void rejectsIssMismatchNamingBothIssuers() {
    BundleForge f = BundleForge.valid();
    f.claims.put("iss", "https://other.example/oidc");
    VerificationResult r = verify(f);
    assertFailsAt(Check.TOKEN, r);
    assertEquals(
        "token issuer 'https://other.example/oidc' is not the trust root's issuer '" + BundleForge.ISSUER + "'",
        r.failure().message());
  }

  @Test
  void rejectsIssWithTrailingSlash() {
    BundleForge f = BundleForge.valid();
    f.claims.put("iss", BundleForge.ISSUER + "/");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsAudMismatch() {
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", "hallmark:step");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsAudDifferingInCase() {
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", "Hallmark:Attestation");
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsAudArrayWithoutTheAudience() {
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", List.of("hallmark:step", "https://ci.test.example"));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsEmptyAudArray() {
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", List.of());
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsAudArrayWithANonString() {
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", List.of("hallmark:attestation", 42L));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void acceptsAudArrayContainingTheAudience() {
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", List.of("https://ci.test.example", "hallmark:attestation"));
    assertVerified(verify(f));
  }

  // ------------------------------------------------------------ time rules

  @Test
  void rejectsIatMoreThan300SecondsInTheFuture() {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.TOKEN, verifyAt(f, at(BundleForge.IAT - 301)));
  }

  @Test
  void acceptsIatExactly300SecondsInTheFuture() {
    BundleForge f = BundleForge.valid();
    assertVerified(verifyAt(f, at(BundleForge.IAT - 300)));
  }

  @Test
  void acceptsTokenThatExpiredLongAgo() {
    BundleForge f = BundleForge.valid();
    // 2040: bundles are verified long after signing; exp is not compared with the clock.
    assertVerified(verifyAt(f, at(2208988800L)));
  }

  @Test
  void acceptsNbfClaimInTheFutureSinceItIsNotComparedWithTheClock() {
    BundleForge f = BundleForge.valid();
    f.claims.put("nbf", BundleForge.IAT + 86_400);
    assertVerified(verify(f));
  }

  @Test
  void rejectsLifetimeOf3601Seconds() {
    BundleForge f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT + 3601);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void acceptsLifetimeOf3600Seconds() {
    BundleForge f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT + 3600);
    assertVerified(verify(f));
  }

  @Test
  void rejectsLifetimeOfZero() {
    BundleForge f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsNegativeLifetime() {
    BundleForge f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT - 1);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsTokenIssuedBeforeKeyNbf() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("nbf", BundleForge.IAT + 1);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void acceptsTokenIssuedExactlyAtKeyNbf() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("nbf", BundleForge.IAT);
    assertVerified(verify(f));
  }

  @Test
  void rejectsTokenFromRetiredKey() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", BundleForge.IAT - 1);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void acceptsTokenIssuedExactlyAtKeyExp() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", BundleForge.IAT);
    assertVerified(verify(f));
  }

  /** The same instant spelled as a JSON number with a fraction or an exponent. */
  @ParameterizedTest
  @ValueSource(strings = {"1777377600.0", "1.7773776e9", "1777377600E0", "1.0"})
  void rejectsIatThatIsNotAJsonInteger(String spelling) {
    BundleForge f = BundleForge.valid();
    f.claimsJsonEdit = json -> replaceOnce(json, "\"iat\":" + BundleForge.IAT, "\"iat\":" + spelling);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsIatAsString() {
    BundleForge f = BundleForge.valid();
    f.claims.put("iat", Long.toString(BundleForge.IAT));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsNegativeIat() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.remove("nbf");
    f.claims.put("iat", -1L);
    f.claims.put("nbf", -1L);
    f.claims.put("exp", 599L);
    assertFailsAt(Check.TOKEN, verify(f));
  }

  @Test
  void rejectsIatOf2Pow53() {
    BundleForge f = farFutureForge(MAX_TIME + 1);
    assertFailsAt(Check.TOKEN, verifyAt(f, at(MAX_TIME + 3600)));
  }

  @Test
  void acceptsTimesUpTo2Pow53Minus1() {
    BundleForge f = farFutureForge(MAX_TIME - 600);
    assertVerified(verifyAt(f, at(MAX_TIME)));
  }

  /** iat = nbf = {@code iat}, exp = iat + 600, the key without a period. */
  private static BundleForge farFutureForge(long iat) {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.remove("nbf");
    f.issuerJwkExtras.remove("exp");
    f.claims.put("iat", iat);
    f.claims.put("nbf", iat);
    f.claims.put("exp", iat + 600);
    return f;
  }

  // ------------------------------------------------------------ helpers

  static Clock at(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> material(Map<String, Object> bundle) {
    return (Map<String, Object>) bundle.get("verificationMaterial");
  }

  /** Sets the lowest bit of the last character, a pad bit for 32- and 64-byte values. */
  static String withNonZeroPadBits(String b64url) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = b64url.charAt(b64url.length() - 1);
    return b64url.substring(0, b64url.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
  }

  static byte[] hmacSha256(byte[] key, byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issuer public key in the byte forms an HMAC-confused verifier might use as the secret. */
  static byte[] publicKeyBytes(BundleForge f, String encoding) throws GeneralSecurityException {
    byte[] x = Base64Strict.decodeUrl(f.issuerKey.publicKey().x());
    byte[] y = Base64Strict.decodeUrl(f.issuerKey.publicKey().y());
    switch (encoding) {
      case "raw-x-y":
        return ForgeVerification.concat(x, y);
      case "jwk-json":
        return dev.hallmark.attestation.json.StrictJson.write(f.issuerJwk());
      default:
        break;
    }
    byte[] spki =
        KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(new ECPoint(new BigInteger(1, x), new BigInteger(1, y)), p256()))
            .getEncoded();
    if (encoding.equals("spki-der")) {
      return spki;
    }
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki)
            + "\n-----END PUBLIC KEY-----\n";
    return pem.getBytes(StandardCharsets.US_ASCII);
  }

  static java.security.PrivateKey jcaPrivateKey(P256PrivateKey key) throws GeneralSecurityException {
    return KeyFactory.getInstance("EC")
        .generatePrivate(new java.security.spec.ECPrivateKeySpec(new BigInteger(1, key.scalar()), p256()));
  }

  static ECParameterSpec p256() throws GeneralSecurityException {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    return params.getParameterSpec(ECParameterSpec.class);
  }
}
