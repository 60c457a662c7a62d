package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The repository's {@code vectors/conformance} and {@code vectors/log} are copies of the shared
 * corpora ({@code ../shared/vectors}) so that a clone tests on its own; this test keeps them from
 * drifting. Where {@code ../shared} sits beside the clone (the root POM's {@code
 * hallmark.shared.dir}), each copy must hold the same files with the same bytes; where it does not
 * (a user's clone), the comparison is skipped, visibly, and the copies are used as they are.
 *
 * <p>Refreshing a copy after the shared corpus changed: {@code rm -rf vectors/<name> && cp -r
 * ../shared/vectors/<name> vectors/} ({@code .gitattributes} keeps git from converting the
 * deliberately broken bytes of some cases).
 */
class VectorsCopyTest {
  @ParameterizedTest
  @ValueSource(strings = {"conformance", "log"})
  void copyHoldsTheSharedCorpusByteForByte(String name) {
    Path copy = ConformanceCorpus.vectorsDir().resolve(name);
    Path shared = sharedVectorsDir().resolve(name);
    if (!Files.isDirectory(shared)) {
      // Not an assertion failure: a user's clone has no ../shared, and the copy is what it tests with.
      System.out.println("VectorsCopyTest: " + shared + " is absent; comparison of vectors/" + name + " skipped");
    }
    assumeTrue(Files.isDirectory(shared), "no shared corpus at " + shared + ": comparison skipped");
    String difference = firstDifference(shared, copy);
    if (difference != null) {
      fail("vectors/" + name + " differs from " + shared + " at " + difference
          + " (refresh it: rm -rf vectors/" + name + " && cp -r " + shared + " vectors/)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"conformance", "log"})
  void copyIsInTheRepository(String name) {
    Path manifest = ConformanceCorpus.vectorsDir().resolve(name).resolve("manifest.json");
    assertTrue(Files.isRegularFile(manifest), "missing from the repository: " + manifest);
  }

  /** The comparison itself must see each kind of drift, or the test above proves nothing. */
  @Test
  void comparisonNamesAChangedByteAMissingFileAndAnExtraFile(@TempDir Path tmp) throws IOException {
    Path original = ConformanceCorpus.vectorsDir().resolve("conformance");
    Path a = copyTree(original, tmp.resolve("a"));
    assertNull(firstDifference(original, a));

    Path changed = copyTree(original, tmp.resolve("changed"));
    Path manifest = changed.resolve("manifest.json");
    byte[] bytes = Files.readAllBytes(manifest);
    bytes[bytes.length - 1] ^= 1;
    Files.write(manifest, bytes);
    assertEquals("manifest.json: the bytes differ", firstDifference(original, changed));

    Path missing = copyTree(original, tmp.resolve("missing"));
    Files.delete(missing.resolve("README.md"));
    assertEquals("README.md: missing from " + missing, firstDifference(original, missing));

    Path extra = copyTree(original, tmp.resolve("extra"));
    Files.writeString(extra.resolve("cases").resolve("stray.txt"), "");
    assertEquals("cases/stray.txt: not in " + original, firstDifference(original, extra));
  }

  /** The shared design and vectors folder beside the clone, as the root POM names it. */
  private static Path sharedVectorsDir() {
    String shared = System.getProperty("hallmark.shared.dir");
    Path dir = shared != null && !shared.isBlank() ? Path.of(shared) : Path.of("..", "..", "shared");
    return dir.resolve("vectors").toAbsolutePath().normalize();
  }

  /**
   * The first file (by relative path, in sorted order) in which two trees differ: present in one
   * only, or with other bytes; null when they hold the same files with the same bytes.
   */
  static String firstDifference(Path expected, Path actual) {
    TreeSet<String> all = new TreeSet<>();
    TreeSet<String> inExpected = files(expected);
    TreeSet<String> inActual = files(actual);
    all.addAll(inExpected);
    all.addAll(inActual);
    for (String rel : all) {
      if (!inActual.contains(rel)) {
        return rel + ": missing from " + actual;
      }
      if (!inExpected.contains(rel)) {
        return rel + ": not in " + expected;
      }
      try {
        if (!Arrays.equals(Files.readAllBytes(expected.resolve(rel)), Files.readAllBytes(actual.resolve(rel)))) {
          return rel + ": the bytes differ";
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return null;
  }

  /** Relative paths ({@code /}-separated) of every entry that is not a folder; links are not followed. */
  private static TreeSet<String> files(Path root) {
    assertTrue(Files.isDirectory(root), "not a folder: " + root);
    try (Stream<Path> s = Files.walk(root)) {
      TreeSet<String> out = new TreeSet<>();
      s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> out.add(root.relativize(p).toString().replace('\\', '/')));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return to;
  }
}
