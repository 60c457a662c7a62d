package dev.hallmark.attestation.tlog;

import dev.hallmark.attestation.crypto.CryptoEngine;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Ed25519 as FORMATS §8.1 demands of notes and cosignatures: RFC 8032 §5.1.7, strictly. The
 * encodings are checked here, before any library sees them, because libraries differ on exactly
 * these points (OpenSSL 3.0 accepts two non-canonical encodings of {@code A}; AWS-LC reduces
 * A's y and accepts x = 0 with the sign bit set): {@code S} below the group order L, {@code A}
 * canonical (y below p) and decodable per §5.1.3 (a square root exists; x = 0 with the sign bit
 * set fails), {@code R} canonical. The group equation, cofactorless {@code [S]B = R + [k]A}, is
 * the engine's: the JDK's EdDSA (which decodes R itself, strictly) or AWS-LC's (which compares
 * the encoding of {@code [S]B - [k]A} with R's bytes, so no other encoding of R can pass).
 * A's decode costs two modular exponentiations: it runs once per distinct key (log and witness
 * keys repeat), its verdict kept in a small bounded map.
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
   * bytes), the group equation on the JDK's EdDSA. Returns false for any defect of the inputs;
   * never throws for bad bytes.
   */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    return verify(CryptoEngine.bouncyCastle(), publicKey, message, signature);
  }

  /**
   * As {@link #verify(byte[], byte[], byte[])}, the group equation on {@code engine} (AWS-LC's
   * native ED25519_verify, or the JDK's EdDSA): the strict checks of the encodings are ours
   * whatever the engine, made here before it sees them.
   */
  public static boolean verify(CryptoEngine engine, byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || signature == null || message == null
        || publicKey.length != KEY_BYTES || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    CheckedKey key = checkedKey(publicKey);
    if (key == null) {
      return false;
    }
    // R: only canonical (y below p) here. Its full decode is the engine's: the JDK decodes R
    // itself (y below p, a square root, not x = 0 with the sign bit set) and compares points;
    // AWS-LC compares the encoding of [S]B - [k]A with R's bytes, which a non-decodable or
    // non-canonical R can never equal (Ed25519Test proves both on both engines).
    if (!canonicalY(signature, 0) || !scalarBelowL(signature, 32)) {
      return false;
    }
    return engine.verifyEd25519(key, message, signature);
  }

  /**
   * A public key whose encoding passed the strict decode of RFC 8032 §5.1.3; only {@link
   * Ed25519} makes one, so an engine's group equation never sees an unchecked key. Engines keep
   * their own key object in it (made once: log and witness keys repeat).
   */
  public static final class CheckedKey {
    private final byte[] encoded;
    /** The engine's key object, set by the engine on first use (a benign race: same value). */
    public volatile Object jdkKey;
    public volatile Object nativeKey;

    private CheckedKey(byte[] encoded) {
      this.encoded = encoded;
    }

    /** The 32-byte encoding. */
    public byte[] encoded() {
      return encoded.clone();
    }

    /** RFC 8410: the SubjectPublicKeyInfo of this key, for a JCA key factory. */
    public byte[] spki() {
      byte[] der = new byte[SPKI_PREFIX.length + KEY_BYTES];
      System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
      System.arraycopy(encoded, 0, der, SPKI_PREFIX.length, KEY_BYTES);
      return der;
    }
  }

  /** Bounded: a verifier meets a handful of log and witness keys; keys are public. */
  private static final int KEY_CACHE_ENTRIES = 256;

  /** Per key: the checked key, or {@link #UNDECODABLE}. */
  private static final java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, Object> KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final Object UNDECODABLE = new Object();

  /** The key when it decodes strictly (RFC 8032 §5.1.3), else null. */
  public static CheckedKey check(byte[] publicKey) {
    return publicKey == null || publicKey.length != KEY_BYTES ? null : checkedKey(publicKey);
  }

  /** The key when it decodes strictly, else null; the modPow decode runs once per distinct key. */
  static CheckedKey checkedKey(byte[] publicKey) {
    java.nio.ByteBuffer id = java.nio.ByteBuffer.wrap(publicKey.clone());
    Object known = KEYS.get(id);
    if (known == null) {
      if (KEYS.size() >= KEY_CACHE_ENTRIES) {
        KEYS.clear();
      }
      byte[] copy = id.array();
      known = decodes(copy) ? new CheckedKey(copy) : UNDECODABLE;
      Object raced = KEYS.putIfAbsent(id, known);
      if (raced != null) {
        known = raced;
      }
    }
    return known instanceof CheckedKey k ? k : null;
  }

  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  /** p = 2^255 - 19, little-endian. */
  private static final byte[] P_LE = toLittleEndian(P);
  /** L, little-endian. */
  private static final byte[] L_LE = toLittleEndian(L);

  /** True when the 255-bit y of the encoding at {@code off} (sign bit cleared) is below p. */
  static boolean canonicalY(byte[] b, int off) {
    return lessThan(b, off, P_LE, 0x7f);
  }

  /** True when the 256-bit little-endian scalar at {@code off} is below L. */
  static boolean scalarBelowL(byte[] b, int off) {
    return lessThan(b, off, L_LE, 0xff);
  }

  private static boolean lessThan(byte[] b, int off, byte[] bound, int topMask) {
    for (int i = 31; i >= 0; i--) {
      int x = (b[off + i] & 0xff) & (i == 31 ? topMask : 0xff);
      int y = bound[i] & 0xff;
      if (x != y) {
        return x < y;
      }
    }
    return false;
  }

  private static byte[] toLittleEndian(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < 32 && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

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
