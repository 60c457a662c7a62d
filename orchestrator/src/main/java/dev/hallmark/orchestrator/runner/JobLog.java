package dev.hallmark.orchestrator.runner;

import java.util.List;

/**
 * Where a {@link JobExecutor} sends a job's output: lines already masked with {@link #masker()},
 * stored in order per stream and shown live.
 *
 * <pre>{@code
 * String safe = log.masker().mask(line);
 * log.append("stdout", List.of(safe));
 * log.show(safe);
 * }</pre>
 */
public interface JobLog {
  /** The values hidden from this job's output; the orchestrator adds each token it mints for the job. */
  LogMasker masker();

  /** Stores masked lines of one stream ({@code stdout} or {@code stderr}), in order. */
  void append(String stream, List<String> maskedLines);

  /** Shows one masked line live (serve's or run's own output). */
  void show(String maskedLine);
}
