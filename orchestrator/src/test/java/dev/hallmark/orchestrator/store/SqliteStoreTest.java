package dev.hallmark.orchestrator.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite store: a real file in a temporary folder. */
class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  Database freshDatabase() {
    return Database.embedded(dir);
  }
}
