package dev.hallmark.attestation.crypto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * A P-256 private key that signs with deterministic nonces (RFC 6979, BouncyCastle's {@code
 * HMacDSAKCalculator}): every signature is public, so nonce quality is the key's life. Its {@code
 * toString} never shows the scalar.
 *
 * <pre>{@code
 * P256PrivateKey ephemeral = P256PrivateKey.generate(random);
 * byte[] der = ephemeral.signDer(Pae.encode(type, payload));
 * }</pre>
 */
public final class P256PrivateKey {
  private final BigInteger d;
  private final P256PublicKey publicKey;
  /** The key in a native engine's form, when that engine generated it (see AwsLcEngine). */
  volatile Object engineKey;

  P256PrivateKey(BigInteger d, P256PublicKey publicKey) {
    this.d = d;
    this.publicKey = publicKey;
  }

  /** A fresh key from BouncyCastle; {@link CryptoEngine#generateKey} chooses another engine. */
  public static P256PrivateKey generate(SecureRandom random) {
    return BouncyCastleEngine.INSTANCE.generateKey(random);
  }

  /** From a 32-byte big-endian scalar in {@code [1, n-1]}. */
  public static P256PrivateKey fromScalar(byte[] scalar) {
    BigInteger d = new BigInteger(1, scalar);
    if (scalar.length != 32 || d.signum() == 0 || d.compareTo(P256.N) >= 0) {
      throw new AttestationException(Code.KEY, "P-256 private scalar is out of range");
    }
    var q = P256.DOMAIN.getG().multiply(d).normalize();
    P256PublicKey pub =
        P256PublicKey.fromCoordinates(
            P256.fixed32(q.getAffineXCoord().toBigInteger()),
            P256.fixed32(q.getAffineYCoord().toBigInteger()));
    return new P256PrivateKey(d, pub);
  }

  /** The 32-byte big-endian scalar, for writing the key to an owner-only file. */
  public byte[] scalar() {
    return P256.fixed32(d);
  }

  public P256PublicKey publicKey() {
    return publicKey;
  }

  /** ECDSA over SHA-256({@code message}) as ASN.1 DER (DSSE, FORMATS §4). */
  public byte[] signDer(byte[] message) {
    BigInteger[] rs = sign(message);
    return DerSignature.encode(rs[0], rs[1]);
  }

  /** ECDSA over SHA-256({@code message}) as 64-byte {@code r‖s} (JWS ES256, FORMATS §2). */
  public byte[] signRaw(byte[] message) {
    BigInteger[] rs = sign(message);
    return DerSignature.toRaw(rs[0], rs[1]);
  }

  private BigInteger[] sign(byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, P256.DOMAIN));
    return signer.generateSignature(Sha256.of(message));
  }

  @Override
  public String toString() {
    return "P256PrivateKey[jkt=" + publicKey.thumbprint() + ", scalar=<redacted>]";
  }
}
