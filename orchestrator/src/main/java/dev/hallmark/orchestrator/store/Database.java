package dev.hallmark.orchestrator.store;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Where an orchestrator keeps its state: the embedded SQLite file of its data folder (the default
 * of {@code run} and {@code serve}), or a PostgreSQL server ({@link PostgresTarget}, {@code serve
 * --database postgresql://…}).
 *
 * <pre>{@code
 * Database db = url == null ? Database.embedded(dataDir) : PostgresTarget.parse(url, passwordFile, System.getenv());
 * try (Store store = db.open(Clock.systemUTC())) { … }
 * }</pre>
 */
public interface Database {
  /** Opens (creating and migrating) the store; a database that cannot be reached is one-line {@code STORE} error. */
  Store open(Clock clock);

  /** {@code hallmark.db} in {@code dataDir}. */
  static Database embedded(Path dataDir) {
    Path file = dataDir.resolve("hallmark.db");
    return clock -> SqliteStore.open(file, clock);
  }
}
