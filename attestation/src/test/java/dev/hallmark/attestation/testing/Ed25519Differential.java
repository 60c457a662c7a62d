package dev.hallmark.attestation.testing;

import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.tlog.Ed25519;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * {@link EngineDifferential}'s twin for Ed25519 (FORMATS §8.1): feeds {@link Ed25519#verify(
 * CryptoEngine, byte[], byte[], byte[])} on two engines the same mutated keys, signatures and
 * messages, and records every input on which they disagree. The mutations aim at the points
 * where Ed25519 libraries differ: S at or above L, non-canonical R and A, small-order A,
 * mixed-order R and A (a cofactored verifier accepts those a cofactorless one refuses), R that
 * does not decode. Seeded: {@code Ed25519Differential.run(a, b, seed, cases)} replays a run.
 */
public final class Ed25519Differential {
  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

  /** The eight points of small order (1, 2, 4, 8), canonically encoded. */
  static final List<byte[]> SMALL_ORDER = List.of(
      hex("0100000000000000000000000000000000000000000000000000000000000000"),
      hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      hex("0000000000000000000000000000000000000000000000000000000000000000"),
      hex("0000000000000000000000000000000000000000000000000000000000000080"),
      hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
      hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
      hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
      hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"));

  /** Counts per outcome and the disagreements (at most 20 kept, all counted). */
  public record Report(long cases, long bothValid, long bothInvalid, long disagreementCount, List<String> disagreements) {
    @Override
    public String toString() {
      return cases + " Ed25519 cases: " + bothValid + " valid in both, " + bothInvalid + " invalid in both, "
          + disagreementCount + " disagreement(s)" + (disagreements.isEmpty() ? "" : ":\n  " + String.join("\n  ", disagreements));
    }
  }

  private Ed25519Differential() {}

  public static Report run(CryptoEngine a, CryptoEngine b, long seed, long cases) {
    Random rnd = new Random(seed);
    long valid = 0, invalid = 0, disagree = 0;
    List<String> kept = new ArrayList<>();
    for (long i = 0; i < cases; i++) {
      byte[] sk = new byte[32];
      rnd.nextBytes(sk);
      byte[] pk = Ed25519.publicKey(sk);
      byte[] message = new byte[rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(200)];
      rnd.nextBytes(message);
      byte[] nonce = new byte[32];
      rnd.nextBytes(nonce);
      byte[] r = Ed25519.publicKey(nonce);
      byte[] key = pk;
      byte[] sig;
      String mutation;
      int kind = rnd.nextInt(14);
      switch (kind) {
        case 0, 1 -> {
          mutation = "none";
          sig = sign(sk, pk, nonce, r, message);
        }
        case 2 -> {
          mutation = "message bit";
          sig = sign(sk, pk, nonce, r, message);
          message = message.length == 0 ? new byte[] {1} : flip(message, rnd);
        }
        case 3 -> {
          mutation = "signature bit";
          sig = flip(sign(sk, pk, nonce, r, message), rnd);
        }
        case 4 -> {
          mutation = "S + L";
          sig = sign(sk, pk, nonce, r, message);
          BigInteger s = le(sig, 32).add(L);
          System.arraycopy(toLe(s.testBit(256) ? le(sig, 32) : s), 0, sig, 32, 32);
        }
        case 5 -> {
          mutation = "S near or above L";
          sig = sign(sk, pk, nonce, r, message);
          BigInteger s = switch (rnd.nextInt(4)) {
            case 0 -> L;
            case 1 -> L.subtract(BigInteger.ONE);
            case 2 -> BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
            default -> new BigInteger(253, rnd);
          };
          System.arraycopy(toLe(s), 0, sig, 32, 32);
        }
        case 6 -> {
          mutation = "small-order A";
          key = SMALL_ORDER.get(rnd.nextInt(SMALL_ORDER.size())).clone();
          sig = rnd.nextBoolean() ? sign(sk, pk, nonce, r, message) : smallOrderForgery(key, rnd);
        }
        case 7 -> {
          mutation = "mixed-order A (A + T)";
          key = add(pk, SMALL_ORDER.get(1 + rnd.nextInt(SMALL_ORDER.size() - 1)));
          sig = signFor(sk, key, nonce, r, message); // valid cofactorless only when [k]T = 0
        }
        case 8 -> {
          mutation = "mixed-order R (R + T)";
          byte[] r2 = add(r, SMALL_ORDER.get(1 + rnd.nextInt(SMALL_ORDER.size() - 1)));
          sig = signWithR(sk, pk, nonce, r2, message); // valid cofactored, never cofactorless
        }
        case 9 -> {
          mutation = "non-canonical A (y + p)";
          key = nonCanonical(rnd);
          sig = sign(sk, pk, nonce, r, message);
        }
        case 10 -> {
          mutation = "non-canonical or undecodable R";
          byte[] r2 = rnd.nextBoolean() ? nonCanonical(rnd) : undecodable(rnd);
          sig = signWithR(sk, pk, nonce, r2, message);
        }
        case 11 -> {
          mutation = "A or R with x = 0 and the sign bit";
          byte[] minusZero = SMALL_ORDER.get(rnd.nextBoolean() ? 0 : 1).clone();
          minusZero[31] |= (byte) 0x80;
          if (rnd.nextBoolean()) {
            key = minusZero;
            sig = sign(sk, pk, nonce, r, message);
          } else {
            sig = signWithR(sk, pk, nonce, minusZero, message);
          }
        }
        case 12 -> {
          mutation = "undecodable A";
          key = undecodable(rnd);
          sig = sign(sk, pk, nonce, r, message);
        }
        default -> {
          mutation = "other key";
          byte[] other = new byte[32];
          rnd.nextBytes(other);
          key = Ed25519.publicKey(other);
          sig = sign(sk, pk, nonce, r, message);
        }
      }
      boolean va = Ed25519.verify(a, key, message, sig);
      boolean vb = Ed25519.verify(b, key, message, sig);
      if (va != vb) {
        disagree++;
        if (kept.size() < 20) {
          kept.add("case " + i + " (" + mutation + "): " + a.id() + "=" + va + " " + b.id() + "=" + vb + " key="
              + HexFormat.of().formatHex(key) + " sig=" + HexFormat.of().formatHex(sig) + " msg=" + HexFormat.of().formatHex(message));
        }
      } else if (va) {
        valid++;
      } else {
        invalid++;
      }
    }
    return new Report(cases, valid, invalid, disagree, List.copyOf(kept));
  }

  /** R = [nonce]B (clamped), S = r + k·a: the signature RFC 8032 would make with this nonce. */
  private static byte[] sign(byte[] sk, byte[] pk, byte[] nonce, byte[] r, byte[] message) {
    return signFor(sk, pk, nonce, r, message);
  }

  /** S = r + k·a with k computed over {@code keyInHash}: honest when it is the signer's key. */
  private static byte[] signFor(byte[] sk, byte[] keyInHash, byte[] nonce, byte[] r, byte[] message) {
    BigInteger k = k(r, keyInHash, message);
    BigInteger s = clamped(nonce).add(k.multiply(clamped(sk))).mod(L);
    return concat(r, toLe(s));
  }

  /** The honest S for nonce r but with {@code rBytes} in the signature and in k. */
  private static byte[] signWithR(byte[] sk, byte[] pk, byte[] nonce, byte[] rBytes, byte[] message) {
    BigInteger k = k(rBytes, pk, message);
    BigInteger s = clamped(nonce).add(k.multiply(clamped(sk))).mod(L);
    return concat(rBytes, toLe(s));
  }

  /** For a small-order A: R = a small-order point, S = 0; [0]B = R + [k]A holds when R = −[k]A. */
  private static byte[] smallOrderForgery(byte[] a, Random rnd) {
    return concat(SMALL_ORDER.get(rnd.nextInt(SMALL_ORDER.size())), new byte[32]);
  }

  private static BigInteger k(byte[] r, byte[] a, byte[] message) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-512");
      d.update(r);
      d.update(a);
      d.update(message);
      byte[] h = d.digest();
      byte[] be = new byte[65];
      for (int i = 0; i < 64; i++) {
        be[64 - i] = h[i];
      }
      return new BigInteger(be).mod(L);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger clamped(byte[] sk) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-512").digest(sk);
      byte[] s = java.util.Arrays.copyOf(h, 32);
      s[0] &= (byte) 248;
      s[31] &= 127;
      s[31] |= 64;
      return le(s, 0);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** y + p for one of the y below 19 (the only ones with a second 255-bit encoding), sign random. */
  private static byte[] nonCanonical(Random rnd) {
    byte[] b = toLe(P.add(BigInteger.valueOf(rnd.nextInt(19))));
    if (rnd.nextBoolean()) {
      b[31] |= (byte) 0x80;
    }
    return b;
  }

  private static byte[] undecodable(Random rnd) {
    while (true) {
      byte[] b = toLe(new BigInteger(255, rnd).mod(P));
      if (!Ed25519.decodes(b)) {
        return b;
      }
    }
  }

  /** The encoding of the sum of two decodable points (affine Edwards addition). */
  static byte[] add(byte[] p1, byte[] p2) {
    BigInteger[] a = decode(p1);
    BigInteger[] b = decode(p2);
    BigInteger t = D.multiply(a[0]).multiply(b[0]).multiply(a[1]).multiply(b[1]).mod(P);
    BigInteger x = a[0].multiply(b[1]).add(a[1].multiply(b[0])).multiply(BigInteger.ONE.add(t).modInverse(P)).mod(P);
    BigInteger y = a[1].multiply(b[1]).add(a[0].multiply(b[0])).multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P)).mod(P);
    byte[] out = toLe(y);
    if (x.testBit(0)) {
      out[31] |= (byte) 0x80;
    }
    return out;
  }

  private static BigInteger[] decode(byte[] e) {
    byte[] c = e.clone();
    int sign = (c[31] & 0x80) >>> 7;
    c[31] &= 0x7f;
    BigInteger y = le(c, 0);
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
    BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!x.multiply(x).mod(P).equals(x2)) {
      x = x.multiply(SQRT_M1).mod(P);
    }
    if (x.testBit(0) != (sign == 1)) {
      x = P.subtract(x).mod(P);
    }
    return new BigInteger[] {x, y};
  }

  private static byte[] flip(byte[] b, Random rnd) {
    byte[] c = b.clone();
    c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
    return c;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, 64);
    System.arraycopy(b, 0, out, 32, 32);
    return out;
  }

  private static BigInteger le(byte[] b, int off) {
    byte[] be = new byte[33];
    for (int i = 0; i < 32; i++) {
      be[32 - i] = b[off + i];
    }
    return new BigInteger(be);
  }

  private static byte[] toLe(BigInteger v) {
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = (byte) v.shiftRight(8 * i).intValue();
    }
    return out;
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
