package dev.hallmark.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The declared secrets of the run's repository, as the orchestrator sends them to a job JVM: on
 * standard input after the job input line, one line of JSON each, never in argv, the environment
 * or a file. They live only in this object; {@link #toString()} names them and never shows a value.
 *
 * <pre>{@code
 * {"name":"DEPLOY_TOKEN","value":"s3cr3t-…"}
 * }</pre>
 *
 * <p>The rules are the orchestrator's ({@code hallmark secret set}), checked again here: at most
 * {@value #MAX_COUNT} secrets, names {@code [A-Z_][A-Z0-9_]*} of at most 128 characters, each once,
 * values 8 characters to 65,536 UTF-8 bytes without NUL.
 */
final class JobSecrets {
  static final int MAX_COUNT = 100;
  static final int MAX_VALUE_BYTES = 65_536;
  static final int MIN_VALUE_LENGTH = 8;
  /** A value JSON-escaped character by character ({@code \u0001}) is at most 6 bytes a byte. */
  static final int MAX_LINE_BYTES = 6 * MAX_VALUE_BYTES + 1024;
  static final Pattern NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
  /** A local execution (no orchestrator): nothing is declared. */
  static final JobSecrets NONE = new JobSecrets(Map.of());

  private final Map<String, String> values;

  private JobSecrets(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** Reads exactly {@code count} secret lines from {@code in}; {@link IllegalArgumentException} names the defect, never a value. */
  static JobSecrets read(InputStream in, long count) throws IOException {
    if (count < 0 || count > MAX_COUNT) {
      throw new IllegalArgumentException("member 'secrets' must be 0 to " + MAX_COUNT);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] line = readLine(in, i + 1, count);
      Map<String, Object> o;
      try {
        o = Json.parseObject(line); // its messages name offsets, never content
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("secret line " + (i + 1) + ": " + e.getMessage());
      }
      Object name = o.get("name");
      Object value = o.get("value");
      if (!(name instanceof String n) || !NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("secret line " + (i + 1) + ": 'name' must be 1 to 128 of A-Z 0-9 _ (no digit first)");
      }
      if (!(value instanceof String v)) {
        throw new IllegalArgumentException("secret " + n + ": 'value' is not a string");
      }
      checkValue(n, v);
      if (values.put(n, v) != null) {
        throw new IllegalArgumentException("secret " + n + " is given twice");
      }
    }
    return new JobSecrets(values);
  }

  private static void checkValue(String name, String v) {
    int bytes = v.getBytes(StandardCharsets.UTF_8).length;
    if (v.length() < MIN_VALUE_LENGTH || bytes > MAX_VALUE_BYTES || v.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("secret " + name + ": the value must be " + MIN_VALUE_LENGTH
          + " characters to " + MAX_VALUE_BYTES + " bytes, without NUL");
    }
  }

  /** One line of at most {@link #MAX_LINE_BYTES} (the JSON parser checks the UTF-8). */
  private static byte[] readLine(InputStream in, int n, long count) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() >= MAX_LINE_BYTES) {
        throw new IllegalArgumentException("secret line " + n + " is longer than " + MAX_LINE_BYTES + " bytes");
      }
      line.write(b);
    }
    if (b < 0) {
      throw new IllegalArgumentException("the job input announces " + count + " secrets but ends after " + (n - 1));
    }
    return line.toByteArray();
  }

  /** The value of {@code name}, or null when it is not declared. */
  String value(String name) {
    return values.get(name);
  }

  Set<String> names() {
    return values.keySet();
  }

  Iterable<String> values() {
    return values.values();
  }

  @Override
  public String toString() {
    return "JobSecrets" + values.keySet() + " (values redacted)";
  }
}
