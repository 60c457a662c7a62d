package dev.hallmark.orchestrator.log;

import java.util.List;
import java.util.Optional;

/**
 * Where the transparency log keeps what must survive a crash (FORMATS §8.1, issue 12 §2): its
 * entries with their leaf hashes, and the latest checkpoint it published. The embedded store is
 * SQLite; a team deployment can put the same four operations on PostgreSQL.
 *
 * <p>The contract the rest of the log relies on: entries are appended in one durable transaction
 * per call, indexes are consecutive from 0 and never reused, and nothing is ever changed or removed.
 */
public interface LogStorage {
  /** Appends {@code entries} (with their leaf hashes) durably, in order; returns the first one's index. */
  long appendEntries(List<byte[]> entries, List<byte[]> leafHashes);

  /** How many entries are stored. */
  long logSize();

  /** The leaf hashes of entries {@code [from, to)}. */
  List<byte[]> leafHashes(long from, long to);

  /** The entries {@code [from, to)}, as appended. */
  List<byte[]> entries(long from, long to);

  /** The latest published checkpoint (signed note text), if any. */
  Optional<String> publishedCheckpoint();

  /** Durably records {@code signedNote}, a checkpoint of {@code size} entries, as the published one. */
  void publishCheckpoint(long size, String signedNote);
}
