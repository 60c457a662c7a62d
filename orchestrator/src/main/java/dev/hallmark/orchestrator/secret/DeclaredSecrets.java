package dev.hallmark.orchestrator.secret;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.repository.RepositoryName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Declared secrets, per repository, in {@code <data>/secrets/} (0700): one owner-only (0600) file
 * {@code <owner>/<name>.json} per repository holding {@code {"NAME":"value",…}}, written atomically
 * (temp file created 0600, fsync, atomic move, fsync of the folder) under a lock, read with the
 * strict codec. Never in the database, whose rows the API serves.
 *
 * <p>Rules: a repository name as {@link RepositoryName#check}; secret names
 * {@code [A-Z_][A-Z0-9_]*}, at most 128 characters; values valid UTF-8, 1 to 65,536 bytes, at least
 * 8 characters (the log maskers ignore shorter values, so a shorter secret would show in logs),
 * without NUL; at most {@value #MAX_SECRETS} secrets per repository. A file that breaks them (edited
 * by hand) is refused as a whole, and so are a file or folder others may read.
 *
 * <pre>{@code
 * DeclaredSecrets secrets = DeclaredSecrets.in(dataDir);
 * secrets.set("acme/app", "DEPLOY_TOKEN", bytes);
 * secrets.names("acme/app");      // [DEPLOY_TOKEN]
 * secrets.of("acme/app").values(); // for the runner only
 * }</pre>
 */
public final class DeclaredSecrets implements SecretSource {
  public static final String FOLDER = "secrets";
  public static final int MAX_SECRETS = 100;
  public static final int MAX_VALUE_BYTES = 65_536;
  public static final int MIN_VALUE_LENGTH = 8;
  public static final int MAX_NAME_LENGTH = 128;
  private static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0," + (MAX_NAME_LENGTH - 1) + "}");
  /** Every value escaped byte by byte ({@code \u0001}: 6 bytes) plus names and punctuation. */
  private static final long MAX_FILE_BYTES = (long) MAX_SECRETS * (6L * MAX_VALUE_BYTES + MAX_NAME_LENGTH + 16) + 16;
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");

  private final Path dir;
  private final SecureRandom random = new SecureRandom();

  private DeclaredSecrets(Path dir) {
    this.dir = dir;
  }

  /** The secrets of the data folder {@code dataDir}; nothing is read or created yet. */
  public static DeclaredSecrets in(Path dataDir) {
    return new DeclaredSecrets(requireNonNull(dataDir, "dataDir").resolve(FOLDER));
  }

  /** The folder, {@code <data>/secrets}. */
  public Path folder() {
    return dir;
  }

  /** Declares {@code name} for {@code repository} with {@code value} (UTF-8), replacing an earlier value; true when it is new. */
  public synchronized boolean set(String repository, String name, byte[] value) {
    RepositoryName.check(repository);
    checkName(name);
    String v = checkValue(name, value);
    return update(repository, secrets -> {
      if (!secrets.containsKey(name) && secrets.size() >= MAX_SECRETS) {
        throw new OrchestratorException(Code.INVALID_INPUT, repository + " already has " + MAX_SECRETS
            + " secrets, the most a repository may have; remove one first");
      }
      return secrets.put(name, v) == null;
    });
  }

  /** Removes {@code name} of {@code repository}; {@link Code#NOT_FOUND} when it is not declared. */
  public synchronized void remove(String repository, String name) {
    RepositoryName.check(repository);
    checkName(name);
    update(repository, secrets -> {
      if (secrets.remove(name) == null) {
        throw new OrchestratorException(Code.NOT_FOUND, "no secret " + name + " is declared for " + repository);
      }
      return true;
    });
  }

  /** The names declared for {@code repository}, sorted; never a value. */
  public List<String> names(String repository) {
    RepositoryName.check(repository);
    return new ArrayList<>(read(repository).keySet());
  }

  /** For the runner: the secrets of {@code repository}, none for a name that cannot have any. */
  @Override
  public RepositorySecrets of(String repository) {
    try {
      RepositoryName.check(repository);
    } catch (OrchestratorException e) {
      return RepositorySecrets.none(repository == null ? "" : repository); // e.g. hallmark run's plain folder name
    }
    return new RepositorySecrets(repository, read(repository));
  }

  private interface Change {
    boolean apply(Map<String, String> secrets);
  }

  /** Read, change and write back one repository's file, under the folder's lock. */
  private boolean update(String repository, Change change) {
    Path file = file(repository);
    try {
      createFolder(dir);
      createFolder(file.getParent());
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        Map<String, String> secrets = read(repository);
        boolean result = change.apply(secrets);
        if (secrets.isEmpty()) {
          Files.deleteIfExists(file);
          syncFolder(file.getParent());
        } else {
          writeAtomically(file, StrictJson.writePretty(secrets));
        }
        return result;
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.STORE, "cannot write the secrets of " + repository + " in " + dir
          + ": " + e.getClass().getSimpleName());
    }
  }

  private Path file(String repository) {
    int slash = repository.indexOf('/');
    // Both parts start with a letter or digit (checkRepositoryName): never ".", ".." or a temp file.
    return dir.resolve(repository.substring(0, slash)).resolve(repository.substring(slash + 1) + ".json");
  }

  /** The file's secrets (empty when there is none), every rule checked again. */
  private Map<String, String> read(String repository) {
    Path file = file(repository);
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    byte[] bytes = null;
    try {
      checkPrivate(dir, true);
      checkPrivate(file.getParent(), true);
      checkPrivate(file, false);
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw refused(file, "is larger than " + MAX_FILE_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
      JsonObject o = StrictJson.parseObject(bytes, (int) MAX_FILE_BYTES);
      if (o.members().size() > MAX_SECRETS) {
        throw refused(file, "holds more than " + MAX_SECRETS + " secrets");
      }
      for (Map.Entry<String, Object> e : o.members().entrySet()) {
        if (!NAME.matcher(e.getKey()).matches() || !(e.getValue() instanceof String v)) {
          throw refused(file, "holds a member that is not NAME: \"value\"");
        }
        try {
          out.put(e.getKey(), checkValue(e.getKey(), v.getBytes(StandardCharsets.UTF_8)));
        } catch (OrchestratorException bad) {
          throw refused(file, "holds an invalid value for " + e.getKey());
        }
      }
      return out;
    } catch (AttestationException e) {
      throw refused(file, "is not a strict JSON object");
    } catch (IOException e) {
      throw new OrchestratorException(Code.STORE, "cannot read " + file + ": " + e.getClass().getSimpleName());
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  private static OrchestratorException refused(Path file, String why) {
    return new OrchestratorException(Code.STORE, file + " " + why + "; fix or delete it");
  }

  /** Owner-only, and not a link: the data folder may have been made or changed by hand. */
  private static void checkPrivate(Path p, boolean folder) throws IOException {
    boolean kind = folder ? Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    if (!kind) {
      throw new OrchestratorException(Code.STORE, p + " is not a " + (folder ? "folder" : "regular file"));
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    if (!(folder ? FOLDER_MODE : FILE_MODE).containsAll(mode)) {
      throw new OrchestratorException(Code.STORE, p + " may be read by others; chmod " + (folder ? "700" : "600") + " it");
    }
  }

  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "secret name must be 1 to " + MAX_NAME_LENGTH
          + " of A-Z 0-9 _ (no digit first), not " + shown(name));
    }
  }

  /** The value as a string, or {@link Code#INVALID_INPUT} saying which rule it breaks (never showing it). */
  static String checkValue(String name, byte[] value) {
    if (value == null || value.length == 0) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the value of " + name + " is empty");
    }
    if (value.length > MAX_VALUE_BYTES) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the value of " + name + " is longer than " + MAX_VALUE_BYTES + " bytes");
    }
    String v;
    try {
      v = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the value of " + name + " is not valid UTF-8");
    }
    if (v.indexOf('\0') >= 0) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the value of " + name + " holds a NUL character");
    }
    if (v.length() < MIN_VALUE_LENGTH) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the value of " + name + " is shorter than " + MIN_VALUE_LENGTH
          + " characters; log masking ignores shorter values, so it would show in logs");
    }
    return v;
  }

  private static String shown(String s) {
    if (s == null) {
      return "nothing";
    }
    StringBuilder sb = new StringBuilder("'");
    s.codePoints().limit(80).forEach(c -> sb.append(c < 0x20 || c == 0x7f ? '?' : Character.toString(c)));
    return sb.append(s.length() > 80 ? "...'" : "'").toString();
  }

  private static void createFolder(Path folder) throws IOException {
    Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new OrchestratorException(Code.STORE, folder + " is not a folder");
    }
    Files.setPosixFilePermissions(folder, FOLDER_MODE); // tightened when it already existed
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + HexFormat.of().toHexDigits(random.nextLong()) + ".tmp");
    try {
      // Created 0600 from the first byte: never a moment in which a value is readable by others.
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE_MODE));
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
        throw new OrchestratorException(Code.STORE, "the folder " + target.getParent() + " does not support atomic moves");
      }
      syncFolder(target.getParent()); // the rename itself is durable
    } finally {
      Arrays.fill(bytes, (byte) 0);
      Files.deleteIfExists(tmp);
    }
  }

  private static void syncFolder(Path folder) throws IOException {
    try (FileChannel d = FileChannel.open(folder, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  @Override
  public String toString() {
    return "DeclaredSecrets[" + dir + "]";
  }
}
