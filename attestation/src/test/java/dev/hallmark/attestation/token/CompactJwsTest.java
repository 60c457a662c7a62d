package dev.hallmark.attestation.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.encoding.Base64Strict;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §2/§6: a compact JWS's segments (base64url, JSON) belong to the token check. */
class CompactJwsTest {
  private static final P256PrivateKey ISSUER =
      P256PrivateKey.fromScalar(
          HexFormat.of().parseHex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
  private static final String HEADER_JSON =
      "{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"hallmark-attestation+jwt\"}";
  /** 64 bytes: not a multiple of 3, so its base64url carries pad bits (and std base64 padding). */
  private static final String CLAIMS_JSON =
      "{\"iss\":\"https://ci.example.com/oidc\",\"iat\":1777377600,\"ok\":true}";

  private static String b64(String json) {
    return Base64Strict.encodeUrl(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String signed(String headerPart, String payloadPart) {
    String input = headerPart + "." + payloadPart;
    return input + "." + Base64Strict.encodeUrl(ISSUER.signRaw(input.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String token() {
    return signed(b64(HEADER_JSON), b64(CLAIMS_JSON));
  }

  private static void assertCode(Code code, Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(code, ex.code());
  }

  // ------------------------------------------------------------------ valid

  @Test
  void fixturesHavePadBits() {
    assertEquals(64, CLAIMS_JSON.length());
    assertTrue(HEADER_JSON.length() % 3 != 0);
  }

  @Test
  void parsesValidToken() {
    CompactJws jws = CompactJws.parse(token());
    assertEquals("ES256", jws.header().requireString("alg"));
    assertEquals("k1", jws.header().requireString("kid"));
    assertEquals(64, jws.signature().length);
    assertTrue(ISSUER.publicKey().verifyRaw(jws.signingInput(), jws.signature()));
    assertEquals("https://ci.example.com/oidc", jws.claims().requireString("iss"));
    assertEquals(1777377600L, jws.claims().requireTime("iat"));
  }

  @Test
  void signingInputIsTheFirstTwoPartsAsAscii() {
    String t = token();
    CompactJws jws = CompactJws.parse(t);
    assertArrayEquals(
        t.substring(0, t.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII), jws.signingInput());
  }

  @Test
  void accessorsReturnCopies() {
    CompactJws jws = CompactJws.parse(token());
    jws.signature()[0] ^= 1;
    jws.signingInput()[0] ^= 1;
    assertTrue(ISSUER.publicKey().verifyRaw(jws.signingInput(), jws.signature()));
  }

  @Test
  void toStringDoesNotShowSignatureOrClaims() {
    String t = token();
    String s = CompactJws.parse(t).toString();
    assertFalse(s.contains(t.substring(t.lastIndexOf('.') + 1)));
    assertFalse(s.contains("1777377600"));
  }

  // ------------------------------------------------------------------ parts

  @Test
  void rejectsTwoParts() {
    assertCode(Code.ENCODING, () -> CompactJws.parse(b64(HEADER_JSON) + "." + b64(CLAIMS_JSON)));
  }

  @Test
  void rejectsFourParts() {
    assertCode(Code.ENCODING, () -> CompactJws.parse(token() + ".AAAA"));
    assertCode(Code.ENCODING, () -> CompactJws.parse(token() + "."));
  }

  @Test
  void rejectsOnePartAndFiveParts() {
    assertCode(Code.ENCODING, () -> CompactJws.parse(b64(HEADER_JSON)));
    assertCode(Code.ENCODING, () -> CompactJws.parse(""));
    assertCode(Code.ENCODING, () -> CompactJws.parse("a.b.c.d.e"));
  }

  @Test
  void rejectsJweShapedToken() {
    // A JWE compact serialization has five parts.
    assertCode(Code.ENCODING, () -> CompactJws.parse(b64(HEADER_JSON) + ".." + "AAAA" + ".AAAA.AAAA"));
  }

  @Test
  void rejectsEmptyHeaderPart() {
    assertCode(Code.JSON, () -> CompactJws.parse(signed("", b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsAllEmptyParts() {
    assertCode(Code.JSON, () -> CompactJws.parse(".."));
  }

  @Test
  void emptySignaturePartFailsSignatureLength() {
    // alg "none" style: the parts are well-formed, but FORMATS §2 wants exactly 64 signature bytes.
    String t = b64(HEADER_JSON) + "." + b64(CLAIMS_JSON) + ".";
    CompactJws jws = CompactJws.parse(t);
    assertEquals(0, jws.signature().length);
    assertCode(Code.SIGNATURE, () -> ISSUER.publicKey().verifyRaw(jws.signingInput(), jws.signature()));
  }

  @Test
  void emptyPayloadPartFailsInClaims() {
    CompactJws jws = CompactJws.parse(signed(b64(HEADER_JSON), ""));
    assertTrue(ISSUER.publicKey().verifyRaw(jws.signingInput(), jws.signature()));
    assertCode(Code.JSON, jws::claims);
  }

  // ------------------------------------------------------------------ base64url

  @Test
  void rejectsPaddingInHeader() {
    String header = Base64Strict.encodeStd(HEADER_JSON.getBytes(StandardCharsets.UTF_8));
    assertTrue(header.endsWith("="), header);
    assertCode(Code.ENCODING, () -> CompactJws.parse(signed(header, b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsPaddingInSignature() {
    String t = token();
    // 64 bytes are 86 characters of base64url, 88 with padding.
    assertCode(Code.ENCODING, () -> CompactJws.parse(t + "=="));
  }

  @Test
  void rejectsPaddingInPayload() {
    String payload = Base64Strict.encodeStd(CLAIMS_JSON.getBytes(StandardCharsets.UTF_8));
    assertTrue(payload.endsWith("="), payload);
    assertCode(Code.ENCODING, () -> CompactJws.parse(signed(b64(HEADER_JSON), payload)));
  }

  @Test
  void rejectsNonCanonicalHeaderBase64url() {
    String header = b64(HEADER_JSON);
    String twin = withPadBitSet(header);
    assertArrayEquals(
        java.util.Base64.getUrlDecoder().decode(header), java.util.Base64.getUrlDecoder().decode(twin));
    assertCode(Code.ENCODING, () -> CompactJws.parse(signed(twin, b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsNonCanonicalSignatureBase64url() {
    String t = token();
    String sig = t.substring(t.lastIndexOf('.') + 1);
    String twin = withPadBitSet(sig);
    assertCode(Code.ENCODING, () -> CompactJws.parse(t.substring(0, t.lastIndexOf('.') + 1) + twin));
  }

  @Test
  void rejectsNonCanonicalPayloadBase64url() {
    String twin = withPadBitSet(b64(CLAIMS_JSON));
    assertCode(Code.ENCODING, () -> CompactJws.parse(signed(b64(HEADER_JSON), twin)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+", "/", " ", "\n", "!"})
  void rejectsForeignCharacterInHeaderOrSignature(String c) {
    String t = token();
    int dot = t.indexOf('.');
    assertCode(Code.ENCODING, () -> CompactJws.parse(t.substring(0, 4) + c + t.substring(4)));
    assertCode(Code.ENCODING, () -> CompactJws.parse(t + c));
    assertTrue(dot > 4);
  }

  @Test
  void rejectsTrailingNewline() {
    assertCode(Code.ENCODING, () -> CompactJws.parse(token() + "\n"));
  }

  // ------------------------------------------------------------------ header JSON

  @Test
  void rejectsHeaderThatIsNotJson() {
    assertCode(Code.JSON, () -> CompactJws.parse(signed(b64("alg=ES256"), b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsHeaderThatIsNotAnObject() {
    assertCode(Code.JSON, () -> CompactJws.parse(signed(b64("[\"ES256\"]"), b64(CLAIMS_JSON))));
    assertCode(Code.JSON, () -> CompactJws.parse(signed(b64("\"ES256\""), b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsDuplicateKeysInHeader() {
    String dup = "{\"alg\":\"ES256\",\"kid\":\"k1\",\"alg\":\"none\",\"typ\":\"hallmark-attestation+jwt\"}";
    assertCode(Code.JSON, () -> CompactJws.parse(signed(b64(dup), b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsHeaderWithTrailingBytes() {
    assertCode(Code.JSON, () -> CompactJws.parse(signed(b64(HEADER_JSON + "{}"), b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsHeaderWithBomOrInvalidUtf8() {
    byte[] bom = ("\uFEFF" + HEADER_JSON).getBytes(StandardCharsets.UTF_8);
    assertCode(Code.JSON, () -> CompactJws.parse(signed(Base64Strict.encodeUrl(bom), b64(CLAIMS_JSON))));
    byte[] bad = "{\"alg\":\"ES256\",\"kid\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertCode(Code.JSON, () -> CompactJws.parse(signed(Base64Strict.encodeUrl(bad), b64(CLAIMS_JSON))));
  }

  @Test
  void rejectsHeaderWithLoneSurrogate() {
    assertCode(Code.JSON, () -> CompactJws.parse(signed(b64("{\"kid\":\"\\ud800\"}"), b64(CLAIMS_JSON))));
  }

  // ------------------------------------------------------------------ claims only on request

  @Test
  void parseDoesNotParseTheClaims() {
    // The payload must be canonical base64url (so the signing input is pure ASCII), but its JSON
    // is not parsed before the signature is checked: parse succeeds, claims() refuses it.
    assertCode(Code.ENCODING, () -> CompactJws.parse(signed(b64(HEADER_JSON), "%%%")));
    CompactJws notJson = CompactJws.parse(signed(b64(HEADER_JSON), b64("not json")));
    assertCode(Code.JSON, notJson::claims);
    CompactJws array = CompactJws.parse(signed(b64(HEADER_JSON), b64("[1]")));
    assertCode(Code.JSON, array::claims);
  }

  @Test
  void claimsRejectDuplicateKeys() {
    CompactJws jws = CompactJws.parse(signed(b64(HEADER_JSON), b64("{\"iss\":\"a\",\"iss\":\"b\"}")));
    assertCode(Code.JSON, jws::claims);
  }

  @Test
  void claimsRejectDeepNesting() {
    String deep = "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}";
    CompactJws jws = CompactJws.parse(signed(b64(HEADER_JSON), b64(deep)));
    assertCode(Code.JSON, jws::claims);
  }

  // ------------------------------------------------------------------ size

  @Test
  void rejectsOverlongToken() {
    String t = token();
    String padded = signed(b64(HEADER_JSON), b64("{\"pad\":\"" + "x".repeat(CompactJws.MAX_TOKEN_LENGTH) + "\"}"));
    assertTrue(padded.length() > CompactJws.MAX_TOKEN_LENGTH);
    assertCode(Code.ENCODING, () -> CompactJws.parse(padded));
    CompactJws.parse(t);
  }

  @Test
  void acceptsTokenOfExactlyTheMaximumLength() {
    String sig = "." + Base64Strict.encodeUrl(new byte[64]);
    // A payload of n 'A's is canonical base64url unless n % 4 == 1: pad the header JSON with
    // spaces until the remaining room fits.
    String prefix = null;
    int room = 0;
    for (int spaces = 0; spaces < 8; spaces++) {
      prefix = b64(HEADER_JSON + " ".repeat(spaces)) + ".";
      room = CompactJws.MAX_TOKEN_LENGTH - prefix.length() - sig.length();
      if (room % 4 != 1) {
        break;
      }
    }
    String payload = "A".repeat(room);
    String t = prefix + payload + sig;
    assertEquals(CompactJws.MAX_TOKEN_LENGTH, t.length());
    CompactJws.parse(t);
    String longer = prefix + payload + "AAAA" + sig;
    assertCode(Code.ENCODING, () -> CompactJws.parse(longer));
  }

  /** The same bytes spelled with a non-zero pad bit in the last character. */
  private static String withPadBitSet(String b64url) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int rem = b64url.length() % 4;
    assertTrue(rem == 2 || rem == 3, "needs pad bits: length " + b64url.length());
    int last = alphabet.indexOf(b64url.charAt(b64url.length() - 1));
    return b64url.substring(0, b64url.length() - 1) + alphabet.charAt(last + 1);
  }
}
