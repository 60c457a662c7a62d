package dev.hallmark.attestation.intoto;

import static dev.hallmark.attestation.intoto.Fixtures.assertStatementError;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §3 subject rules and the file-name rule. */
class SubjectTest {
  private static final String SHA =
      "fe4fe40ac7250263c5dbe1cf3138912f3f416140aa248637a60d65fe22c47da4";

  @Test
  void acceptsNameOf1024Bytes() {
    assertDoesNotThrow(() -> Subject.checkSubjectName("a".repeat(1024)));
  }

  @Test
  void rejectsNameOf1025Bytes() {
    assertStatementError(() -> Subject.checkSubjectName("a".repeat(1025)));
  }

  @Test
  void countsTwoByteCharactersInUtf8Bytes() {
    assertDoesNotThrow(() -> Subject.checkSubjectName("é".repeat(512)));
    assertStatementError(() -> Subject.checkSubjectName("é".repeat(512) + "a"));
    // 1024 chars, 2048 bytes: the limit is on bytes, not on UTF-16 units.
    assertStatementError(() -> Subject.checkSubjectName("é".repeat(1024)));
  }

  @Test
  void countsThreeByteCharactersInUtf8Bytes() {
    assertDoesNotThrow(() -> Subject.checkSubjectName("€".repeat(341) + "a"));
    assertStatementError(() -> Subject.checkSubjectName("€".repeat(341) + "ab"));
  }

  @Test
  void countsFourByteCharactersInUtf8Bytes() {
    String grin = new String(Character.toChars(0x1F600));
    assertDoesNotThrow(() -> Subject.checkSubjectName(grin.repeat(256)));
    assertStatementError(() -> Subject.checkSubjectName(grin.repeat(256) + "a"));
  }

  @Test
  void rejectsEmptyOrMissingName() {
    assertStatementError(() -> Subject.checkSubjectName(""));
    assertStatementError(() -> Subject.checkSubjectName(null));
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(
      ints = {
        0x0000, 0x0009, 0x000A, 0x000D, 0x001F, 0x007F, 0x0085, 0x009F, 0x061C, 0x200B, 0x200C,
        0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066,
        0x2067, 0x2068, 0x2069, 0xFEFF
      })
  void rejectsControlInvisibleAndBidiCharacters(int cp) {
    String c = new String(Character.toChars(cp));
    assertStatementError(() -> Subject.checkSubjectName(c));
    assertStatementError(() -> Subject.checkSubjectName("pkg" + c + ".tgz"));
    assertStatementError(() -> Subject.checkSubjectName("pkg.tgz" + c));
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x0020, 0x007E, 0x00A0, 0x061B, 0x061D, 0x200A, 0x2010, 0x2027, 0x202F, 0x2065, 0x206A,
      0xFEFE, 0xFF00, 0x1D800, 0x1F600})
  void acceptsCharactersJustOutsideTheForbiddenRanges(int cp) {
    String c = new String(Character.toChars(cp));
    assertDoesNotThrow(() -> Subject.checkSubjectName("pkg" + c + ".tgz"));
  }

  @Test
  void rejectsLoneSurrogate() {
    assertStatementError(() -> Subject.checkSubjectName("a\uD800b"));
    assertStatementError(() -> Subject.checkSubjectName("a\uDC00"));
  }

  @Test
  void requiresLowercaseHexSha256() {
    assertEquals(SHA, Subject.of("x", SHA).sha256());
    assertStatementError(() -> Subject.of("x", SHA.toUpperCase()));
    assertStatementError(() -> Subject.of("x", SHA.substring(1)));
    assertStatementError(() -> Subject.of("x", SHA + "0"));
    assertStatementError(() -> Subject.of("x", null));
    assertStatementError(() -> new Subject("x", Map.of("sha512", "a".repeat(128))));
    assertStatementError(() -> new Subject("x", null));
  }

  @Test
  void allowsOtherDigestsBesideSha256() {
    Map<String, String> digest = new LinkedHashMap<>();
    digest.put("sha512", "not checked");
    digest.put("sha256", SHA);
    Subject s = new Subject("x", digest);
    assertEquals(List.of("sha512", "sha256"), List.copyOf(s.digest().keySet()));
  }

  @Test
  void convertsToAndFromDescriptor() {
    Subject s = Subject.of("my-pkg-1.2.3.tgz", SHA);
    ResourceDescriptor d = s.toDescriptor();
    assertEquals(
        Fixtures.json("{\"name\":\"my-pkg-1.2.3.tgz\",\"digest\":{\"sha256\":\"" + SHA + "\"}}"),
        d.toJson());
    assertEquals(s, Subject.from(d));
    assertStatementError(
        () ->
            Subject.from(ResourceDescriptor.ofUri("https://example.com/x", Map.of("sha256", SHA))));
  }

  @Test
  void fileNameIsTheLastPathSegment() {
    assertEquals("c.tgz", Subject.fileName("a/b/c.tgz"));
    assertEquals("x", Subject.fileName("../../x"));
    assertEquals("x", Subject.fileName("/etc/x"));
    assertEquals("c.tgz", Subject.fileName("a\\b\\c.tgz"));
    assertEquals("x", Subject.fileName("..\\..\\x"));
    assertEquals("c", Subject.fileName("a/b\\c"));
    assertEquals("c", Subject.fileName("a\\b/c"));
    assertEquals("my-pkg-1.2.3.tgz", Subject.fileName("my-pkg-1.2.3.tgz"));
    assertEquals("_", Subject.fileName("_"));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", ".", "..", "a/", "a\\", "/", "\\", "a/.", "a/..", "a\\..", "../.."})
  void fileNameRefusesDotsAndEmptySegments(String name) {
    assertStatementError(() -> Subject.fileName(name));
  }

  @Test
  void fileNameRefusesInvalidSubjectNames() {
    assertStatementError(() -> Subject.fileName(null));
    assertStatementError(() -> Subject.fileName("a/b\u0000c"));
    assertStatementError(() -> Subject.fileName("evil\u202Egpj.exe"));
  }
}
