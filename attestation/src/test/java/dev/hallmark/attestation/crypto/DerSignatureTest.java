package dev.hallmark.attestation.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** FORMATS §4: DSSE signatures are strict DER with r, s in [1, n-1]; §2: JWS ones are 64 bytes. */
class DerSignatureTest {
  private static final BigInteger N =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
  private static final P256PrivateKey KEY =
      P256PrivateKey.fromScalar(
          HexFormat.of().parseHex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
  private static final byte[] MESSAGE = "sample".getBytes(StandardCharsets.US_ASCII);
  /** RFC 6979 A.2.5 r and s for "sample": both have the high bit set, so both carry a 00 prefix. */
  private static final BigInteger R =
      new BigInteger("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", 16);
  private static final BigInteger S =
      new BigInteger("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", 16);

  private static void assertSignatureError(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.SIGNATURE, ex.code());
  }

  /** DER INTEGER with exactly the given content bytes. */
  private static byte[] integer(byte... content) {
    byte[] out = new byte[content.length + 2];
    out[0] = 0x02;
    out[1] = (byte) content.length;
    System.arraycopy(content, 0, out, 2, content.length);
    return out;
  }

  private static byte[] integer(BigInteger v) {
    return integer(v.toByteArray());
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    byte[] b = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(b.length);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte... b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ------------------------------------------------------------------ valid

  @Test
  void decodesWhatEncodeWrites() {
    byte[] der = DerSignature.encode(R, S);
    assertArrayEquals(sequence(integer(R), integer(S)), der);
    assertEquals(72, der.length);
    BigInteger[] rs = DerSignature.decode(der);
    assertEquals(R, rs[0]);
    assertEquals(S, rs[1]);
  }

  @Test
  void roundTripsSmallAndBoundaryValues() {
    BigInteger[][] cases = {
      {BigInteger.ONE, BigInteger.ONE},
      {BigInteger.valueOf(0x7f), BigInteger.valueOf(0x80)},
      {N.subtract(BigInteger.ONE), N.subtract(BigInteger.ONE)},
      {BigInteger.ONE.shiftLeft(255), BigInteger.ONE.shiftLeft(247).subtract(BigInteger.ONE)}
    };
    for (BigInteger[] c : cases) {
      BigInteger[] rs = DerSignature.decode(DerSignature.encode(c[0], c[1]));
      assertEquals(c[0], rs[0]);
      assertEquals(c[1], rs[1]);
      BigInteger[] raw = DerSignature.fromRaw(DerSignature.toRaw(c[0], c[1]));
      assertEquals(c[0], raw[0]);
      assertEquals(c[1], raw[1]);
    }
  }

  @Test
  void acceptsMinimalSignatureOfEightBytes() {
    byte[] der = sequence(integer((byte) 1), integer((byte) 1));
    assertEquals(8, der.length);
    DerSignature.decode(der);
  }

  @Test
  void decodesSignaturesOfTheKey() {
    byte[] der = KEY.signDer(MESSAGE);
    BigInteger[] rs = DerSignature.decode(der);
    assertArrayEquals(KEY.signRaw(MESSAGE), DerSignature.toRaw(rs[0], rs[1]));
  }

  // ------------------------------------------------------------------ range

  @Test
  void rejectsZeroRAndS() {
    assertSignatureError(() -> DerSignature.decode(sequence(integer((byte) 0), integer((byte) 0))));
    assertSignatureError(() -> DerSignature.decode(sequence(integer((byte) 0), integer(S))));
    assertSignatureError(() -> DerSignature.decode(sequence(integer(R), integer((byte) 0))));
  }

  @Test
  void rejectsREqualToN() {
    DerSignature.decode(sequence(integer(N.subtract(BigInteger.ONE)), integer(S)));
    assertSignatureError(() -> DerSignature.decode(sequence(integer(N), integer(S))));
  }

  @Test
  void rejectsSEqualToN() {
    assertSignatureError(() -> DerSignature.decode(sequence(integer(R), integer(N))));
  }

  @Test
  void rejectsValuesAboveN() {
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    assertSignatureError(() -> DerSignature.decode(sequence(integer(max), integer(S))));
    assertSignatureError(() -> DerSignature.decode(sequence(integer(R), integer(N.add(BigInteger.ONE)))));
  }

  // ------------------------------------------------------------------ DER strictness

  @Test
  void rejectsNegativeInteger() {
    // R's two's-complement form needs a 00 prefix; without it the INTEGER is negative.
    byte[] rMag = Arrays.copyOfRange(R.toByteArray(), 1, 33);
    assertTrue((rMag[0] & 0x80) != 0);
    assertSignatureError(() -> DerSignature.decode(sequence(integer(rMag), integer(S))));
    assertSignatureError(() -> DerSignature.decode(sequence(integer((byte) 0x80), integer(S))));
    assertSignatureError(() -> DerSignature.decode(sequence(integer(R), integer((byte) 0xff))));
  }

  @Test
  void rejectsNonMinimalLeadingZero() {
    DerSignature.decode(sequence(integer((byte) 0x01), integer(S)));
    assertSignatureError(() -> DerSignature.decode(sequence(integer((byte) 0, (byte) 0x01), integer(S))));
    byte[] rPadded = concat(new byte[] {0}, R.toByteArray()); // 00 00 EF…
    assertSignatureError(() -> DerSignature.decode(sequence(integer(rPadded), integer(S))));
    byte[] sPadded = concat(new byte[] {0}, BigInteger.valueOf(0x7f).toByteArray()); // 00 7F
    assertSignatureError(() -> DerSignature.decode(sequence(integer(R), integer(sPadded))));
  }

  @Test
  void rejectsEmptyInteger() {
    assertSignatureError(() -> DerSignature.decode(sequence(integer(), integer(S), integer((byte) 1))));
  }

  @Test
  void rejectsLongFormSequenceLength() {
    byte[] valid = DerSignature.encode(BigInteger.ONE, BigInteger.TWO);
    byte[] longForm = new byte[valid.length + 1];
    longForm[0] = 0x30;
    longForm[1] = (byte) 0x81;
    longForm[2] = valid[1];
    System.arraycopy(valid, 2, longForm, 3, valid.length - 2);
    assertSignatureError(() -> DerSignature.decode(longForm));
  }

  @Test
  void rejectsLongFormIntegerLength() {
    byte[] r = R.toByteArray();
    byte[] longInt = new byte[r.length + 3];
    longInt[0] = 0x02;
    longInt[1] = (byte) 0x81;
    longInt[2] = (byte) r.length;
    System.arraycopy(r, 0, longInt, 3, r.length);
    assertSignatureError(() -> DerSignature.decode(sequence(longInt, integer((byte) 1))));
  }

  @Test
  void rejectsTrailingBytesAfterSequence() {
    byte[] der = DerSignature.encode(R, S);
    assertSignatureError(() -> DerSignature.decode(concat(der, (byte) 0)));
    byte[] small = DerSignature.encode(BigInteger.ONE, BigInteger.ONE);
    assertSignatureError(() -> DerSignature.decode(concat(small, (byte) 0)));
  }

  @Test
  void rejectsTrailingBytesInsideSequence() {
    assertSignatureError(() -> DerSignature.decode(sequence(integer(R), integer(S), new byte[] {0})));
    assertSignatureError(
        () -> DerSignature.decode(sequence(integer((byte) 1), integer((byte) 1), integer((byte) 1))));
  }

  @Test
  void rejectsSequenceLengthThatDisagrees() {
    byte[] der = DerSignature.encode(BigInteger.ONE, BigInteger.ONE);
    der[1]++;
    assertSignatureError(() -> DerSignature.decode(der));
    byte[] der2 = DerSignature.encode(BigInteger.ONE, BigInteger.ONE);
    der2[1]--;
    assertSignatureError(() -> DerSignature.decode(der2));
  }

  @Test
  void rejectsIntegerLengthPastTheEnd() {
    byte[] der = DerSignature.encode(BigInteger.ONE, BigInteger.ONE);
    der[der.length - 2] = 2; // s claims two content bytes, one is there
    assertSignatureError(() -> DerSignature.decode(der));
  }

  @Test
  void rejectsWrongSequenceTag() {
    byte[] der = DerSignature.encode(R, S);
    der[0] = 0x31; // SET
    assertSignatureError(() -> DerSignature.decode(der));
  }

  @Test
  void rejectsWrongIntegerTag() {
    byte[] der = DerSignature.encode(R, S);
    der[2] = 0x03; // BIT STRING
    assertSignatureError(() -> DerSignature.decode(der));
    byte[] der2 = DerSignature.encode(BigInteger.ONE, BigInteger.ONE);
    der2[5] = 0x04; // OCTET STRING for s
    assertSignatureError(() -> DerSignature.decode(der2));
  }

  @Test
  void rejectsRawSignaturePassedAsDer() {
    byte[] raw = KEY.signRaw(MESSAGE);
    assertSignatureError(() -> DerSignature.decode(raw));
    assertSignatureError(() -> KEY.publicKey().verifyDer(MESSAGE, raw));
  }

  @Test
  void rejectsTooShortAndTooLong() {
    assertSignatureError(() -> DerSignature.decode(new byte[0]));
    assertSignatureError(() -> DerSignature.decode(new byte[] {0x30, 0x00}));
    assertSignatureError(() -> DerSignature.decode(new byte[] {0x30, 0x04, 0x02, 0x01, 0x01, 0x02}));
    byte[] long73 = new byte[73];
    long73[0] = 0x30;
    long73[1] = 71;
    assertSignatureError(() -> DerSignature.decode(long73));
  }

  // ------------------------------------------------------------------ raw

  @Test
  void fromRawRejectsWrongLengths() {
    byte[] raw = KEY.signRaw(MESSAGE);
    DerSignature.fromRaw(raw);
    assertSignatureError(() -> DerSignature.fromRaw(Arrays.copyOf(raw, 63)));
    assertSignatureError(() -> DerSignature.fromRaw(Arrays.copyOf(raw, 65)));
    assertSignatureError(() -> DerSignature.fromRaw(new byte[0]));
    assertSignatureError(() -> DerSignature.fromRaw(DerSignature.encode(R, S)));
  }

  @Test
  void fromRawRejectsOutOfRangeHalves() {
    assertSignatureError(() -> DerSignature.fromRaw(DerSignature.toRaw(BigInteger.ZERO, S)));
    assertSignatureError(() -> DerSignature.fromRaw(DerSignature.toRaw(R, BigInteger.ZERO)));
    assertSignatureError(() -> DerSignature.fromRaw(DerSignature.toRaw(N, S)));
    assertSignatureError(() -> DerSignature.fromRaw(DerSignature.toRaw(R, N)));
    byte[] ones = new byte[64];
    Arrays.fill(ones, (byte) 0xff);
    assertSignatureError(() -> DerSignature.fromRaw(ones));
  }

  @Test
  void toRawIsFixedWidth() {
    byte[] raw = DerSignature.toRaw(BigInteger.ONE, BigInteger.TWO);
    assertEquals(64, raw.length);
    assertEquals(1, raw[31]);
    assertEquals(2, raw[63]);
    assertArrayEquals(new byte[31], Arrays.copyOf(raw, 31));
    assertArrayEquals(
        HexFormat.of().parseHex(R.toString(16) + S.toString(16)), DerSignature.toRaw(R, S));
  }
}
