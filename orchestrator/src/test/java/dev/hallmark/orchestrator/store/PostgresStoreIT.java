package dev.hallmark.orchestrator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL server (no mock, no in-memory stand-in): each test gets
 * a database of its own on the server named by {@code -Dhallmark.test.postgres=postgresql://…}
 * (or {@code HALLMARK_TEST_POSTGRES}; {@code scripts/pg} starts a throwaway one and {@code
 * scripts/test} uses it), with the password file in {@code hallmark.test.postgres.password-file}
 * (or {@code HALLMARK_TEST_POSTGRES_PASSWORD_FILE}). Without a server the tests are skipped with
 * one line, except under {@code CI=true}, where that is a failure. Plus what only a server with
 * many connections can show: row and advisory locks between concurrent transactions and stores.
 */
class PostgresStoreIT extends StoreContract {
  private static final String PROPERTY = "hallmark.test.postgres";

  private final List<String> created = new ArrayList<>();
  private PostgresTarget admin;

  static String setting(String property, String variable) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(variable);
    }
    return v == null || v.isBlank() ? null : v;
  }

  @Override
  Database freshDatabase() throws Exception {
    String url = setting(PROPERTY, "HALLMARK_TEST_POSTGRES");
    if (url == null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("no PostgreSQL server for the store contract under CI=true: set -D" + PROPERTY + " (scripts/test starts one with scripts/pg)");
      }
      Assumptions.abort("SKIPPED: PostgreSQL store contract (no -D" + PROPERTY + "; scripts/pg starts a server)");
    }
    String passwordFile = setting(PROPERTY + ".password-file", "HALLMARK_TEST_POSTGRES_PASSWORD_FILE");
    Path pw = passwordFile == null ? null : Path.of(passwordFile);
    admin = PostgresTarget.parse(url, pw, System.getenv());
    byte[] r = new byte[6];
    new SecureRandom().nextBytes(r);
    String name = "hallmark_test_" + dev.hallmark.attestation.encoding.Hex.encode(r);
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    created.add(name);
    URI u = new URI(url.replaceFirst("^(jdbc:)?postgres(ql)?://", "postgresql://"));
    String other = new URI("postgresql", u.getUserInfo(), u.getHost(), u.getPort(), "/" + name, u.getQuery(), null).toString();
    return PostgresTarget.parse(other, pw, System.getenv());
  }

  static Connection connect(PostgresTarget t) throws SQLException {
    Properties p = new Properties();
    if (t.user() != null) {
      p.setProperty("user", t.user());
    }
    if (t.password() != null) {
      p.setProperty("password", t.password());
    }
    return new org.postgresql.Driver().connect(t.jdbcUrl(), p);
  }

  @AfterEach
  void dropDatabases() throws SQLException {
    if (admin == null) {
      return;
    }
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      for (String name : created) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  /**
   * The re-check's share lock: a job end in progress (its row update not yet committed) holds up
   * the bundle's commit, which then sees the job ended and refuses it. Without the lock the bundle
   * commits while the job is ending, and is acknowledged after the job end returns.
   */
  @Test
  void aBundleWaitsForAJobEndInProgressAndIsThenRefused() throws Exception {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "publish", Duration.ofMinutes(30));
      try (Connection ending = connect((PostgresTarget) database)) {
        ending.setAutoCommit(false);
        try (PreparedStatement p = ending.prepareStatement("UPDATE jobs SET status = 'succeeded' WHERE id = ?")) {
          p.setString(1, job.id());
          assertEquals(1, p.executeUpdate());
        }
        CompletableFuture<String> stored = store.storeAttestation("key-racing", job.id(), "app.jar", "a".repeat(64), awkwardBytes(9));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!stored.isDone() && waitingLocks(ending) == 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertFalse(stored.isDone(), "the bundle's commit did not wait for the job end in progress");
        ending.commit();
        assertEquals(Code.FORBIDDEN, failureCode(stored));
      }
      assertTrue(store.bundle("key-racing").isEmpty());
    }
  }

  private static int waitingLocks(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Two orchestrators' stores on one database (as replicas will be): log lines of one job and
   * transparency-log entries appended from both at once get consecutive numbers, none twice.
   */
  @Test
  void twoStoresOnOneDatabaseNumberLinesAndEntriesWithoutGaps() throws Exception {
    try (Store a = open(); Store b = open()) {
      a.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(a, "build", Duration.ofHours(1));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> work = new ArrayList<>();
        for (Store s : List.of(a, b)) {
          work.add(pool.submit(() -> {
            for (int i = 0; i < 25; i++) {
              s.appendLog(job.id(), "stdout", List.of("x", "y"));
            }
          }));
          work.add(pool.submit(() -> {
            for (int i = 0; i < 25; i++) {
              s.appendEntries(List.of(new byte[] {(byte) i}), List.of(hash("e" + i)));
            }
          }));
        }
        for (Future<?> f : work) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      List<Long> seqs = b.logs(job.id(), 0, 1000).stream().map(JobOutputStore.LogLine::seq).toList();
      assertEquals(100, seqs.size());
      Set<Long> distinct = new HashSet<>(seqs);
      assertEquals(100, distinct.size());
      assertEquals(100L, seqs.get(seqs.size() - 1));
      assertEquals(50, a.logSize());
      assertEquals(50, b.entries(0, 50).size());
    }
  }
}
