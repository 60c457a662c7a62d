package dev.hallmark.attestation.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An engine being loaded on a daemon thread (AWS-LC's class initialisation takes ~400 ms): a bulk
 * command reads its first inputs meanwhile, and its first cryptographic operation waits.
 */
final class BackgroundEngine extends CryptoEngine {
  private final CompletableFuture<CryptoEngine> loading = new CompletableFuture<>();

  BackgroundEngine(Supplier<CryptoEngine> choice) {
    Thread t =
        new Thread(
            () -> {
              try {
                loading.complete(choice.get());
              } catch (RuntimeException | LinkageError e) {
                loading.completeExceptionally(e);
              }
            },
            "hallmark-crypto-load");
    t.setDaemon(true);
    t.start();
  }

  /** The loaded engine; rethrows what loading threw (an {@code AttestationException} unwrapped). */
  CryptoEngine engine() {
    try {
      return loading.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  @Override
  public String id() {
    return engine().id();
  }

  @Override
  public String description() {
    return engine().description();
  }

  @Override
  boolean verifyChecked(P256PublicKey key, byte[] message, BigInteger r, BigInteger s) {
    return engine().verifyChecked(key, message, r, s);
  }

  @Override
  public P256PrivateKey generateKey(SecureRandom random) {
    return engine().generateKey(random);
  }

  @Override
  public byte[] signDer(P256PrivateKey key, byte[] message) {
    return engine().signDer(key, message);
  }

  @Override
  public MessageDigest newSha256() {
    return engine().newSha256();
  }
}
