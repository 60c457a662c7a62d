package dev.hallmark.attestation.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * BouncyCastle's lightweight ECDSA on its specialised P-256 arithmetic ({@code SecP256R1Curve});
 * SHA-256 from the JDK, whose compression function the JIT replaces with the CPU's SHA extensions.
 */
final class BouncyCastleEngine extends CryptoEngine {
  static final BouncyCastleEngine INSTANCE = new BouncyCastleEngine();

  private BouncyCastleEngine() {}

  @Override
  public String id() {
    return "bc";
  }

  @Override
  public String description() {
    return "BouncyCastle (portable Java)";
  }

  @Override
  boolean verifyChecked(P256PublicKey key, byte[] message, BigInteger r, BigInteger s) {
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, key.params());
    try {
      return verifier.verifySignature(Sha256.of(message), r, s);
    } catch (RuntimeException e) {
      // Fail closed: any provider-level surprise is an invalid signature (as tink does).
      return false;
    }
  }

  @Override
  public P256PrivateKey generateKey(SecureRandom random) {
    ECKeyPairGenerator gen = new ECKeyPairGenerator();
    gen.init(new ECKeyGenerationParameters(P256.DOMAIN, random));
    AsymmetricCipherKeyPair pair = gen.generateKeyPair();
    BigInteger d = ((ECPrivateKeyParameters) pair.getPrivate()).getD();
    var q = ((ECPublicKeyParameters) pair.getPublic()).getQ().normalize();
    P256PublicKey pub =
        P256PublicKey.fromCoordinates(
            P256.fixed32(q.getAffineXCoord().toBigInteger()),
            P256.fixed32(q.getAffineYCoord().toBigInteger()));
    return new P256PrivateKey(d, pub);
  }

  @Override
  public byte[] signDer(P256PrivateKey key, byte[] message) {
    return key.signDer(message);
  }

  @Override
  public MessageDigest newSha256() {
    return Sha256.newDigest();
  }
}
