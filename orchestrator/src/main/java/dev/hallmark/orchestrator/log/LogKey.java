package dev.hallmark.orchestrator.log;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The log's Ed25519 key, kept like the issuer keys: one owner-only file {@code log.ed25519.json}
 * in the data folder's key folder (the issuer key store reads only {@code *.key.json}), holding the
 * 32-byte private key ({@code d}, b64url, as an OKP JWK names it) and {@code since}, the moment the log started (FORMATS §8.2). The
 * vkey's name is the origin, {@code <issuer URL without scheme>/log}; it is derived at each start,
 * since the data folder records one issuer for ever.
 *
 * <pre>{@code
 * LogKey key = LogKey.openOrCreate(keysDir, "ci.example.com/oidc/log", nowSeconds, random);
 * Checkpoint signed = key.sign(Checkpoint.of(origin, size, root));
 * }</pre>
 */
public final class LogKey implements CheckpointSigner {
  /** The key file's name in the key folder. */
  public static final String FILE = "log.ed25519.json";

  private final byte[] privateKey;
  private final NoteKey vkey;
  private final long since;
  private final boolean created;

  private LogKey(byte[] privateKey, String origin, long since, boolean created) {
    this.privateKey = privateKey;
    this.vkey = NoteKey.of(origin, NoteKey.TYPE_ED25519, Ed25519.publicKey(privateKey));
    this.since = since;
    this.created = created;
  }

  /** The log's origin for an issuer URL (FORMATS §8.1): scheme and trailing slash dropped, {@code /log} added. */
  public static String originFor(String issuerUrl) {
    String s = issuerUrl.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s + "/log";
  }

  /** True when the key folder holds a log key. */
  public static boolean exists(Path keysDir) {
    return Files.exists(keysDir.resolve(FILE));
  }

  /** Reads the log key, or creates it with {@code sinceIfNew} as the log's start. */
  public static LogKey openOrCreate(Path keysDir, String origin, long sinceIfNew, SecureRandom random) {
    requireNonNull(origin, "origin");
    Path file = keysDir.resolve(FILE);
    if (Files.exists(file)) {
      try {
        JsonObject o = StrictJson.parseObject(Files.readAllBytes(file), 64 * 1024);
        byte[] sk = Base64Strict.decodeUrl(o.requireString("d"));
        if (sk.length != Ed25519.KEY_BYTES) {
          throw new IllegalStateException();
        }
        return new LogKey(sk, origin, o.requireTime("since"), false);
      } catch (IOException | RuntimeException e) {
        // Never echo the content: it holds the private key.
        throw new OrchestratorException(Code.KEYS, "log key file " + file + " is unreadable or invalid");
      }
    }
    byte[] sk = Ed25519.newPrivateKey(random);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("d", Base64Strict.encodeUrl(sk)); // as an OKP JWK names it
    m.put("since", sinceIfNew);
    writeAtomically(keysDir, file, StrictJson.writePretty(m), random);
    LogKey created = new LogKey(sk, origin, sinceIfNew, true);
    org.slf4j.LoggerFactory.getLogger(LogKey.class).info("log.key.created origin={} since={} vkey={}", origin, sinceIfNew,
        created.vkey()); // the verifier key: public, as in the trust root
    return created;
  }

  @Override
  public NoteKey vkey() {
    return vkey;
  }

  /** When the log started: the trust root's {@code log.since}. */
  public long since() {
    return since;
  }

  /** True when this start created the key (the log is being enabled now). */
  public boolean isNew() {
    return created;
  }

  @Override
  public Checkpoint sign(Checkpoint unsigned) {
    byte[] sig = Ed25519.sign(privateKey, unsigned.noteBytes());
    return unsigned.withSignature(new Checkpoint.SignatureLine(vkey.name(), vkey.keyId(), sig));
  }

  private static void writeAtomically(Path dir, Path target, byte[] bytes, SecureRandom random) {
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(random.nextLong()) + ".tmp");
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot write the log key into " + dir);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // owner-only; a leftover is harmless
      }
    }
  }

  @Override
  public String toString() {
    return "LogKey[" + vkey + "]";
  }
}
