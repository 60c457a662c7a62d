package dev.hallmark.orchestrator.store;

import java.time.Instant;

/** A job as stored; the capability hash never leaves the store. */
public record JobRecord(
    String id,
    long runId,
    String name,
    String status,
    String reason,
    Instant startedAt,
    Instant finishedAt,
    Instant capabilityExpiresAt) {

  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  public boolean isRunning() {
    return RUNNING.equals(status);
  }
}
