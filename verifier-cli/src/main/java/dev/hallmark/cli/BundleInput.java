package dev.hallmark.cli;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.RemoteDocument;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Reads a bundle from a file or an https:// URL, bounded at 10 MiB (FORMATS §1, §6). */
final class BundleInput {
  private BundleInput() {}

  static Supplier<byte[]> reader(String arg, OnlineOptions online) {
    String lower = arg.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      return () -> {
        URI uri;
        try {
          uri = new URI(arg);
        } catch (java.net.URISyntaxException e) {
          throw new IllegalArgumentException("the bundle URL is not a valid URL");
        }
        try {
          return RemoteDocument.fetch(uri, StrictJson.BUNDLE_LIMIT, online);
        } catch (TrustRootException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
      };
    }
    return () -> readFile(Path.of(arg));
  }

  /** Reads at most {@code BUNDLE_LIMIT + 1} bytes, so an oversized file is refused without loading it. */
  static byte[] readFile(Path path) {
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException("bundle " + path + " is a directory, not a file");
    }
    if (Files.exists(path) && !Files.isRegularFile(path)) {
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
