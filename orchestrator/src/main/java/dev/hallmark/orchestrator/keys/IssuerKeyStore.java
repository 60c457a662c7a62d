package dev.hallmark.orchestrator.keys;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.sign.IssuerKey;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The issuer's keys in {@code <data>/keys/}: one owner-only JSON file per key ({@code <kid>.key.json}
 * holding {@code kid}, the scalar {@code d} as b64url, {@code nbf} and, once retired, {@code exp}).
 * The folder is 0700, files 0600, each written atomically (temp file, fsync, move, fsync folder).
 *
 * <p>The signing key is the newest key without {@code exp}. {@link #rotate()} writes a new key and
 * stamps the old one's {@code exp}; a running server sees a rotation made by another process
 * ({@code keys rotate}) because {@link #signingKey()} re-reads the folder whenever its
 * modification time changed (an atomic move into the folder always changes it).
 *
 * <pre>{@code
 * IssuerKeyStore keys = IssuerKeyStore.open(dataDir.resolve("keys"), clock, random);
 * IssuerKey signing = keys.signingKey();
 * Map<String, Object> jwks = keys.jwks();
 * }</pre>
 */
public final class IssuerKeyStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IssuerKeyStore.class);
  static final String SUFFIX = ".key.json";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Clock clock;
  private final SecureRandom random;
  private volatile Snapshot snapshot;
  private boolean createdFirstKey;

  /** One key as read from its file; {@code exp} is null while it signs. */
  record StoredKey(IssuerKey key, long nbf, Long exp, Long revokedAt) {
    @Override
    public String toString() {
      return "StoredKey[kid=" + key.kid() + "]";
    }
  }

  private record Snapshot(FileTime dirModified, List<StoredKey> keys, IssuerKey signing) {}

  private IssuerKeyStore(Path dir, Clock clock, SecureRandom random) {
    this.dir = dir;
    this.clock = clock;
    this.random = random;
  }

  /** Opens the key folder, creating it and a first key when there is none. */
  public static IssuerKeyStore open(Path dir, Clock clock, SecureRandom random) {
    IssuerKeyStore store =
        new IssuerKeyStore(requireNonNull(dir, "dir"), requireNonNull(clock, "clock"), requireNonNull(random, "random"));
    synchronized (IssuerKeyStore.class) {
      store.createFolder();
      if (store.load().signing() == null) {
        store.createdFirstKey = store.load().keys().isEmpty();
        String kid = store.writeKey(store.newKey(), store.now(), null);
        LOG.info("key.created kid={} folder={}", kid, dir);
      }
    }
    store.snapshot = store.load();
    return store;
  }

  /** The current signing key, re-reading the folder when another process changed it. */
  public IssuerKey signingKey() {
    return fresh().signing();
  }

  /** The public JWK Set: every key, retired ones with their {@code exp}; never a private member. */
  public Map<String, Object> jwks() {
    List<Object> keys = new ArrayList<>();
    for (StoredKey k : fresh().keys()) {
      Map<String, Object> jwk = new LinkedHashMap<>(k.key().publicJwk());
      jwk.put("nbf", k.nbf());
      if (k.exp() != null) {
        jwk.put("exp", k.exp());
      }
      if (k.revokedAt() != null) {
        jwk.put("revokedAt", k.revokedAt());
      }
      keys.add(JsonObject.of(jwk));
    }
    Map<String, Object> set = new LinkedHashMap<>();
    set.put("keys", keys);
    return set;
  }

  /**
   * Adds a new signing key and retires the previous one ({@code exp} = now). The new key is written
   * first, so a crash in between leaves two active keys, of which the newer signs; never none.
   *
   * @return the new key's kid
   */
  public String rotate() {
    synchronized (IssuerKeyStore.class) {
      Snapshot before = load();
      long now = now();
      P256PrivateKey fresh = newKey();
      String kid = writeKey(fresh, now, null);
      for (StoredKey k : before.keys()) {
        if (k.exp() == null) {
          writeFile(k.key(), k.nbf(), now, k.revokedAt());
          LOG.info("key.rotated kid={} retired={} exp={}", kid, k.key().kid(), now);
        }
      }
      snapshot = load();
      return kid;
    }
  }

  /** True when {@link #open} created the folder's first key (a fresh data folder). */
  public boolean createdFirstKey() {
    return createdFirstKey;
  }

  /** The signing key's {@code nbf}. */
  public long signingKeyNbf() {
    IssuerKey signing = signingKey();
    for (StoredKey k : fresh().keys()) {
      if (k.key().kid().equals(signing.kid())) {
        return k.nbf();
      }
    }
    throw new OrchestratorException(Code.KEYS, "the signing key is not in the key folder " + dir);
  }

  /**
   * FORMATS §8.2: the log starts with a rotation, the old keys' {@code exp} and the new key's
   * {@code nbf} both {@code since}, so that only tokens of a key retired at {@code since} are exempt
   * from the log. Idempotent: nothing happens when the signing key is already from {@code since} on
   * (a crash between writing the log key and rotating is repaired by the next start).
   *
   * @return the new key's kid, or null when no rotation was needed
   */
  public String startLogAt(long since) {
    synchronized (IssuerKeyStore.class) {
      Snapshot before = load();
      boolean needed = false;
      for (StoredKey k : before.keys()) {
        if (k.exp() == null && k.nbf() < since) {
          needed = true;
        }
      }
      if (!needed) {
        return null;
      }
      String kid = writeKey(newKey(), since, null);
      for (StoredKey k : before.keys()) {
        if (k.exp() == null || k.exp() > since) {
          writeFile(k.key(), k.nbf(), Math.max(k.nbf(), since), k.revokedAt());
          LOG.info("key.rotated kid={} retired={} exp={} reason=\"the log starts\"", kid, k.key().kid(),
              Math.max(k.nbf(), since));
        }
      }
      snapshot = load();
      return kid;
    }
  }

  /**
   * Sets {@code revokedAt} on key {@code kid} (FORMATS §8.4 rule 5): its tokens then verify only
   * with a log proof witnessed before {@code at}. A revoked key never signs again: when it is the
   * signing key, a new key is rotated in first.
   *
   * @return true when a new signing key was rotated in
   */
  public boolean revoke(String kid, long at) {
    synchronized (IssuerKeyStore.class) {
      StoredKey target = null;
      for (StoredKey k : load().keys()) {
        if (k.key().kid().equals(kid)) {
          target = k;
        }
      }
      if (target == null) {
        throw new OrchestratorException(Code.NOT_FOUND, "no issuer key has the kid '" + kid + "'");
      }
      boolean rotated = false;
      if (target.exp() == null) {
        rotate();
        rotated = true;
        for (StoredKey k : load().keys()) {
          if (k.key().kid().equals(kid)) {
            target = k;
          }
        }
      }
      writeFile(target.key(), target.nbf(), target.exp(), at);
      LOG.warn("key.revoked kid={} revoked_at={}", kid, at);
      snapshot = load();
      return rotated;
    }
  }

  private Snapshot fresh() {
    Snapshot s = snapshot;
    FileTime modified = modified();
    if (!modified.equals(s.dirModified())) {
      s = load();
      snapshot = s;
    }
    return s;
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(dir);
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot read the issuer key folder " + dir);
    }
  }

  private Snapshot load() {
    FileTime modified = modified();
    List<StoredKey> keys = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        keys.add(read(f));
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot read the issuer key folder " + dir);
    }
    keys.sort(Comparator.comparingLong(StoredKey::nbf).thenComparing(k -> k.key().kid()));
    IssuerKey signing = null;
    for (StoredKey k : keys) {
      if (k.exp() == null) {
        signing = k.key(); // the newest active key wins
      }
    }
    return new Snapshot(modified, List.copyOf(keys), signing);
  }

  private static StoredKey read(Path file) {
    try {
      JsonObject o = StrictJson.parseObject(Files.readAllBytes(file), 64 * 1024);
      byte[] scalar = Base64Strict.decodeUrl(o.requireString("d"));
      try {
        IssuerKey key = new IssuerKey(o.requireString("kid"), P256PrivateKey.fromScalar(scalar));
        return new StoredKey(key, o.requireTime("nbf"), o.optTime("exp"), o.optTime("revokedAt"));
      } finally {
        Arrays.fill(scalar, (byte) 0);
      }
    } catch (IOException | RuntimeException e) {
      // Never echo the file's content: it holds a private scalar.
      throw new OrchestratorException(Code.KEYS, "issuer key file " + file.getFileName() + " is unreadable or invalid");
    }
  }

  private P256PrivateKey newKey() {
    return P256PrivateKey.generate(random);
  }

  /** kid = {@code hm-<yyyyMMdd>-<first 16 chars of the RFC 7638 thumbprint>}. */
  static String kidOf(P256PrivateKey key, long createdAt) {
    return "hm-" + DAY.format(Instant.ofEpochSecond(createdAt)) + "-" + key.publicKey().thumbprint().substring(0, 16);
  }

  private String writeKey(P256PrivateKey key, long nbf, Long exp) {
    IssuerKey issuer = new IssuerKey(kidOf(key, nbf), key);
    writeFile(issuer, nbf, exp, null);
    return issuer.kid();
  }

  private void writeFile(IssuerKey key, long nbf, Long exp, Long revokedAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kid", key.kid());
    byte[] scalar = key.privateKey().scalar();
    m.put("d", Base64Strict.encodeUrl(scalar));
    Arrays.fill(scalar, (byte) 0);
    m.put("nbf", nbf);
    if (exp != null) {
      m.put("exp", exp);
    }
    if (revokedAt != null) {
      m.put("revokedAt", revokedAt);
    }
    writeAtomically(dir.resolve(key.kid() + SUFFIX), StrictJson.writePretty(m));
  }

  private void writeAtomically(Path target, byte[] bytes) {
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(random.nextLong()) + ".tmp");
    try {
      // Created 0600 from the first byte: never a moment in which the scalar is group-readable.
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new OrchestratorException(Code.KEYS, "the key folder " + dir + " does not support atomic moves");
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the rename itself is durable
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot write an issuer key file into " + dir);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the temp file is owner-only; a leftover is harmless and removed at next write
      }
    }
  }

  private void createFolder() {
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      // An existing folder is tightened too: the data folder may have been made by hand.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot create the issuer key folder " + dir);
    }
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  @Override
  public String toString() {
    return "IssuerKeyStore[" + dir + "]";
  }
}
