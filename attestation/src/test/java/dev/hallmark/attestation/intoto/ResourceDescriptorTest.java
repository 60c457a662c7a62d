package dev.hallmark.attestation.intoto;

import static dev.hallmark.attestation.intoto.Fixtures.assertStatementError;
import static dev.hallmark.attestation.intoto.Fixtures.json;
import static dev.hallmark.attestation.intoto.Fixtures.keys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * in-toto v1 ResourceDescriptor. README: the examples are the five of in-toto/attestation
 * spec/v1/resource_descriptor.md "Examples", copied verbatim into
 * intoto-resource-descriptor-examples.json; resource-descriptor-all-fields.json is Hallmark's own.
 */
class ResourceDescriptorTest {

  @Test
  void specExamplesRoundTripAsTrees() {
    List<?> examples = (List<?>) Fixtures.tree(Fixtures.INTOTO_DESCRIPTOR_EXAMPLES);
    assertEquals(5, examples.size());
    for (Object example : examples) {
      JsonObject original = (JsonObject) example;
      ResourceDescriptor d = ResourceDescriptor.fromJson(original);
      assertEquals(original, d.toJson());
      assertEquals(original, StrictJson.parse(StrictJson.write(d.toJson()), 1 << 20));
      assertEquals(d, ResourceDescriptor.fromJson(d.toJson()));
    }
  }

  @Test
  void readsSpecExampleFields() {
    List<?> examples = (List<?>) Fixtures.tree(Fixtures.INTOTO_DESCRIPTOR_EXAMPLES);
    ResourceDescriptor apk = ResourceDescriptor.fromJson((JsonObject) examples.get(0));
    assertEquals("Foo.apk", apk.name());
    assertEquals(Map.of("sha256", "7f4714fd..."), apk.digest());

    ResourceDescriptor runner = ResourceDescriptor.fromJson((JsonObject) examples.get(1));
    assertEquals(Boolean.FALSE, runner.annotations().get("twoPartyReview"));

    ResourceDescriptor worker = ResourceDescriptor.fromJson((JsonObject) examples.get(3));
    assertEquals("https://cloudbuild.googleapis.com/GoogleHostedWorker@v1", worker.uri());
    assertTrue(worker.digest().isEmpty());

    ResourceDescriptor tekton = ResourceDescriptor.fromJson((JsonObject) examples.get(4));
    String report = new String(tekton.content(), StandardCharsets.UTF_8);
    assertTrue(report.startsWith("{ \"result\": \"SUCCESS\""), report);
    assertEquals("application/json", tekton.mediaType());
  }

  @Test
  void allFieldsRoundTripInSchemaOrder() {
    JsonObject original = Fixtures.object(Fixtures.DESCRIPTOR_ALL_FIELDS);
    ResourceDescriptor d = ResourceDescriptor.fromJson(original);
    assertEquals("git+https://github.com/actions/runner", d.uri());
    assertEquals("gcc_9.3.0-1ubuntu2_amd64.intoto.json", d.name());
    assertEquals(
        "http://example.com/rebuilderd-instance/gcc_9.3.0-1ubuntu2_amd64.intoto.json",
        d.downloadLocation());
    assertEquals("application/x.dsse+json", d.mediaType());
    assertArrayEquals("{ \"result\": \"SUCCESS\" }".getBytes(StandardCharsets.UTF_8), d.content());
    assertEquals(List.of("sha256", "gitCommit"), List.copyOf(d.digest().keySet()));
    assertEquals(JsonNull.INSTANCE, d.annotations().get("note"));

    JsonObject out = d.toJson();
    assertEquals(original, out);
    assertEquals(
        List.of("name", "uri", "digest", "content", "downloadLocation", "mediaType", "annotations"),
        keys(out));
    assertEquals(List.of("sha256", "gitCommit"), keys((JsonObject) out.get("digest")));
  }

  @Test
  void preservesDigestOrderOfTheCaller() {
    Map<String, String> digest = new LinkedHashMap<>();
    digest.put("sha512", "b".repeat(128));
    digest.put("sha256", "a".repeat(64));
    digest.put("gitCommit", "c".repeat(40));
    ResourceDescriptor d = ResourceDescriptor.ofName("x", digest);
    assertEquals(List.of("sha512", "sha256", "gitCommit"), List.copyOf(d.digest().keySet()));
    assertEquals(
        "{\"name\":\"x\",\"digest\":{\"sha512\":\""
            + "b".repeat(128)
            + "\",\"sha256\":\""
            + "a".repeat(64)
            + "\",\"gitCommit\":\""
            + "c".repeat(40)
            + "\"}}",
        new String(StrictJson.write(d.toJson()), StandardCharsets.UTF_8));
  }

  @Test
  void copiesItsInputs() {
    Map<String, String> digest = new LinkedHashMap<>(Map.of("sha256", "a".repeat(64)));
    byte[] content = {1, 2, 3};
    ResourceDescriptor d = new ResourceDescriptor("u", digest, null, null, null, content, null);
    digest.put("sha1", "b".repeat(40));
    content[0] = 9;
    assertEquals(Map.of("sha256", "a".repeat(64)), d.digest());
    assertArrayEquals(new byte[] {1, 2, 3}, d.content());
    d.content()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, d.content());
    assertThrows(UnsupportedOperationException.class, () -> d.digest().put("x", "y"));
  }

  @Test
  void comparesContentByValue() {
    ResourceDescriptor a =
        new ResourceDescriptor(null, null, "n", null, null, new byte[] {1}, null);
    ResourceDescriptor b =
        new ResourceDescriptor(null, null, "n", null, null, new byte[] {1}, null);
    ResourceDescriptor c =
        new ResourceDescriptor(null, null, "n", null, null, new byte[] {2}, null);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
    assertFalse(a.toString().contains("[B@"), a.toString());
  }

  @Test
  void emptyValuesAreUnsetAndOmitted() {
    ResourceDescriptor d =
        new ResourceDescriptor("u", null, "", "", "", new byte[0], JsonObject.of(Map.of()));
    assertNull(d.name());
    assertNull(d.downloadLocation());
    assertNull(d.mediaType());
    assertNull(d.content());
    assertNull(d.annotations());
    assertTrue(d.digest().isEmpty());
    assertEquals(json("{\"uri\":\"u\"}"), d.toJson());
  }

  @Test
  void rejectsDescriptorWithNoneOfUriDigestContent() {
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"name\":\"x\"}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"uri\":\"\",\"digest\":{}}")));
    assertStatementError(
        () -> new ResourceDescriptor(null, Map.of(), "x", null, null, new byte[0], null));
  }

  @Test
  void acceptsContentAlone() {
    ResourceDescriptor d = ResourceDescriptor.fromJson(json("{\"content\":\"AQID\"}"));
    assertArrayEquals(new byte[] {1, 2, 3}, d.content());
  }

  @Test
  void rejectsNonCanonicalBase64Content() {
    assertStatementError(
        () ->
            ResourceDescriptor.fromJson(json("{\"content\":\"eyAicmVzdWx0IjogIlNVQ0NFU1MiIH0\"}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"content\":\"AQI=\\n\"}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"content\":\"-_8=\"}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"content\":\"AR==\"}")));
  }

  @Test
  void rejectsKnownMembersOfTheWrongType() {
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"uri\":1}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"uri\":\"u\",\"name\":null}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"digest\":{\"sha256\":1}}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"digest\":[\"a\"]}")));
    assertStatementError(() -> ResourceDescriptor.fromJson(json("{\"uri\":\"u\",\"content\":1}")));
    assertStatementError(
        () -> ResourceDescriptor.fromJson(json("{\"uri\":\"u\",\"annotations\":[]}")));
    assertStatementError(
        () -> ResourceDescriptor.fromJson(json("{\"uri\":\"u\",\"mediaType\":true}")));
  }

  @Test
  void ignoresUnknownMembers() {
    ResourceDescriptor d =
        ResourceDescriptor.fromJson(json("{\"uri\":\"u\",\"vendor_extra\":{\"a\":1}}"));
    assertEquals(json("{\"uri\":\"u\"}"), d.toJson());
  }

  @Test
  void rejectsNullDigestEntries() {
    Map<String, String> digest = new LinkedHashMap<>();
    digest.put("sha256", null);
    assertStatementError(() -> ResourceDescriptor.ofName("x", digest));
  }
}
