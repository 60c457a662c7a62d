package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SLSA Provenance v1 {@code runDetails}: the required {@code builder}, optional {@code metadata}
 * (an empty one becomes {@code null}) and optional {@code byproducts}.
 *
 * <pre>{@code
 * var run = new RunDetails(Builder.of(builderId), new BuildMetadata(id, start, end), List.of());
 * }</pre>
 */
public record RunDetails(
    Builder builder, BuildMetadata metadata, List<ResourceDescriptor> byproducts) {
  public RunDetails {
    if (builder == null) {
      throw new AttestationException(Code.STATEMENT, "runDetails builder is missing");
    }
    metadata = metadata == null || metadata.isEmpty() ? null : metadata;
    byproducts = Members.copyList(byproducts, "runDetails byproducts");
  }

  /** Members in the SLSA order {@code builder, metadata, byproducts}. */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("builder", builder.toJson());
    Members.putIfPresent(out, "metadata", metadata == null ? null : metadata.toJson());
    Members.putIfPresent(out, "byproducts", Members.toJson(byproducts));
    return JsonObject.of(out);
  }

  public static RunDetails fromJson(JsonObject json) {
    return fromJson(json, "runDetails");
  }

  static RunDetails fromJson(JsonObject json, String path) {
    JsonObject metadata = Members.optObject(json, "metadata", path);
    return new RunDetails(
        Builder.fromJson(
            Members.requireObject(json, "builder", path), Members.path(path, "builder")),
        metadata == null ? null : BuildMetadata.fromJson(metadata, Members.path(path, "metadata")),
        Members.descriptors(json, "byproducts", path));
  }
}
