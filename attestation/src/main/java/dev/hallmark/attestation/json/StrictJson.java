package dev.hallmark.attestation.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one strict JSON codec of Hallmark (FORMATS conventions): UTF-8 without BOM, fatal on invalid
 * UTF-8, duplicate keys rejected at every depth, nesting at most 64 levels, no trailing bytes, no
 * lone surrogates from {@code \\u} escapes. Parsing yields an immutable tree of {@link JsonObject},
 * {@code List<Object>}, {@link String}, {@link Long} or {@link BigInteger} (integers), {@link
 * Double} (numbers with a fraction or exponent), {@link Boolean} and {@link JsonNull}.
 *
 * <pre>{@code
 * JsonObject bundle = StrictJson.parseObject(bytes, StrictJson.BUNDLE_LIMIT);
 * String mediaType = bundle.requireString("mediaType");
 * }</pre>
 */
public final class StrictJson {
  /** FORMATS §6: a bundle larger than 10 MiB fails. */
  public static final int BUNDLE_LIMIT = 10 * 1024 * 1024;
  /** FORMATS §1: discovery documents and JWKS are bounded at 1 MiB. */
  public static final int DOCUMENT_LIMIT = 1024 * 1024;
  /** FORMATS conventions: 64 levels pass, 65 fail. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxDocumentLength(BUNDLE_LIMIT)
                  .maxNumberLength(1000)
                  .maxStringLength(BUNDLE_LIMIT)
                  .build())
          .build();

  private StrictJson() {}

  /** Parses {@code bytes} as one JSON value; {@code limit} bounds the input size in bytes. */
  public static Object parse(byte[] bytes, int limit) {
    if (bytes.length > limit) {
      throw new AttestationException(
          Code.JSON, "JSON document of " + bytes.length + " bytes exceeds the limit of " + limit);
    }
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      throw new AttestationException(Code.JSON, "JSON starts with a byte-order mark");
    }
    char[] chars = decodeUtf8(bytes);
    try (JsonParser parser = FACTORY.createParser(chars)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new AttestationException(Code.JSON, "empty JSON document");
      }
      Object value = readValue(parser, first);
      JsonToken trailing;
      try {
        trailing = parser.nextToken();
      } catch (JsonProcessingException e) {
        throw new AttestationException(Code.JSON, "unexpected bytes after the JSON value");
      }
      if (trailing != null) {
        throw new AttestationException(Code.JSON, "unexpected bytes after the JSON value");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new AttestationException(Code.JSON, "invalid JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new AttestationException(Code.JSON, "invalid JSON: " + oneLine(e.getMessage()));
    }
  }

  /** Parses {@code bytes} and requires the value to be an object. */
  public static JsonObject parseObject(byte[] bytes, int limit) {
    Object value = parse(bytes, limit);
    if (value instanceof JsonObject o) {
      return o;
    }
    throw new AttestationException(Code.JSON, "JSON value is not an object");
  }

  private static char[] decodeUtf8(byte[] bytes) {
    // Fast path: pure ASCII needs no decoder.
    int n = bytes.length;
    char[] ascii = new char[n];
    for (int i = 0; i < n; i++) {
      byte b = bytes[i];
      if (b < 0) {
        return decodeUtf8Slow(bytes);
      }
      ascii[i] = (char) b;
    }
    return ascii;
  }

  private static char[] decodeUtf8Slow(byte[] bytes) {
    try {
      // The JDK decoder rejects overlong forms, encoded surrogates and code points past U+10FFFF.
      CharBuffer cb =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new AttestationException(Code.JSON, "JSON is not valid UTF-8");
    }
  }

  private static Object readValue(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        {
          LinkedHashMap<String, Object> members = new LinkedHashMap<>();
          JsonToken next;
          while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = checkSurrogates(p.currentName());
            members.put(name, readValue(p, p.nextToken()));
          }
          if (next != JsonToken.END_OBJECT) {
            throw new AttestationException(Code.JSON, "invalid JSON object");
          }
          return new JsonObject(Collections.unmodifiableMap(members));
        }
      case START_ARRAY:
        {
          ArrayList<Object> items = new ArrayList<>();
          JsonToken next;
          while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
            if (next == null) {
              throw new AttestationException(Code.JSON, "unterminated JSON array");
            }
            items.add(readValue(p, next));
          }
          return Collections.unmodifiableList(items);
        }
      case VALUE_STRING:
        return checkSurrogates(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
          case LONG:
            return p.getLongValue();
          default:
            return p.getBigIntegerValue();
        }
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return JsonNull.INSTANCE;
      default:
        throw new AttestationException(Code.JSON, "invalid JSON token " + t);
    }
  }

  /** FORMATS conventions: a {@code \\u} escape of a lone surrogate is invalid JSON. */
  private static String checkSurrogates(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new AttestationException(Code.JSON, "JSON string holds a lone surrogate");
        }
      }
    }
    return s;
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "malformed input";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  // ---------------------------------------------------------------- writing

  /** Serializes a tree (maps, lists, strings, numbers, booleans, null) as compact UTF-8 JSON. */
  public static byte[] write(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    write(value, out, false);
    return out.toByteArray();
  }

  /** Compact, and with {@code asciiOnly} every non-ASCII character escaped (see {@link #writePretty(Object, boolean)}). */
  public static byte[] write(Object value, boolean asciiOnly) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    write(value, out, false, asciiOnly);
    return out.toByteArray();
  }

  /** Serializes a tree as JSON with two-space indentation, for people. */
  public static byte[] writePretty(Object value) {
    return writePretty(value, false);
  }

  /**
   * As {@link #writePretty(Object)}; with {@code asciiOnly} every non-ASCII character is written as
   * a {@code \\u} escape (same values, and safe to print on any terminal).
   */
  public static byte[] writePretty(Object value, boolean asciiOnly) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    write(value, out, true, asciiOnly);
    return out.toByteArray();
  }

  /** Serializes a tree to {@code out} without closing it. */
  public static void write(Object value, OutputStream out, boolean pretty) {
    write(value, out, pretty, false);
  }

  private static void write(Object value, OutputStream out, boolean pretty, boolean asciiOnly) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      if (asciiOnly) {
        g.enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
      }
      if (pretty) {
        DefaultPrettyPrinter pp =
            new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withoutSpacesInObjectEntries();
        g.setPrettyPrinter(new PrettyPrinterWithColonSpace(pp));
      }
      writeValue(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null || v == JsonNull.INSTANCE) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof JsonObject o) {
      writeMap(g, o.members());
    } else if (v instanceof Map<?, ?> m) {
      writeMap(g, m);
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object item : l) {
        writeValue(g, item);
      }
      g.writeEndArray();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Long || v instanceof Integer) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigInteger bi) {
      g.writeNumber(bi);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  private static void writeMap(JsonGenerator g, Map<?, ?> m) throws IOException {
    g.writeStartObject();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      g.writeFieldName((String) e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  /** Jackson's default pretty printer writes {@code "a" : 1}; we write {@code "a": 1}. */
  private static final class PrettyPrinterWithColonSpace extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;

    PrettyPrinterWithColonSpace(DefaultPrettyPrinter base) {
      super(base);
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new PrettyPrinterWithColonSpace(this);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }
  }
}
