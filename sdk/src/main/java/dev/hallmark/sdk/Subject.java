package dev.hallmark.sdk;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One artifact to attest: a name and its SHA-256, checked when made (FORMATS.md §3), so a
 * {@code Subject} that exists is valid.
 *
 * <p>The name is 1 to 1024 UTF-8 bytes with no control characters (U+0000–U+001F,
 * U+007F–U+009F) and no bidirectional controls (U+202A–U+202E, U+2066–U+2069); it is what the
 * bundle's file name is derived from, so keep it a plain file name. A path subject is hashed by
 * the SDK, streaming (the file is never loaded into memory), when it is made; a relative path is
 * resolved against the workspace, which is the working directory of the workflow JVM. A digest
 * subject is taken as given: 64 lowercase hex characters.
 *
 * <p>A path subject also remembers where it was hashed: {@link #path()} is the file's path relative
 * to the workspace ({@code /}-separated), or null for a digest subject and for a file outside the
 * workspace. It travels with the attestation request so that {@code hallmark run --out} can copy the
 * file; it is never part of the statement, and the orchestrator uses it for nothing else (it
 * re-hashes the file before copying it).
 *
 * <pre>{@code
 * Subject a = Subject.ofPath("app.tgz", "dist/app.tgz");
 * Subject b = Subject.ofDigest("image", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
 * ctx.attestProvenance(List.of(a, b));
 * }</pre>
 *
 * @param name the subject's name, e.g. {@code app.tgz}
 * @param sha256 its SHA-256, 64 lowercase hex characters
 * @param path the workspace-relative path the SDK hashed, or null (see above)
 */
public record Subject(String name, String sha256, String path) {
  static final int MAX_NAME_BYTES = 1024;
  static final int MAX_PATH_LENGTH = 4096;
  private static final int BUFFER_SIZE = 1 << 20;

  /**
   * Checks the name, the digest and the path (null, or relative without {@code .} or {@code ..}
   * segments); throws {@link IllegalArgumentException} saying which rule failed.
   */
  public Subject {
    checkName(name);
    checkDigest(sha256);
    checkPath(path);
  }

  /** A subject of a name and a digest, with no path. */
  public Subject(String name, String sha256) {
    this(name, sha256, null);
  }

  /** A subject whose digest is given: {@code sha256} must be 64 lowercase hex characters. */
  public static Subject ofDigest(String name, String sha256) {
    return new Subject(name, sha256, null);
  }

  /** A subject hashed from the file at {@code path} (relative to the workspace). */
  public static Subject ofPath(String name, String path) {
    requireNonNull(path, "path");
    checkName(name);
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw new Refusal.InvalidArgument("subject path " + Names.show(path) + " is not a valid path");
    }
    return ofPath(name, p);
  }

  /** A subject hashed from the file at {@code path} (relative to the workspace). */
  public static Subject ofPath(String name, Path path) {
    requireNonNull(path, "path");
    checkName(name);
    Path workspace = Path.of("").toAbsolutePath();
    Path file = workspace.resolve(path);
    String sha256 = sha256Of(file);
    Path normal = file.normalize();
    String relative = null;
    if (normal.startsWith(workspace) && !normal.equals(workspace)) {
      relative = workspace.relativize(normal).toString().replace(java.io.File.separatorChar, '/');
      if (relative.length() > MAX_PATH_LENGTH) {
        relative = null; // too long to send: hallmark run then just does not copy it
      }
    }
    return new Subject(name, sha256, relative);
  }

  static String sha256Of(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new Refusal.InvalidArgument(
          "subject file " + Names.show(file.toString()) + " does not exist or is not a regular file");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
    byte[] buffer = new byte[BUFFER_SIZE];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new Refusal.Unreadable("cannot read subject file " + Names.show(file.toString()) + ": "
          + e.getClass().getSimpleName(), e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new Refusal.InvalidArgument("subject name is empty");
    }
    long bytes = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp >= 0xd800 && cp <= 0xdfff) {
        throw new Refusal.InvalidArgument("subject name " + Names.show(name) + " is not valid Unicode (lone surrogate)");
      }
      if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) {
        throw new Refusal.InvalidArgument("subject name " + Names.show(name) + " holds a control character");
      }
      // FORMATS §3 (revision 2, exhaustive): invisible and bidirectional marks.
      if (cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e)
          || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff) {
        throw new Refusal.InvalidArgument("subject name " + Names.show(name) + " holds an invisible or bidirectional control character");
      }
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += Character.charCount(cp);
    }
    if (bytes > MAX_NAME_BYTES) {
      throw new Refusal.InvalidArgument("subject name " + Names.show(name) + " is longer than "
          + MAX_NAME_BYTES + " UTF-8 bytes");
    }
  }

  private static void checkPath(String path) {
    if (path == null) {
      return;
    }
    boolean ok = !path.isEmpty() && path.length() <= MAX_PATH_LENGTH && !path.startsWith("/") && path.indexOf('\0') < 0;
    for (String segment : path.split("/", -1)) {
      ok &= !segment.isEmpty() && !segment.equals(".") && !segment.equals("..");
    }
    if (!ok) {
      throw new Refusal.InvalidArgument("subject path " + Names.show(path)
          + " is not a relative path inside the workspace (no '.', '..' or empty segment)");
    }
  }

  private static void checkDigest(String sha256) {
    boolean ok = sha256 != null && sha256.length() == 64;
    for (int i = 0; ok && i < 64; i++) {
      char c = sha256.charAt(i);
      ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!ok) {
      throw new Refusal.InvalidArgument("subject digest " + Names.show(sha256)
          + " is not a SHA-256 of 64 lowercase hex characters");
    }
  }
}
