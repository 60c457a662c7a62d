package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SLSA Provenance v1 predicate ({@code https://slsa.dev/provenance/v1}): what was built ({@code
 * buildDefinition}) and by whom ({@code runDetails}), both required.
 *
 * <pre>{@code
 * SlsaProvenance p = SlsaProvenance.fromJson(statementJson.requireObject("predicate"));
 * String builderId = p.runDetails().builder().id();
 * }</pre>
 */
public record SlsaProvenance(BuildDefinition buildDefinition, RunDetails runDetails) {
  public SlsaProvenance {
    if (buildDefinition == null) {
      throw new AttestationException(Code.STATEMENT, "provenance buildDefinition is missing");
    }
    if (runDetails == null) {
      throw new AttestationException(Code.STATEMENT, "provenance runDetails is missing");
    }
  }

  /** Members in the SLSA order {@code buildDefinition, runDetails}. */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("buildDefinition", buildDefinition.toJson());
    out.put("runDetails", runDetails.toJson());
    return JsonObject.of(out);
  }

  public static SlsaProvenance fromJson(JsonObject json) {
    return fromJson(json, "predicate");
  }

  static SlsaProvenance fromJson(JsonObject json, String path) {
    String definition = Members.path(path, "buildDefinition");
    String run = Members.path(path, "runDetails");
    return new SlsaProvenance(
        BuildDefinition.fromJson(Members.requireObject(json, "buildDefinition", path), definition),
        RunDetails.fromJson(Members.requireObject(json, "runDetails", path), run));
  }
}
