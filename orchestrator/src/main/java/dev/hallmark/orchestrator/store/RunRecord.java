package dev.hallmark.orchestrator.store;

import java.time.Instant;

/** The orchestrator's own record of a run: the source of every claim of its attestations. */
public record RunRecord(
    long id,
    String repository,
    String ref,
    String sha,
    String event,
    String workflowPath,
    String cloneUrl,
    String status,
    int attempt,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {}
