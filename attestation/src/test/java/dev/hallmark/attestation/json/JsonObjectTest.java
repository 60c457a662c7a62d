package dev.hallmark.attestation.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Typed accessors: FORMATS conventions on time values and optional members. */
class JsonObjectTest {

  private static JsonObject obj(String json) {
    return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8), 1 << 20);
  }

  private static void assertShape(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.SHAPE, ex.code());
  }

  // ------------------------------------------------------------------ time values

  @Test
  void requireTimeAcceptsZero() {
    assertEquals(0L, obj("{\"t\":0}").requireTime("t"));
  }

  @Test
  void requireTimeAcceptsTwoToThe53MinusOne() {
    assertEquals(9007199254740991L, obj("{\"t\":9007199254740991}").requireTime("t"));
    assertEquals(9007199254740991L, JsonObject.MAX_TIME);
  }

  @Test
  void requireTimeAcceptsATypicalTimestamp() {
    assertEquals(1777377600L, obj("{\"t\":1777377600}").requireTime("t"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1", // negative
        "9007199254740992", // 2^53
        "9223372036854775807", // Long.MAX_VALUE
        "18446744073709551616", // BigInteger
        "-18446744073709551616",
        "1.0", // fraction
        "1e3", // exponent
        "1E3",
        "1777377600.0",
        "1.7773776E9",
        "\"1\"", // string
        "\"1777377600\"",
        "true",
        "null",
        "[1]",
        "{}"
      })
  void requireTimeRejects(String value) {
    JsonObject o = obj("{\"t\":" + value + "}");
    assertShape(() -> o.requireTime("t"));
    assertShape(() -> o.optTime("t"));
  }

  @Test
  void requireTimeRejectsAbsentMember() {
    assertShape(() -> obj("{}").requireTime("t"));
  }

  @Test
  void optTimeOfAbsentMemberIsNull() {
    assertNull(obj("{}").optTime("t"));
    assertEquals(5L, obj("{\"t\":5}").optTime("t"));
  }

  // ------------------------------------------------------------------ strings

  @Test
  void optStringOfAbsentMemberIsNull() {
    assertNull(obj("{\"other\":\"x\"}").optString("s"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "null", "[]", "{}", "[\"x\"]", "1.5"})
  void optStringOfWrongTypeFailsLikeRequired(String value) {
    JsonObject o = obj("{\"s\":" + value + "}");
    assertShape(() -> o.optString("s"));
    assertShape(() -> o.requireString("s"));
  }

  @Test
  void requireStringReturnsExactValue() {
    assertEquals(" A\u00e9 ", obj("{\"s\":\" A\\u00e9 \"}").requireString("s"));
    assertEquals("", obj("{\"s\":\"\"}").requireString("s"));
    assertEquals("x", obj("{\"s\":\"x\"}").optString("s"));
  }

  @Test
  void requireStringRejectsAbsentMember() {
    assertShape(() -> obj("{}").requireString("s"));
  }

  @Test
  void memberNamesAreCaseSensitive() {
    JsonObject o = obj("{\"Iss\":\"x\"}");
    assertShape(() -> o.requireString("iss"));
    assertNull(o.optString("iss"));
  }

  // ------------------------------------------------------------------ objects and arrays

  @Test
  void requireObjectAndOptObject() {
    JsonObject o = obj("{\"o\":{\"a\":1},\"s\":\"x\",\"n\":null}");
    assertEquals(1L, o.requireObject("o").get("a"));
    assertEquals(o.requireObject("o"), o.optObject("o"));
    assertNull(o.optObject("absent"));
    assertShape(() -> o.requireObject("absent"));
    assertShape(() -> o.requireObject("s"));
    assertShape(() -> o.optObject("s"));
    assertShape(() -> o.optObject("n"));
  }

  @Test
  void requireArray() {
    JsonObject o = obj("{\"a\":[1,\"x\"],\"o\":{},\"s\":\"[]\"}");
    assertEquals(List.of(1L, "x"), o.requireArray("a"));
    assertShape(() -> o.requireArray("o"));
    assertShape(() -> o.requireArray("s"));
    assertShape(() -> o.requireArray("absent"));
  }

  @Test
  void nullLiteralIsPresentButNotAnyType() {
    JsonObject o = obj("{\"n\":null}");
    assertTrue(o.has("n"));
    assertEquals(JsonNull.INSTANCE, o.get("n"));
    assertFalse(o.has("absent"));
    assertNull(o.get("absent"));
    assertShape(() -> o.requireString("n"));
    assertShape(() -> o.requireTime("n"));
    assertShape(() -> o.requireArray("n"));
  }

  // ------------------------------------------------------------------ construction and equality

  @Test
  void ofCopiesTheMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", "1");
    JsonObject o = JsonObject.of(m);
    m.put("b", "2");
    assertFalse(o.has("b"));
    assertThrows(UnsupportedOperationException.class, () -> o.members().put("c", "3"));
  }

  @Test
  void equalityFollowsMembers() {
    assertEquals(obj("{\"a\":1,\"b\":[true]}"), obj("{\"a\":1,\"b\":[true]}"));
    assertEquals(obj("{\"a\":1,\"b\":2}").hashCode(), obj("{\"a\":1,\"b\":2}").hashCode());
    assertNotEquals(obj("{\"a\":1}"), obj("{\"a\":2}"));
    assertNotEquals(obj("{\"a\":1}"), obj("{\"a\":1.0}"));
    assertNotEquals(obj("{\"a\":1}"), obj("{\"a\":\"1\"}"));
  }

  @Test
  void toStringIsCompactJson() {
    assertEquals("{\"a\":[1,\"x\"],\"b\":null}", obj("{ \"a\" : [1, \"x\"], \"b\" : null }").toString());
  }
}
