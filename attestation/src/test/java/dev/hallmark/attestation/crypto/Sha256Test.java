package dev.hallmark.attestation.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SHA-256 of bytes and of files (FORMATS §6 artifact check). */
class Sha256Test {
  @TempDir Path dir;

  @Test
  void hashesKnownVectors() {
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Sha256.hex(Sha256.of(new byte[0])));
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Sha256.hex(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void streamsMultiMebibyteFileEqualToMessageDigest() throws Exception {
    byte[] data = new byte[(3 << 20) + 12345]; // three full chunks and a partial one
    new Random(42).nextBytes(data);
    Path file = dir.resolve("big.bin");
    Files.write(file, data);
    List<Long> progress = new ArrayList<>();
    byte[] digest = Sha256.of(file, progress::add);
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest);
    assertEquals((long) data.length, progress.get(progress.size() - 1));
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) > progress.get(i - 1), "progress grows: " + progress);
    }
  }

  @Test
  void streamsLargeFileInSmallReadsNotMappedWindows() throws Exception {
    // From 16 MiB on the file used to be mapped in 64 MiB windows (one progress step per window),
    // which cost half as much CPU again as plain reads; now every size is read 64 KiB at a time.
    byte[] data = new byte[(17 << 20) + 4321];
    new Random(7).nextBytes(data);
    Path file = dir.resolve("large.bin");
    Files.write(file, data);
    List<Long> progress = new ArrayList<>();
    byte[] digest = Sha256.of(file, progress::add, CryptoEngine.bouncyCastle());
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest);
    assertEquals((long) data.length, progress.get(progress.size() - 1));
    long previous = 0;
    for (long done : progress) {
      assertTrue(done - previous <= 64 << 10, "a step of " + (done - previous) + " bytes");
      previous = done;
    }
  }

  @Test
  void hashesFileOfExactlyOneChunk() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    Path file = dir.resolve("chunk.bin");
    Files.write(file, data);
    assertArrayEquals(Sha256.of(data), Sha256.of(file, n -> {}));
  }

  @Test
  void hashesEmptyFile() throws Exception {
    Path file = Files.createFile(dir.resolve("empty"));
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Sha256.hex(Sha256.of(file, n -> {})));
  }

  @Test
  void rejectsDirectory() {
    AttestationException e = assertThrows(AttestationException.class, () -> Sha256.of(dir, n -> {}));
    assertEquals(Code.IO, e.code());
  }

  @Test
  void rejectsMissingFile() {
    AttestationException e =
        assertThrows(AttestationException.class, () -> Sha256.of(dir.resolve("absent"), n -> {}));
    assertEquals(Code.IO, e.code());
  }

  @Test
  void newDigestIsFresh() {
    MessageDigest a = Sha256.newDigest();
    a.update((byte) 1);
    assertArrayEquals(Sha256.of(new byte[0]), Sha256.newDigest().digest());
  }
}
