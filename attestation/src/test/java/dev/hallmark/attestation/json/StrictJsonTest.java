package dev.hallmark.attestation.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS conventions: the strict JSON codec every parser shares. */
class StrictJsonTest {
  private static final int LIMIT = 1 << 20;

  // ------------------------------------------------------------------ helpers

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Object parse(String s) {
    return StrictJson.parse(utf8(s), LIMIT);
  }

  private static void assertJsonError(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.JSON, ex.code());
  }

  private static void assertRefused(String json) {
    assertJsonError(() -> parse(json));
  }

  private static void assertRefused(byte[] json) {
    assertJsonError(() -> StrictJson.parse(json, LIMIT));
  }

  /** A JSON string literal whose content is {@code inner}, as raw bytes. */
  private static byte[] quoted(int... inner) {
    byte[] out = new byte[inner.length + 2];
    out[0] = '"';
    for (int i = 0; i < inner.length; i++) {
      out[i + 1] = (byte) inner[i];
    }
    out[out.length - 1] = '"';
    return out;
  }

  /**
   * Containers nested exactly {@code depth} levels deep, alternating array and object, the top
   * level being level 1 (FORMATS conventions).
   */
  private static String mixedNesting(int depth) {
    String s = "";
    for (int level = depth; level >= 1; level--) {
      if (level % 2 == 1) {
        s = "[" + s + "]";
      } else {
        s = s.isEmpty() ? "{}" : "{\"k\":" + s + "}";
      }
    }
    return s;
  }

  private static String objectNesting(int depth) {
    return "{\"k\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  private static String arrayNesting(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  /** {@code {"a":{"a":…{inner}…}}}: {@code inner}'s object sits at level {@code depth}. */
  private static String atDepth(int depth, String innerMembers) {
    return "{\"a\":".repeat(depth - 1) + "{" + innerMembers + "}" + "}".repeat(depth - 1);
  }

  // ------------------------------------------------------------------ duplicate keys

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {1, 2, 10})
  void rejectsDuplicateKeyWithSameValue(int depth) {
    parse(atDepth(depth, "\"k\":1,\"j\":1")); // control: same shape without the duplicate
    assertRefused(atDepth(depth, "\"k\":1,\"k\":1"));
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {1, 2, 10})
  void rejectsDuplicateKeyWithDifferentValue(int depth) {
    parse(atDepth(depth, "\"k\":\"a\",\"j\":\"b\""));
    assertRefused(atDepth(depth, "\"k\":\"a\",\"k\":\"b\""));
    assertRefused(atDepth(depth, "\"k\":\"a\",\"x\":0,\"k\":{}"));
  }

  @Test
  void rejectsDuplicateKeyInObjectInsideArray() {
    assertRefused("[1,{\"k\":1,\"k\":2}]");
  }

  @Test
  void rejectsDuplicateKeySpelledWithEscape() {
    // "\u0061" is "a": a second spelling of the same key is still a duplicate.
    assertRefused("{\"a\":1,\"\\u0061\":2}");
  }

  @Test
  void acceptsSameKeyInSiblingObjects() {
    Object v = parse("{\"a\":{\"k\":1},\"b\":{\"k\":2}}");
    assertInstanceOf(JsonObject.class, v);
  }

  // ------------------------------------------------------------------ BOM and UTF-8

  @Test
  void rejectsByteOrderMark() {
    assertEquals(new JsonObject(Map.of()), StrictJson.parse(utf8("{}"), LIMIT));
    assertRefused(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
  }

  @Test
  void rejectsLoneContinuationByte() {
    assertRefused(quoted('a', 0x80, 'b'));
  }

  @Test
  void rejectsOverlongEncoding() {
    // C0 AF is an overlong '/'.
    assertRefused(quoted(0xC0, 0xAF));
  }

  @Test
  void rejectsEncodedSurrogate() {
    // ED A0 80 would be U+D800.
    assertRefused(quoted(0xED, 0xA0, 0x80));
  }

  @Test
  void rejectsTruncatedSequence() {
    // E2 82 AC is '€'; cut after two bytes, inside a string and at the end of input.
    assertRefused(quoted(0xE2, 0x82));
    assertRefused(new byte[] {'"', 'a', '"', ' ', (byte) 0xE2, (byte) 0x82});
    assertRefused(new byte[] {'"', (byte) 0xF0, (byte) 0x9F, (byte) 0x98});
  }

  @Test
  void rejectsCodePointAboveU10FFFF() {
    assertRefused(quoted(0xF4, 0x90, 0x80, 0x80));
  }

  @Test
  void rejectsInvalidUtf8InKey() {
    assertRefused(new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'});
  }

  @Test
  void acceptsValidMultibyteUtf8() {
    // é (2 bytes), € (3 bytes), 😀 (4 bytes), U+10FFFF (4 bytes, the last code point).
    assertEquals("é", parse("\"é\""));
    assertEquals("\u20ac", StrictJson.parse(quoted(0xE2, 0x82, 0xAC), LIMIT));
    assertEquals("\uD83D\uDE00", StrictJson.parse(quoted(0xF0, 0x9F, 0x98, 0x80), LIMIT));
    assertEquals(
        new String(Character.toChars(0x10FFFF)),
        StrictJson.parse(quoted(0xF4, 0x8F, 0xBF, 0xBF), LIMIT));
    JsonObject o = (JsonObject) parse("{\"ключ\":\"значение 😀\"}");
    assertEquals("значение 😀", o.get("ключ"));
  }

  @Test
  void acceptsEscapedSurrogatePair() {
    assertEquals("\uD83D\uDE00", parse("\"\\ud83d\\ude00\""));
    assertEquals("x\uD83D\uDE00y", parse("\"x\\uD83D\\uDE00y\""));
  }

  // ------------------------------------------------------------------ lone surrogates

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\ud800\"", // lone high
        "\"\\udc00\"", // lone low
        "\"\\udbff\"", // lone high, last
        "\"\\ud800a\"", // high followed by a non-surrogate
        "\"\\ud800\\u0041\"", // high followed by an escaped non-surrogate
        "\"\\ud800\\ud800\"", // high followed by high
        "\"\\ude00\\ud83d\"", // low before high
        "\"a\\udc00b\"" // low in the middle
      })
  void rejectsLoneSurrogateEscape(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"\\ud800\":1}",
        "{\"\\udc00\":1}",
        "{\"a\\ud800b\":1}",
        "{\"ok\":{\"\\ud83d\":1}}"
      })
  void rejectsLoneSurrogateEscapeInKey(String json) {
    assertRefused(json);
  }

  @Test
  void rejectsLoneSurrogateInNestedValue() {
    assertRefused("{\"a\":[1,{\"b\":\"\\udc00\"}]}");
  }

  @Test
  void acceptsEscapedSurrogatePairInKey() {
    JsonObject o = (JsonObject) parse("{\"\\ud83d\\ude00\":1}");
    assertTrue(o.has("\uD83D\uDE00"));
  }

  // ------------------------------------------------------------------ nesting

  @Test
  void acceptsMixedNestingOf64Levels() {
    parse(mixedNesting(64));
  }

  @Test
  void rejectsMixedNestingOf65Levels() {
    assertRefused(mixedNesting(65));
  }

  @Test
  void acceptsArrayAndObjectNestingOf64Levels() {
    parse(arrayNesting(64));
    parse(objectNesting(64));
  }

  @Test
  void rejectsArrayNestingOf65Levels() {
    assertRefused(arrayNesting(65));
  }

  @Test
  void rejectsObjectNestingOf65Levels() {
    assertRefused(objectNesting(65));
  }

  @Test
  void scalarsDoNotCountAsLevels() {
    parse("[".repeat(64) + "\"deep\"" + "]".repeat(64));
  }

  @Test
  void rejectsVeryDeepNesting() {
    assertRefused(arrayNesting(100_000));
  }

  @Test
  void nestingTestHelpersBuildTheRequestedDepth() {
    // Guards the helpers: the 64-level document really has 64 containers.
    Object v = parse(mixedNesting(64));
    int depth = 0;
    while (v != null) {
      depth++;
      if (v instanceof List<?> l) {
        v = l.isEmpty() ? null : l.get(0);
      } else if (v instanceof JsonObject o) {
        v = o.get("k");
      } else {
        break;
      }
    }
    assertEquals(64, depth);
  }

  // ------------------------------------------------------------------ trailing bytes

  @ParameterizedTest
  @ValueSource(strings = {"{} x", "{}{}", "{} 1", "{}[]", "{}\"\"", "{},", "{}}", "1 2", "\"a\" \"b\"", "{}\u0000", "{}\f", "{}\u00a0", "{} //", "{} #"})
  void rejectsTrailingBytes(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}\n", "{} ", "{}\r\n", "{}\t", " \n\t\r{} \n\t\r", "1\n", "\"a\"\n"})
  void acceptsTrailingWhitespace(String json) {
    parse(json);
  }

  // ------------------------------------------------------------------ size

  @Test
  void acceptsDocumentOfExactlyTheLimit() {
    byte[] b = utf8("{\"a\":\"xyz\"}");
    StrictJson.parse(b, b.length);
  }

  @Test
  void rejectsDocumentOneByteOverTheLimit() {
    byte[] b = utf8("{\"a\":\"xyz\"}");
    assertJsonError(() -> StrictJson.parse(b, b.length - 1));
  }

  @Test
  void limitCountsBytesNotCharacters() {
    byte[] b = utf8("\"é\""); // 3 characters, 4 bytes
    assertEquals(4, b.length);
    StrictJson.parse(b, 4);
    assertJsonError(() -> StrictJson.parse(b, 3));
  }

  @Test
  void limitCountsTrailingWhitespace() {
    byte[] b = utf8("{}\n\n");
    StrictJson.parse(b, 4);
    assertJsonError(() -> StrictJson.parse(b, 3));
  }

  @Test
  void acceptsBundleOfExactly10MiBAndRejectsOneByteMore() {
    byte[] exact = new byte[StrictJson.BUNDLE_LIMIT];
    java.util.Arrays.fill(exact, (byte) ' ');
    exact[0] = '{';
    exact[1] = '}';
    StrictJson.parse(exact, StrictJson.BUNDLE_LIMIT);
    byte[] over = java.util.Arrays.copyOf(exact, exact.length + 1);
    over[over.length - 1] = ' ';
    assertJsonError(() -> StrictJson.parse(over, StrictJson.BUNDLE_LIMIT));
  }

  // ------------------------------------------------------------------ not JSON

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t ", "\r\n"})
  void rejectsEmptyInput(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "-01", "[00]", "{\"a\":007}", "00.5"})
  void rejectsLeadingZeros(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "[NaN]", "Infinity", "-Infinity", "{\"a\":NaN}", "+1", ".5", "1.", "0x10", "1e", "-"})
  void rejectsNonStandardNumbers(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/*c*/{}", "{/*c*/}", "{\"a\":1//c\n}", "[1,/*c*/2]", "# c\n{}"})
  void rejectsComments(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"'a'", "{'a':1}", "{\"a\":'b'}", "['a']"})
  void rejectsSingleQuotes(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,]", "{\"a\":1,}", "[,1]", "[1,,2]", "{,\"a\":1}"})
  void rejectsTrailingAndStrayCommas(String json) {
    assertRefused(json);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x01, 0x08, 0x09, 0x0A, 0x0D, 0x1F})
  void rejectsRawControlCharacterInString(int c) {
    assertRefused(quoted('a', c, 'b'));
    assertRefused(new byte[] {'{', '"', 'k', (byte) c, '"', ':', '1', '}'});
  }

  @Test
  void acceptsEscapedControlCharactersAndRawDel() {
    assertEquals("\u0000\t\n\u001f", parse("\"\\u0000\\t\\n\\u001f\""));
    assertEquals("\u007f", StrictJson.parse(quoted(0x7F), LIMIT)); // DEL is not a JSON control
  }

  @ParameterizedTest
  @ValueSource(strings = {"{a:1}", "{\"a\" 1}", "{\"a\":}", "[1 2]", "\"\\x\"", "\"\\u12\"", "tru", "nul", "True", "{\"a\":1", "[1", "\"abc", "}", "]"})
  void rejectsMalformedSyntax(String json) {
    assertRefused(json);
  }

  // ------------------------------------------------------------------ types

  @Test
  void typesIntegersAsLong() {
    assertEquals(1L, parse("1"));
    assertEquals(-5L, parse("-5"));
    assertEquals(0L, parse("-0"));
    assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
  }

  @Test
  void typesIntegersBeyondLongAsBigInteger() {
    assertEquals(new BigInteger("9223372036854775808"), parse("9223372036854775808"));
    assertEquals(
        new BigInteger("-123456789012345678901234567890"), parse("-123456789012345678901234567890"));
  }

  @Test
  void typesFractionsAndExponentsAsDouble() {
    assertEquals(1.0, parse("1.0"));
    assertEquals(1000.0, parse("1e3"));
    assertEquals(1000.0, parse("1E+3"));
    assertEquals(0.001, parse("1e-3"));
    assertEquals(-2.5, parse("-2.5"));
    assertInstanceOf(Double.class, parse("0.0"));
  }

  @Test
  void typesLiterals() {
    assertEquals(Boolean.TRUE, parse("true"));
    assertEquals(Boolean.FALSE, parse("false"));
    assertEquals(JsonNull.INSTANCE, parse("null"));
    assertEquals("s", parse("\"s\""));
    assertEquals(List.of(), parse("[]"));
  }

  @Test
  void keepsMemberOrderAndNullMembers() {
    JsonObject o = (JsonObject) parse("{\"z\":1,\"a\":null,\"m\":[true,false]}");
    assertEquals(List.of("z", "a", "m"), List.copyOf(o.members().keySet()));
    assertTrue(o.has("a"));
    assertEquals(JsonNull.INSTANCE, o.get("a"));
  }

  @Test
  void parsedTreeIsImmutable() {
    JsonObject o = (JsonObject) parse("{\"a\":[1]}");
    assertThrows(UnsupportedOperationException.class, () -> o.members().put("b", 1L));
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) o.get("a");
    assertThrows(UnsupportedOperationException.class, () -> list.add(2L));
  }

  @Test
  void parseObjectRejectsNonObjects() {
    assertEquals(new JsonObject(Map.of()), StrictJson.parseObject(utf8("{}"), LIMIT));
    for (String json : List.of("[]", "1", "\"s\"", "null", "true")) {
      assertJsonError(() -> StrictJson.parseObject(utf8(json), LIMIT));
    }
  }

  @Test
  void parseObjectHonoursTheLimit() {
    byte[] b = utf8("{}");
    assertJsonError(() -> StrictJson.parseObject(b, 1));
  }

  // ------------------------------------------------------------------ writing

  private static final String TRICKY =
      "quote\" backslash\\ slash/ nul\u0000 tab\t nl\n cr\r us\u001f del\u007f é € 😀"
          + " \u2028\u2029 \u202e bidi \ufeff bom \uffff";

  @Test
  void writeThenParseRoundTripsUnicodeAndEscapes() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("s", TRICKY);
    tree.put(TRICKY, "key with escapes");
    tree.put("n", List.of(0L, -1L, Long.MAX_VALUE, new BigInteger("18446744073709551616"), 2.5, -0.125));
    tree.put("b", List.of(true, false));
    tree.put("z", JsonNull.INSTANCE);
    tree.put("o", Map.of("inner", List.of(Map.of(), List.of())));

    byte[] written = StrictJson.write(tree);
    JsonObject parsed = StrictJson.parseObject(written, LIMIT);
    assertEquals(TRICKY, parsed.get("s"));
    assertEquals("key with escapes", parsed.get(TRICKY));
    assertEquals(
        List.of(0L, -1L, Long.MAX_VALUE, new BigInteger("18446744073709551616"), 2.5, -0.125),
        parsed.get("n"));
    assertEquals(JsonNull.INSTANCE, parsed.get("z"));
    // A parsed tree written again is byte-identical, and parses back equal.
    byte[] again = StrictJson.write(parsed);
    assertArrayEquals(written, again);
    assertEquals(parsed, StrictJson.parse(again, LIMIT));
  }

  @Test
  void writeIsCompactUtf8() {
    Object v = parse("{ \"a\" : [ 1 , 2 ] , \"é\" : \"€\" }");
    assertArrayEquals(utf8("{\"a\":[1,2],\"é\":\"€\"}"), StrictJson.write(v));
  }

  @Test
  void writeEscapesControlCharactersSoOutputParses() {
    byte[] b = StrictJson.write("a\u0000\u0001\n\"\\");
    for (byte x : b) {
      assertTrue((x & 0xff) >= 0x20, "raw control byte in output");
    }
    assertEquals("a\u0000\u0001\n\"\\", StrictJson.parse(b, LIMIT));
  }

  @Test
  void writeThenParseKeepsSurrogatePairs() {
    String s = "\uD83D\uDE00\uD800\uDC00\uDBFF\uDFFF";
    assertEquals(s, StrictJson.parse(StrictJson.write(s), LIMIT));
  }

  @Test
  void writePrettyParsesBackEqual() {
    JsonObject o =
        (JsonObject) parse("{\"a\":1,\"b\":[1,{\"c\":\"é😀\\n\"},[]],\"d\":{},\"e\":null,\"f\":1.5}");
    byte[] pretty = StrictJson.writePretty(o);
    String text = new String(pretty, StandardCharsets.UTF_8);
    assertTrue(text.contains("\n  \"a\": 1"), text);
    assertEquals(o, StrictJson.parse(pretty, LIMIT));
  }

  @Test
  void writeToStreamLeavesStreamOpenAndMatchesWrite() throws Exception {
    Object v = parse("{\"a\":[1,\"x\"]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StrictJson.write(v, out, false);
    out.write('!'); // still open
    byte[] b = out.toByteArray();
    assertArrayEquals(StrictJson.write(v), java.util.Arrays.copyOf(b, b.length - 1));
  }

  @Test
  void writeRefusesNonJsonValues() {
    assertThrows(IllegalArgumentException.class, () -> StrictJson.write(new Object()));
  }
}
