package dev.hallmark.orchestrator.store;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A tiny migration runner: versioned SQL resources {@code V<n>__<name>.sql} applied in order, each
 * in one transaction with its row in {@code schema_version}. Flyway was the other candidate; its
 * SQLite support and its dozen transitive jars buy nothing here that 40 lines do not, and a schema
 * newer than this code is refused rather than silently used. One set of scripts serves both
 * databases: they are written in SQLite's SQL and {@link Dialect#translate}d for PostgreSQL, where
 * DDL is transactional too and an advisory lock keeps two orchestrators starting at once from
 * applying the same version twice.
 */
final class Migrations {
  /** In order; append, never edit a released one. */
  static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__run_reason.sql", "V3__run_sandboxed.sql",
      "V4__log.sql");

  private Migrations() {}

  static void apply(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_lock(" + Dialect.LockScope.MIGRATIONS.key + ", 0)");
      }
      try {
        migrate(c, dialect);
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_unlock(" + Dialect.LockScope.MIGRATIONS.key + ", 0)");
        }
      }
    } else {
      migrate(c, dialect);
    }
  }

  private static void migrate(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate(dialect.translate(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
    }
    int current = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      if (rs.next()) {
        current = rs.getInt(1);
      }
    }
    if (current > SCRIPTS.size()) {
      throw new OrchestratorException(
          Code.STORE, "the database has schema version " + current + ", newer than this orchestrator's " + SCRIPTS.size());
    }
    for (int v = current + 1; v <= SCRIPTS.size(); v++) {
      String script = SCRIPTS.get(v - 1);
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String sql : read(script).split(";")) {
          if (!sql.strip().isEmpty() && !onlyComments(sql)) {
            s.executeUpdate(dialect.translate(sql));
          }
        }
        try (PreparedStatement p =
            c.prepareStatement("INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
          p.setInt(1, v);
          p.setString(2, script);
          p.setLong(3, System.currentTimeMillis());
          p.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  private static boolean onlyComments(String sql) {
    return sql.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("--"));
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream(script)) {
      if (in == null) {
        throw new OrchestratorException(Code.STORE, "migration " + script + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OrchestratorException(Code.STORE, "cannot read migration " + script);
    }
  }
}
