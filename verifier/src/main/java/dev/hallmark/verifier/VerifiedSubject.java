package dev.hallmark.verifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A subject of a statement that passed the {@code statement} check: its name and SHA-256.
 *
 * <pre>{@code
 * for (VerifiedSubject s : result.subjects()) System.out.println(s.name() + " " + s.sha256());
 * }</pre>
 */
public record VerifiedSubject(String name, String sha256) {
  /** The §7 JSON form {@code {"name": …, "digest": {"sha256": …}}}. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("digest", Map.of("sha256", sha256));
    return m;
  }
}
