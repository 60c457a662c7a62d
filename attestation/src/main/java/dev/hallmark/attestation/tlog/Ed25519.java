package dev.hallmark.attestation.tlog;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Ed25519 as FORMATS §8.1 demands of notes and cosignatures: RFC 8032 §5.1.7, strictly. The
 * encodings are checked here, before any library sees them, because libraries differ on exactly
 * these points (OpenSSL 3.0 accepts two non-canonical encodings of {@code A}): {@code S} below
 * the group order L, {@code R} and {@code A} canonical (y below p) and decodable per §5.1.3 (a
 * square root exists; x = 0 with the sign bit set fails). The group equation is then checked
 * cofactorless, {@code [S]B = R + [k]A}, by BouncyCastle's RFC 8032 code.
 *
 * <pre>{@code
 * boolean ok = Ed25519.verify(publicKey32, message, signature64);
 * }</pre>
 */
public final class Ed25519 {
  /** Bytes of an encoded public key or point. */
  public static final int KEY_BYTES = 32;
  /** Bytes of a signature, {@code R ‖ S}. */
  public static final int SIGNATURE_BYTES = 64;

  static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  static final BigInteger L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger SQRT_M1 =
      BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
  private static final BigInteger SQRT_EXP = P.add(BigInteger.valueOf(3)).shiftRight(3);

  private Ed25519() {}

  /**
   * Verifies {@code signature} (64 bytes) over {@code message} under {@code publicKey} (32
   * bytes). Returns false for any defect of the inputs; never throws for bad bytes.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || signature == null || message == null
        || publicKey.length != KEY_BYTES || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    if (!decodes(publicKey) || !decodes(java.util.Arrays.copyOfRange(signature, 0, 32))) {
      return false;
    }
    if (littleEndian(signature, 32).compareTo(L) >= 0) {
      return false;
    }
    try {
      java.security.Signature v = java.security.Signature.getInstance("Ed25519");
      v.initVerify(KEY_FACTORY.get().generatePublic(new java.security.spec.X509EncodedKeySpec(spki(publicKey))));
      v.update(message);
      return v.verify(signature);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false; // fail closed: a key or signature the JDK refuses does not verify
    }
  }

  private static final ThreadLocal<java.security.KeyFactory> KEY_FACTORY = ThreadLocal.withInitial(() -> {
    try {
      return java.security.KeyFactory.getInstance("Ed25519");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
  });

  /** RFC 8410: the SubjectPublicKeyInfo of an Ed25519 key, the 12-byte prefix and the key. */
  private static byte[] spki(byte[] key) {
    byte[] der = new byte[SPKI_PREFIX.length + KEY_BYTES];
    System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
    System.arraycopy(key, 0, der, SPKI_PREFIX.length, KEY_BYTES);
    return der;
  }

  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  /**
   * True when {@code encoded} is a canonical point encoding that decodes per RFC 8032 §5.1.3:
   * y below p, {@code x² = (y² − 1) / (d y² + 1)} has a root, and not x = 0 with the sign bit set.
   */
  public static boolean decodes(byte[] encoded) {
    if (encoded == null || encoded.length != KEY_BYTES) {
      return false;
    }
    byte[] copy = encoded.clone();
    int sign = (copy[31] & 0x80) >>> 7;
    copy[31] &= 0x7f;
    BigInteger y = littleEndian(copy, 0);
    if (y.compareTo(P) >= 0) {
      return false;
    }
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
    BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
    if (x2.signum() == 0) {
      return sign == 0;
    }
    BigInteger x = x2.modPow(SQRT_EXP, P);
    if (!x.multiply(x).mod(P).equals(x2)) {
      x = x.multiply(SQRT_M1).mod(P);
      if (!x.multiply(x).mod(P).equals(x2)) {
        return false;
      }
    }
    return true;
  }

  /** Signs {@code message} with a 32-byte private key (RFC 8032 §5.1.6, deterministic). */
  public static byte[] sign(byte[] privateKey, byte[] message) {
    byte[] sig = new byte[SIGNATURE_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(privateKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** The 32-byte public key of a 32-byte private key. */
  public static byte[] publicKey(byte[] privateKey) {
    byte[] pk = new byte[KEY_BYTES];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(privateKey, 0, pk, 0);
    return pk;
  }

  /** A fresh 32-byte private key. */
  public static byte[] newPrivateKey(SecureRandom random) {
    byte[] sk = new byte[KEY_BYTES];
    random.nextBytes(sk);
    return sk;
  }

  private static BigInteger littleEndian(byte[] b, int off) {
    byte[] be = new byte[33];
    for (int i = 0; i < 32; i++) {
      be[32 - i] = b[off + i];
    }
    return new BigInteger(be);
  }
}
