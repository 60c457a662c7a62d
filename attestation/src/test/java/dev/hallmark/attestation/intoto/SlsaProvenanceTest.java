package dev.hallmark.attestation.intoto;

import static dev.hallmark.attestation.intoto.Fixtures.assertStatementError;
import static dev.hallmark.attestation.intoto.Fixtures.json;
import static dev.hallmark.attestation.intoto.Fixtures.keys;
import static dev.hallmark.attestation.intoto.Fixtures.obj;
import static dev.hallmark.attestation.intoto.Fixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SLSA Provenance v1 predicate and its parts. README: the example is the predicate of
 * slsa-framework/github-actions-buildtypes workflow/v1/example.json, copied verbatim.
 */
class SlsaProvenanceTest {

  private static JsonObject predicate() {
    return Fixtures.object(Fixtures.SLSA_EXAMPLE).requireObject("predicate");
  }

  private static JsonObject definition() {
    return predicate().requireObject("buildDefinition");
  }

  private static JsonObject runDetails() {
    return predicate().requireObject("runDetails");
  }

  @Test
  void examplePredicateRoundTripsAsTree() {
    JsonObject original = predicate();
    SlsaProvenance p = SlsaProvenance.fromJson(original);
    assertEquals(original, p.toJson());
    assertEquals(p, SlsaProvenance.fromJson(p.toJson()));
    assertEquals(definition(), BuildDefinition.fromJson(definition()).toJson());
    assertEquals(runDetails(), RunDetails.fromJson(runDetails()).toJson());
  }

  @Test
  void writesEveryFieldInSpecOrder() {
    ResourceDescriptor dep = ResourceDescriptor.ofUri("https://example.com/dep", null);
    Map<String, String> version = new LinkedHashMap<>();
    version.put("runner", "2.0");
    version.put("agent", "1.1");
    Builder builder = new Builder("https://example.com/builder", version, List.of(dep));
    RunDetails run =
        new RunDetails(
            builder,
            new BuildMetadata(
                "inv-1",
                Instant.parse("2026-04-28T12:00:00Z"),
                Instant.parse("2026-04-28T12:05:00Z")),
            List.of(dep));
    BuildDefinition def =
        new BuildDefinition("https://example.com/type", obj("a", "b"), obj("c", "d"), List.of(dep));
    SlsaProvenance p = new SlsaProvenance(def, run);

    JsonObject out = p.toJson();
    assertEquals(List.of("buildDefinition", "runDetails"), keys(out));
    assertEquals(
        List.of("buildType", "externalParameters", "internalParameters", "resolvedDependencies"),
        keys(out.requireObject("buildDefinition")));
    JsonObject runJson = out.requireObject("runDetails");
    assertEquals(List.of("builder", "metadata", "byproducts"), keys(runJson));
    assertEquals(
        List.of("id", "builderDependencies", "version"), keys(runJson.requireObject("builder")));
    assertEquals(
        List.of("runner", "agent"),
        keys(runJson.requireObject("builder").requireObject("version")));
    assertEquals(
        List.of("invocationId", "startedOn", "finishedOn"),
        keys(runJson.requireObject("metadata")));
    assertEquals(p, SlsaProvenance.fromJson(out));
  }

  @Test
  void omitsAbsentOptionalFieldsButKeepsRequiredOnes() {
    BuildDefinition def = new BuildDefinition("t", JsonObject.of(Map.of()), null, null);
    assertEquals(json("{\"buildType\":\"t\",\"externalParameters\":{}}"), def.toJson());
    RunDetails run = new RunDetails(Builder.of("b"), new BuildMetadata(null, null, null), null);
    assertNull(run.metadata());
    assertEquals(json("{\"builder\":{\"id\":\"b\"}}"), run.toJson());
    BuildDefinition emptyInternal =
        new BuildDefinition("t", JsonObject.of(Map.of()), JsonObject.of(Map.of()), List.of());
    assertNull(emptyInternal.internalParameters());
  }

  @Test
  void rejectsMissingRequiredFields() {
    assertStatementError(() -> SlsaProvenance.fromJson(with(predicate(), "buildDefinition", null)));
    assertStatementError(() -> SlsaProvenance.fromJson(with(predicate(), "runDetails", null)));
    assertStatementError(() -> BuildDefinition.fromJson(with(definition(), "buildType", null)));
    assertStatementError(() -> BuildDefinition.fromJson(with(definition(), "buildType", "")));
    assertStatementError(
        () -> BuildDefinition.fromJson(with(definition(), "externalParameters", null)));
    assertStatementError(() -> RunDetails.fromJson(with(runDetails(), "builder", null)));
    assertStatementError(
        () -> RunDetails.fromJson(with(runDetails(), "builder", obj("version", obj()))));
  }

  @Test
  void rejectsKnownFieldsOfTheWrongType() {
    assertStatementError(() -> BuildDefinition.fromJson(with(definition(), "buildType", 1L)));
    assertStatementError(
        () -> BuildDefinition.fromJson(with(definition(), "externalParameters", "x")));
    assertStatementError(
        () -> BuildDefinition.fromJson(with(definition(), "internalParameters", List.of())));
    assertStatementError(
        () ->
            BuildDefinition.fromJson(with(definition(), "internalParameters", JsonNull.INSTANCE)));
    assertStatementError(
        () -> BuildDefinition.fromJson(with(definition(), "resolvedDependencies", obj())));
    assertStatementError(
        () -> BuildDefinition.fromJson(with(definition(), "resolvedDependencies", List.of("x"))));
    assertStatementError(
        () -> BuildDefinition.fromJson(with(definition(), "resolvedDependencies", List.of(obj()))));
    assertStatementError(() -> RunDetails.fromJson(with(runDetails(), "metadata", "x")));
    assertStatementError(() -> RunDetails.fromJson(with(runDetails(), "byproducts", obj())));
    assertStatementError(
        () ->
            RunDetails.fromJson(
                with(runDetails(), "builder", obj("id", "b", "version", obj("x", 1L)))));
    assertStatementError(
        () ->
            RunDetails.fromJson(
                with(runDetails(), "builder", obj("id", "b", "builderDependencies", "x"))));
  }

  @Test
  void constructorsRejectMissingRequiredFields() {
    BuildDefinition def = BuildDefinition.fromJson(definition());
    RunDetails run = RunDetails.fromJson(runDetails());
    assertStatementError(() -> new SlsaProvenance(null, run));
    assertStatementError(() -> new SlsaProvenance(def, null));
    assertStatementError(() -> new BuildDefinition(null, obj(), null, null));
    assertStatementError(() -> new BuildDefinition("t", null, null, null));
    assertStatementError(() -> new RunDetails(null, null, null));
    assertStatementError(() -> Builder.of(""));
    assertStatementError(() -> Builder.of(null));
    List<ResourceDescriptor> withNull = new ArrayList<>();
    withNull.add(null);
    assertStatementError(() -> new BuildDefinition("t", obj(), null, withNull));
  }

  @Test
  void copiesListsAndMaps() {
    List<ResourceDescriptor> deps = new ArrayList<>();
    deps.add(ResourceDescriptor.ofUri("u", null));
    Map<String, String> version = new LinkedHashMap<>(Map.of("a", "1"));
    BuildDefinition def = new BuildDefinition("t", obj(), null, deps);
    Builder builder = new Builder("b", version, deps);
    deps.clear();
    version.clear();
    assertEquals(1, def.resolvedDependencies().size());
    assertEquals(1, builder.builderDependencies().size());
    assertEquals(Map.of("a", "1"), builder.version());
    assertThrows(UnsupportedOperationException.class, () -> def.resolvedDependencies().clear());
    assertThrows(UnsupportedOperationException.class, () -> builder.version().clear());
  }
}
