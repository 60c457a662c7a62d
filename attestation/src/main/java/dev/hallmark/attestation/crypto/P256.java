package dev.hallmark.attestation.crypto;

import java.math.BigInteger;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;

/**
 * The P-256 curve, with BouncyCastle's specialised field arithmetic ({@code SecP256R1Curve}). Built
 * directly rather than through {@code CustomNamedCurves}, whose registry of every curve costs the
 * command line dozens of class loads at start-up.
 */
final class P256 {
  static final ECDomainParameters DOMAIN;
  static final BigInteger N;

  static {
    ECCurve curve = new SecP256R1Curve();
    // SEC 2 v2 §2.4.2 / FIPS 186-4 D.1.2.3: the base point G.
    var g =
        curve.createPoint(
            new BigInteger("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", 16),
            new BigInteger("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5", 16));
    N = curve.getOrder();
    DOMAIN = new ECDomainParameters(curve, g, N, curve.getCofactor());
  }

  private P256() {}

  /** Writes {@code v} as exactly 32 big-endian bytes at {@code off}. */
  static void copyFixed(BigInteger v, byte[] out, int off) {
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, off + 32 - len, len);
  }

  static byte[] fixed32(BigInteger v) {
    byte[] out = new byte[32];
    copyFixed(v, out, 0);
    return out;
  }
}
