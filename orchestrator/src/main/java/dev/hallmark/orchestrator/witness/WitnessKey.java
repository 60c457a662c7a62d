package dev.hallmark.orchestrator.witness;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A witness's cosigning key (tlog-cosignature v1, Ed25519, vkey type 0x04), kept in its own
 * owner-only file: {@code {"name": "<key name>", "seed": "<b64 of the 32-byte Ed25519 seed>"}}.
 * Deliberately apart from the log's checkpoint key (its own class, file and type byte), so that
 * no mistake in one can make it sign as the other.
 *
 * <pre>{@code
 * WitnessKey key = WitnessKey.loadOrCreate(Path.of("witness.key"), "witness1.example.com", new SecureRandom());
 * String vkey = key.vkey().toString();          // witness1.example.com+1a2b3c4d+BK…
 * Checkpoint.SignatureLine line = key.cosign(checkpoint, nowSeconds);
 * }</pre>
 */
public final class WitnessKey {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final int MAX_FILE = 4096;

  private final byte[] seed;
  private final NoteKey vkey;
  private final Path file;
  private final boolean created;

  private WitnessKey(byte[] seed, String name, Path file, boolean created) {
    this.seed = seed;
    this.vkey = NoteKey.of(name, NoteKey.TYPE_COSIGNATURE_V1, Ed25519.publicKey(seed));
    this.file = file;
    this.created = created;
  }

  /**
   * Reads the key file; when there is none, creates one for {@code name} first (then a name is
   * required). An existing file is never replaced; a {@code name} that differs from its own fails.
   */
  public static WitnessKey loadOrCreate(Path file, String name, SecureRandom random) {
    requireNonNull(file, "file");
    boolean created = false;
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      if (name == null) {
        throw new OrchestratorException(Code.INVALID_INPUT, file + " does not exist; give --name to create a witness key");
      }
      checkName(name);
      created = create(file, name, requireNonNull(random, "random"));
    }
    WitnessKey key = read(file, created);
    if (name != null && !name.equals(key.name())) {
      throw new OrchestratorException(Code.INVALID_INPUT, file + " is the key of " + key.name() + ", not " + name);
    }
    return key;
  }

  /** Reads an existing key file (owner-only, regular, well-formed). */
  public static WitnessKey load(Path file) {
    return read(requireNonNull(file, "file"), false);
  }

  /** signed-note: non-empty, no Unicode space, no '+'; and printable ASCII, as names are shown in logs and docs. */
  static void checkName(String name) {
    if (!NoteKey.isKeyName(name) || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new OrchestratorException(Code.INVALID_INPUT,
          "--name must be a key name such as witness1.example.com (printable ASCII, no space or '+')");
    }
  }

  private static WitnessKey read(Path file, boolean created) {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new OrchestratorException(Code.KEYS, file + " is not a regular file");
      }
      if (!OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))) {
        throw new OrchestratorException(Code.KEYS, file + " is readable by others; chmod 600 it");
      }
      if (Files.size(file) > MAX_FILE) {
        throw new OrchestratorException(Code.KEYS, file + " is not a witness key file (larger than " + MAX_FILE + " bytes)");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new OrchestratorException(Code.KEYS, file + " does not exist; create it with 'hallmark witness key --key "
          + file + " --name NAME'");
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    byte[] seed = null;
    try {
      JsonObject o = StrictJson.parseObject(bytes, MAX_FILE);
      if (!o.members().keySet().equals(Set.of("name", "seed"))) {
        throw new IllegalArgumentException("members");
      }
      String name = o.requireString("name");
      seed = Base64Strict.decodeStd(o.requireString("seed"));
      if (seed.length != Ed25519.KEY_BYTES || !NoteKey.isKeyName(name)) {
        throw new IllegalArgumentException("seed or name");
      }
      return new WitnessKey(seed, name, file, created);
    } catch (RuntimeException e) {
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
      // Never echo the file's content: it holds the seed.
      throw new OrchestratorException(Code.KEYS, file + " is not a witness key file ({\"name\": …, \"seed\": <32 bytes, base64>})");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** Written to an owner-only temporary file, fsynced, then linked into place: never half-written, never replaced. */
  private static boolean create(Path file, String name, SecureRandom random) {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    byte[] seed = Ed25519.newPrivateKey(random);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("seed", Base64Strict.encodeStd(seed));
    byte[] bytes = StrictJson.writePretty(m);
    Arrays.fill(seed, (byte) 0);
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".witness-key", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.createLink(abs, tmp);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the new name is durable before the vkey is handed out
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // another process created it first: use theirs (and its name is checked)
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot create " + file + ": " + e.getClass().getSimpleName());
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // an owner-only leftover; the key itself is in place
        }
      }
    }
  }

  public String name() {
    return vkey.name();
  }

  /** The verifier key (type 0x04) that logs and policies name this witness by. */
  public NoteKey vkey() {
    return vkey;
  }

  public Path file() {
    return file;
  }

  /** True when {@link #loadOrCreate} wrote the file. */
  public boolean isNew() {
    return created;
  }

  /**
   * The tlog-cosignature v1 line over {@code checkpoint} at {@code timestamp} (POSIX seconds, 1 to
   * 2^63−1): {@code — <name> b64(key ID ‖ u64 timestamp ‖ Ed25519 signature)}.
   */
  public Checkpoint.SignatureLine cosign(Checkpoint checkpoint, long timestamp) {
    if (timestamp <= 0) {
      throw new IllegalArgumentException("a cosignature's timestamp is 1 to 2^63-1");
    }
    byte[] sig = Ed25519.sign(seed, checkpoint.cosignedMessage(timestamp));
    byte[] stamped = ByteBuffer.allocate(8 + sig.length).putLong(timestamp).put(sig).array();
    return new Checkpoint.SignatureLine(vkey.name(), vkey.keyId(), stamped);
  }

  /** Metadata only: the seed never reaches a log line. */
  @Override
  public String toString() {
    return "WitnessKey[" + vkey + "]";
  }
}
