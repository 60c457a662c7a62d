package dev.hallmark.attestation.crypto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * The engine under P-256 ECDSA and bulk SHA-256: BouncyCastle (portable Java, ready in milliseconds)
 * or AWS-LC through Amazon Corretto Crypto Provider (native, about four times faster per
 * verification, but ~600 ms to load). Chosen by workload, never by accident: a one-shot command
 * uses {@link #bouncyCastle()}, bulk work {@link #awsLcOrBouncyCastle(Consumer)}.
 *
 * <p>Strict parsing stays ours whatever the engine: DER minimality, {@code r} and {@code s} in
 * {@code [1, n-1]} ({@link DerSignature}), the point on the curve ({@link P256PublicKey}) are
 * checked before an engine sees the bytes, and an engine receives only the canonical DER
 * re-encoding of {@code (r, s)}. Both engines must agree on every input (the differential tests).
 *
 * <pre>{@code
 * CryptoEngine engine = CryptoEngine.awsLcOrBouncyCastle(line -> log.warn(line));
 * boolean ok = engine.verifyDer(P256PublicKey.fromJwk(jwk), Pae.encode(type, payload), der);
 * }</pre>
 */
public abstract sealed class CryptoEngine permits BouncyCastleEngine, AwsLcEngine, BackgroundEngine {
  CryptoEngine() {}

  /** Portable BouncyCastle; signatures with RFC 6979 deterministic nonces. */
  public static CryptoEngine bouncyCastle() {
    return BouncyCastleEngine.INSTANCE;
  }

  /**
   * AWS-LC, loaded now (its class initialisation extracts and loads a native library, ~400 ms);
   * fails with {@link Code#ENGINE} where this platform cannot load it.
   */
  public static CryptoEngine awsLc() {
    return AwsLcEngine.load();
  }

  /**
   * AWS-LC where this platform loads it; otherwise BouncyCastle, after handing {@code onFallback}
   * one line that says why (a command line prints it on stderr, a server logs it).
   */
  public static CryptoEngine awsLcOrBouncyCastle(Consumer<String> onFallback) {
    try {
      return AwsLcEngine.load();
    } catch (AttestationException e) {
      onFallback.accept(e.getMessage() + "; using BouncyCastle");
      return BouncyCastleEngine.INSTANCE;
    }
  }

  /**
   * {@code choice} loaded on a daemon thread, so that a caller can read its first inputs meanwhile;
   * the first operation waits for it. A failure to load is reported by that first operation.
   */
  public static CryptoEngine inBackground(java.util.function.Supplier<CryptoEngine> choice) {
    return new BackgroundEngine(choice);
  }

  /** {@code "bc"} or {@code "native"}, as {@code --crypto} spells it. */
  public abstract String id();

  /** The engine and its version, for logs and {@code --version}. */
  public abstract String description();

  /** Verifies a strict-DER signature over SHA-256({@code message}); malformed DER fails with {@link Code#SIGNATURE}. */
  public final boolean verifyDer(P256PublicKey key, byte[] message, byte[] der) {
    BigInteger[] rs = DerSignature.decode(der);
    return verifyChecked(key, message, rs[0], rs[1]);
  }

  /** Verifies a 64-byte {@code r‖s} (JWS ES256) signature over SHA-256({@code message}). */
  public final boolean verifyRaw(P256PublicKey key, byte[] message, byte[] raw) {
    BigInteger[] rs = DerSignature.fromRaw(raw);
    return verifyChecked(key, message, rs[0], rs[1]);
  }

  /** A fresh key pair: for an ephemeral key that signs once. */
  public abstract P256PrivateKey generateKey(SecureRandom random);

  /**
   * ECDSA over SHA-256({@code message}) as strict DER. BouncyCastle uses RFC 6979 deterministic
   * nonces; AWS-LC cannot, and draws each nonce from its own DRBG (docs/threat-model.md).
   */
  public abstract byte[] signDer(P256PrivateKey key, byte[] message);

  /** A new SHA-256 digest of this engine, for streaming large artifacts. */
  public abstract MessageDigest newSha256();

  /**
   * The engine's ECDSA over range-checked {@code (r, s)}. Implementations return {@code false} for
   * every failure, including provider exceptions (fail closed, as tink does).
   */
  abstract boolean verifyChecked(P256PublicKey key, byte[] message, BigInteger r, BigInteger s);

  @Override
  public String toString() {
    return "CryptoEngine[" + id() + "]";
  }
}
