package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a trust root as the offline file (FORMATS §1), for example one fetched online, so that
 * later verifications need no network. The file appears whole or not at all: a verifier that reads
 * a half-written trust root would fail, or worse, trust a truncated key set.
 *
 * <pre>{@code
 * TrustRoot root = OnlineTrustRootSource.of(issuerUrl, OnlineOptions.defaults()).load();
 * TrustRootExport.write(root, Path.of("trust-root.json"));
 * }</pre>
 */
public final class TrustRootExport {
  private TrustRootExport() {}

  /**
   * Writes {@code trustRoot.toFileBytes()} to {@code out}, replacing any file there: into a
   * temporary file in the same folder, synced, then atomically renamed. On failure nothing is left
   * behind and an existing {@code out} is untouched.
   *
   * @throws TrustRootException {@code UNWRITABLE}, naming {@code out}
   */
  public static void write(TrustRoot trustRoot, Path out) {
    requireNonNull(trustRoot, "trustRoot");
    requireNonNull(out, "out");
    String shown = "trust root file " + FileTrustRootSource.printable(out.toString());
    Path target = out.toAbsolutePath();
    Path folder = target.getParent();
    if (folder == null || target.getFileName() == null) {
      throw new TrustRootException(Code.UNWRITABLE, shown + " is not a file path");
    }
    if (Files.isDirectory(target)) {
      throw new TrustRootException(Code.UNWRITABLE, shown + " is a directory");
    }
    if (!Files.isDirectory(folder)) {
      throw new TrustRootException(Code.UNWRITABLE, shown + ": its folder does not exist");
    }
    byte[] bytes = trustRoot.toFileBytes();
    Path temp = null;
    try {
      // Same folder, so the rename stays on one file system and can be atomic.
      temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      // A trust root is public; the temporary file was created owner-only.
      PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
      if (posix != null) {
        posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      syncFolder(folder);
    } catch (AtomicMoveNotSupportedException e) {
      throw new TrustRootException(
          Code.UNWRITABLE, shown + ": its file system cannot replace files atomically");
    } catch (IOException e) {
      throw new TrustRootException(Code.UNWRITABLE, shown + " could not be written");
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort; the write has already failed and is reported.
        }
      }
    }
  }

  /** Makes the rename itself durable. Not every platform can open a folder; then it is skipped. */
  private static void syncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // The file is complete and in place; only durability across a power cut is less certain.
    }
  }
}
