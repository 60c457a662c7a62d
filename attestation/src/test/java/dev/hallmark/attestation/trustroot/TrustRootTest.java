package dev.hallmark.attestation.trustroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §1: the offline trust root file. */
class TrustRootTest {
  private static final String ISSUER = "https://ci.example.com/oidc";
  private static final P256PublicKey KEY_A = keyFromScalar(1001);
  private static final P256PublicKey KEY_B = keyFromScalar(1002);
  private static final P256PublicKey KEY_C = keyFromScalar(1003);

  // ------------------------------------------------------------------ helpers

  private static P256PublicKey keyFromScalar(int i) {
    byte[] s = new byte[32];
    s[30] = (byte) (i >> 8);
    s[31] = (byte) i;
    return P256PrivateKey.fromScalar(s).publicKey();
  }

  private static Map<String, Object> jwk(P256PublicKey key, String kid) {
    Map<String, Object> m = new LinkedHashMap<>(key.toJwk());
    m.put("alg", "ES256");
    m.put("kid", kid);
    m.put("use", "sig");
    m.put("nbf", 1764000000L);
    m.put("exp", 1893456000L);
    return m;
  }

  private static Map<String, Object> rsaJwk(String kid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kty", "RSA");
    m.put("kid", kid);
    m.put("n", "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw");
    m.put("e", "AQAB");
    return m;
  }

  private static byte[] file(Object issuer, List<Object> keys) {
    Map<String, Object> root = new LinkedHashMap<>();
    if (issuer != null) {
      root.put("issuer", issuer);
    }
    root.put("jwks", Map.of("keys", keys));
    return StrictJson.write(root);
  }

  private static byte[] file(List<Object> keys) {
    return file(ISSUER, keys);
  }

  private static List<Object> keys(Object... keys) {
    return new ArrayList<>(Arrays.asList(keys));
  }

  private static void assertInvalid(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.TRUST_ROOT, ex.code());
  }

  private static void assertInvalid(byte[] file) {
    assertInvalid(() -> TrustRoot.parse(file));
  }

  private static Map<String, Object> with(Map<String, Object> jwk, String member, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(jwk);
    if (value == null) {
      m.remove(member);
    } else {
      m.put(member, value);
    }
    return m;
  }

  // ------------------------------------------------------------------ valid

  @Test
  void parsesValidFile() {
    TrustRoot root = TrustRoot.parse(file(keys(jwk(KEY_A, "a"), jwk(KEY_B, "b"))));
    assertEquals(ISSUER, root.issuer());
    assertEquals(2, root.keys().size());
    TrustKey a = root.keys().get(0);
    assertEquals("a", a.kid());
    assertEquals(KEY_A, a.publicKey());
    assertEquals(1764000000L, a.nbf());
    assertEquals(1893456000L, a.exp());
    assertEquals("b", root.keys().get(1).kid());
  }

  @Test
  void parsesTheFormatsExampleShape() {
    String json =
        "{\n  \"issuer\": \"https://ci.example.com/oidc\",\n  \"jwks\": { \"keys\": [\n"
            + "    { \"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"" + KEY_A.x() + "\", \"y\": \""
            + KEY_A.y() + "\", \"alg\": \"ES256\",\n      \"kid\": \"k1\", \"use\": \"sig\","
            + " \"nbf\": 1764000000, \"exp\": 1893456000 }\n  ] }\n}\n";
    TrustRoot root = TrustRoot.parse(json.getBytes(StandardCharsets.UTF_8));
    assertEquals(KEY_A, root.key("k1").publicKey());
  }

  @Test
  void acceptsKeyWithoutOptionalMembers() {
    Map<String, Object> bare = new LinkedHashMap<>(KEY_A.toJwk());
    TrustRoot root = TrustRoot.parse(file(keys(bare)));
    TrustKey k = root.keys().get(0);
    assertNull(k.kid());
    assertNull(k.nbf());
    assertNull(k.exp());
    assertEquals(KEY_A, k.publicKey());
  }

  @Test
  void keyLooksUpByExactKid() {
    TrustRoot root = TrustRoot.parse(file(keys(jwk(KEY_A, "a"), jwk(KEY_B, "B"))));
    assertEquals(KEY_A, root.key("a").publicKey());
    assertEquals(KEY_B, root.key("B").publicKey());
    assertNull(root.key("b"));
    assertNull(root.key("A"));
    assertNull(root.key("a "));
    assertNull(root.key("unknown"));
    assertNull(root.key(""));
  }

  @Test
  void noUsableKeyIsValidWithEmptyKeys() {
    TrustRoot root = TrustRoot.parse(file(keys(rsaJwk("r1"))));
    assertEquals(ISSUER, root.issuer());
    assertTrue(root.keys().isEmpty());
    assertNull(root.key("r1"));
  }

  @Test
  void emptyKeySetIsValid() {
    assertTrue(TrustRoot.parse(file(keys())).keys().isEmpty());
  }

  @Test
  void keysListIsImmutable() {
    TrustRoot root = TrustRoot.parse(file(keys(jwk(KEY_A, "a"))));
    assertThrows(UnsupportedOperationException.class, () -> root.keys().clear());
  }

  // ------------------------------------------------------------------ private members

  @ParameterizedTest
  @ValueSource(strings = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
  void rejectsPrivateMemberInUsableKey(String member) {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), member, "AAAA"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"d", "k"})
  void rejectsPrivateMemberInSkippedRsaKey(String member) {
    // Control: the same file without the private member is valid.
    TrustRoot.parse(file(keys(jwk(KEY_A, "a"), rsaJwk("r"))));
    assertInvalid(file(keys(jwk(KEY_A, "a"), with(rsaJwk("r"), member, "AAAA"))));
  }

  @Test
  void rejectsPrivateMemberInKeyOfUnknownType() {
    Map<String, Object> oct = new LinkedHashMap<>();
    oct.put("kty", "oct");
    oct.put("k", "c2VjcmV0");
    assertInvalid(file(keys(jwk(KEY_A, "a"), oct)));
  }

  @Test
  void rejectsPrivateMemberInSkippedEcKey() {
    assertInvalid(file(keys(with(with(jwk(KEY_A, "a"), "use", "enc"), "d", "AAAA"))));
    assertInvalid(file(keys(with(with(jwk(KEY_A, "a"), "crv", "P-384"), "d", "AAAA"))));
  }

  // ------------------------------------------------------------------ skipped keys

  @Test
  void skipsRsaKeyAndKeepsTheRest() {
    TrustRoot root = TrustRoot.parse(file(keys(rsaJwk("r"), jwk(KEY_A, "a"))));
    assertEquals(1, root.keys().size());
    assertNull(root.key("r"));
    assertEquals(KEY_A, root.key("a").publicKey());
  }

  @Test
  void skipsOtherCurve() {
    Map<String, Object> p384 = with(jwk(KEY_B, "p384"), "crv", "P-384");
    p384.put("x", "AAAA"); // would be malformed as P-256: proves it is skipped, not judged
    TrustRoot root = TrustRoot.parse(file(keys(p384, jwk(KEY_A, "a"))));
    assertEquals(List.of("a"), root.keys().stream().map(TrustKey::kid).toList());
  }

  @Test
  void skipsOtherAlgorithm() {
    TrustRoot root = TrustRoot.parse(file(keys(with(jwk(KEY_B, "rs"), "alg", "RS256"), jwk(KEY_A, "a"))));
    assertNull(root.key("rs"));
    assertEquals(KEY_A, root.key("a").publicKey());
    assertEquals(1, root.keys().size());
  }

  @Test
  void skipsEs384AndLowercaseAlg() {
    TrustRoot root =
        TrustRoot.parse(
            file(keys(with(jwk(KEY_B, "b"), "alg", "ES384"), with(jwk(KEY_C, "c"), "alg", "es256"), jwk(KEY_A, "a"))));
    assertEquals(List.of("a"), root.keys().stream().map(TrustKey::kid).toList());
  }

  @Test
  void skipsEncryptionUse() {
    TrustRoot root = TrustRoot.parse(file(keys(with(jwk(KEY_B, "enc"), "use", "enc"), jwk(KEY_A, "a"))));
    assertNull(root.key("enc"));
    assertEquals(KEY_A, root.key("a").publicKey());
  }

  @Test
  void skippedKeyMayShareKidWithUsableKey() {
    TrustRoot root = TrustRoot.parse(file(keys(rsaJwk("same"), jwk(KEY_A, "same"))));
    assertEquals(KEY_A, root.key("same").publicKey());
  }

  @Test
  void skippedKeyIsNotJudgedForMalformedCoordinates() {
    Map<String, Object> enc = with(jwk(KEY_B, "enc"), "use", "enc");
    enc.put("x", "not base64url!");
    assertEquals(1, TrustRoot.parse(file(keys(enc, jwk(KEY_A, "a")))).keys().size());
  }

  @Test
  void absentAlgAndUseMakeAUsableKey() {
    Map<String, Object> m = with(with(jwk(KEY_A, "a"), "alg", null), "use", null);
    assertEquals(KEY_A, TrustRoot.parse(file(keys(m))).key("a").publicKey());
  }

  // ------------------------------------------------------------------ malformed usable keys

  @Test
  void rejectsUsableKeyWith31ByteX() {
    byte[] x = Base64Strict.decodeUrl(KEY_A.x());
    String shortX = Base64Strict.encodeUrl(Arrays.copyOfRange(x, 1, 32));
    assertInvalid(file(keys(jwk(KEY_B, "b"), with(jwk(KEY_A, "a"), "x", shortX))));
  }

  @Test
  void rejectsUsableKeyOffTheCurve() {
    byte[] y = Base64Strict.decodeUrl(KEY_A.y());
    y[31] ^= 1;
    assertInvalid(file(keys(jwk(KEY_B, "b"), with(jwk(KEY_A, "a"), "y", Base64Strict.encodeUrl(y)))));
  }

  @Test
  void rejectsUsableKeyWithNonCanonicalCoordinate() {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), "x", KEY_A.x() + "="))));
  }

  @Test
  void rejectsUsableKeyWithMissingCoordinate() {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), "y", null))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nbf", "exp"})
  void rejectsTimeAsString(String member) {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), member, "1764000000"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nbf", "exp"})
  void rejectsTimeAsFloat(String member) {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), member, 1764000000.0))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nbf", "exp"})
  void rejectsTimeOutOfRange(String member) {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), member, -1L))));
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), member, 1L << 53))));
  }

  @Test
  void rejectsTimeAsExponentLiteral() {
    String json =
        "{\"issuer\":\"" + ISSUER + "\",\"jwks\":{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + KEY_A.x() + "\",\"y\":\"" + KEY_A.y() + "\",\"nbf\":1.764e9}]}}";
    assertInvalid(json.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kid", "alg", "use"})
  void rejectsMistypedOptionalStringMember(String member) {
    assertInvalid(file(keys(with(jwk(KEY_A, "a"), member, 7L))));
  }

  @Test
  void rejectsTwoUsableKeysWithTheSameKid() {
    TrustRoot.parse(file(keys(jwk(KEY_A, "a"), jwk(KEY_B, "b"))));
    assertInvalid(file(keys(jwk(KEY_A, "same"), jwk(KEY_B, "same"))));
    assertInvalid(file(keys(jwk(KEY_A, "same"), jwk(KEY_A, "same"))));
  }

  @Test
  void acceptsTwoUsableKeysWithoutKid() {
    Map<String, Object> a = with(jwk(KEY_A, "x"), "kid", null);
    Map<String, Object> b = with(jwk(KEY_B, "x"), "kid", null);
    assertEquals(2, TrustRoot.parse(file(keys(a, b))).keys().size());
  }

  @Test
  void kidsAreComparedExactly() {
    // No case folding, no normalization: "k" and "K", "é" and "e\u0301" are different kids.
    assertEquals(2, TrustRoot.parse(file(keys(jwk(KEY_A, "k"), jwk(KEY_B, "K")))).keys().size());
    TrustRoot root = TrustRoot.parse(file(keys(jwk(KEY_A, "\u00e9"), jwk(KEY_B, "e\u0301"))));
    assertEquals(KEY_A, root.key("\u00e9").publicKey());
    assertEquals(KEY_B, root.key("e\u0301").publicKey());
  }

  @Test
  void rejectsNonObjectKeyEntry() {
    assertInvalid(file(keys(jwk(KEY_A, "a"), "not a key")));
  }

  // ------------------------------------------------------------------ document shape

  @Test
  void rejectsDuplicateKeysInTheFile() {
    String json =
        "{\"issuer\":\"" + ISSUER + "\",\"issuer\":\"https://evil.example\",\"jwks\":{\"keys\":[]}}";
    assertInvalid(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rejectsDuplicateMembersInAKey() {
    String json =
        "{\"issuer\":\"" + ISSUER + "\",\"jwks\":{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + KEY_A.x() + "\",\"y\":\"" + KEY_A.y() + "\",\"x\":\"" + KEY_B.x() + "\"}]}}";
    assertInvalid(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rejectsMissingIssuer() {
    assertInvalid(file(null, keys(jwk(KEY_A, "a"))));
  }

  @Test
  void rejectsNonStringIssuer() {
    assertInvalid(file(42L, keys(jwk(KEY_A, "a"))));
    assertInvalid(file(List.of(ISSUER), keys(jwk(KEY_A, "a"))));
  }

  @Test
  void rejectsEmptyIssuer() {
    assertInvalid(file("", keys(jwk(KEY_A, "a"))));
  }

  @Test
  void rejectsMissingOrMistypedJwks() {
    assertInvalid("{\"issuer\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertInvalid("{\"issuer\":\"x\",\"jwks\":[]}".getBytes(StandardCharsets.UTF_8));
    assertInvalid("{\"issuer\":\"x\",\"jwks\":{}}".getBytes(StandardCharsets.UTF_8));
    assertInvalid("{\"issuer\":\"x\",\"jwks\":{\"keys\":{}}}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rejectsNonJsonAndNonObjectFiles() {
    assertInvalid("not json".getBytes(StandardCharsets.UTF_8));
    assertInvalid("[]".getBytes(StandardCharsets.UTF_8));
    assertInvalid(new byte[0]);
    byte[] valid = file(keys(jwk(KEY_A, "a")));
    byte[] bom = new byte[valid.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(valid, 0, bom, 3, valid.length);
    assertInvalid(bom);
  }

  @Test
  void rejectsFileOver1MiB() {
    byte[] valid = file(keys(jwk(KEY_A, "a")));
    byte[] exact = Arrays.copyOf(valid, StrictJson.DOCUMENT_LIMIT);
    Arrays.fill(exact, valid.length, exact.length, (byte) ' ');
    TrustRoot.parse(exact);
    byte[] over = Arrays.copyOf(exact, exact.length + 1);
    over[over.length - 1] = ' ';
    assertInvalid(over);
  }

  @Test
  void ignoresUnknownTopLevelMembers() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", ISSUER);
    root.put("comment", List.of(1L, 2L));
    root.put("jwks", Map.of("keys", keys(jwk(KEY_A, "a"))));
    assertEquals(1, TrustRoot.parse(StrictJson.write(root)).keys().size());
  }

  // ------------------------------------------------------------------ of and writing

  @Test
  void ofBuildsTheSameAsParse() {
    byte[] f = file(keys(jwk(KEY_A, "a"), rsaJwk("r")));
    TrustRoot parsed = TrustRoot.parse(f);
    JsonObject jwks = StrictJson.parseObject(f, 1 << 20).requireObject("jwks");
    TrustRoot built = TrustRoot.of(ISSUER, jwks);
    assertEquals(parsed.keys(), built.keys());
    assertEquals(parsed.jwks(), built.jwks());
  }

  @Test
  void ofRejectsEmptyIssuerAndBadJwks() {
    assertInvalid(() -> TrustRoot.of("", JsonObject.of(Map.of("keys", List.of()))));
    assertInvalid(() -> TrustRoot.of(ISSUER, JsonObject.of(Map.of())));
  }

  @Test
  void toFileBytesParsesBackEqual() {
    Map<String, Object> odd = with(jwk(KEY_C, "odd"), "x5t", "ignored");
    TrustRoot root = TrustRoot.parse(file(keys(jwk(KEY_A, "a"), rsaJwk("r"), with(jwk(KEY_B, "b"), "nbf", null), odd)));
    TrustRoot again = TrustRoot.parse(root.toFileBytes());
    assertEquals(root.issuer(), again.issuer());
    assertEquals(root.jwks(), again.jwks());
    assertEquals(root.keys(), again.keys());
    assertEquals(3, again.keys().size());
    assertSame(null, again.key("r"));
  }

  @Test
  void jwksKeepsSkippedKeys() {
    TrustRoot root = TrustRoot.parse(file(keys(rsaJwk("r"), jwk(KEY_A, "a"))));
    assertEquals(2, root.jwks().requireArray("keys").size());
  }

  @Test
  void toStringNamesIssuerAndKeyCount() {
    TrustRoot root = TrustRoot.parse(file(keys(jwk(KEY_A, "a"))));
    assertTrue(root.toString().contains(ISSUER));
  }
}
