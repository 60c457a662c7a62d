package dev.hallmark.orchestrator.store;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a commit is on
 * disk (the WAL fsynced) when it returns. One write connection, used under {@link #writeLock}, and
 * one read connection (WAL readers never wait for the writer). The single writer is what orders
 * a job's end with the attestation group commit, and what serialises log appends.
 *
 * <pre>{@code
 * try (Store store = SqliteStore.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
 *   RunRecord run = store.createRun(new NewRun("acme/app", "refs/heads/main", sha, "push", path));
 * }
 * }</pre>
 */
public final class SqliteStore extends SqlStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);
  private final Connection writer;
  private final Connection reader;
  private final Object writeLock = new Object();
  private final Object readLock = new Object();

  private SqliteStore(Clock clock, Connection writer, Connection reader) {
    super(clock, Dialect.SQLITE);
    this.writer = writer;
    this.reader = reader;
  }

  /** Opens (creating and migrating) the database file. */
  public static SqliteStore open(Path file, Clock clock) {
    requireNonNull(file, "file");
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL); // a commit returns once fsynced
      config.enforceForeignKeys(true);
      config.setBusyTimeout(10_000);
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      Connection w = config.createConnection(url);
      Migrations.apply(w, Dialect.SQLITE);
      w.setAutoCommit(false);
      Connection r = config.createConnection(url);
      return new SqliteStore(requireNonNull(clock, "clock"), w, r);
    } catch (SQLException e) {
      throw new OrchestratorException(Code.STORE, "cannot open the database " + file + ": " + oneLine(e));
    }
  }

  @Override
  <T> T transact(Work<T> work) {
    synchronized (writeLock) {
      try {
        T result = work.run(writer);
        writer.commit(); // WAL + synchronous=FULL: fsynced here
        return result;
      } catch (SQLException e) {
        rollbackQuietly();
        throw new OrchestratorException(Code.STORE, "database write failed: " + oneLine(e), e);
      } catch (RuntimeException e) {
        rollbackQuietly();
        throw e;
      }
    }
  }

  @Override
  <T> T query(Work<T> work) {
    synchronized (readLock) {
      try {
        return work.run(reader);
      } catch (SQLException e) {
        throw new OrchestratorException(Code.STORE, "database read failed: " + oneLine(e), e);
      }
    }
  }

  private void rollbackQuietly() {
    try {
      writer.rollback();
    } catch (SQLException e) {
      // the connection is already unusable; the caller reports the original failure
      log.warn("store.rollback-failed", e);
    }
  }

  @Override
  void closeConnections() {
    synchronized (writeLock) {
      synchronized (readLock) {
        try {
          reader.close();
          writer.close();
        } catch (SQLException e) {
          throw new OrchestratorException(Code.STORE, "closing the database failed: " + oneLine(e));
        }
      }
    }
  }
}
