package dev.hallmark.attestation.crypto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.LongConsumer;

/**
 * SHA-256 through the JDK's {@link MessageDigest}, whose compression function the optimising
 * compiler replaces with the CPU's SHA extensions (BouncyCastle's digest is several times slower).
 *
 * <pre>{@code
 * String hex = Sha256.hex(Sha256.of(Path.of("app.tgz"), bytesSoFar -> {}));
 * }</pre>
 */
public final class Sha256 {
  // 64 KiB: enough calls for the JIT to compile the update path with the SHA intrinsic early (with
  // 1 MiB chunks a 1 GiB file ran mostly in on-stack-replaced Java code, about 40% slower).
  private static final int CHUNK = 64 << 10;
  private static final int MIN_CHUNK = 8 << 10;

  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** One digest per thread: {@code MessageDigest.getInstance} costs a provider look-up per call. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

  public static byte[] of(byte[] data) {
    // digest(byte[]) resets the instance, so it is ready for the next call on this thread.
    return DIGEST.get().digest(data);
  }

  public static String hex(byte[] digest) {
    return Hex.encode(digest);
  }

  /**
   * Streams a regular file through SHA-256 in 64 KiB reads; {@code progress} receives the number of
   * bytes hashed so far after each chunk. Fails on anything but a readable regular file.
   */
  public static byte[] of(Path file, LongConsumer progress) {
    return of(file, progress, CryptoEngine.bouncyCastle());
  }

  /**
   * As {@link #of(Path, LongConsumer)}, through {@code engine}'s SHA-256 ({@link
   * CryptoEngine#newSha256()}: the JDK's for BouncyCastle, AWS-LC's for AWS-LC). A bulk command
   * runs on C1 only, which has no SHA-256 intrinsic (0.1 GB/s in Java): AWS-LC hashes at the SHA
   * extensions' speed whatever the compiler, and its native call per 64 KiB chunk costs nothing.
   */
  public static byte[] of(Path file, LongConsumer progress, CryptoEngine engine) {
    if (!Files.isRegularFile(file)) {
      throw new AttestationException(Code.IO, file + " is not a regular file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      MessageDigest md = engine.newSha256();
      // Plain reads at every size, never a mapping: hashing a mapped 1 GiB file cost 1.5 s of CPU
      // against 1.0 s for 64 KiB reads (the JDK copies a mapped buffer into the digest 4 KiB at a
      // time, and every page is a fault). A small file gets a small buffer: allocating (and
      // zeroing) 1 MiB per artifact dominated an audit of thousands of small files.
      int capacity = (int) Math.max(MIN_CHUNK, Math.min(CHUNK, size + 1));
      ByteBuffer buf = ByteBuffer.allocate(capacity);
      byte[] array = buf.array();
      long done = 0;
      int n;
      while ((n = ch.read(buf)) >= 0) {
        if (n == 0 && buf.position() == 0) {
          continue;
        }
        md.update(array, 0, buf.position());
        done += buf.position();
        buf.clear();
        progress.accept(done);
      }
      return md.digest();
    } catch (IOException e) {
      throw new AttestationException(Code.IO, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
