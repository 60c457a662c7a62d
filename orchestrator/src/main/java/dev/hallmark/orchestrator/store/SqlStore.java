package dev.hallmark.orchestrator.store;

import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's SQL, written once for both databases: the few places they differ are {@link Dialect}
 * calls, and how connections are had ({@link #transact}, {@link #query}) is the subclass's.
 *
 * <p>Attestations go through a group commit ({@link #storeAttestation}): one writer thread drains
 * the queue into a single transaction, commits (one fsync for the whole batch), and only then
 * completes each caller's future. Each insert re-checks, inside that transaction, that the job is
 * running and its capability unexpired, so a bundle is never stored, nor acknowledged, for a job
 * that ended meanwhile: on SQLite job end is a write on the same connection, hence ordered with it;
 * on PostgreSQL the check takes a share lock on the job's row ({@link Dialect#lockShared}), so a
 * concurrent job end waits for the batch, or the batch sees the ended job.
 */
abstract class SqlStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(SqlStore.class);
  private static final int MAX_BATCH = 1024;
  private static final int QUEUE_CAPACITY = 16 * 1024;

  protected final Clock clock;
  protected final Dialect dialect;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread groupCommitter;
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;
  private volatile long commits;

  /** A bundle waiting for the group commit. */
  private record Pending(
      String storageKey, String jobId, String subjectName, String subjectSha256, byte[] bundle, CompletableFuture<String> done) {}

  SqlStore(Clock clock, Dialect dialect) {
    this.clock = clock;
    this.dialect = dialect;
    this.groupCommitter = new Thread(this::drain, "hallmark-store-group-commit");
    groupCommitter.setDaemon(true);
    groupCommitter.start();
  }

  // ---- what a subclass provides -------------------------------------------------------------

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction and commits it durably (returning once the commit is on
   * disk); a failure rolls it back and is an {@link OrchestratorException}.
   */
  abstract <T> T transact(Work<T> work);

  /** Runs {@code work} on a connection that sees every committed write. */
  abstract <T> T query(Work<T> work);

  /** Releases the connections; called once, after the group commit has drained. */
  abstract void closeConnections();

  // ---- repositories -------------------------------------------------------------------------

  @Override
  public void registerRepository(String name, String path, String cloneUrl) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO repositories (name, path, clone_url, registered_at) VALUES (?, ?, ?, ?) "
              + "ON CONFLICT(name) DO UPDATE SET path = excluded.path, clone_url = excluded.clone_url")) {
        p.setString(1, name);
        p.setString(2, path);
        p.setString(3, cloneUrl);
        p.setLong(4, nowMillis());
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void addRepository(String name, String path, String cloneUrl) {
    // One statement, so two orchestrators adding the same name cannot both succeed.
    int inserted = write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO repositories (name, path, clone_url, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO NOTHING")) {
        p.setString(1, name);
        p.setString(2, path);
        p.setString(3, cloneUrl);
        p.setLong(4, nowMillis());
        return p.executeUpdate();
      }
    });
    if (inserted == 0) {
      throw new OrchestratorException(Code.CONFLICT, "repository '" + name + "' is already registered");
    }
  }

  @Override
  public Optional<RepositoryRecord> repository(String name) {
    return queryOne("SELECT name, path, clone_url, registered_at FROM repositories WHERE name = ?",
        p -> p.setString(1, name), SqlStore::repository);
  }

  @Override
  public List<RepositoryRecord> repositories() {
    return queryList("SELECT name, path, clone_url, registered_at FROM repositories ORDER BY name",
        p -> { }, SqlStore::repository);
  }

  private static RepositoryRecord repository(ResultSet rs) throws SQLException {
    return new RepositoryRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4));
  }

  // ---- runs and jobs ------------------------------------------------------------------------

  @Override
  public int failInterrupted(String reason) {
    return write(c -> {
      long now = nowMillis();
      int jobs;
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE jobs SET status = 'failed', reason = ?, finished_at = ?, "
              + "capability_expires_at = " + dialect.least() + "(COALESCE(capability_expires_at, ?), ?) "
              + "WHERE status IN ('pending', 'queued', 'running')")) {
        p.setString(1, reason);
        p.setLong(2, now);
        p.setLong(3, now);
        p.setLong(4, now);
        jobs = p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE runs SET status = 'failed', reason = ?, finished_at = ? WHERE status IN ('pending', 'queued', 'running')")) {
        p.setString(1, reason);
        p.setLong(2, now);
        p.executeUpdate();
      }
      return jobs;
    });
  }

  @Override
  public RunRecord createRun(NewRun run) {
    long id = write(c -> {
      String cloneUrl;
      try (PreparedStatement p = c.prepareStatement("SELECT clone_url FROM repositories WHERE name = ?")) {
        p.setString(1, run.repository());
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            throw new OrchestratorException(Code.NOT_FOUND, "repository '" + run.repository() + "' is not registered");
          }
          cloneUrl = rs.getString(1);
        }
      }
      // RETURNING (SQLite 3.35+, PostgreSQL): the id this insert got, whoever else inserts meanwhile.
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO runs (repository, ref, sha, event, workflow_path, clone_url, status, attempt, created_at, started_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, 'running', 1, ?, ?) RETURNING id")) {
        long now = nowMillis();
        p.setString(1, run.repository());
        p.setString(2, run.ref());
        p.setString(3, run.sha());
        p.setString(4, run.event());
        p.setString(5, run.workflowPath());
        p.setString(6, cloneUrl);
        p.setLong(7, now);
        p.setLong(8, now);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    return run(id).orElseThrow();
  }

  @Override
  public void finishRun(long runId, String status) {
    finishRun(runId, status, null);
  }

  @Override
  public void finishRun(long runId, String status, String reason) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE runs SET status = ?, finished_at = ?, reason = ? WHERE id = ?")) {
        p.setString(1, status);
        p.setLong(2, nowMillis());
        p.setString(3, reason);
        p.setLong(4, runId);
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<String> runReason(long runId) {
    return queryOne("SELECT reason FROM runs WHERE id = ?", p -> p.setLong(1, runId), rs -> rs.getString(1));
  }

  @Override
  public void markUnsandboxed(long runId) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE runs SET sandboxed = 0 WHERE id = ?")) {
        p.setLong(1, runId);
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<Boolean> runSandboxed(long runId) {
    return queryOne("SELECT sandboxed FROM runs WHERE id = ?", p -> p.setLong(1, runId), rs -> rs.getInt(1) != 0);
  }

  @Override
  public JobRecord createJob(long runId, String name) {
    byte[] raw = new byte[10];
    synchronized (random) {
      random.nextBytes(raw);
    }
    String id = Hex.encode(raw);
    write(c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO jobs (id, run_id, name, status) VALUES (?, ?, ?, 'pending')")) {
        p.setString(1, id);
        p.setLong(2, runId);
        p.setString(3, name);
        p.executeUpdate();
      }
      return null;
    });
    return job(id).orElseThrow();
  }

  @Override
  public boolean startJob(String jobId, byte[] capabilityHash, Instant expiresAt) {
    return write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE jobs SET status = 'running', started_at = ?, capability_hash = ?, capability_expires_at = ? "
              + "WHERE id = ? AND status = 'pending'")) {
        p.setLong(1, nowMillis());
        p.setBytes(2, capabilityHash);
        p.setLong(3, expiresAt.toEpochMilli());
        p.setString(4, jobId);
        return p.executeUpdate() == 1;
      }
    });
  }

  @Override
  public void finishJob(String jobId, String status, String reason) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE jobs SET status = ?, reason = ?, finished_at = ?, capability_expires_at = "
              + dialect.least() + "(COALESCE(capability_expires_at, ?), ?) WHERE id = ?")) {
        long now = nowMillis();
        p.setString(1, status);
        p.setString(2, reason);
        p.setLong(3, now);
        p.setLong(4, now);
        p.setLong(5, now);
        p.setString(6, jobId);
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<JobWithHash> jobByCapabilityHash(byte[] hash) {
    return queryOne(JOB_COLUMNS + ", capability_hash FROM jobs WHERE capability_hash = ?", p -> p.setBytes(1, hash),
        rs -> new JobWithHash(job(rs), rs.getBytes(9)));
  }

  @Override
  public Optional<JobRecord> job(String id) {
    return queryOne(JOB_COLUMNS + " FROM jobs WHERE id = ?", p -> p.setString(1, id), SqlStore::job);
  }

  @Override
  public List<JobRecord> jobsOfRun(long runId) {
    return queryList(JOB_COLUMNS + " FROM jobs WHERE run_id = ? ORDER BY rowid", p -> p.setLong(1, runId), SqlStore::job);
  }

  @Override
  public Optional<RunRecord> run(long id) {
    return queryOne(RUN_COLUMNS + " FROM runs WHERE id = ?", p -> p.setLong(1, id), SqlStore::run);
  }

  @Override
  public List<RunRecord> runs(int limit) {
    return queryList(RUN_COLUMNS + " FROM runs ORDER BY id DESC LIMIT ?", p -> p.setInt(1, limit), SqlStore::run);
  }

  // ---- steps and logs -----------------------------------------------------------------------

  @Override
  public void recordStep(String jobId, String step, String status, String message) {
    write(c -> {
      long now = nowMillis();
      boolean running = "running".equals(status);
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO steps (job_id, name, status, message, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?) "
              + "ON CONFLICT(job_id, name) DO UPDATE SET status = excluded.status, message = excluded.message, "
              + "finished_at = excluded.finished_at")) {
        p.setString(1, jobId);
        p.setString(2, step);
        p.setString(3, status);
        p.setString(4, message);
        p.setLong(5, now);
        if (running) {
          p.setNull(6, Types.BIGINT);
        } else {
          p.setLong(6, now);
        }
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<StepRecord> steps(String jobId) {
    return queryList("SELECT name, status, message, started_at, finished_at FROM steps WHERE job_id = ? ORDER BY started_at, rowid",
        p -> p.setString(1, jobId),
        rs -> new StepRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5)));
  }

  @Override
  public void appendLog(String jobId, String stream, List<String> lines) {
    write(c -> {
      // stdout and stderr append concurrently: the next seq is read and used under one lock per job.
      dialect.serialise(c, Dialect.LockScope.JOB_LOG, jobId);
      long seq;
      try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM logs WHERE job_id = ?")) {
        p.setString(1, jobId);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          seq = rs.getLong(1);
        }
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO logs (job_id, seq, stream, line) VALUES (?, ?, ?, ?)")) {
        for (String line : lines) {
          p.setString(1, jobId);
          p.setLong(2, ++seq);
          p.setString(3, stream);
          p.setString(4, line);
          p.addBatch();
        }
        p.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<LogLine> logs(String jobId, long afterSeq, int limit) {
    return queryList("SELECT seq, stream, line FROM logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?", p -> {
      p.setString(1, jobId);
      p.setLong(2, afterSeq);
      p.setInt(3, limit);
    }, rs -> new LogLine(rs.getLong(1), rs.getString(2), rs.getString(3)));
  }

  // ---- attestations -------------------------------------------------------------------------

  @Override
  public CompletableFuture<String> storeAttestation(
      String storageKey, String jobId, String subjectName, String subjectSha256, byte[] bundle) {
    CompletableFuture<String> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(new OrchestratorException(Code.STORE, "the store is closed"));
      return done;
    }
    Pending p = new Pending(storageKey, jobId, subjectName, subjectSha256, bundle.clone(), done);
    try {
      if (!queue.offer(p, 5, TimeUnit.SECONDS)) {
        done.completeExceptionally(new OrchestratorException(Code.RATE_LIMITED, "the attestation queue is full, try again"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(new OrchestratorException(Code.STORE, "interrupted while queueing the attestation"));
    }
    return done;
  }

  @Override
  public long commitCount() {
    return commits;
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
        commitBatch(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        log.error("store.group-commit-failed bundles={}", batch.size(), e);
        for (Pending p : batch) {
          p.done().completeExceptionally(new OrchestratorException(Code.STORE, "storing the attestation failed", e));
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void commitBatch(List<Pending> batch) {
    boolean[] live;
    try {
      live = transact(c -> { // not write(): close() lets the queue drain after it is closed
        boolean[] stored = new boolean[batch.size()];
        long now = nowMillis();
        // The commit-time re-check: inserted only if the job is running and its capability
        // unexpired in this very transaction (ARCHITECTURE: "checked atomically when signing").
        try (PreparedStatement p = c.prepareStatement(
            "INSERT INTO attestations (storage_key, job_id, subject_name, subject_sha256, bundle, created_at) "
                + "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status = 'running' "
                + "AND capability_expires_at > ?" + dialect.lockShared() + ")")) {
          for (int i = 0; i < batch.size(); i++) {
            Pending a = batch.get(i);
            p.setString(1, a.storageKey());
            p.setString(2, a.jobId());
            p.setString(3, a.subjectName());
            p.setString(4, a.subjectSha256());
            p.setBytes(5, a.bundle());
            p.setLong(6, now);
            p.setString(7, a.jobId());
            p.setLong(8, now);
            stored[i] = p.executeUpdate() == 1;
          }
        }
        return stored; // committed (one fsync for the whole batch) when write returns
      });
      commits++;
    } catch (OrchestratorException e) {
      log.error("store.group-commit-failed bundles={} message=\"{}\"", batch.size(), e.getMessage(), e);
      for (Pending a : batch) {
        a.done().completeExceptionally(e);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending a = batch.get(i);
      if (live[i]) {
        a.done().complete(a.storageKey());
      } else {
        a.done().completeExceptionally(
            new OrchestratorException(Code.FORBIDDEN, "the job capability is no longer valid (job ended or expired)"));
      }
    }
  }

  @Override
  public Optional<StoredBundle> bundle(String storageKey) {
    return queryOne("SELECT bundle, subject_name FROM attestations WHERE storage_key = ?", p -> p.setString(1, storageKey),
        rs -> new StoredBundle(rs.getBytes(1), rs.getString(2)));
  }

  @Override
  public List<StoredAttestation> attestationsOfRun(long runId) {
    return queryList("SELECT a.storage_key, a.job_id, a.subject_name, a.subject_sha256, a.created_at FROM attestations a "
            + "JOIN jobs j ON j.id = a.job_id WHERE j.run_id = ? ORDER BY a.created_at, a.rowid",
        p -> p.setLong(1, runId),
        rs -> new StoredAttestation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5)));
  }

  // ---- the transparency log (LogStorage) ---------------------------------------------------

  /**
   * One transaction (so it is as durable as the attestations' group commit); the index continues
   * from the stored entries, never from memory, under one lock for the whole log.
   */
  @Override
  public long appendEntries(List<byte[]> entries, List<byte[]> leafHashes) {
    if (entries.size() != leafHashes.size()) {
      throw new IllegalArgumentException("one leaf hash per entry");
    }
    return write(c -> {
      dialect.serialise(c, Dialect.LockScope.TRANSPARENCY_LOG, "");
      long first;
      try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries");
          ResultSet rs = p.executeQuery()) {
        rs.next();
        first = rs.getLong(1);
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO log_entries (idx, leaf_hash, entry) VALUES (?, ?, ?)")) {
        for (int i = 0; i < entries.size(); i++) {
          p.setLong(1, first + i);
          p.setBytes(2, leafHashes.get(i));
          p.setBytes(3, entries.get(i));
          p.executeUpdate();
        }
      }
      return first;
    });
  }

  @Override
  public long logSize() {
    return queryOne("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries", p -> { }, rs -> rs.getLong(1)).orElse(0L);
  }

  @Override
  public List<byte[]> leafHashes(long from, long to) {
    return queryList("SELECT leaf_hash FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", p -> {
      p.setLong(1, from);
      p.setLong(2, to);
    }, rs -> rs.getBytes(1));
  }

  @Override
  public List<byte[]> entries(long from, long to) {
    return queryList("SELECT entry FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx", p -> {
      p.setLong(1, from);
      p.setLong(2, to);
    }, rs -> rs.getBytes(1));
  }

  @Override
  public Optional<String> publishedCheckpoint() {
    return queryOne("SELECT checkpoint FROM log_checkpoint WHERE id = 1", p -> { }, rs -> rs.getString(1));
  }

  @Override
  public void publishCheckpoint(long size, String signedNote) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO log_checkpoint (id, size, checkpoint, published_at) "
          + "VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size, checkpoint = excluded.checkpoint, "
          + "published_at = excluded.published_at WHERE excluded.size >= log_checkpoint.size")) {
        p.setLong(1, size);
        p.setString(2, signedNote);
        p.setLong(3, nowMillis());
        p.executeUpdate();
      }
      return null;
    });
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private static final String RUN_COLUMNS =
      "SELECT id, repository, ref, sha, event, workflow_path, clone_url, status, attempt, created_at, started_at, finished_at";
  private static final String JOB_COLUMNS =
      "SELECT id, run_id, name, status, reason, started_at, finished_at, capability_expires_at";

  private static RunRecord run(ResultSet rs) throws SQLException {
    return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), instant(rs, 10), instant(rs, 11), instant(rs, 12));
  }

  private static JobRecord job(ResultSet rs) throws SQLException {
    return new JobRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
        instant(rs, 6), instant(rs, 7), instant(rs, 8));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private long nowMillis() {
    return clock.millis();
  }

  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Every row of one query, mapped. */
  private <T> List<T> queryList(String sql, Binder binder, Row<T> row) {
    return read(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        binder.bind(p);
        List<T> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(row.map(rs));
          }
        }
        return out;
      }
    });
  }

  /** The first row of one query, mapped; empty when there is none or {@code row} maps it to null. */
  private <T> Optional<T> queryOne(String sql, Binder binder, Row<T> row) {
    return read(c -> {
      try (PreparedStatement p = c.prepareStatement(sql)) {
        binder.bind(p);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
      }
    });
  }

  private <T> T write(Work<T> work) {
    ensureOpen();
    return transact(work);
  }

  private <T> T read(Work<T> work) {
    ensureOpen();
    return query(work);
  }

  private void ensureOpen() {
    if (closed) {
      throw new OrchestratorException(Code.STORE, "the store is closed");
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse("");
  }

  /** Drains queued attestations (committing them), then closes the connections. */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      groupCommitter.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnections();
  }
}
