package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The conformance corpus, read-only: the repository's copy {@code vectors/conformance} of the shared
 * corpus (kept identical by {@link VectorsCopyTest}), so a clone tests on its own. Loading fails,
 * never skips, when the corpus is missing or its case folders do not match the manifest.
 */
public final class ConformanceCorpus {
  public final Path dir;
  public final JsonObject manifest;
  public final List<JsonObject> cases;

  private ConformanceCorpus(Path dir, JsonObject manifest, List<JsonObject> cases) {
    this.dir = dir;
    this.manifest = manifest;
    this.cases = cases;
  }

  public static ConformanceCorpus load() {
    return load("conformance");
  }

  /** A corpus of the repository's vectors by folder name: {@code conformance} (v1) or {@code log} (revision 2, §8). */
  public static ConformanceCorpus load(String name) {
    Path dir = vectorsDir().resolve(name);
    Path manifestFile = dir.resolve("manifest.json");
    assertTrue(Files.isRegularFile(manifestFile), "conformance corpus missing: " + manifestFile.toAbsolutePath());
    try {
      JsonObject manifest = StrictJson.parseObject(Files.readAllBytes(manifestFile), StrictJson.BUNDLE_LIMIT);
      assertEquals("hallmark-v1-conformance", manifest.requireString("format"));
      List<JsonObject> cases = new ArrayList<>();
      for (Object c : manifest.requireArray("cases")) {
        cases.add((JsonObject) c);
      }
      long folders;
      try (Stream<Path> s = Files.list(dir.resolve("cases"))) {
        folders = s.filter(Files::isDirectory).count();
      }
      assertTrue(!cases.isEmpty(), "the manifest lists no case");
      assertEquals(cases.size(), folders, "case folders under cases/ differ from the manifest's case count");
      return new ConformanceCorpus(dir, manifest, cases);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The repository's {@code vectors} folder: the root POM's {@code hallmark.vectors.dir}, else (a test
   * run outside Maven, from a module folder) {@code ../vectors}.
   */
  public static Path vectorsDir() {
    String vectors = System.getProperty("hallmark.vectors.dir");
    Path dir = vectors != null && !vectors.isBlank() ? Path.of(vectors) : Path.of("..", "vectors");
    return dir.toAbsolutePath().normalize();
  }

  public Path resolve(String relative) {
    return dir.resolve(relative);
  }

  /**
   * Checks a §7 object (as maps from {@code toJson()} or parsed from the CLI's stdout) against a
   * manifest expectation. Shared with the CLI's subprocess test.
   */
  @SuppressWarnings("unchecked")
  public static void assertResult(JsonObject expect, Map<String, Object> out) {
    boolean verified = (Boolean) expect.get("verified");
    Object failed = expect.get("failedCheck");
    String expectedFailed = failed instanceof String s ? s : null;
    assertEquals(verified, out.get("verified"), "verified");
    assertEquals(expectedFailed, nullable(out.get("failedCheck")), "failedCheck");
    List<Object> checks = (List<Object>) out.get("checks");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Map<String, Object> check = asMap(checks.get(i));
      names.add((String) check.get("name"));
      boolean last = i == checks.size() - 1;
      assertEquals(verified || !last, check.get("ok"), "ok of check " + check.get("name"));
      assertTrue(check.get("message") instanceof String, "message is a string");
    }
    List<String> order = new ArrayList<>();
    for (Check k : Check.values()) {
      order.add(k.wireName());
    }
    if (verified) {
      assertEquals(order, names, "a verified result lists all ten checks");
      JsonObject identity = expect.requireObject("identity");
      Map<String, Object> outIdentity = asMap(out.get("identity"));
      assertNotNull(outIdentity, "identity");
      for (String k : identity.members().keySet()) {
        assertEquals(identity.get(k), outIdentity.get(k), "identity." + k);
      }
      List<Object> subjects = expect.requireArray("subjects");
      List<Object> outSubjects = (List<Object>) out.get("subjects");
      assertEquals(subjects.size(), outSubjects.size(), "subject count");
      for (int i = 0; i < subjects.size(); i++) {
        JsonObject s = (JsonObject) subjects.get(i);
        Map<String, Object> o = asMap(outSubjects.get(i));
        assertEquals(s.get("name"), o.get("name"), "subject name");
        assertEquals(s.get("sha256"), asMap(o.get("digest")).get("sha256"), "subject sha256");
      }
      Object artifactSha = expect.get("artifactSha256");
      if (artifactSha instanceof String sha) {
        assertEquals(sha, asMap(out.get("artifact")).get("sha256"), "artifact sha256");
      } else {
        assertNull(nullable(out.get("artifact")), "artifact");
      }
      if (expect.has("log")) {
        assertLog(expect.get("log"), out.get("log"));
      }
      Map<String, Object> policy = asMap(out.get("policy"));
      JsonObject expectedPolicy = expect.requireObject("policy");
      assertEquals(new LinkedHashMap<>(expectedPolicy.members()), new LinkedHashMap<>(policy), "policy");
    } else {
      assertFalse(names.isEmpty());
      assertEquals(order.subList(0, order.indexOf(expectedFailed) + 1), names, "checks run in order up to the failing one");
    }
  }

  /** The §7 {@code log} member: null, or origin, index, treeSize, witnesses, witnessedBefore exactly. */
  private static void assertLog(Object expected, Object actual) {
    Map<String, Object> e = asMap(expected);
    Map<String, Object> a = asMap(actual);
    if (e == null) {
      assertNull(a, "log");
      return;
    }
    assertNotNull(a, "log");
    assertEquals(e.keySet(), a.keySet(), "log members");
    for (String k : e.keySet()) {
      Object ev = nullable(e.get(k));
      Object av = nullable(a.get(k));
      if (ev instanceof Number n && av instanceof Number m) {
        assertEquals(n.toString(), m.toString(), "log." + k);
      } else {
        assertEquals(ev, av, "log." + k);
      }
    }
  }

  private static Object nullable(Object o) {
    return o == JsonNull.INSTANCE ? null : o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    if (o instanceof JsonObject j) {
      return j.members();
    }
    return (Map<String, Object>) nullable(o);
  }
}
