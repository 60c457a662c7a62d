package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** FORMATS §8.1: RFC 8032 §5.1.7, strict; each non-canonical form libraries disagree on is refused. */
class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 8032 §7.1, TEST 1 (empty message).
  private static final byte[] PK = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] SIG = HEX.parseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  private static final byte[] SK = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  @Test
  void verifiesTheRfc8032Vector() {
    assertTrue(Ed25519.verify(PK, new byte[0], SIG));
    assertTrue(java.util.Arrays.equals(PK, Ed25519.publicKey(SK)));
    assertTrue(java.util.Arrays.equals(SIG, Ed25519.sign(SK, new byte[0])));
  }

  @Test
  void rejectsAnyChangedBit() {
    for (int i = 0; i < 64; i++) {
      byte[] s = SIG.clone();
      s[i] ^= 0x10;
      assertFalse(Ed25519.verify(PK, new byte[0], s), "bit flipped in byte " + i);
    }
    assertFalse(Ed25519.verify(PK, "x".getBytes(StandardCharsets.UTF_8), SIG));
  }

  @Test
  void rejectsSAtOrAboveTheGroupOrder() {
    // S + L is the same scalar mod L: a lax verifier accepts it (signature malleability).
    BigInteger s = le(SIG, 32).add(Ed25519.L);
    byte[] forged = SIG.clone();
    System.arraycopy(toLe(s), 0, forged, 32, 32);
    assertFalse(Ed25519.verify(PK, new byte[0], forged));
  }

  @Test
  void rejectsNonCanonicalPublicKeyEncoding() {
    // y = p + 1 encodes the neutral element's y = 1 non-canonically.
    byte[] identityNonCanonical = toLe(Ed25519.P.add(BigInteger.ONE));
    byte[] identity = toLe(BigInteger.ONE);
    assertTrue(Ed25519.decodes(identity));
    assertFalse(Ed25519.decodes(identityNonCanonical));
    assertFalse(Ed25519.verify(identityNonCanonical, new byte[0], SIG));
  }

  @Test
  void rejectsXZeroWithTheSignBitSet() {
    byte[] minusZero = toLe(BigInteger.ONE);
    minusZero[31] |= (byte) 0x80; // RFC 8032 §5.1.3 step 4: x = 0 and x_0 = 1 fails
    assertFalse(Ed25519.decodes(minusZero));
  }

  @Test
  void rejectsNonCanonicalR() {
    byte[] forged = SIG.clone();
    byte[] rNonCanon = toLe(Ed25519.P.add(BigInteger.ONE));
    System.arraycopy(rNonCanon, 0, forged, 0, 32);
    assertFalse(Ed25519.verify(PK, new byte[0], forged));
  }

  @Test
  void rejectsAKeyThatDoesNotDecode() {
    // Find a y below p for which (y²−1)/(dy²+1) has no square root.
    BigInteger y = BigInteger.TWO;
    while (Ed25519.decodes(toLe(y))) {
      y = y.add(BigInteger.ONE);
    }
    assertFalse(Ed25519.verify(toLe(y), new byte[0], SIG));
  }

  /**
   * The neutral element as the key, R neutral and S = 0 satisfies [S]B = R + [k]A for every message.
   * FORMATS §8.1 asks for canonical, decodable encodings and the cofactorless equation, and no more:
   * such a signature verifies (as in WebCrypto). Only a trust root's author can name such a key.
   */
  @Test
  void followsTheEquationForTheNeutralElementAsAKey() {
    byte[] neutral = toLe(BigInteger.ONE);
    byte[] sig = new byte[64];
    sig[0] = 1; // R = the neutral element, S = 0
    assertTrue(Ed25519.decodes(neutral));
    assertTrue(Ed25519.verify(neutral, "any message".getBytes(StandardCharsets.UTF_8), sig));
  }

  /**
   * Cofactorless: an R with an order-2 component (R' = R + (0, −1)) and S = r + k'a for the k' of
   * R' satisfies the cofactored equation [8][S]B = [8]R' + [8][k']A but not [S]B = R' + [k']A.
   * BouncyCastle 1.82's verifier accepts these; FORMATS §8.1 does not.
   */
  @Test
  void rejectsAnRWithASmallOrderComponent() throws Exception {
    byte[] sk = new byte[32];
    sk[0] = 7;
    byte[] a = Ed25519.publicKey(sk);
    BigInteger aScalar = clampedScalar(sk);
    byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
    for (int i = 1; i <= 8; i++) {
      byte[] rk = new byte[32];
      rk[0] = (byte) i;
      rk[1] = 9;
      byte[] r = Ed25519.publicKey(rk);
      BigInteger y = le(r, 0).and(BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE));
      int sign = (r[31] & 0x80) >>> 7;
      byte[] r2 = toLe(Ed25519.P.subtract(y)); // (−x, −y) = R + (0, −1)
      if (sign == 0) {
        r2[31] |= (byte) 0x80;
      }
      java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-512");
      d.update(r2);
      d.update(a);
      d.update(msg);
      BigInteger k = le64(d.digest()).mod(Ed25519.L);
      BigInteger s = clampedScalar(rk).add(k.multiply(aScalar)).mod(Ed25519.L);
      byte[] sig = new byte[64];
      System.arraycopy(r2, 0, sig, 0, 32);
      System.arraycopy(toLe(s), 0, sig, 32, 32);
      assertTrue(Ed25519.decodes(r2));
      assertFalse(Ed25519.verify(a, msg, sig), "mixed-order R accepted, try " + i);
      // The same construction with the honest R verifies: the test's arithmetic is right.
      d.reset();
      d.update(r);
      d.update(a);
      d.update(msg);
      BigInteger k0 = le64(d.digest()).mod(Ed25519.L);
      byte[] honest = new byte[64];
      System.arraycopy(r, 0, honest, 0, 32);
      System.arraycopy(toLe(clampedScalar(rk).add(k0.multiply(aScalar)).mod(Ed25519.L)), 0, honest, 32, 32);
      assertTrue(Ed25519.verify(a, msg, honest), "control signature, try " + i);
    }
  }

  private static BigInteger clampedScalar(byte[] sk) throws Exception {
    byte[] h = java.security.MessageDigest.getInstance("SHA-512").digest(sk);
    byte[] s = java.util.Arrays.copyOf(h, 32);
    s[0] &= (byte) 248;
    s[31] &= 127;
    s[31] |= 64;
    return le(s, 0);
  }

  private static BigInteger le64(byte[] b) {
    byte[] be = new byte[65];
    for (int i = 0; i < 64; i++) {
      be[64 - i] = b[i];
    }
    return new BigInteger(be);
  }

  @Test
  void rejectsWrongLengthsWithoutThrowing() {
    assertFalse(Ed25519.verify(new byte[31], new byte[0], SIG));
    assertFalse(Ed25519.verify(PK, new byte[0], new byte[63]));
    assertFalse(Ed25519.verify(null, new byte[0], SIG));
  }

  @Test
  void signsAndVerifiesFreshKeys() {
    byte[] sk = Ed25519.newPrivateKey(new SecureRandom());
    byte[] msg = "checkpoint".getBytes(StandardCharsets.UTF_8);
    assertTrue(Ed25519.verify(Ed25519.publicKey(sk), msg, Ed25519.sign(sk, msg)));
  }

  private static BigInteger le(byte[] b, int off) {
    byte[] be = new byte[33];
    for (int i = 0; i < 32; i++) {
      be[32 - i] = b[off + i];
    }
    return new BigInteger(be);
  }

  private static byte[] toLe(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < be.length && i < 33; i++) {
      int pos = be.length - 1 - i;
      if (i < 32) {
        out[i] = be[pos];
      }
    }
    return out;
  }
}
