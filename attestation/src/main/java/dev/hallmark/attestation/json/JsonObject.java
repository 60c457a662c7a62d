package dev.hallmark.attestation.json;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * An immutable JSON object from {@link StrictJson}, with typed accessors that fail with {@link
 * Code#SHAPE} and a message naming the member. {@code require*} fails when the member is absent;
 * {@code opt*} returns {@code null} when it is absent and fails when it is present with the wrong
 * type (FORMATS conventions: a known optional member of the wrong type fails like a required one).
 *
 * <pre>{@code
 * JsonObject claims = StrictJson.parseObject(bytes, limit);
 * String iss = claims.requireString("iss");
 * long iat = claims.requireTime("iat");
 * }</pre>
 */
public final class JsonObject {
  /** FORMATS conventions: time values run from 0 to 2^53-1. */
  public static final long MAX_TIME = (1L << 53) - 1;

  private final Map<String, Object> members;

  JsonObject(Map<String, Object> members) {
    this.members = members;
  }

  /** Wraps an insertion-ordered map built by the caller (for writing). */
  public static JsonObject of(Map<String, Object> members) {
    return new JsonObject(java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(members)));
  }

  public Map<String, Object> members() {
    return members;
  }

  public boolean has(String name) {
    return members.containsKey(name);
  }

  /** The raw member value, or {@code null} when absent. */
  public Object get(String name) {
    return members.get(name);
  }

  public String requireString(String name) {
    return string(name, true);
  }

  public String optString(String name) {
    return string(name, false);
  }

  public JsonObject requireObject(String name) {
    return object(name, true);
  }

  public JsonObject optObject(String name) {
    return object(name, false);
  }

  public List<Object> requireArray(String name) {
    Object v = require(name);
    if (v instanceof List<?>) {
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) v;
      return list;
    }
    throw wrongType(name, "an array");
  }

  /** A time value: a JSON integer from 0 to 2^53-1 (no fraction, no exponent). */
  public long requireTime(String name) {
    return time(name, require(name));
  }

  /** A time value, or {@code null} when absent. */
  public Long optTime(String name) {
    Object v = members.get(name);
    return v == null ? null : time(name, v);
  }

  private long time(String name, Object v) {
    if (v instanceof Long l && l >= 0 && l <= MAX_TIME) {
      return l;
    }
    if (v instanceof Long || v instanceof BigInteger) {
      throw new AttestationException(Code.SHAPE, "'" + name + "' is outside 0 to 2^53-1");
    }
    throw wrongType(name, "an integer");
  }

  private String string(String name, boolean required) {
    Object v = required ? require(name) : members.get(name);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw wrongType(name, "a string");
  }

  private JsonObject object(String name, boolean required) {
    Object v = required ? require(name) : members.get(name);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw wrongType(name, "an object");
  }

  private Object require(String name) {
    Object v = members.get(name);
    if (v == null) {
      throw new AttestationException(Code.SHAPE, "'" + name + "' is missing");
    }
    return v;
  }

  private static AttestationException wrongType(String name, String expected) {
    return new AttestationException(Code.SHAPE, "'" + name + "' is not " + expected);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonObject other && other.members.equals(members);
  }

  @Override
  public int hashCode() {
    return members.hashCode();
  }

  @Override
  public String toString() {
    return new String(StrictJson.write(this), java.nio.charset.StandardCharsets.UTF_8);
  }
}
