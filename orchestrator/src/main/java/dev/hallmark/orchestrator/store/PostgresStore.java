package dev.hallmark.orchestrator.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team store: the same schema and SQL as {@link SqliteStore} on a PostgreSQL server, through a
 * small HikariCP pool. Every session runs with {@code synchronous_commit = on}, so a commit (and
 * the acknowledgement of a bundle) returns once the server has flushed it, whatever the server's
 * default. Ids come from identity columns ({@code RETURNING id}); read-then-write work (a job's
 * next log line, the transparency log's next index, migrations) runs under advisory locks, and the
 * attestation commit's re-check holds a share lock on the job's row ({@link Dialect}).
 *
 * <pre>{@code
 * PostgresTarget db = PostgresTarget.parse("postgresql://hallmark@db.internal:5432/hallmark", null, System.getenv());
 * try (Store store = PostgresStore.open(db, Clock.systemUTC())) {
 *   store.runs(10);
 * }
 * }</pre>
 */
public final class PostgresStore extends SqlStore {
  private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);
  /** Transactions that lost a deadlock or serialisation race are run again, this many times in all. */
  private static final int ATTEMPTS = 3;

  private final HikariDataSource pool;

  private PostgresStore(Clock clock, HikariDataSource pool) {
    super(clock, Dialect.POSTGRESQL);
    this.pool = pool;
  }

  /** Connects, applies the migrations, and keeps a pool of up to 8 connections. */
  public static PostgresStore open(PostgresTarget target, Clock clock) {
    requireNonNull(target, "target");
    requireNonNull(clock, "clock");
    HikariConfig config = new HikariConfig();
    config.setPoolName("hallmark-store");
    config.setDriverClassName("org.postgresql.Driver"); // not DriverManager: the shaded jar has two drivers
    config.setJdbcUrl(target.jdbcUrl());
    if (target.user() != null) {
      config.setUsername(target.user());
    }
    if (target.password() != null) {
      config.setPassword(target.password());
    }
    config.setMaximumPoolSize(8);
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(1); // an unreachable server fails open(), once, at once
    config.setConnectionInitSql("SET synchronous_commit = on");
    config.addDataSourceProperty("connectTimeout", "5");
    config.addDataSourceProperty("ApplicationName", "hallmark");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new OrchestratorException(Code.STORE, "cannot connect to the database " + target + ": " + rootLine(e));
    }
    try (Connection c = pool.getConnection()) {
      Migrations.apply(c, Dialect.POSTGRESQL);
    } catch (SQLException | RuntimeException e) {
      pool.close();
      throw new OrchestratorException(Code.STORE, "cannot open the database " + target + ": " + rootLine(e));
    }
    return new PostgresStore(clock, pool);
  }

  private static String rootLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return oneLine(t);
  }

  @Override
  <T> T transact(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException e) {
          rollbackQuietly(c);
          if (attempt < ATTEMPTS && isRetryable(e)) {
            log.warn("store.transaction-retried attempt={} sqlstate={}", attempt, e.getSQLState(), e);
            continue;
          }
          throw new OrchestratorException(Code.STORE, "database write failed: " + oneLine(e), e);
        } catch (RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        }
      } catch (SQLException e) {
        throw new OrchestratorException(Code.STORE, "database connection failed: " + oneLine(e));
      }
    }
  }

  /** 40001 serialization_failure, 40P01 deadlock_detected: the transaction may simply run again. */
  private static boolean isRetryable(SQLException e) {
    return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
  }

  @Override
  <T> T query(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new OrchestratorException(Code.STORE, "database read failed: " + oneLine(e), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection is broken; the pool drops it, and the caller reports the original failure
      log.warn("store.rollback-failed", e);
    }
  }

  @Override
  void closeConnections() {
    pool.close();
  }
}
