package dev.hallmark.attestation.intoto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/**
 * Test fixtures of this package. The JSON files under {@code
 * src/test/resources/dev/hallmark/attestation/intoto/} are copied verbatim from the specifications;
 * their README.md names each source file and commit.
 */
final class Fixtures {
  /** slsa-framework/github-actions-buildtypes workflow/v1/example.json, the SLSA v1.0 example. */
  static final String SLSA_EXAMPLE = "slsa-github-actions-workflow-v1-example.json";

  /** in-toto/attestation spec/predicates/test-result.md, "Example": an in-toto Statement v1. */
  static final String INTOTO_STATEMENT_EXAMPLE = "intoto-test-result-statement-example.json";

  /** in-toto/attestation spec/v1/resource_descriptor.md, the five "Examples", as one array. */
  static final String INTOTO_DESCRIPTOR_EXAMPLES = "intoto-resource-descriptor-examples.json";

  /** Hallmark's own descriptor with every in-toto v1 field set. */
  static final String DESCRIPTOR_ALL_FIELDS = "resource-descriptor-all-fields.json";

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Object tree(String name) {
    return StrictJson.parse(bytes(name), StrictJson.BUNDLE_LIMIT);
  }

  static JsonObject object(String name) {
    return StrictJson.parseObject(bytes(name), StrictJson.BUNDLE_LIMIT);
  }

  static JsonObject json(String text) {
    return StrictJson.parseObject(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1 << 20);
  }

  /** An insertion-ordered object from alternating names and values. */
  static JsonObject obj(Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return JsonObject.of(m);
  }

  static List<String> keys(JsonObject o) {
    return List.copyOf(o.members().keySet());
  }

  /** A copy of {@code o} with {@code name} set to {@code value}, or removed when it is null. */
  static JsonObject with(JsonObject o, String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(o.members());
    if (value == null) {
      m.remove(name);
    } else {
      m.put(name, value);
    }
    return JsonObject.of(m);
  }

  static void assertStatementError(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(AttestationException.Code.STATEMENT, ex.code(), ex.getMessage());
  }
}
