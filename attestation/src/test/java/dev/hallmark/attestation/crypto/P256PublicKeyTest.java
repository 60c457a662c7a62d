package dev.hallmark.attestation.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §5: a public key is EC P-256, no private members, 32-byte coordinates, on the curve. */
class P256PublicKeyTest {
  /** RFC 6979 A.2.5 key pair. */
  private static final byte[] SCALAR =
      HexFormat.of().parseHex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
  private static final byte[] UX =
      HexFormat.of().parseHex("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
  private static final byte[] UY =
      HexFormat.of().parseHex("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
  /** The field prime p of P-256. */
  private static final BigInteger P =
      new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  /** A square root of the curve's b: (0, SQRT_B) is a point of P-256. */
  private static final byte[] SQRT_B =
      HexFormat.of().parseHex("66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4");

  private static final String X = b64url(UX);
  private static final String Y = b64url(UY);

  private static String b64url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static Map<String, Object> jwkMap(String x, String y) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kty", "EC");
    m.put("crv", "P-256");
    m.put("x", x);
    m.put("y", y);
    return m;
  }

  private static JsonObject json(Map<String, Object> m) {
    return StrictJson.parseObject(StrictJson.write(m), 1 << 20);
  }

  private static JsonObject jwk(String x, String y) {
    return json(jwkMap(x, y));
  }

  private static void assertKeyError(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.KEY, ex.code());
  }

  /** The valid key with one member replaced (or removed when {@code value} is null). */
  private static JsonObject with(String member, Object value) {
    Map<String, Object> m = jwkMap(X, Y);
    if (value == null) {
      m.remove(member);
    } else {
      m.put(member, value);
    }
    return json(m);
  }

  // ------------------------------------------------------------------ fromJwk

  @Test
  void acceptsValidJwk() {
    P256PublicKey key = P256PublicKey.fromJwk(jwk(X, Y));
    assertEquals(X, key.x());
    assertEquals(Y, key.y());
    assertEquals(P256PrivateKey.fromScalar(SCALAR).publicKey(), key);
  }

  @Test
  void ignoresUnknownPublicMembers() {
    Map<String, Object> m = jwkMap(X, Y);
    m.put("alg", "ES256");
    m.put("kid", "k1");
    m.put("use", "sig");
    m.put("x5t", "whatever");
    assertEquals(P256PublicKey.fromJwk(jwk(X, Y)), P256PublicKey.fromJwk(json(m)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
  void rejectsPrivateMember(String member) {
    Map<String, Object> m = jwkMap(X, Y);
    m.put(member, b64url(SCALAR));
    assertKeyError(() -> P256PublicKey.fromJwk(json(m)));
  }

  @Test
  void rejectsPrivateMemberEvenWhenNull() {
    Map<String, Object> m = jwkMap(X, Y);
    m.put("d", dev.hallmark.attestation.json.JsonNull.INSTANCE);
    assertKeyError(() -> P256PublicKey.fromJwk(json(m)));
  }

  @Test
  void rejectsRsaKeyType() {
    assertKeyError(() -> P256PublicKey.fromJwk(with("kty", "RSA")));
  }

  @Test
  void rejectsOtherCurve() {
    assertKeyError(() -> P256PublicKey.fromJwk(with("crv", "P-384")));
    assertKeyError(() -> P256PublicKey.fromJwk(with("crv", "secp256k1")));
  }

  @Test
  void comparesKtyAndCrvExactly() {
    assertKeyError(() -> P256PublicKey.fromJwk(with("kty", "ec")));
    assertKeyError(() -> P256PublicKey.fromJwk(with("crv", "p-256")));
    assertKeyError(() -> P256PublicKey.fromJwk(with("crv", "P-256 ")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kty", "crv", "x", "y"})
  void rejectsMissingMember(String member) {
    assertKeyError(() -> P256PublicKey.fromJwk(with(member, null)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kty", "crv", "x", "y"})
  void rejectsMistypedMember(String member) {
    assertKeyError(() -> P256PublicKey.fromJwk(with(member, 1L)));
  }

  @Test
  void rejectsXOf31Bytes() {
    // A key whose x starts with a zero byte: the 31-byte spelling is the same number and the same
    // point, so only the length rule refuses it.
    P256PublicKey honest = keyWithLeadingZeroX();
    byte[] x = Base64Strict.decodeUrl(honest.x());
    assertEquals(0, x[0]);
    assertEquals(honest, P256PublicKey.fromJwk(jwk(honest.x(), honest.y())));
    String shortX = b64url(Arrays.copyOfRange(x, 1, 32));
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(shortX, honest.y())));
  }

  @Test
  void rejectsXOf33Bytes() {
    // A leading zero byte keeps the number and the point: only the length rule refuses it.
    byte[] x33 = new byte[33];
    System.arraycopy(UX, 0, x33, 1, 32);
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(b64url(x33), Y)));
  }

  @Test
  void rejectsYOf33Bytes() {
    byte[] y33 = new byte[33];
    System.arraycopy(UY, 0, y33, 1, 32);
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(X, b64url(y33))));
  }

  @Test
  void rejectsNonCanonicalBase64urlX() {
    // 32 bytes are 43 characters whose last one carries 2 pad bits; setting one gives a second
    // spelling of the same bytes.
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(X.charAt(42));
    assertEquals(0, last % 4);
    String twin = X.substring(0, 42) + alphabet.charAt(last + 1);
    assertEquals(
        new BigInteger(1, UX), new BigInteger(1, Base64.getUrlDecoder().decode(twin)));
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(twin, Y)));
  }

  @Test
  void rejectsPaddedOrStdAlphabetCoordinates() {
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(X + "=", Y)));
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(Base64.getEncoder().encodeToString(UX), Y)));
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(X, Y + "\n")));
  }

  @Test
  void rejectsPointOffTheCurve() {
    byte[] y = UY.clone();
    y[31] ^= 1;
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(X, b64url(y))));
    assertKeyError(() -> P256PublicKey.fromCoordinates(UX, y));
  }

  @Test
  void rejectsXEqualToThePrime() {
    // (0, sqrt(b)) is on the curve; x = p is 0 mod p, so only the range check refuses (p, sqrt(b)).
    byte[] zero = new byte[32];
    P256PublicKey.fromCoordinates(zero, SQRT_B);
    byte[] p = fixed32(P);
    assertKeyError(() -> P256PublicKey.fromCoordinates(p, SQRT_B));
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(b64url(p), b64url(SQRT_B))));
  }

  @Test
  void rejectsXAliasedByAddingThePrime() {
    // For small x0 on the curve, x0 + p still fits 32 bytes and is x0 mod p: an unreduced alias
    // of a valid point, refused only by the range check.
    BigInteger b = new BigInteger(
        "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    int tested = 0;
    for (int i = 0; i < 40; i++) {
      BigInteger x0 = BigInteger.valueOf(i);
      BigInteger rhs = x0.pow(3).subtract(x0.multiply(BigInteger.valueOf(3))).add(b).mod(P);
      BigInteger y = rhs.modPow(P.add(BigInteger.ONE).shiftRight(2), P);
      if (!y.multiply(y).mod(P).equals(rhs)) {
        continue; // no point with this x
      }
      tested++;
      P256PublicKey.fromCoordinates(fixed32(x0), fixed32(y));
      byte[] alias = fixed32(x0.add(P));
      assertKeyError(() -> P256PublicKey.fromCoordinates(alias, fixed32(y)));
    }
    assertTrue(tested >= 5, "tested " + tested);
  }

  @Test
  void rejectsAllOnesCoordinates() {
    byte[] max = new byte[32];
    Arrays.fill(max, (byte) 0xff);
    assertKeyError(() -> P256PublicKey.fromCoordinates(max, UY));
    assertKeyError(() -> P256PublicKey.fromCoordinates(UX, max));
  }

  @Test
  void rejectsOriginCoordinates() {
    // The point at infinity has no affine coordinates; (0, 0) is not on the curve.
    assertKeyError(() -> P256PublicKey.fromCoordinates(new byte[32], new byte[32]));
    assertKeyError(() -> P256PublicKey.fromJwk(jwk(b64url(new byte[32]), b64url(new byte[32]))));
  }

  @Test
  void fromCoordinatesRejectsWrongLengths() {
    assertKeyError(() -> P256PublicKey.fromCoordinates(Arrays.copyOf(UX, 31), UY));
    assertKeyError(() -> P256PublicKey.fromCoordinates(UX, new byte[0]));
  }

  // ------------------------------------------------------------------ thumbprint

  @Test
  void thumbprintIsRfc7638ComputedIndependently() throws Exception {
    String canonical =
        "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + X + "\",\"y\":\"" + Y + "\"}";
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    assertEquals(b64url(digest), P256PublicKey.fromJwk(jwk(X, Y)).thumbprint());
  }

  @Test
  void thumbprintEqualsNimbus() throws Exception {
    for (int i = 0; i < 5; i++) {
      P256PublicKey key = P256PrivateKey.generate(new java.security.SecureRandom()).publicKey();
      String json = new String(StrictJson.write(key.toJwk()), StandardCharsets.UTF_8);
      String nimbus = com.nimbusds.jose.jwk.ECKey.parse(json).computeThumbprint().toString();
      assertEquals(nimbus, key.thumbprint());
    }
  }

  @Test
  void thumbprintIgnoresOtherMembersAndOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("y", Y);
    m.put("kid", "k");
    m.put("x", X);
    m.put("crv", "P-256");
    m.put("kty", "EC");
    assertEquals(
        P256PublicKey.fromJwk(jwk(X, Y)).thumbprint(), P256PublicKey.fromJwk(json(m)).thumbprint());
  }

  @Test
  void thumbprintDiffersBetweenKeys() {
    P256PublicKey a = P256PublicKey.fromJwk(jwk(X, Y));
    P256PublicKey b = keyWithLeadingZeroX();
    assertNotEquals(a.thumbprint(), b.thumbprint());
    assertEquals(43, a.thumbprint().length());
  }

  // ------------------------------------------------------------------ verification

  @Test
  void verifiesOwnSignaturesAndRejectsTampering() {
    P256PrivateKey priv = P256PrivateKey.fromScalar(SCALAR);
    P256PublicKey pub = P256PublicKey.fromJwk(jwk(X, Y));
    byte[] msg = "message".getBytes(StandardCharsets.UTF_8);
    byte[] der = priv.signDer(msg);
    byte[] raw = priv.signRaw(msg);
    assertTrue(pub.verifyDer(msg, der));
    assertTrue(pub.verifyRaw(msg, raw));
    byte[] other = "messagf".getBytes(StandardCharsets.UTF_8);
    assertFalse(pub.verifyDer(other, der));
    assertFalse(pub.verifyRaw(other, raw));
    P256PublicKey stranger = keyWithLeadingZeroX();
    assertFalse(stranger.verifyDer(msg, der));
    assertFalse(stranger.verifyRaw(msg, raw));
  }

  @Test
  void rejectsSignatureWithFlippedBit() {
    P256PrivateKey priv = P256PrivateKey.fromScalar(SCALAR);
    byte[] msg = "message".getBytes(StandardCharsets.UTF_8);
    byte[] raw = priv.signRaw(msg);
    raw[63] ^= 1;
    assertFalse(priv.publicKey().verifyRaw(msg, raw));
  }

  @Test
  void rejectsMalformedSignatureEncodings() {
    P256PublicKey pub = P256PublicKey.fromJwk(jwk(X, Y));
    byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
    byte[] raw = P256PrivateKey.fromScalar(SCALAR).signRaw(msg);
    AttestationException e1 = assertThrows(AttestationException.class, () -> pub.verifyDer(msg, raw));
    assertEquals(Code.SIGNATURE, e1.code());
    byte[] der = P256PrivateKey.fromScalar(SCALAR).signDer(msg);
    AttestationException e2 = assertThrows(AttestationException.class, () -> pub.verifyRaw(msg, der));
    assertEquals(Code.SIGNATURE, e2.code());
  }

  @Test
  void acceptsHighSTwinAsFormatsAllowsIt() {
    // FORMATS §4 asks only r, s in [1, n-1]: the malleable twin (r, n - s) also verifies.
    P256PrivateKey priv = P256PrivateKey.fromScalar(SCALAR);
    byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
    BigInteger[] rs = DerSignature.fromRaw(priv.signRaw(msg));
    byte[] twin = DerSignature.toRaw(rs[0], P256.N.subtract(rs[1]));
    assertTrue(priv.publicKey().verifyRaw(msg, twin));
  }

  // ------------------------------------------------------------------ value

  @Test
  void toJwkHasPublicMembersOnlyInOrder() {
    Map<String, Object> m = P256PublicKey.fromJwk(jwk(X, Y)).toJwk();
    assertEquals(List.of("kty", "crv", "x", "y"), List.copyOf(m.keySet()));
    assertEquals(jwkMap(X, Y), m);
  }

  @Test
  void equalityFollowsCoordinates() {
    P256PublicKey a = P256PublicKey.fromJwk(jwk(X, Y));
    P256PublicKey b = P256PublicKey.fromCoordinates(UX, UY);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, keyWithLeadingZeroX());
  }

  @Test
  void toStringShowsThumbprint() {
    P256PublicKey a = P256PublicKey.fromJwk(jwk(X, Y));
    assertTrue(a.toString().contains(a.thumbprint()));
  }

  // ------------------------------------------------------------------ helpers

  private static byte[] fixed32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, 32 - len, len);
    return out;
  }

  /** The first small scalar whose public x starts with a zero byte (scalar 379). */
  static P256PublicKey keyWithLeadingZeroX() {
    for (int i = 1; i < 5000; i++) {
      byte[] s = new byte[32];
      s[30] = (byte) (i >> 8);
      s[31] = (byte) i;
      P256PublicKey k = P256PrivateKey.fromScalar(s).publicKey();
      if (Base64Strict.decodeUrl(k.x())[0] == 0) {
        return k;
      }
    }
    throw new AssertionError("no key with a leading zero x");
  }
}
