package dev.hallmark.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS.md §3 subject rules, and hashing a path. */
class SubjectTest {
  static final String DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @TempDir Path dir;

  @Test
  void takesAGivenDigest() {
    Subject s = Subject.ofDigest("app.tgz", DIGEST);
    assertEquals("app.tgz", s.name());
    assertEquals(DIGEST, s.sha256());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0",
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a088",
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g",
      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
  void rejectsDigestsThatAreNotSixtyFourLowercaseHex(String digest) {
    assertThrows(IllegalArgumentException.class, () -> Subject.ofDigest("x", digest));
  }

  @Test
  void rejectsNullDigest() {
    assertThrows(IllegalArgumentException.class, () -> Subject.ofDigest("x", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a\u0000b", "a\u001fb", "a\nb", "a\u007fb", "a\u0080b", "a\u009fb", "a\u202ab",
      "a\u202eb", "a\u2066b", "a\u2069b", "a\ud800b", "a\udc00b", "a\u061cb", "a\u200bb", "a\u200fb", "a\u2028b",
      "a\u2029b", "a\ufeffb"})
  void rejectsNamesBreakingFormatsSection3(String name) {
    assertThrows(IllegalArgumentException.class, () -> Subject.ofDigest(name, DIGEST));
    assertThrows(IllegalArgumentException.class, () -> Subject.ofPath(name, "does-not-matter"));
  }

  @Test
  void acceptsNamesUpTo1024Utf8Bytes() {
    Subject.ofDigest("a".repeat(1024), DIGEST);
    Subject.ofDigest("\u20ac".repeat(341) + "a", DIGEST); // 1024 bytes
    Subject.ofDigest("\ud83d\ude00".repeat(256), DIGEST); // 1024 bytes
    Subject.ofDigest("dist/app \u00e9 \u202f.tgz", DIGEST);
    assertThrows(IllegalArgumentException.class, () -> Subject.ofDigest("a".repeat(1025), DIGEST));
    assertThrows(IllegalArgumentException.class, () -> Subject.ofDigest("\u20ac".repeat(342), DIGEST));
    assertThrows(IllegalArgumentException.class, () -> Subject.ofDigest(null, DIGEST));
  }

  @Test
  void hashesAFileLargerThanTheBufferByStreaming() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    Path file = Files.write(dir.resolve("big.bin"), data);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertEquals(new Subject("big.bin", expected), Subject.ofPath("big.bin", file));
    assertEquals(expected, Subject.ofPath("big.bin", file.toString()).sha256());
  }

  @Test
  void hashesAnEmptyFile() throws Exception {
    Path file = Files.createFile(dir.resolve("empty"));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Subject.ofPath("empty", file).sha256());
  }

  @Test
  void resolvesARelativePathAgainstTheWorkingDirectory() throws Exception {
    // Surefire runs in the module directory, where pom.xml is.
    byte[] pom = Files.readAllBytes(Path.of("pom.xml").toAbsolutePath());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pom)),
        Subject.ofPath("pom.xml", "pom.xml").sha256());
  }

  @Test
  void rejectsMissingFilesAndDirectories() {
    assertThrows(IllegalArgumentException.class, () -> Subject.ofPath("x", dir.resolve("missing")));
    assertThrows(IllegalArgumentException.class, () -> Subject.ofPath("x", dir));
  }

  @Test
  void aPathSubjectRemembersItsWorkspaceRelativePathAndADigestSubjectNone() {
    // Surefire runs in the module directory: that is the workspace here.
    assertEquals("pom.xml", Subject.ofPath("pom", "pom.xml").path());
    assertEquals("pom.xml", Subject.ofPath("pom", "src/../pom.xml").path());
    assertEquals("src/test/resources/dev/hallmark/sdk/Release.java",
        Subject.ofPath("r", Path.of("src/test/resources/dev/hallmark/sdk/Release.java").toAbsolutePath()).path());
    assertEquals(null, Subject.ofDigest("pom", DIGEST).path());
  }

  @Test
  void aFileOutsideTheWorkspaceHasNoPath() throws Exception {
    Path file = Files.writeString(dir.resolve("outside.txt"), "x");
    assertEquals(null, Subject.ofPath("outside.txt", file).path());
  }

  @Test
  void rejectsAPathThatIsNotRelativeInsideTheWorkspace() {
    for (String bad : new String[] {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", "a\u0000b"}) {
      assertThrows(IllegalArgumentException.class, () -> new Subject("x", DIGEST, bad), bad);
    }
    assertEquals("dist/app.tgz", new Subject("x", DIGEST, "dist/app.tgz").path());
  }
}
