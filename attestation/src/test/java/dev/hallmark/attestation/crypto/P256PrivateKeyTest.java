package dev.hallmark.attestation.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.encoding.Hex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** P-256 signing with RFC 6979 deterministic nonces; the scalar never shows. */
class P256PrivateKeyTest {
  private static final HexFormat HEX = HexFormat.of();
  /** RFC 6979 A.2.5: the P-256 key pair. */
  private static final byte[] RFC6979_X =
      HEX.parseHex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
  private static final byte[] RFC6979_UX =
      HEX.parseHex("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
  private static final byte[] RFC6979_UY =
      HEX.parseHex("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
  /** RFC 6979 A.2.5: SHA-256, message "sample". */
  private static final String SAMPLE_R =
      "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716";
  private static final String SAMPLE_S =
      "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";
  private static final BigInteger N =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private static final byte[] MESSAGE = "attest this".getBytes(StandardCharsets.UTF_8);

  private static void assertKeyError(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.KEY, ex.code());
  }

  @Test
  void matchesRfc6979SampleVector() {
    P256PrivateKey key = P256PrivateKey.fromScalar(RFC6979_X);
    byte[] raw = key.signRaw("sample".getBytes(StandardCharsets.US_ASCII));
    assertEquals(SAMPLE_R + SAMPLE_S, HEX.withUpperCase().formatHex(raw));
  }

  @Test
  void derivesRfc6979PublicKey() {
    P256PrivateKey key = P256PrivateKey.fromScalar(RFC6979_X);
    assertEquals(P256PublicKey.fromCoordinates(RFC6979_UX, RFC6979_UY), key.publicKey());
  }

  @Test
  void derAndRawSignaturesOfTheSameMessageCarryTheSameRAndS() {
    P256PrivateKey key = P256PrivateKey.fromScalar(RFC6979_X);
    byte[] sample = "sample".getBytes(StandardCharsets.US_ASCII);
    BigInteger[] rs = DerSignature.decode(key.signDer(sample));
    assertEquals(new BigInteger(SAMPLE_R, 16), rs[0]);
    assertEquals(new BigInteger(SAMPLE_S, 16), rs[1]);
  }

  @Test
  void derSignatureRoundTrips() {
    P256PrivateKey key = P256PrivateKey.generate(new SecureRandom());
    byte[] der = key.signDer(MESSAGE);
    assertTrue(key.publicKey().verifyDer(MESSAGE, der));
    assertFalse(key.publicKey().verifyDer("other".getBytes(StandardCharsets.UTF_8), der));
  }

  @Test
  void rawSignatureRoundTrips() {
    P256PrivateKey key = P256PrivateKey.generate(new SecureRandom());
    byte[] raw = key.signRaw(MESSAGE);
    assertEquals(64, raw.length);
    assertTrue(key.publicKey().verifyRaw(MESSAGE, raw));
    assertFalse(key.publicKey().verifyRaw("other".getBytes(StandardCharsets.UTF_8), raw));
  }

  @Test
  void signsEmptyAndLargeMessages() {
    P256PrivateKey key = P256PrivateKey.generate(new SecureRandom());
    byte[] big = new byte[3 << 20];
    assertTrue(key.publicKey().verifyDer(new byte[0], key.signDer(new byte[0])));
    assertTrue(key.publicKey().verifyRaw(big, key.signRaw(big)));
  }

  @Test
  void signaturesAreDeterministic() {
    P256PrivateKey key = P256PrivateKey.generate(new SecureRandom());
    assertArrayEquals(key.signDer(MESSAGE), key.signDer(MESSAGE));
    assertArrayEquals(key.signRaw(MESSAGE), key.signRaw(MESSAGE));
    // The nonce depends on the message: a different message gives a different r.
    byte[] other = key.signRaw("other".getBytes(StandardCharsets.UTF_8));
    assertFalse(Arrays.equals(Arrays.copyOf(key.signRaw(MESSAGE), 32), Arrays.copyOf(other, 32)));
  }

  @Test
  void signaturesAreDeterministicAcrossInstancesOfTheSameScalar() {
    P256PrivateKey a = P256PrivateKey.fromScalar(RFC6979_X);
    P256PrivateKey b = P256PrivateKey.fromScalar(RFC6979_X.clone());
    assertArrayEquals(a.signDer(MESSAGE), b.signDer(MESSAGE));
  }

  @Test
  void generatesDistinctKeys() {
    SecureRandom random = new SecureRandom();
    assertNotEquals(P256PrivateKey.generate(random).publicKey(), P256PrivateKey.generate(random).publicKey());
  }

  @Test
  void scalarRoundTrips() {
    P256PrivateKey key = P256PrivateKey.generate(new SecureRandom());
    byte[] scalar = key.scalar();
    assertEquals(32, scalar.length);
    assertEquals(key.publicKey(), P256PrivateKey.fromScalar(scalar).publicKey());
    assertArrayEquals(RFC6979_X, P256PrivateKey.fromScalar(RFC6979_X).scalar());
  }

  @Test
  void smallScalarKeepsLeadingZeros() {
    byte[] one = new byte[32];
    one[31] = 1;
    assertArrayEquals(one, P256PrivateKey.fromScalar(one).scalar());
  }

  @Test
  void rejectsZeroScalar() {
    assertKeyError(() -> P256PrivateKey.fromScalar(new byte[32]));
  }

  @Test
  void rejectsScalarEqualToOrderAndAbove() {
    P256PrivateKey.fromScalar(fixed32(N.subtract(BigInteger.ONE)));
    assertKeyError(() -> P256PrivateKey.fromScalar(fixed32(N)));
    assertKeyError(() -> P256PrivateKey.fromScalar(fixed32(N.add(BigInteger.ONE))));
    byte[] max = new byte[32];
    Arrays.fill(max, (byte) 0xff);
    assertKeyError(() -> P256PrivateKey.fromScalar(max));
  }

  @Test
  void rejectsScalarOfWrongLength() {
    assertKeyError(() -> P256PrivateKey.fromScalar(Arrays.copyOf(RFC6979_X, 31)));
    byte[] padded = new byte[33];
    System.arraycopy(RFC6979_X, 0, padded, 1, 32);
    assertKeyError(() -> P256PrivateKey.fromScalar(padded));
    assertKeyError(() -> P256PrivateKey.fromScalar(new byte[0]));
  }

  @Test
  void toStringNeverShowsTheScalar() {
    for (P256PrivateKey key :
        new P256PrivateKey[] {P256PrivateKey.fromScalar(RFC6979_X), P256PrivateKey.generate(new SecureRandom())}) {
      byte[] scalar = key.scalar();
      String s = key.toString();
      assertFalse(s.toLowerCase(Locale.ROOT).contains(Hex.encode(scalar)), s);
      assertFalse(s.contains(Base64Strict.encodeUrl(scalar)), s);
      assertFalse(s.contains(Base64Strict.encodeStd(scalar)), s);
      assertFalse(s.contains(new BigInteger(1, scalar).toString()), s);
      assertTrue(s.contains(key.publicKey().thumbprint()), s);
    }
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, 32 - len, len);
    return out;
  }
}
