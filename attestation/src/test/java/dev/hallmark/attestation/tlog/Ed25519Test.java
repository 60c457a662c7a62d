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
   * RFC 8032's equation alone would accept it; BouncyCastle refuses small-order keys, and so do we
   * (FORMATS §8.1 is silent on small order: raised in the issue note). A policy key of small order
   * can only come from the trust root's author.
   */
  @Test
  void rejectsTheNeutralElementAsAKeyThoughTheEquationHolds() {
    byte[] neutral = toLe(BigInteger.ONE);
    byte[] sig = new byte[64];
    sig[0] = 1; // R = the neutral element, S = 0
    assertTrue(Ed25519.decodes(neutral));
    assertFalse(Ed25519.verify(neutral, "any message".getBytes(StandardCharsets.UTF_8), sig));
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
