package dev.hallmark.orchestrator.log;

import java.util.concurrent.CompletableFuture;

/**
 * Gives each entry its index, durably: the future completes only once the entry and its index are
 * committed. There is one sequencer per log (a team deployment moves it, not duplicates it).
 */
public interface Sequencer extends AutoCloseable {
  /** Sequences {@code entry}; completes with its index once stored. */
  CompletableFuture<Long> sequence(byte[] entry);

  @Override
  void close();
}
