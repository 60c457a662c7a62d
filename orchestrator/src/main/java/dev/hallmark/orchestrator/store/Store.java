package dev.hallmark.orchestrator.store;

import dev.hallmark.orchestrator.log.LogStorage;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The orchestrator's state, as its parts see it: repositories, runs and jobs, job output, signed
 * bundles and the transparency log's storage. Each part depends on the narrowest of these it needs
 * (the capability check on {@link RunStore}, the log on {@link LogStorage}); the composition root
 * holds a {@code Store}. Two implementations pass the same contract tests ({@code StoreContract}):
 * {@link SqliteStore}, the embedded default (one file in the data folder), and {@link
 * PostgresStore} ({@code serve --database postgresql://…}).
 *
 * <pre>{@code
 * try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
 *   RunRecord run = store.createRun(new NewRun("acme/app", "refs/heads/main", sha, "push", path));
 * }
 * }</pre>
 */
public interface Store extends RepositoryStore, RunStore, JobOutputStore, AttestationStore, LogStorage, AutoCloseable {
  /** The embedded store: opens (creating and migrating) the SQLite file {@code file}. */
  static Store open(Path file, Clock clock) {
    return SqliteStore.open(file, clock);
  }

  /** Commits what is queued (pending attestations), then releases the connections. */
  @Override
  void close();
}
