package dev.hallmark.sdk;

import static java.util.Objects.requireNonNull;

/**
 * What the orchestrator answers when it has signed and durably stored a provenance bundle.
 *
 * <pre>{@code
 * Attestation a = ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"));
 * ctx.log().info("bundle " + a.storageKey() + " (" + a.bundleMediaType() + ")");
 * }</pre>
 *
 * @param storageKey the key under which the bundle can be downloaded from the orchestrator
 * @param subjectDigest the SHA-256 (64 lowercase hex) of the first subject attested; for
 *     several subjects, the first one's
 * @param bundleMediaType the bundle's media type, {@code application/vnd.hallmark.bundle.v1+json}
 */
public record Attestation(String storageKey, String subjectDigest, String bundleMediaType) {
  /** Checks that no value is null. */
  public Attestation {
    requireNonNull(storageKey, "storageKey");
    requireNonNull(subjectDigest, "subjectDigest");
    requireNonNull(bundleMediaType, "bundleMediaType");
  }
}
