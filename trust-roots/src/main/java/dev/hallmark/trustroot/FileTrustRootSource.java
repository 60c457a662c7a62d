package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@link TrustRootSource#file(Path)}: the offline form, read fresh on every load. */
final class FileTrustRootSource implements TrustRootSource {
  private final Path path;

  FileTrustRootSource(Path path) {
    this.path = requireNonNull(path, "path");
  }

  @Override
  public TrustRoot load() {
    String shown = "trust root file " + printable(path.toString());
    // A FIFO or a device would block or never end; only a regular file (or a link to one) is read.
    if (!Files.exists(path)) {
      throw new TrustRootException(Code.UNREADABLE, shown + " does not exist");
    }
    if (!Files.isRegularFile(path)) {
      throw new TrustRootException(Code.UNREADABLE, shown + " is not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      // Read one byte past the bound, never the whole file: a huge file fails without being read.
      bytes = in.readNBytes(StrictJson.DOCUMENT_LIMIT + 1);
    } catch (NoSuchFileException e) {
      throw new TrustRootException(Code.UNREADABLE, shown + " does not exist");
    } catch (AccessDeniedException e) {
      throw new TrustRootException(Code.UNREADABLE, shown + " is not readable (permission denied)");
    } catch (IOException e) {
      throw new TrustRootException(Code.UNREADABLE, shown + " could not be read");
    }
    if (bytes.length > StrictJson.DOCUMENT_LIMIT) {
      throw new TrustRootException(
          Code.TOO_LARGE, shown + " exceeds " + StrictJson.DOCUMENT_LIMIT + " bytes");
    }
    try {
      return TrustRoot.parse(bytes);
    } catch (AttestationException e) {
      throw new TrustRootException(Code.INVALID, shown + ": " + e.getMessage());
    }
  }

  @Override
  public String describe() {
    return "file " + printable(path.toString());
  }

  @Override
  public String toString() {
    return "TrustRootSource[" + describe() + "]";
  }

  /** A user-supplied string on one line: control characters become {@code ?}. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .forEach(cp -> b.appendCodePoint(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? '?' : cp));
    return b.toString();
  }
}
