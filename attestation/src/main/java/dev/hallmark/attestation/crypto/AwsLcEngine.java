package dev.hallmark.attestation.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;

/**
 * AWS-LC through Amazon Corretto Crypto Provider, named explicitly (never installed as a JCA
 * default). The only class that touches ACCP, so nothing loads its 9.6 MB native library until a
 * caller asks for this engine. JCA objects are not thread safe: one of each per thread.
 */
final class AwsLcEngine extends CryptoEngine {
  /** FIPS 186-4 D.1.2.3, as JCA parameters (the same constants as {@link P256}). */
  private static final ECParameterSpec P256_SPEC;

  static {
    BigInteger p = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    EllipticCurve curve =
        new EllipticCurve(
            new ECFieldFp(p),
            p.subtract(BigInteger.valueOf(3)),
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16));
    ECPoint g =
        new ECPoint(
            new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16),
            new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16));
    P256_SPEC = new ECParameterSpec(curve, g, P256.N, 1);
  }

  private static volatile AwsLcEngine loaded;

  private final Provider provider;
  private final String description;
  private final ThreadLocal<KeyFactory> keyFactories;
  private final ThreadLocal<Signature> signatures;

  private AwsLcEngine(AmazonCorrettoCryptoProvider accp) {
    this.provider = accp;
    this.description = "AWS-LC " + accp.getAwsLcVersionStr() + " (ACCP " + accp.getVersionStr() + ")";
    this.keyFactories = ThreadLocal.withInitial(() -> jca(() -> KeyFactory.getInstance("EC", provider)));
    this.signatures = ThreadLocal.withInitial(() -> jca(() -> Signature.getInstance("SHA256withECDSA", provider)));
  }

  /** Loads ACCP once per process; fails with {@link Code#ENGINE} where the platform cannot. */
  static AwsLcEngine load() {
    AwsLcEngine e = loaded;
    if (e != null) {
      return e;
    }
    synchronized (AwsLcEngine.class) {
      if (loaded == null) {
        loaded = tryLoad();
      }
      return loaded;
    }
  }

  private static AwsLcEngine tryLoad() {
    String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      Throwable error = accp.getLoadingError();
      if (error != null) {
        throw unavailable(platform, error);
      }
      accp.assertHealthy();
      AwsLcEngine engine = new AwsLcEngine(accp);
      engine.selfCheck();
      return engine;
    } catch (LinkageError | RuntimeException e) {
      // No ACCP jar, no native library for this OS or architecture, a non-executable temp
      // directory, a failed self-test: each is "not available here", never a crash.
      throw e instanceof AttestationException a && a.code() == Code.ENGINE ? a : unavailable(platform, e);
    }
  }

  private static AttestationException unavailable(String platform, Throwable cause) {
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new AttestationException(
        Code.ENGINE, "AWS-LC is not available on " + platform + " (" + why.lines().findFirst().orElse("") + ")");
  }

  /**
   * Signs and verifies once: pays the first-use cost (~150 ms) on the loading thread, and refuses an
   * engine that cannot tell a good signature from a bad one.
   */
  private void selfCheck() {
    P256PrivateKey key = generateKey(null);
    byte[] message = {'h', 'a', 'l', 'l', 'm', 'a', 'r', 'k'};
    byte[] der = signDer(key, message);
    BigInteger[] rs = DerSignature.decode(der);
    boolean good = verifyChecked(key.publicKey(), message, rs[0], rs[1]);
    message[0] ^= 1;
    boolean bad = verifyChecked(key.publicKey(), message, rs[0], rs[1]);
    if (!good || bad) {
      throw new AttestationException(Code.ENGINE, "AWS-LC failed its P-256 self-check");
    }
  }

  @Override
  public String id() {
    return "native";
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  boolean verifyChecked(P256PublicKey key, byte[] message, BigInteger r, BigInteger s) {
    try {
      Signature verifier = signatures.get();
      verifier.initVerify(publicKey(key));
      verifier.update(message);
      // The canonical re-encoding of the range-checked (r, s): AWS-LC never sees caller bytes.
      return verifier.verify(DerSignature.encode(r, s));
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The key as AWS-LC's, made once per {@link P256PublicKey} (issuer keys are reused). */
  private PublicKey publicKey(P256PublicKey key) throws GeneralSecurityException {
    Object cached = key.engineKey;
    if (cached instanceof PublicKey k) {
      return k;
    }
    var q = key.params().getQ();
    PublicKey k =
        keyFactories
            .get()
            .generatePublic(
                new ECPublicKeySpec(
                    new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                    P256_SPEC));
    key.engineKey = k;
    return k;
  }

  @Override
  public P256PrivateKey generateKey(SecureRandom random) {
    // AWS-LC draws the scalar from its own DRBG; JCA lets a provider ignore the caller's random.
    KeyPair pair =
        jca(
            () -> {
              KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", provider);
              gen.initialize(new ECGenParameterSpec("secp256r1"));
              return gen.generateKeyPair();
            });
    ECPublicKey pub = (ECPublicKey) pair.getPublic();
    P256PublicKey publicKey =
        P256PublicKey.fromCoordinates(
            P256.fixed32(pub.getW().getAffineX()), P256.fixed32(pub.getW().getAffineY()));
    P256PrivateKey key = new P256PrivateKey(((ECPrivateKey) pair.getPrivate()).getS(), publicKey);
    key.engineKey = pair.getPrivate();
    return key;
  }

  @Override
  public byte[] signDer(P256PrivateKey key, byte[] message) {
    byte[] der =
        jca(
            () -> {
              Signature signer = Signature.getInstance("SHA256withECDSA", provider);
              signer.initSign(privateKey(key));
              signer.update(message);
              return signer.sign();
            });
    // AWS-LC writes minimal DER; check it as a verifier would rather than trust it.
    BigInteger[] rs = DerSignature.decode(der);
    return DerSignature.encode(rs[0], rs[1]);
  }

  private PrivateKey privateKey(P256PrivateKey key) throws GeneralSecurityException {
    if (key.engineKey instanceof PrivateKey k) {
      return k;
    }
    return keyFactories.get().generatePrivate(new ECPrivateKeySpec(new BigInteger(1, key.scalar()), P256_SPEC));
  }

  @Override
  public MessageDigest newSha256() {
    return jca(() -> MessageDigest.getInstance("SHA-256", provider));
  }

  private interface JcaCall<T> {
    T call() throws GeneralSecurityException;
  }

  private static <T> T jca(JcaCall<T> call) {
    try {
      return call.call();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AWS-LC refused a P-256 operation: " + e.getMessage(), e);
    }
  }
}
