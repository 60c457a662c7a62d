package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.concat;
import static dev.hallmark.verifier.ForgeVerification.nest;
import static dev.hallmark.verifier.ForgeVerification.repeatMember;
import static dev.hallmark.verifier.ForgeVerification.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMATS §6 check 6, {@code statement}: the payload, exactly as signed, is an in-toto Statement
 * v1 with a SLSA Provenance v1 predicate and valid subjects (§3). Each fixture's envelope is
 * signed and bound to its token, so only the statement itself is wrong.
 */
class StatementCheckTest {
  private static final String DIGEST = "a".repeat(64);

  @Test
  void rejectsWrongType() {
    BundleForge f = BundleForge.valid();
    f.statement.put("_type", "https://in-toto.io/Statement/v0.1");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsMissingType() {
    BundleForge f = BundleForge.valid();
    f.statement.remove("_type");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsWrongPredicateType() {
    BundleForge f = BundleForge.valid();
    f.statement.put("predicateType", "https://slsa.dev/provenance/v0.2");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsMissingPredicate() {
    BundleForge f = BundleForge.valid();
    f.statement.remove("predicate");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsPredicateThatIsNotAnObject() {
    BundleForge f = BundleForge.valid();
    f.statement.put("predicate", StrictJson.write(f.statement.get("predicate")).length + "");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  // ------------------------------------------------------------ subjects

  @Test
  void rejectsEmptySubjectArray() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of());
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsMissingSubject() {
    BundleForge f = BundleForge.valid();
    f.statement.remove("subject");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsSubjectThatIsAnObjectNotAnArray() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", BundleForge.subject("app.tgz", DIGEST));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsSubjectEntryThatIsNotAnObject() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", DIGEST), "app2.tgz"));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsUppercaseDigest() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", "ABCDEF" + "0".repeat(58))));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 63, 65, 128})
  void rejectsDigestOfWrongLength(int length) {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", "a".repeat(length))));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsNonHexDigest() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", "g".repeat(64))));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsDigestWithoutSha256() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> s = subject("app.tgz");
    s.put("digest", Map.of("sha512", "b".repeat(128)));
    f.statement.put("subject", List.of(s));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsSha256OfNonStringType() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> s = subject("app.tgz");
    s.put("digest", Map.of("sha256", List.of(DIGEST)));
    f.statement.put("subject", List.of(s));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void acceptsOtherDigestAlgorithmsBesideSha256() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> s = subject("app.tgz");
    Map<String, Object> digest = new LinkedHashMap<>();
    digest.put("sha512", "not even hex: ignored");
    digest.put("sha256", DIGEST);
    s.put("digest", digest);
    f.statement.put("subject", List.of(s));
    assertVerified(verify(f));
  }

  @Test
  void rejectsSubjectWithoutName() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> s = subject("app.tgz");
    s.remove("name");
    f.statement.put("subject", List.of(s));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsEmptySubjectName() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(subject("")));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void acceptsSubjectNameOf1024Utf8Bytes() {
    BundleForge f = BundleForge.valid();
    String name = "a".repeat(1022) + "é"; // 1022 + 2 bytes
    assertEquals(1024, name.getBytes(StandardCharsets.UTF_8).length);
    f.statement.put("subject", List.of(subject(name)));
    assertVerified(verify(f));
  }

  /** 1025 bytes in 1024 chars: the bound counts UTF-8 bytes, not characters. */
  @Test
  void rejectsSubjectNameOf1025Utf8Bytes() {
    BundleForge f = BundleForge.valid();
    String name = "a".repeat(1023) + "é";
    assertEquals(1025, name.getBytes(StandardCharsets.UTF_8).length);
    f.statement.put("subject", List.of(subject(name)));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsSubjectNameWithNextLineU0085() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(subject("app.tgz\u0085evil.tgz")));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsSubjectNameWithRightToLeftOverrideU202E() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(subject("app-\u202Ezgt.exe")));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  /** Both ends of every forbidden range of FORMATS §3. */
  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x0A, 0x1F, 0x7F, 0x9F, 0x061C, 0x200B, 0x200F, 0x2028, 0x2029, 0x202A, 0x202D, 0x2066, 0x2069, 0xFEFF})
  void rejectsSubjectNameWithControlCharacter(int codePoint) {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(subject("app" + Character.toString(codePoint) + ".tgz")));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  /** Just outside the forbidden ranges, and beyond the BMP. */
  @ParameterizedTest
  @ValueSource(ints = {0x20, 0x7E, 0xA0, 0x061B, 0x061D, 0x200A, 0x2010, 0x2027, 0x202F, 0x2065, 0x206A, 0xFEFE, 0x1F4E6})
  void acceptsSubjectNameWithNeighbourOfForbiddenRange(int codePoint) {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(subject("app" + Character.toString(codePoint) + ".tgz")));
    assertVerified(verify(f));
  }

  /** A later subject is checked as strictly as the first. */
  @Test
  void rejectsBadSecondSubject() {
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(subject("app.tgz"), subject("app\u202E.tgz")));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  // ------------------------------------------------------------ payload JSON

  @Test
  void rejectsPayloadThatIsNotJson() {
    BundleForge f = BundleForge.valid();
    f.rawStatement = "_type: https://in-toto.io/Statement/v1".getBytes(StandardCharsets.UTF_8);
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsPayloadThatIsAJsonArray() {
    BundleForge f = BundleForge.valid();
    f.rawStatement = concat(concat(new byte[] {'['}, StrictJson.write(f.statement)), new byte[] {']'});
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsPayloadWithByteOrderMark() {
    BundleForge f = BundleForge.valid();
    f.rawStatement = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, StrictJson.write(f.statement));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsPayloadWithTrailingBytes() {
    BundleForge f = BundleForge.valid();
    f.rawStatement = concat(StrictJson.write(f.statement), "{}".getBytes(StandardCharsets.UTF_8));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsDuplicateKeyAtStatementTopLevel() {
    BundleForge f = BundleForge.valid();
    f.rawStatement =
        repeatMember(StrictJson.write(f.statement), "\"_type\":\"https://in-toto.io/Statement/v1\"");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsDuplicateKeyDeepInPredicate() {
    BundleForge f = BundleForge.valid();
    f.rawStatement = repeatMember(StrictJson.write(f.statement), "\"jobName\":\"publish\"");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  /** Two sha256 digests: a parser keeping the first and one keeping the last would disagree. */
  @Test
  void rejectsDuplicateSha256InSubjectDigest() {
    BundleForge f = BundleForge.valid();
    String sha = (String) ((Map<?, ?>) subjects(f).get(0).get("digest")).get("sha256");
    f.rawStatement =
        ForgeVerification.replaceOnce(
            StrictJson.write(f.statement),
            "\"sha256\":\"" + sha + "\"",
            "\"sha256\":\"" + sha + "\",\"sha256\":\"" + DIGEST + "\"");
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void rejectsStatementNested65Deep() {
    BundleForge f = BundleForge.valid();
    f.statement.put("x", nest(64));
    assertFailsAt(Check.STATEMENT, verify(f));
  }

  @Test
  void acceptsStatementNested64DeepInUnknownMember() {
    BundleForge f = BundleForge.valid();
    f.statement.put("x", nest(63));
    assertVerified(verify(f));
  }

  /** The statement is parsed from the signed bytes, whatever their layout. */
  @Test
  void acceptsPrettyPrintedPayloadWithEscapes() {
    BundleForge f = BundleForge.valid();
    String pretty = new String(StrictJson.writePretty(f.statement), StandardCharsets.UTF_8);
    f.rawStatement = ("\n  " + pretty.replace("\"app-1.2.3.tgz\"", "\"\\u0061pp-1.2.3.tgz\"") + "\n")
        .getBytes(StandardCharsets.UTF_8);
    VerificationResult r = verify(f);
    assertVerified(r);
    assertEquals("app-1.2.3.tgz", r.subjects().get(0).name());
  }

  // ------------------------------------------------------------ helpers

  private static Map<String, Object> subject(String name) {
    return BundleForge.subject(name, DIGEST);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> subjects(BundleForge f) {
    return new ArrayList<>((List<Map<String, Object>>) f.statement.get("subject"));
  }
}
