package dev.hallmark.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void readsEveryKindOfValue() {
    Object v = Json.parse(" {\"s\":\"a\\u00e9\\n\\ud83d\\ude00\",\"i\":-12,\"d\":1.5e3,\"t\":true,\"f\":false,"
        + "\"n\":null,\"a\":[1,[]],\"o\":{}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals("a\u00e9\n\ud83d\ude00", m.get("s"));
    assertEquals(-12L, m.get("i"));
    assertEquals(new BigDecimal("1.5e3"), m.get("d"));
    assertEquals(true, m.get("t"));
    assertEquals(false, m.get("f"));
    assertTrue(m.containsKey("n"));
    assertNull(m.get("n"));
    assertEquals(List.of(1L, List.of()), m.get("a"));
    assertEquals(Map.of(), m.get("o"));
    assertEquals(List.of("s", "i", "d", "t", "f", "n", "a", "o"), List.copyOf(m.keySet()));
  }

  @Test
  void rejectsDuplicateKeys() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"x\":{\"a\":1,\"\\u0061\":2}}"));
  }

  @Test
  void acceptsSixtyFourLevelsAndRejectsSixtyFive() {
    Json.parse("[".repeat(64) + "]".repeat(64));
    Json.parse("{\"a\":".repeat(63) + "[]" + "}".repeat(63));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(65) + "]".repeat(65)));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":".repeat(64) + "[]" + "}".repeat(64)));
  }

  @Test
  void rejectsDeepNestingWithoutStackOverflow() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100_000)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} x", "{}{}", "[1] ]", "1 2", "\"a\"\"b\"", "{}\u0000"})
  void rejectsTrailingData(String text) {
    assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
  }

  @Test
  void acceptsTrailingWhitespace() {
    assertEquals(Map.of(), Json.parse("{} \r\n\t"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "1.", ".5", "+1", "-",
      "1e", "0x10", "NaN", "Infinity", "tru", "nul", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a", "[1 2]",
      "{\"a\" 1}", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\""})
  void rejectsMalformedJson(String text) {
    assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
  }

  @Test
  void rejectsRawControlCharactersInStrings() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\nb\""));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\u0000b\""));
  }

  @Test
  void rejectsLoneRawSurrogate() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\ud800\""));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\udc00\""));
  }

  @Test
  void rejectsByteOrderMarkAndInvalidUtf8() {
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
    assertThrows(IllegalArgumentException.class, () -> Json.parse(bom));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\uFEFF{}"));
    byte[] invalid = {'"', (byte) 0xc3, '"'};
    assertThrows(IllegalArgumentException.class, () -> Json.parse(invalid));
    byte[] overlong = {'"', (byte) 0xc0, (byte) 0xaf, '"'};
    assertThrows(IllegalArgumentException.class, () -> Json.parse(overlong));
    assertEquals("\u00e9", Json.parse("\"\u00e9\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void bigIntegersBecomeBigDecimals() {
    assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
    assertEquals(new BigDecimal("9223372036854775808"), Json.parse("9223372036854775808"));
  }

  @Test
  void writesAsciiThatReadsBackEqual() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "q\"b\\s/\n\t\u0001\u00e9\u2028\ud83d\ude00");
    m.put("l", List.of(1L, 2, true, "x"));
    m.put("n", null);
    m.put("o", Map.of("k", "v"));
    String json = Json.write(m);
    assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f), json);
    assertEquals("{\"s\":\"q\\\"b\\\\s/\\n\\t\\u0001\\u00e9\\u2028\\ud83d\\ude00\",\"l\":[1,2,true,\"x\"],"
        + "\"n\":null,\"o\":{\"k\":\"v\"}}", json);
    Map<?, ?> back = (Map<?, ?>) Json.parse(json);
    assertEquals(m.get("s"), back.get("s"));
    assertEquals(List.of(1L, 2L, true, "x"), back.get("l"));
  }

  @Test
  void writerRejectsLoneSurrogatesAndUnknownTypes() {
    assertThrows(IllegalArgumentException.class, () -> Json.write("\ud800"));
    assertThrows(IllegalArgumentException.class, () -> Json.write("\udc00x"));
    assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Json.write(1.5));
  }

  @Test
  void errorMessagesNeverEchoTheInput() {
    String secret = "hmcap_SECRETSECRETSECRETSECRET";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.parse("{\"capability\":\"" + secret + "\" oops}"));
    assertTrue(!e.getMessage().contains("SECRET"), e.getMessage());
  }
}
