package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SLSA Provenance v1 {@code runDetails.metadata}: every field is optional. Timestamps are written
 * in RFC 3339 UTC, whole seconds when the instant has no fraction ({@code 2026-04-28T12:00:00Z}),
 * and must fall in the years 0000 to 9999.
 *
 * <pre>{@code
 * var metadata = new BuildMetadata(invocationUrl, startedOn, Instant.now());
 * }</pre>
 */
public record BuildMetadata(String invocationId, Instant startedOn, Instant finishedOn) {
  public BuildMetadata {
    invocationId = Members.emptyToNull(invocationId);
    Members.checkTimestamp(startedOn, "build metadata startedOn");
    Members.checkTimestamp(finishedOn, "build metadata finishedOn");
  }

  /** True when no field is set: the object is then omitted from {@link RunDetails}. */
  public boolean isEmpty() {
    return invocationId == null && startedOn == null && finishedOn == null;
  }

  /** Members in the SLSA order {@code invocationId, startedOn, finishedOn}. */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    Members.putIfPresent(out, "invocationId", invocationId);
    Members.putIfPresent(
        out, "startedOn", startedOn == null ? null : Members.formatTimestamp(startedOn));
    Members.putIfPresent(
        out, "finishedOn", finishedOn == null ? null : Members.formatTimestamp(finishedOn));
    return JsonObject.of(out);
  }

  public static BuildMetadata fromJson(JsonObject json) {
    return fromJson(json, "metadata");
  }

  static BuildMetadata fromJson(JsonObject json, String path) {
    return new BuildMetadata(
        Members.optString(json, "invocationId", path),
        Members.optTimestamp(json, "startedOn", path),
        Members.optTimestamp(json, "finishedOn", path));
  }
}
