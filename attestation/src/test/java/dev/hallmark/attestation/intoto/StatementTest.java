package dev.hallmark.attestation.intoto;

import static dev.hallmark.attestation.intoto.Fixtures.assertStatementError;
import static dev.hallmark.attestation.intoto.Fixtures.json;
import static dev.hallmark.attestation.intoto.Fixtures.keys;
import static dev.hallmark.attestation.intoto.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * in-toto Statement v1 with a SLSA Provenance v1 predicate. README: the SLSA example is
 * slsa-framework/github-actions-buildtypes workflow/v1/example.json (the complete example the SLSA
 * v1.0 provenance spec links to), the in-toto one in-toto/attestation
 * spec/predicates/test-result.md "Example", both copied verbatim.
 */
class StatementTest {
  private static final String SHA =
      "fe4fe40ac7250263c5dbe1cf3138912f3f416140aa248637a60d65fe22c47da4";

  private static JsonObject slsaExample() {
    return Fixtures.object(Fixtures.SLSA_EXAMPLE);
  }

  @Test
  void slsaExampleRoundTripsAsTree() {
    JsonObject original = slsaExample();
    Statement statement = Statement.fromJson(original);
    assertEquals(original, statement.toJson());
    assertEquals(original, StrictJson.parse(statement.toJsonBytes(), StrictJson.BUNDLE_LIMIT));
    assertEquals(statement, Statement.parse(statement.toJsonBytes()));
  }

  @Test
  void readsSlsaExampleFields() {
    Statement s = Statement.parse(Fixtures.bytes(Fixtures.SLSA_EXAMPLE));
    assertEquals(Statement.SLSA_PROVENANCE_V1, s.predicateType());
    assertEquals(List.of(Subject.of("_", SHA)), s.subjects());

    BuildDefinition def = s.predicate().buildDefinition();
    assertEquals(
        "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1", def.buildType());
    assertEquals(123456768L, def.externalParameters().requireObject("inputs").get("build_id"));
    assertEquals(
        "refs/heads/main", def.externalParameters().requireObject("workflow").requireString("ref"));
    assertEquals(
        "workflow_dispatch",
        def.internalParameters().requireObject("github").requireString("event_name"));
    assertEquals(2, def.resolvedDependencies().size());
    assertEquals(
        Map.of("gitCommit", "c27d339ee6075c1f744c5d4b200f7901aad2c369"),
        def.resolvedDependencies().get(0).digest());
    assertTrue(def.resolvedDependencies().get(1).digest().isEmpty());

    RunDetails run = s.predicate().runDetails();
    assertEquals(
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v0.0.1",
        run.builder().id());
    assertEquals(
        "https://github.com/octocat/hello-world/actions/runs/1536140711/attempts/1",
        run.metadata().invocationId());
    assertEquals(Instant.parse("2023-01-01T12:34:56Z"), run.metadata().startedOn());
    assertNull(run.metadata().finishedOn());
    assertTrue(run.byproducts().isEmpty());
  }

  @Test
  void writesMembersInFixedOrder() {
    // The example puts "subject" last; the statement always writes it second.
    Statement s = Statement.fromJson(slsaExample());
    JsonObject out = s.toJson();
    assertEquals(List.of("_type", "subject", "predicateType", "predicate"), keys(out));
    assertEquals(List.of("buildDefinition", "runDetails"), keys((JsonObject) out.get("predicate")));
    String text = new String(s.toJsonBytes(), StandardCharsets.UTF_8);
    assertTrue(
        text.startsWith(
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"_\",\"digest\":{\"sha256\":\""
                + SHA
                + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{\"buildDefinition\":{\"buildType\":"),
        text);
  }

  @Test
  void bytesAreStableAcrossRoundTrips() {
    byte[] first = Statement.fromJson(slsaExample()).toJsonBytes();
    byte[] second = Statement.parse(first).toJsonBytes();
    assertArrayEquals(first, second);
  }

  @Test
  void refusesInTotoExampleThatBreaksFormats() {
    // A valid in-toto Statement v1, but not Hallmark's: another predicateType, and a subject with
    // neither name nor sha256 (FORMATS §3).
    JsonObject original = Fixtures.object(Fixtures.INTOTO_STATEMENT_EXAMPLE);
    assertEquals(Statement.TYPE, original.requireString("_type"));
    assertStatementError(() -> Statement.fromJson(original));
    JsonObject asSlsa = with(original, "predicateType", Statement.SLSA_PROVENANCE_V1);
    assertStatementError(() -> Statement.fromJson(asSlsa));
  }

  @Test
  void inTotoExampleDescriptorsRoundTrip() {
    JsonObject original = Fixtures.object(Fixtures.INTOTO_STATEMENT_EXAMPLE);
    List<Object> all = new ArrayList<>(original.requireArray("subject"));
    all.addAll(original.requireObject("predicate").requireArray("configuration"));
    for (Object o : all) {
      assertEquals(o, ResourceDescriptor.fromJson((JsonObject) o).toJson());
    }
  }

  @Test
  void rejectsWrongType() {
    assertStatementError(
        () ->
            Statement.fromJson(with(slsaExample(), "_type", "https://in-toto.io/Statement/v0.1")));
    assertStatementError(
        () -> Statement.fromJson(with(slsaExample(), "_type", "https://in-toto.io/Statement/v1/")));
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "_type", null)));
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "_type", 1L)));
  }

  @Test
  void rejectsForeignPredicateType() {
    assertStatementError(
        () ->
            Statement.fromJson(
                with(slsaExample(), "predicateType", "https://slsa.dev/provenance/v0.2")));
    assertStatementError(
        () ->
            Statement.fromJson(
                with(slsaExample(), "predicateType", "https://slsa.dev/provenance/v1?draft")));
    assertStatementError(
        () ->
            Statement.fromJson(
                with(slsaExample(), "predicateType", "https://SLSA.dev/provenance/v1")));
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "predicateType", null)));
  }

  @Test
  void rejectsStatementWithoutPredicate() {
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "predicate", null)));
    assertStatementError(
        () -> Statement.fromJson(with(slsaExample(), "predicate", JsonNull.INSTANCE)));
    assertStatementError(
        () -> Statement.fromJson(with(slsaExample(), "predicate", JsonObject.of(Map.of()))));
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "predicate", List.of())));
  }

  @Test
  void rejectsMissingOrEmptySubject() {
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "subject", null)));
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "subject", List.of())));
    assertStatementError(
        () -> Statement.fromJson(with(slsaExample(), "subject", Fixtures.obj("name", "x"))));
    assertStatementError(() -> Statement.fromJson(with(slsaExample(), "subject", List.of("x"))));
  }

  @Test
  void rejectsSubjectsBreakingFormats() {
    String[] bad = {
      "{\"name\":\"x\",\"digest\":{\"sha256\":\"" + SHA.toUpperCase() + "\"}}",
      "{\"name\":\"x\",\"digest\":{\"sha512\":\"" + SHA + SHA + "\"}}",
      "{\"digest\":{\"sha256\":\"" + SHA + "\"}}",
      "{\"name\":\"\",\"digest\":{\"sha256\":\"" + SHA + "\"}}",
      "{\"name\":\"evil\\u202egpj.exe\",\"digest\":{\"sha256\":\"" + SHA + "\"}}",
      "{\"name\":\"x\\u0085\",\"digest\":{\"sha256\":\"" + SHA + "\"}}",
      "{\"name\":\"" + "a".repeat(1025) + "\",\"digest\":{\"sha256\":\"" + SHA + "\"}}",
      "{\"name\":\"x\",\"digest\":{\"sha256\":1}}",
      "{\"name\":\"x\",\"uri\":\"https://example.com/x\"}",
    };
    for (String subject : bad) {
      JsonObject statement =
          with(
              slsaExample(),
              "subject",
              List.of(
                  Fixtures.object(Fixtures.SLSA_EXAMPLE).requireArray("subject").get(0),
                  json(subject)));
      assertStatementError(() -> Statement.fromJson(statement));
    }
  }

  @Test
  void acceptsOtherDigestsAndMembersBesideSubjectRules() {
    JsonObject subject =
        json(
            "{\"name\":\"dist/app.tgz\",\"uri\":\"pkg:npm/app@1\",\"digest\":{\"sha512\":\"zz\",\"sha256\":\""
                + SHA
                + "\"}}");
    Statement s = Statement.fromJson(with(slsaExample(), "subject", List.of(subject)));
    assertEquals(SHA, s.subjects().get(0).sha256());
    assertEquals(subject, s.toJson().requireArray("subject").get(0));
  }

  @Test
  void ignoresUnknownMembers() {
    JsonObject withExtras = with(slsaExample(), "vendor_extra", Fixtures.obj("a", 1L));
    JsonObject predicate = with(withExtras.requireObject("predicate"), "vendor_x", "y");
    Statement s = Statement.fromJson(with(withExtras, "predicate", predicate));
    assertEquals(slsaExample(), s.toJson());
  }

  @Test
  void parseRefusesMalformedPayloadAsStatement() {
    assertStatementError(() -> Statement.parse("not json".getBytes(StandardCharsets.UTF_8)));
    assertStatementError(() -> Statement.parse("[]".getBytes(StandardCharsets.UTF_8)));
    assertStatementError(
        () ->
            Statement.parse(
                "{\"_type\":\"a\",\"_type\":\"https://in-toto.io/Statement/v1\"}"
                    .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsDuplicateKeysInPayload() {
    String text = new String(Fixtures.bytes(Fixtures.SLSA_EXAMPLE), StandardCharsets.UTF_8);
    String dup =
        text.replaceFirst(
            "\"predicateType\"",
            "\"predicateType\": \"https://example.com/other\",\n    \"predicateType\"");
    assertStatementError(() -> Statement.parse(dup.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void constructorChecksAndCopies() {
    Statement example = Statement.fromJson(slsaExample());
    List<ResourceDescriptor> subjects = new ArrayList<>(example.subject());
    Statement s = Statement.of(subjects, example.predicate());
    subjects.clear();
    assertEquals(1, s.subject().size());
    assertThrows(UnsupportedOperationException.class, () -> s.subject().clear());

    assertStatementError(() -> Statement.of(List.of(), example.predicate()));
    assertStatementError(() -> Statement.of(null, example.predicate()));
    assertStatementError(() -> Statement.of(example.subject(), null));
    assertStatementError(
        () ->
            new Statement(
                example.subject(), "https://slsa.dev/provenance/v0.2", example.predicate()));
    assertStatementError(
        () ->
            Statement.of(
                List.of(ResourceDescriptor.ofName("a\u0000", Map.of("sha256", SHA))),
                example.predicate()));
  }
}
