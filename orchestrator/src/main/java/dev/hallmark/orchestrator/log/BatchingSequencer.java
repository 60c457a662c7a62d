package dev.hallmark.orchestrator.log;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sequencer as a group commit: one thread drains waiting entries into one
 * {@link LogStorage#appendEntries} transaction (one fsync for the batch), tells the log the new
 * leaf hashes in index order, and only then completes each caller's future.
 */
final class BatchingSequencer implements Sequencer {
  private static final int MAX_BATCH = 1024;
  private static final int QUEUE_CAPACITY = 16 * 1024;

  /** Told of each committed batch, in index order, on the sequencer's thread. */
  interface Committed {
    void committed(long firstIndex, List<byte[]> leafHashes);
  }

  private record Pending(byte[] entry, CompletableFuture<Long> done) {}

  private final LogStorage storage;
  private final Committed listener;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;
  private volatile boolean closed;

  BatchingSequencer(LogStorage storage, Committed listener) {
    this.storage = requireNonNull(storage, "storage");
    this.listener = requireNonNull(listener, "listener");
    this.thread = new Thread(this::drain, "hallmark-log-sequencer");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public CompletableFuture<Long> sequence(byte[] entry) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new OrchestratorException(Code.STORE, "the log is closed"));
      return done;
    }
    try {
      if (!queue.offer(new Pending(entry.clone(), done), 5, TimeUnit.SECONDS)) {
        done.completeExceptionally(new OrchestratorException(Code.RATE_LIMITED, "the log's queue is full, try again"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(new OrchestratorException(Code.STORE, "interrupted while queueing the log entry"));
    }
    return done;
  }

  private void drain() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        commit(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
        // not closed: keep draining, so no queued entry is left without an answer
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending> batch) {
    List<byte[]> entries = new ArrayList<>(batch.size());
    List<byte[]> leaves = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      entries.add(p.entry());
      leaves.add(Merkle.leafHash(p.entry()));
    }
    long first;
    try {
      first = storage.appendEntries(entries, leaves);
    } catch (RuntimeException e) {
      // The cause travels with each caller's failure: the attest call reports it, none is swallowed.
      org.slf4j.LoggerFactory.getLogger(BatchingSequencer.class).error("log.append.failed entries={}", batch.size(), e);
      for (Pending p : batch) {
        p.done().completeExceptionally(new OrchestratorException(Code.STORE,
            "storing the log entry failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e));
      }
      return;
    }
    listener.committed(first, leaves);
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(first + i);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
