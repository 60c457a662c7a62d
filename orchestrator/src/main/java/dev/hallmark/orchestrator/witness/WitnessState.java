package dev.hallmark.orchestrator.witness;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The witness's durable memory: for each log origin, the latest checkpoint it cosigned (the note
 * text, the log signatures it verified and its own cosignature), one file per origin in {@code
 * <data>/checkpoints/<hex SHA-256 of the origin>}. A write is a temporary file, fsynced, renamed
 * over the old one, and the folder fsynced, before {@link #put} returns: a cosignature is never
 * handed out for a state that a crash could lose, since a witness that forgets would cosign a fork.
 *
 * <p>One process at a time: {@link #open} takes an exclusive lock on {@code <data>/lock} for as long
 * as the state is open. A state file that does not parse stops the start (never an empty memory).
 *
 * <pre>{@code
 * try (WitnessState state = WitnessState.open(dataDir)) {
 *   Optional<Checkpoint> latest = state.latest("ci.example.com/oidc/log");
 * }
 * }</pre>
 */
public final class WitnessState implements AutoCloseable {
  private static final Pattern FILE_NAME = Pattern.compile("[0-9a-f]{64}");
  /** A stored note is at most a request body's size. */
  private static final int MAX_FILE = 64 * 1024;

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Checkpoint> latest = new ConcurrentHashMap<>();

  private WitnessState(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating) the data folder, locks it, and reads every stored checkpoint. */
  public static WitnessState open(Path data) {
    requireNonNull(data, "data");
    Path dir = data.resolve("checkpoints");
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(data.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new OrchestratorException(Code.CONFLICT, "another witness is using " + data + " (its lock file is held)");
      }
      WitnessState state = new WitnessState(dir, ch, lock);
      state.load();
      return state;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new OrchestratorException(Code.STORE, "cannot open the witness data folder " + data + ": " + e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private void load() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith(".")) {
          Files.deleteIfExists(f); // a temporary file of a write that a crash cut short
          continue;
        }
        if (!FILE_NAME.matcher(name).matches()) {
          throw new OrchestratorException(Code.STORE, "the witness state holds an unexpected file " + f);
        }
        Checkpoint cp = read(f);
        if (!name.equals(fileName(cp.origin()))) {
          throw new OrchestratorException(Code.STORE, "the witness state file " + f + " holds another origin's checkpoint");
        }
        latest.put(cp.origin(), cp);
      }
    }
  }

  private static Checkpoint read(Path f) throws IOException {
    if (Files.size(f) > MAX_FILE) {
      throw new OrchestratorException(Code.STORE, "the witness state file " + f + " is larger than " + MAX_FILE + " bytes");
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(f))).toString();
      return Checkpoint.parseSigned(text);
    } catch (CharacterCodingException | AttestationException e) {
      throw new OrchestratorException(Code.STORE, "the witness state file " + f + " is not a signed checkpoint; "
          + "restore it from a backup (starting without it would let the witness cosign a rolled-back or forked log)");
    }
  }

  /** {@code checkpoints/<lowercase hex SHA-256 of the origin>}, as tlog-witness names a log for monitors. */
  public static String fileName(String origin) {
    return HexFormat.of().formatHex(Sha256.of(origin.getBytes(StandardCharsets.UTF_8)));
  }

  /** The latest checkpoint cosigned for {@code origin}, with its log signatures and the witness's cosignature. */
  public Optional<Checkpoint> latest(String origin) {
    return Optional.ofNullable(latest.get(origin));
  }

  /** The latest checkpoint of the origin whose {@link #fileName} is {@code originHash}. */
  public Optional<Checkpoint> latestByHash(String originHash) {
    for (Checkpoint cp : latest.values()) {
      if (fileName(cp.origin()).equals(originHash)) {
        return Optional.of(cp);
      }
    }
    return Optional.empty();
  }

  /**
   * Durably replaces the origin's latest checkpoint. The caller holds the origin's lock: the check
   * of the old size and this write are one step (tlog-witness: no rolled-back leaves).
   */
  public void put(Checkpoint signed) {
    Path target = dir.resolve(fileName(signed.origin()));
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(random.nextLong()) + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(signed.signedText().getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the rename itself is durable
      }
    } catch (AtomicMoveNotSupportedException e) {
      throw new OrchestratorException(Code.STORE, "the witness data folder " + dir + " does not support atomic moves");
    } catch (IOException e) {
      throw new OrchestratorException(Code.STORE, "cannot write the witness state in " + dir + ": " + e.getClass().getSimpleName());
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // removed at the next start
      }
    }
    latest.put(signed.origin(), signed);
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }
}
