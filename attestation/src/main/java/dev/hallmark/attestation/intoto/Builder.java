package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SLSA Provenance v1 {@code runDetails.builder}: the required {@code id} of the trusted build
 * platform, and optional {@code version} (component name to version, in the caller's order) and
 * {@code builderDependencies}.
 *
 * <pre>{@code
 * var builder = Builder.of("https://ci.example.com/oidc/runner/embedded");
 * }</pre>
 */
public record Builder(
    String id, Map<String, String> version, List<ResourceDescriptor> builderDependencies) {
  public Builder {
    if (id == null || id.isEmpty()) {
      throw new AttestationException(Code.STATEMENT, "builder id is missing or empty");
    }
    version = Members.copyStringMap(version, "builder version");
    builderDependencies = Members.copyList(builderDependencies, "builder builderDependencies");
  }

  public static Builder of(String id) {
    return new Builder(id, Map.of(), List.of());
  }

  /** Members in the SLSA schema order {@code id, builderDependencies, version}. */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    Members.putIfPresent(out, "builderDependencies", Members.toJson(builderDependencies));
    Members.putIfPresent(out, "version", Members.toJson(version));
    return JsonObject.of(out);
  }

  public static Builder fromJson(JsonObject json) {
    return fromJson(json, "builder");
  }

  static Builder fromJson(JsonObject json, String path) {
    return new Builder(
        Members.requireString(json, "id", path),
        Members.optStringMap(json, "version", path),
        Members.descriptors(json, "builderDependencies", path));
  }
}
