package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and writes the members of statement objects. Every failure is {@link Code#STATEMENT} with a
 * message naming the member by its path in the statement ({@code predicate.runDetails.builder.id}),
 * because FORMATS §6 charges every defect of the payload to the {@code statement} check. A known
 * optional member of the wrong type (JSON {@code null} included) fails like a required one (FORMATS
 * conventions).
 */
final class Members {
  /**
   * in-toto Timestamp: RFC 3339 in UTC, {@code <YYYY>-<MM>-<DD>T<hh>:<mm>:<ss>[.<frac>]Z}, upper
   * case {@code T} and {@code Z}, at most nanoseconds. A leap second ({@code :60}) is refused: an
   * {@link Instant} cannot hold it, so it would not survive a round trip.
   */
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z");

  private static final Instant MIN_TIMESTAMP = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private Members() {}

  static AttestationException fail(String path, String problem) {
    return new AttestationException(Code.STATEMENT, "statement " + path + " " + problem);
  }

  static String path(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  static String requireString(JsonObject o, String name, String parent) {
    String s = optString(o, name, parent);
    if (s == null || s.isEmpty()) {
      throw fail(path(parent, name), "is missing or empty");
    }
    return s;
  }

  static String optString(JsonObject o, String name, String parent) {
    Object v = o.get(name);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw fail(path(parent, name), "is not a string");
  }

  static JsonObject requireObject(JsonObject o, String name, String parent) {
    JsonObject v = optObject(o, name, parent);
    if (v == null) {
      throw fail(path(parent, name), "is missing");
    }
    return v;
  }

  static JsonObject optObject(JsonObject o, String name, String parent) {
    Object v = o.get(name);
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw fail(path(parent, name), "is not an object");
  }

  /** An array of objects; {@code null} when absent. */
  static List<JsonObject> optObjectArray(JsonObject o, String name, String parent) {
    Object v = o.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> list)) {
      throw fail(path(parent, name), "is not an array");
    }
    List<JsonObject> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof JsonObject item)) {
        throw fail(path(parent, name) + "[" + i + "]", "is not an object");
      }
      out.add(item);
    }
    return out;
  }

  static List<ResourceDescriptor> descriptors(JsonObject o, String name, String parent) {
    List<JsonObject> items = optObjectArray(o, name, parent);
    if (items == null) {
      return List.of();
    }
    List<ResourceDescriptor> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(ResourceDescriptor.fromJson(items.get(i), path(parent, name) + "[" + i + "]"));
    }
    return out;
  }

  /** A JSON object whose members are all strings (DigestSet, {@code builder.version}). */
  static Map<String, String> optStringMap(JsonObject o, String name, String parent) {
    JsonObject m = optObject(o, name, parent);
    if (m == null) {
      return Map.of();
    }
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : m.members().entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw fail(path(path(parent, name), e.getKey()), "is not a string");
      }
      out.put(e.getKey(), s);
    }
    return Collections.unmodifiableMap(out);
  }

  /** An insertion-ordered, unmodifiable copy; {@code null} becomes empty. */
  static Map<String, String> copyStringMap(Map<String, String> in, String what) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : in.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new AttestationException(Code.STATEMENT, what + " holds a null name or value");
      }
      out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }

  /** An unmodifiable copy; {@code null} becomes empty, a {@code null} element fails. */
  static <T> List<T> copyList(List<T> in, String what) {
    if (in == null) {
      return List.of();
    }
    for (T item : in) {
      if (item == null) {
        throw new AttestationException(Code.STATEMENT, what + " holds a null entry");
      }
    }
    return List.copyOf(in);
  }

  /** Unset, null and empty are equivalent (in-toto parsing rules): one spelling, {@code null}. */
  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static JsonObject emptyToNull(JsonObject o) {
    return o == null || o.members().isEmpty() ? null : o;
  }

  static Instant optTimestamp(JsonObject o, String name, String parent) {
    String s = optString(o, name, parent);
    if (s == null) {
      return null;
    }
    if (!TIMESTAMP.matcher(s).matches()) {
      throw fail(path(parent, name), "is not an RFC 3339 UTC timestamp");
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeException e) {
      throw fail(path(parent, name), "is not an RFC 3339 UTC timestamp");
    }
  }

  static void checkTimestamp(Instant t, String what) {
    if (t != null && (t.isBefore(MIN_TIMESTAMP) || t.isAfter(MAX_TIMESTAMP))) {
      throw new AttestationException(Code.STATEMENT, what + " is outside years 0000 to 9999");
    }
  }

  /**
   * RFC 3339 in UTC: whole seconds when the instant has no fraction, else the fraction without
   * trailing zeros ({@code 2026-04-28T12:00:00Z}, {@code 1985-04-12T23:20:50.52Z}).
   */
  static String formatTimestamp(Instant t) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(30);
    pad(sb, z.getYear(), 4).append('-');
    pad(sb, z.getMonthValue(), 2).append('-');
    pad(sb, z.getDayOfMonth(), 2).append('T');
    pad(sb, z.getHour(), 2).append(':');
    pad(sb, z.getMinute(), 2).append(':');
    pad(sb, z.getSecond(), 2);
    int nanos = z.getNano();
    if (nanos != 0) {
      StringBuilder frac = new StringBuilder(9);
      pad(frac, nanos, 9);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }

  /** Puts {@code value} when it is present: absent optional fields are omitted, never null. */
  static void putIfPresent(Map<String, Object> out, String name, Object value) {
    if (value == null
        || (value instanceof String s && s.isEmpty())
        || (value instanceof Map<?, ?> m && m.isEmpty())
        || (value instanceof JsonObject o && o.members().isEmpty())
        || (value instanceof List<?> l && l.isEmpty())) {
      return;
    }
    out.put(name, value);
  }

  static List<Object> toJson(List<ResourceDescriptor> descriptors) {
    List<Object> out = new ArrayList<>(descriptors.size());
    for (ResourceDescriptor d : descriptors) {
      out.add(d.toJson());
    }
    return Collections.unmodifiableList(out);
  }

  static JsonObject toJson(Map<String, String> map) {
    return map.isEmpty() ? null : JsonObject.of(new LinkedHashMap<String, Object>(map));
  }
}
