package dev.hallmark.cli;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.tlog.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The log monitor's {@code --state} folder: the last checkpoint it verified and listed up to, in
 * the file {@code checkpoint} (the signed note, as the log served it), replaced atomically (temp
 * file, fsync, rename, fsync of the folder), and a {@code lock} file that keeps two monitors from
 * running on one folder at once.
 */
final class MonitorState implements AutoCloseable {
  static final String CHECKPOINT = "checkpoint";
  static final String LOCK = "lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private MonitorState(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating it if needed) and locks the folder. */
  static MonitorState open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the state folder " + Text.safe(dir.toString()) + ": " + Hallmark.messageOf(e));
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write in the state folder " + Text.safe(dir.toString()) + ": " + Hallmark.messageOf(e));
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      close(channel);
      throw new IllegalStateException("another monitor is using the state folder " + Text.safe(dir.toString()));
    }
    return new MonitorState(dir, channel, lock);
  }

  Path checkpointFile() {
    return dir.resolve(CHECKPOINT);
  }

  /** The stored checkpoint, or null before the first run. */
  Checkpoint load() {
    Path file = checkpointFile();
    if (!Files.exists(file)) {
      return null;
    }
    byte[] bytes;
    try {
      if (Files.size(file) > RemoteLog.MAX_CHECKPOINT_BYTES) {
        throw new IllegalStateException(Text.safe(file.toString()) + " is larger than a checkpoint; move it away to start over");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + Text.safe(file.toString()) + ": " + Hallmark.messageOf(e));
    }
    try {
      return Checkpoint.parseSigned(new String(bytes, StandardCharsets.UTF_8));
    } catch (AttestationException e) {
      throw new IllegalStateException(Text.safe(file.toString()) + " is not a checkpoint (" + e.getMessage() + "); move it away to start over");
    }
  }

  /** Replaces the stored checkpoint: whole or not at all, durable once this returns. */
  void store(Checkpoint checkpoint) {
    Path file = checkpointFile();
    Path temp = dir.resolve(CHECKPOINT + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(checkpoint.signedText().getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          out.write(b);
        }
        out.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system cannot replace a file atomically");
      }
      syncDirectory();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + Text.safe(file.toString()) + ": " + Hallmark.messageOf(e));
    }
  }

  /** The rename is durable only once the folder's entry is (POSIX); some systems cannot open a folder, and need not. */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory; its rename is durable by itself.
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel releases it anyway.
    }
    close(lockChannel);
  }

  private static void close(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // Nothing was written through it.
    }
  }
}
