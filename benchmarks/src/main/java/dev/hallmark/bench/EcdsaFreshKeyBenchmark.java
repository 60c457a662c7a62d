package dev.hallmark.bench;

import dev.hallmark.attestation.crypto.DerSignature;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Base64Strict;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.WNafL2RMultiplier;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.util.BigIntegers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Why the DSSE signature costs about twice the token's: it is checked with a key seen once (the
 * bundle's ephemeral key), and BouncyCastle's {@code ECDSASigner} then takes Shamir's trick with
 * wNAF tables built for that point, whereas a key instance used four times or more is "promoted"
 * to fixed-point combs (the issuer key, prepared once by the trust root). {@link
 * #splitFixedBasePlusWnaf} tries the obvious way around it, {@code u1·G} by G's fixed-point comb
 * (built once per JVM) plus {@code u2·Q} by a plain wNAF: it measured slower than {@link
 * #bouncyCastleSigner} (docs/performance.md), so there is no cheap win left on this path inside
 * BouncyCastle.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar EcdsaFreshKeyBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EcdsaFreshKeyBenchmark {
  /** Through {@code CustomNamedCurves}, which marks G as a base point (wNAF width 8, promoted). */
  private static final ECDomainParameters DOMAIN;
  /** As {@code P256} builds it: {@code new SecP256R1Curve()} and G, with no base-point set-up. */
  private static final ECDomainParameters PLAIN_DOMAIN;

  static {
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
    DOMAIN = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
    ECCurve curve = new SecP256R1Curve();
    ECPoint g = curve.createPoint(x9.getG().getAffineXCoord().toBigInteger(), x9.getG().getAffineYCoord().toBigInteger());
    PLAIN_DOMAIN = new ECDomainParameters(curve, g, curve.getOrder(), curve.getCofactor());
  }

  private byte[] x;
  private byte[] y;
  private byte[] message;
  private BigInteger r;
  private BigInteger s;
  private byte[] der;

  @Setup(Level.Trial)
  public void setUp() {
    SampleBundle sample = SampleBundle.create();
    x = Base64Strict.decodeUrl(sample.ephemeralJwk.requireString("x"));
    y = Base64Strict.decodeUrl(sample.ephemeralJwk.requireString("y"));
    message = sample.pae;
    der = sample.dsseSignatureDer;
    BigInteger[] rs = DerSignature.decode(der);
    r = rs[0];
    s = rs[1];
    ComponentBenchmark.check(bouncyCastleSigner(), "ECDSASigner");
    ComponentBenchmark.check(bouncyCastleSignerPlainCurve(), "ECDSASigner, plain curve");
    ComponentBenchmark.check(splitFixedBasePlusWnaf(), "split fixed-base + wNAF");
    ComponentBenchmark.check(hallmarkVerifyDer(), "P256PublicKey.verifyDer");
    // Fail closed: a wrong signature must not verify on the alternative path either.
    ComponentBenchmark.check(!split(freshPoint(), Sha256.of(message), r, s.add(BigInteger.ONE)), "tampered s rejected");
  }

  /** What the verifier does today: a fresh key from the JWK, then {@code verifyDer}. */
  @Benchmark
  public boolean hallmarkVerifyDer() {
    return P256PublicKey.fromCoordinates(x, y).verifyDer(message, der);
  }

  /** BouncyCastle's {@code ECDSASigner} on a fresh, validated point (the same work, no wrapper). */
  @Benchmark
  public boolean bouncyCastleSigner() {
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(freshPoint(), DOMAIN));
    return verifier.verifySignature(Sha256.of(message), r, s);
  }

  /** {@code ECDSASigner} on the curve as {@code P256} builds it today: G never marked as a base point. */
  @Benchmark
  public boolean bouncyCastleSignerPlainCurve() {
    ECPoint q = PLAIN_DOMAIN.getCurve().createPoint(new BigInteger(1, x), new BigInteger(1, y));
    if (!q.isValid()) {
      throw new IllegalStateException("not on the curve");
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, PLAIN_DOMAIN));
    return verifier.verifySignature(Sha256.of(message), r, s);
  }

  /** {@code u1·G} by G's fixed-point comb, {@code u2·Q} by wNAF, one addition. */
  @Benchmark
  public boolean splitFixedBasePlusWnaf() {
    return split(freshPoint(), Sha256.of(message), r, s);
  }

  private ECPoint freshPoint() {
    ECPoint q = DOMAIN.getCurve().createPoint(new BigInteger(1, x), new BigInteger(1, y));
    if (!q.isValid()) {
      throw new IllegalStateException("not on the curve");
    }
    return q;
  }

  /** ECDSA verification (SEC 1 §4.1.4) for a 256-bit digest; r and s already in [1, n-1]. */
  static boolean split(ECPoint q, byte[] digest, BigInteger r, BigInteger s) {
    BigInteger n = DOMAIN.getN();
    BigInteger e = new BigInteger(1, digest);
    BigInteger w = BigIntegers.modOddInverseVar(n, s);
    BigInteger u1 = e.multiply(w).mod(n);
    BigInteger u2 = r.multiply(w).mod(n);
    ECPoint g = new FixedPointCombMultiplier().multiply(DOMAIN.getG(), u1);
    ECPoint p = new WNafL2RMultiplier().multiply(q, u2);
    ECPoint sum = g.add(p).normalize();
    return !sum.isInfinity() && sum.getAffineXCoord().toBigInteger().mod(n).equals(r);
  }
}
