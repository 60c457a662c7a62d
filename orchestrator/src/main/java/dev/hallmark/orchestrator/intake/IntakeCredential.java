package dev.hallmark.orchestrator.intake;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.secret.BearerSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The event-intake credential (ARCHITECTURE: intake is the identity root): {@code hmint_} and 32
 * random bytes in base64url, created at the first {@code serve} in {@code <data>/intake-credential}
 * (owner-only). This object keeps only its SHA-256; a presented credential is hashed and compared
 * in constant time ({@link BearerSecret#matches}), so neither the value nor a timing difference ever leaves it.
 *
 * <pre>{@code
 * IntakeCredential c = IntakeCredential.loadOrCreate(dataDir, new SecureRandom());
 * c.authenticate(request.header("Authorization")); // or OrchestratorException UNAUTHENTICATED
 * }</pre>
 */
public final class IntakeCredential {
  public static final String FILE = "intake-credential";
  public static final String PREFIX = "hmint_";
  private static final Pattern FORMAT = Pattern.compile("hmint_[A-Za-z0-9_-]{43}");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path file;
  private final byte[] sha256;
  private final boolean created;

  private IntakeCredential(Path file, byte[] sha256, boolean created) {
    this.file = file;
    this.sha256 = sha256;
    this.created = created;
  }

  /** Reads {@code <data>/intake-credential}, creating it (0600, never overwriting) when missing. */
  public static IntakeCredential loadOrCreate(Path dataDir, SecureRandom random) {
    Path file = dataDir.resolve(FILE);
    boolean created = false;
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      created = create(file, random);
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new OrchestratorException(Code.KEYS, file + " is not a regular file");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw new OrchestratorException(Code.KEYS, file + " is readable by others; chmod 600 it");
      }
      String value = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!FORMAT.matcher(value).matches()) {
        throw new OrchestratorException(Code.KEYS, file + " does not hold an intake credential; delete it to create a new one");
      }
      return new IntakeCredential(file, BearerSecret.hash(value), created);
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Written to a temporary owner-only file, then linked into place: never half-written, never replaced. */
  private static boolean create(Path file, SecureRandom random) {
    String value = BearerSecret.generate(PREFIX, random);
    Path tmp = null;
    try {
      tmp = Files.createTempFile(file.getParent(), ".intake-credential", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(tmp, value + "\n", StandardCharsets.US_ASCII);
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.createLink(file, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // another process created it first: use theirs
    } catch (IOException e) {
      throw new OrchestratorException(Code.KEYS, "cannot create " + file + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a leftover owner-only temporary file; the credential itself is in place
        }
      }
    }
  }

  /** Checks an {@code Authorization} header: {@link Code#UNAUTHENTICATED} unless it is {@code Bearer <credential>}. */
  public void authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new OrchestratorException(Code.UNAUTHENTICATED, "an intake credential is required (Authorization: Bearer hmint_…)");
    }
    if (!BearerSecret.matches(BearerSecret.fromAuthorization(authorization), sha256)) {
      throw new OrchestratorException(Code.UNAUTHENTICATED, "the intake credential is not valid");
    }
  }

  public Path file() {
    return file;
  }

  /** True when this start created the file. */
  public boolean isNew() {
    return created;
  }

  @Override
  public String toString() {
    return "IntakeCredential[" + file + ", value redacted]";
  }
}
