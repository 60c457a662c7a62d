package dev.hallmark.orchestrator.store;

import java.time.Instant;
import java.util.List;

/** What a job shows while and after it runs: its steps and its (already masked) output lines. */
public interface JobOutputStore {
  record StepRecord(String name, String status, String message, Instant startedAt, Instant finishedAt) {}

  /** One output line; {@code seq} counts a job's lines from 1 without gaps. */
  record LogLine(long seq, String stream, String line) {}

  /** Records a step's status; a second call for the same step updates it (start, then end). */
  void recordStep(String jobId, String step, String status, String message);

  /** A job's steps in the order they started. */
  List<StepRecord> steps(String jobId);

  /** Appends lines (already masked by the caller) to a job's log, numbered on from its last line. */
  void appendLog(String jobId, String stream, List<String> lines);

  /** At most {@code limit} lines after {@code afterSeq}, in order: the page a client polls for. */
  List<LogLine> logs(String jobId, long afterSeq, int limit);
}
