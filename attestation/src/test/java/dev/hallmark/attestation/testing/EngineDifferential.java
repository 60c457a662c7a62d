package dev.hallmark.attestation.testing;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.crypto.DerSignature;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.P256PublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Feeds two engines the same randomly mutated P-256 signatures, keys and messages and records every
 * input on which they disagree (one verifies, the other not; or one throws and the other not).
 * Seeded, so a disagreement can be replayed: {@code EngineDifferential.run(a, b, seed, cases)}.
 * Strict parsing is shared, so a mutation the parser refuses must be refused for both; the
 * mutations are weighted so that most cases reach the engines' arithmetic.
 *
 * <pre>{@code
 * EngineDifferential.Report r = EngineDifferential.run(bc, aws, 42, 5_000);
 * assertTrue(r.disagreements().isEmpty(), r.toString());
 * }</pre>
 */
public final class EngineDifferential {
  /** The group order n of P-256. */
  private static final BigInteger N =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
  /** The field prime p of P-256. */
  private static final BigInteger P =
      new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);

  /** Counts per outcome, and the disagreements (at most 20 kept, all counted). */
  public record Report(
      long cases, long bothValid, long bothInvalid, long bothRefused, long disagreementCount, List<String> disagreements) {
    @Override
    public String toString() {
      return cases + " cases: " + bothValid + " valid in both, " + bothInvalid + " invalid in both, "
          + bothRefused + " refused by the shared parser, " + disagreementCount + " disagreement(s)"
          + (disagreements.isEmpty() ? "" : ":\n  " + String.join("\n  ", disagreements));
    }
  }

  /** One side's verification: an engine's, or (for the harness's own test) a deliberately wrong one. */
  public interface Side {
    String id();

    boolean verify(P256PublicKey key, byte[] message, byte[] sig, boolean raw);

    static Side of(CryptoEngine e) {
      return new Side() {
        @Override
        public String id() {
          return e.id();
        }

        @Override
        public boolean verify(P256PublicKey key, byte[] message, byte[] sig, boolean raw) {
          return raw ? e.verifyRaw(key, message, sig) : e.verifyDer(key, message, sig);
        }
      };
    }
  }

  private EngineDifferential() {}

  /** {@code cases} mutated inputs signed by both engines, verified by both. */
  public static Report run(CryptoEngine a, CryptoEngine b, long seed, long cases) {
    return run(a, b, Side.of(a), Side.of(b), seed, cases);
  }

  /** As {@link #run(CryptoEngine, CryptoEngine, long, long)}, with the verifying sides given. */
  public static Report run(CryptoEngine a, CryptoEngine b, Side va, Side vb, long seed, long cases) {
    Random rnd = new Random(seed);
    SecureRandom keyRandom = new SecureRandom();
    // Keys from both engines, so each engine verifies the other's signatures too.
    List<P256PrivateKey> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(a.generateKey(keyRandom));
      keys.add(b.generateKey(keyRandom));
    }
    long valid = 0, invalid = 0, refused = 0, disagree = 0;
    List<String> kept = new ArrayList<>();
    for (long i = 0; i < cases; i++) {
      P256PrivateKey signer = keys.get(rnd.nextInt(keys.size()));
      byte[] message = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(4) : 1 + rnd.nextInt(300)];
      rnd.nextBytes(message);
      CryptoEngine signingEngine = rnd.nextBoolean() ? a : b;
      byte[] der = signingEngine.signDer(signer, message);
      boolean raw = rnd.nextInt(4) == 0;
      byte[] sig = raw ? toRaw(der) : der;
      P256PublicKey key = signer.publicKey();
      String mutation = "none";
      int kind = rnd.nextInt(12);
      switch (kind) {
        case 0, 1 -> {} // genuine
        case 2 -> {
          mutation = "message bit";
          if (message.length == 0) {
            message = new byte[] {1};
          } else {
            message[rnd.nextInt(message.length)] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case 3 -> {
          mutation = "signature byte";
          sig = sig.clone();
          sig[rnd.nextInt(sig.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
        case 4 -> {
          mutation = "other key";
          key = keys.get(rnd.nextInt(keys.size())).publicKey();
        }
        case 5 -> {
          mutation = "negated key (x, p - y)";
          key = negate(key);
        }
        case 6 -> {
          mutation = "high-s twin";
          BigInteger[] rs = DerSignature.decode(der);
          sig = encode(raw, rs[0], N.subtract(rs[1]));
        }
        case 7 -> {
          mutation = "random r";
          BigInteger[] rs = DerSignature.decode(der);
          sig = encode(raw, edge(rnd, rs[0]), rs[1]);
        }
        case 8 -> {
          mutation = "random s";
          BigInteger[] rs = DerSignature.decode(der);
          sig = encode(raw, rs[0], edge(rnd, rs[1]));
        }
        case 9 -> {
          mutation = "swapped r and s";
          BigInteger[] rs = DerSignature.decode(der);
          sig = encode(raw, rs[1], rs[0]);
        }
        case 10 -> {
          mutation = "truncated or extended signature";
          sig = Arrays.copyOf(sig, Math.max(0, sig.length + (rnd.nextBoolean() ? -1 - rnd.nextInt(3) : 1 + rnd.nextInt(3))));
        }
        default -> {
          mutation = "r, s of another message";
          byte[] other = message.clone();
          other = Arrays.copyOf(other, other.length + 1);
          sig = raw ? toRaw(signingEngine.signDer(signer, other)) : signingEngine.signDer(signer, other);
        }
      }
      String ra = outcome(va, key, message, sig, raw);
      String rb = outcome(vb, key, message, sig, raw);
      if (!ra.equals(rb)) {
        disagree++;
        if (kept.size() < 20) {
          kept.add("case " + i + " (" + mutation + (raw ? ", raw" : ", der") + "): " + va.id() + "=" + ra + " "
              + vb.id() + "=" + rb + " key=" + key.x() + "," + key.y() + " sig=" + hex(sig) + " msg=" + hex(message));
        }
      } else if (ra.equals("valid")) {
        valid++;
      } else if (ra.equals("invalid")) {
        invalid++;
      } else {
        refused++;
      }
    }
    return new Report(cases, valid, invalid, refused, disagree, List.copyOf(kept));
  }

  private static String outcome(Side e, P256PublicKey key, byte[] message, byte[] sig, boolean raw) {
    try {
      return e.verify(key, message, sig, raw) ? "valid" : "invalid";
    } catch (AttestationException x) {
      return "refused:" + x.code();
    }
  }

  /** A value near an edge of [1, n-1] or beyond it, or a random one. */
  private static BigInteger edge(Random rnd, BigInteger around) {
    return switch (rnd.nextInt(8)) {
      case 0 -> BigInteger.ONE;
      case 1 -> N.subtract(BigInteger.ONE);
      case 2 -> N;
      case 3 -> around.add(BigInteger.ONE).mod(N.add(BigInteger.ONE));
      case 4 -> around.add(N).min(P.subtract(BigInteger.ONE)); // r + n < p only for tiny r
      case 5 -> new BigInteger(255, rnd);
      default -> new BigInteger(256, rnd);
    };
  }

  private static P256PublicKey negate(P256PublicKey key) {
    byte[] x = java.util.Base64.getUrlDecoder().decode(key.x());
    BigInteger y = new BigInteger(1, java.util.Base64.getUrlDecoder().decode(key.y()));
    return P256PublicKey.fromCoordinates(x, fixed32(P.subtract(y)));
  }

  private static byte[] encode(boolean raw, BigInteger r, BigInteger s) {
    if (!raw) {
      return DerSignature.encode(r, s);
    }
    byte[] out = new byte[64];
    System.arraycopy(fixed32(r.mod(BigInteger.ONE.shiftLeft(256))), 0, out, 0, 32);
    System.arraycopy(fixed32(s.mod(BigInteger.ONE.shiftLeft(256))), 0, out, 32, 32);
    return out;
  }

  private static byte[] toRaw(byte[] der) {
    BigInteger[] rs = DerSignature.decode(der);
    return DerSignature.toRaw(rs[0], rs[1]);
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, 32 - len, len);
    return out;
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }
}
