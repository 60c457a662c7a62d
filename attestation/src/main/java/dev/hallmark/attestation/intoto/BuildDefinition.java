package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SLSA Provenance v1 {@code buildDefinition}: the required {@code buildType} and {@code
 * externalParameters} (an object, possibly empty), optional {@code internalParameters} (an empty
 * one becomes {@code null}) and {@code resolvedDependencies}.
 *
 * <pre>{@code
 * var definition = new BuildDefinition(buildType, external, internal, List.of(source));
 * }</pre>
 */
public record BuildDefinition(
    String buildType,
    JsonObject externalParameters,
    JsonObject internalParameters,
    List<ResourceDescriptor> resolvedDependencies) {
  public BuildDefinition {
    if (buildType == null || buildType.isEmpty()) {
      throw new AttestationException(
          Code.STATEMENT, "buildDefinition buildType is missing or empty");
    }
    if (externalParameters == null) {
      throw new AttestationException(
          Code.STATEMENT, "buildDefinition externalParameters is missing");
    }
    internalParameters = Members.emptyToNull(internalParameters);
    resolvedDependencies =
        Members.copyList(resolvedDependencies, "buildDefinition resolvedDependencies");
  }

  /**
   * Members in the SLSA order {@code buildType, externalParameters, internalParameters,
   * resolvedDependencies}; {@code externalParameters} is always written, being required.
   */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("buildType", buildType);
    out.put("externalParameters", externalParameters);
    Members.putIfPresent(out, "internalParameters", internalParameters);
    Members.putIfPresent(out, "resolvedDependencies", Members.toJson(resolvedDependencies));
    return JsonObject.of(out);
  }

  public static BuildDefinition fromJson(JsonObject json) {
    return fromJson(json, "buildDefinition");
  }

  static BuildDefinition fromJson(JsonObject json, String path) {
    return new BuildDefinition(
        Members.requireString(json, "buildType", path),
        Members.requireObject(json, "externalParameters", path),
        Members.optObject(json, "internalParameters", path),
        Members.descriptors(json, "resolvedDependencies", path));
  }
}
