package dev.hallmark.cli;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.trustroot.Location;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.RemoteDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Supplier;

/** Reads a bundle from a file or an https:// URL, bounded at 10 MiB (FORMATS §1, §6). */
final class BundleInput {
  private BundleInput() {}

  /**
   * The bundle {@code arg} names, read as {@code --trust-root} is ({@link Location}): an http(s) URL
   * in any case, a {@code file:} URL, or a path. A refused argument fails when read, so that it
   * fails the {@code bundle} check in order.
   */
  static Supplier<byte[]> reader(String arg, OnlineOptions online) {
    Location where;
    try {
      where = Location.parse(arg, "bundle");
    } catch (TrustRootException e) {
      String message = e.getMessage();
      return () -> {
        throw new IllegalArgumentException(message);
      };
    }
    if (where.url() != null) {
      return () -> {
        try {
          return RemoteDocument.fetch(where.url(), StrictJson.BUNDLE_LIMIT, online);
        } catch (TrustRootException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
      };
    }
    return () -> readFile(where.file());
  }

  /** Reads at most {@code BUNDLE_LIMIT + 1} bytes, so an oversized file is refused without loading it. */
  static byte[] readFile(Path path) {
    // One stat, not three (isDirectory, exists, isRegularFile): audit reads thousands of bundles.
    // A path that cannot be stat-ed is left to the open below, which says why.
    BasicFileAttributes attrs = null;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException | SecurityException e) {
      // reported by the open
    }
    if (attrs != null && attrs.isDirectory()) {
      throw new IllegalArgumentException("bundle " + path + " is a directory, not a file");
    }
    if (attrs != null && !attrs.isRegularFile()) {
      throw new IllegalArgumentException("bundle " + path + " is not a regular file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(StrictJson.BUNDLE_LIMIT + 1);
      if (bytes.length > StrictJson.BUNDLE_LIMIT) {
        throw new IllegalArgumentException("bundle " + path + " is larger than 10 MiB");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("bundle " + path + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read bundle " + path + ": " + e.getMessage());
    }
  }
}
