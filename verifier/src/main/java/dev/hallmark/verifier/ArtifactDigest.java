package dev.hallmark.verifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The artifact that was hashed and its SHA-256 (FORMATS §7 {@code artifact}).
 *
 * <pre>{@code
 * ArtifactDigest a = result.artifact();   // null until the artifact was hashed
 * }</pre>
 */
public record ArtifactDigest(String path, String sha256) {
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("sha256", sha256);
    return m;
  }
}
