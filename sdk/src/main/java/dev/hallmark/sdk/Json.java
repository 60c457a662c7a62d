package dev.hallmark.sdk;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's own small, strict JSON reader and writer, for its few wire messages only: the
 * {@code --describe} graph, the job input line, and the orchestrator's requests and responses.
 *
 * <p>Why not Jackson, like the rest of Hallmark: the workflow JVM is started with nothing but the
 * SDK jar on its class path ({@code java -cp hallmark-sdk.jar .hallmark/workflows/Release.java}),
 * compiles the workflow file and has to be running its first step within the job start-up budget.
 * Every dependency would have to travel beside the jar, be loaded on each job start, and would be
 * pinned onto the pipeline author's own class path. These messages are small and flat, so a few
 * hundred lines of the JDK suffice.
 *
 * <p>Strict as FORMATS.md's conventions ask: UTF-8 only (no byte-order mark, no invalid
 * sequences), duplicate object keys, nesting deeper than {@value #MAX_DEPTH} levels (the
 * top-level value being level 1), a lone surrogate (escaped or not), raw control characters in
 * strings, non-JSON number forms and anything but whitespace after the value are all rejected.
 * Objects read into insertion-ordered {@link Map}s, arrays into {@link List}s, integers that fit
 * into {@link Long}, other numbers into {@link BigDecimal}, {@code null} into {@code null}.
 *
 * <pre>{@code
 * Object v = Json.parse("{\"a\":[1,true,null]}");
 * String s = Json.write(Map.of("a", List.of(1L, "x")));   // {"a":[1,"x"]}
 * }</pre>
 *
 * <p>The writer escapes every character outside printable ASCII, so what it writes is ASCII
 * whatever the platform's default charset is.
 */
final class Json {
  static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses UTF-8 bytes; throws {@link IllegalArgumentException} naming the offset of a defect. */
  static Object parse(byte[] utf8) {
    if (utf8.length >= 3 && (utf8[0] & 0xff) == 0xef && (utf8[1] & 0xff) == 0xbb && (utf8[2] & 0xff) == 0xbf) {
      throw new IllegalArgumentException("invalid JSON: byte-order mark");
    }
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("invalid JSON: not valid UTF-8");
    }
    return parse(decoded);
  }

  /** Parses text; throws {@link IllegalArgumentException} naming the offset of a defect. */
  static Object parse(String text) {
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      throw new IllegalArgumentException("invalid JSON: byte-order mark");
    }
    Json p = new Json(text);
    Object value = p.value(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("trailing data after the JSON value");
    }
    return value;
  }

  /** Parses text that must be one JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(byte[] utf8) {
    Object v = parse(utf8);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("invalid JSON: expected an object");
    }
    return (Map<String, Object>) v;
  }

  /** The member {@code key} of {@code object}, required to be a string. */
  static String string(Map<String, Object> object, String key) {
    Object v = object.get(key);
    if (!(v instanceof String)) {
      throw new IllegalArgumentException(
          v == null ? "missing string member '" + key + "'" : "member '" + key + "' is not a string");
    }
    return (String) v;
  }

  /** The member {@code key} of {@code object}, required to be an integer. */
  static long integer(Map<String, Object> object, String key) {
    Object v = object.get(key);
    if (!(v instanceof Long)) {
      throw new IllegalArgumentException(
          v == null ? "missing integer member '" + key + "'" : "member '" + key + "' is not an integer");
    }
    return (Long) v;
  }

  // ---------------------------------------------------------------- reader

  private Object value(int depth) {
    skipWhitespace();
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character");
    }
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a string key");
      }
      int keyAt = pos;
      String key = string();
      if (map.containsKey(key)) {
        pos = keyAt;
        throw error("duplicate key");
      }
      skipWhitespace();
      expect(':');
      map.put(key, value(depth));
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == '}') {
        return Collections.unmodifiableMap(map);
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(value(depth));
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == ']') {
        return Collections.unmodifiableList(list);
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("control character in string");
      }
      if (c == '\\') {
        c = escape();
      }
      if (Character.isHighSurrogate(c)) {
        char low = lowSurrogateAfterHigh();
        sb.append(c).append(low);
      } else if (Character.isLowSurrogate(c)) {
        pos--;
        throw error("lone surrogate");
      } else {
        sb.append(c);
      }
    }
  }

  /** Reads the character after a backslash (already consumed). */
  private char escape() {
    if (pos >= text.length()) {
      throw error("unterminated string");
    }
    char e = text.charAt(pos++);
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        return hex4();
      default:
        pos--;
        throw error("invalid escape");
    }
  }

  private char hex4() {
    if (pos + 4 > text.length()) {
      throw error("truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos + i), 16);
      if (d < 0 || text.charAt(pos + i) > 'f') {
        throw error("invalid \\u escape");
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  /** After a high surrogate (raw or escaped), the low one must follow in the same form family. */
  private char lowSurrogateAfterHigh() {
    char next;
    if (pos < text.length() && text.charAt(pos) == '\\') {
      if (pos + 1 < text.length() && text.charAt(pos + 1) == 'u') {
        pos += 2;
        next = hex4();
      } else {
        throw error("lone surrogate");
      }
    } else if (pos < text.length()) {
      next = text.charAt(pos++);
    } else {
      throw error("unterminated string");
    }
    if (!Character.isLowSurrogate(next)) {
      throw error("lone surrogate");
    }
    return next;
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw error("invalid number");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      pos++;
      if (!isDigit(peek())) {
        throw error("invalid number");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number");
      }
      while (isDigit(peek())) {
        pos++;
      }
    }
    String literal = text.substring(start, pos);
    try {
      if (integral && literal.length() <= 19) {
        return Long.parseLong(literal);
      }
      return new BigDecimal(literal);
    } catch (NumberFormatException e) {
      if (integral) {
        return new BigDecimal(literal);
      }
      pos = start;
      throw error("number out of range");
    }
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        return;
      }
    }
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  private IllegalArgumentException error(String what) {
    // Offsets only: the input may hold a capability, which must never reach a message.
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
  }

  // ---------------------------------------------------------------- writer

  /**
   * Writes maps (string keys, in their iteration order), collections, strings, booleans,
   * integral numbers ({@link Integer}, {@link Long}) and {@code null}.
   */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 1);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("JSON nesting deeper than " + MAX_DEPTH + " levels");
    }
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String) {
      quote(sb, (String) value);
    } else if (value instanceof Boolean || value instanceof Long || value instanceof Integer) {
      sb.append(value);
    } else if (value instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException("JSON object keys must be strings");
        }
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote(sb, (String) e.getKey());
        sb.append(':');
        write(sb, e.getValue(), depth + 1);
      }
      sb.append('}');
    } else if (value instanceof Collection) {
      sb.append('[');
      boolean first = true;
      for (Object o : (Collection<?>) value) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        write(sb, o, depth + 1);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (Character.isHighSurrogate(c)) {
            if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
              throw new IllegalArgumentException("string holds a lone surrogate");
            }
            unicodeEscape(sb, c);
            unicodeEscape(sb, s.charAt(++i));
          } else if (Character.isLowSurrogate(c)) {
            throw new IllegalArgumentException("string holds a lone surrogate");
          } else if (c < 0x20 || c > 0x7e) {
            unicodeEscape(sb, c);
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  private static void unicodeEscape(StringBuilder sb, char c) {
    sb.append("\\u");
    String hex = Integer.toHexString(c);
    for (int k = hex.length(); k < 4; k++) {
      sb.append('0');
    }
    sb.append(hex);
  }
}
