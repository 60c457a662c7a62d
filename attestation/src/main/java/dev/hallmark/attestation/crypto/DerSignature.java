package dev.hallmark.attestation.crypto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.math.BigInteger;

/**
 * Strict ASN.1 DER for ECDSA signatures ({@code SEQUENCE { INTEGER r, INTEGER s }}), as FORMATS §4
 * requires: short-form lengths (a P-256 signature is at most 72 bytes), minimal positive integers,
 * no trailing bytes, and {@code r}, {@code s} in {@code [1, n-1]}. Anything else is refused before
 * any arithmetic, the way tink's {@code EcdsaVerifyJce} does.
 *
 * <pre>{@code
 * BigInteger[] rs = DerSignature.decode(sigBytes);
 * byte[] der = DerSignature.encode(rs[0], rs[1]);
 * }</pre>
 */
public final class DerSignature {
  private DerSignature() {}

  /** Decodes and range-checks a DER signature; fails with {@link Code#SIGNATURE}. */
  public static BigInteger[] decode(byte[] der) {
    int n = der.length;
    if (n < 8 || n > 72 || der[0] != 0x30) {
      throw bad("not a DER ECDSA signature");
    }
    int seqLen = der[1] & 0xff;
    if (seqLen >= 0x80 || seqLen != n - 2) {
      throw bad("DER sequence length is wrong");
    }
    int[] pos = {2};
    BigInteger r = readInteger(der, pos);
    BigInteger s = readInteger(der, pos);
    if (pos[0] != n) {
      throw bad("trailing bytes in DER signature");
    }
    checkRange(r, "r");
    checkRange(s, "s");
    return new BigInteger[] {r, s};
  }

  private static BigInteger readInteger(byte[] der, int[] pos) {
    int p = pos[0];
    if (p + 2 > der.length || der[p] != 0x02) {
      throw bad("DER integer expected");
    }
    int len = der[p + 1] & 0xff;
    if (len == 0 || len > 33 || p + 2 + len > der.length) {
      throw bad("DER integer length is wrong");
    }
    int start = p + 2;
    if ((der[start] & 0x80) != 0) {
      throw bad("DER integer is negative");
    }
    if (len > 1 && der[start] == 0 && (der[start + 1] & 0x80) == 0) {
      throw bad("DER integer is not minimal");
    }
    pos[0] = start + len;
    byte[] mag = new byte[len];
    System.arraycopy(der, start, mag, 0, len);
    return new BigInteger(1, mag);
  }

  static void checkRange(BigInteger v, String name) {
    if (v.signum() <= 0 || v.compareTo(P256.N) >= 0) {
      throw bad(name + " is outside [1, n-1]");
    }
  }

  /** DER-encodes {@code (r, s)}. */
  public static byte[] encode(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    int len = 2 + rb.length + 2 + sb.length;
    byte[] out = new byte[2 + len];
    int p = 0;
    out[p++] = 0x30;
    out[p++] = (byte) len;
    out[p++] = 0x02;
    out[p++] = (byte) rb.length;
    System.arraycopy(rb, 0, out, p, rb.length);
    p += rb.length;
    out[p++] = 0x02;
    out[p++] = (byte) sb.length;
    System.arraycopy(sb, 0, out, p, sb.length);
    return out;
  }

  /** Splits a JWS ES256 signature (exactly 64 bytes, RFC 7518 §3.4) into {@code (r, s)}. */
  public static BigInteger[] fromRaw(byte[] raw) {
    if (raw.length != 64) {
      throw bad("ES256 signature is " + raw.length + " bytes, not 64");
    }
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, 32));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 32, 64));
    checkRange(r, "r");
    checkRange(s, "s");
    return new BigInteger[] {r, s};
  }

  /** Joins {@code (r, s)} as the 64-byte JWS form. */
  public static byte[] toRaw(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    P256.copyFixed(r, out, 0);
    P256.copyFixed(s, out, 32);
    return out;
  }

  private static AttestationException bad(String message) {
    return new AttestationException(Code.SIGNATURE, message);
  }
}
