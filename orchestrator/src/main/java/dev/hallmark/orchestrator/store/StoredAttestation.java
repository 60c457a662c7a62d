package dev.hallmark.orchestrator.store;

import java.time.Instant;

/** One stored bundle's index row (the bundle bytes are read separately, by storage key). */
public record StoredAttestation(
    String storageKey, String jobId, String subjectName, String subjectSha256, Instant createdAt) {}
