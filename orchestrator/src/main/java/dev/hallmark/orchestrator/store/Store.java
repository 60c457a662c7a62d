package dev.hallmark.orchestrator.store;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.log.LogStorage;
import java.nio.file.Path;
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
import org.sqlite.SQLiteConfig;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a commit is on
 * disk (the WAL fsynced) when it returns. One write connection, used under {@link #writeLock}, and
 * one read connection (WAL readers never wait for the writer).
 *
 * <p>Attestations go through a group commit ({@link #storeAttestation}): one writer thread drains
 * the queue into a single transaction, commits (one fsync for the whole batch), and only then
 * completes each caller's future. Each insert re-checks, inside that transaction, that the job is
 * running and its capability unexpired, so a bundle is never stored, nor acknowledged, for a job
 * that ended meanwhile: job end is a write on the same connection, hence ordered with it.
 *
 * <pre>{@code
 * try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
 *   RunRecord run = store.createRun(new NewRun("acme/app", "refs/heads/main", sha, "push", path));
 * }
 * }</pre>
 */
public final class Store implements AutoCloseable, LogStorage {
  private static final int MAX_BATCH = 1024;
  private static final int QUEUE_CAPACITY = 16 * 1024;

  private final Clock clock;
  private final Connection writer;
  private final Connection reader;
  private final Object writeLock = new Object();
  private final Object readLock = new Object();
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread groupCommitter;
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;
  private volatile long commits;

  /** A bundle waiting for the group commit. */
  private record Pending(
      String storageKey, String jobId, String subjectName, String subjectSha256, byte[] bundle, CompletableFuture<String> done) {}

  private Store(Clock clock, Connection writer, Connection reader) {
    this.clock = clock;
    this.writer = writer;
    this.reader = reader;
    this.groupCommitter = new Thread(this::drain, "hallmark-store-group-commit");
    groupCommitter.setDaemon(true);
    groupCommitter.start();
  }

  /** Opens (creating and migrating) the database file. */
  public static Store open(Path file, Clock clock) {
    requireNonNull(file, "file");
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL); // a commit returns once fsynced
      config.enforceForeignKeys(true);
      config.setBusyTimeout(10_000);
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      Connection w = config.createConnection(url);
      Migrations.apply(w);
      w.setAutoCommit(false);
      Connection r = config.createConnection(url);
      return new Store(requireNonNull(clock, "clock"), w, r);
    } catch (SQLException e) {
      throw new OrchestratorException(Code.STORE, "cannot open the database " + file + ": " + oneLine(e));
    }
  }

  // ---- repositories, runs, jobs -------------------------------------------------------------

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

  /** A registered repository: where the orchestrator resolves refs and clones from. */
  public record RepositoryRecord(String name, String path, String cloneUrl, Instant registeredAt) {}

  /**
   * Registers a new repository ({@code hallmark repo add}); unlike {@link #registerRepository} an
   * existing name is refused with {@link Code#CONFLICT}, never silently re-pointed.
   */
  public void addRepository(String name, String path, String cloneUrl) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM repositories WHERE name = ?")) {
        p.setString(1, name);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            throw new OrchestratorException(Code.CONFLICT, "repository '" + name + "' is already registered");
          }
        }
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO repositories (name, path, clone_url, registered_at) VALUES (?, ?, ?, ?)")) {
        p.setString(1, name);
        p.setString(2, path);
        p.setString(3, cloneUrl);
        p.setLong(4, nowMillis());
        p.executeUpdate();
      }
      return null;
    });
  }

  public Optional<RepositoryRecord> repository(String name) {
    return queryOne("SELECT name, path, clone_url, registered_at FROM repositories WHERE name = ?",
        p -> p.setString(1, name), Store::repository);
  }

  /** Every registered repository, by name. */
  public List<RepositoryRecord> repositories() {
    return queryList("SELECT name, path, clone_url, registered_at FROM repositories ORDER BY name",
        p -> { }, Store::repository);
  }

  private static RepositoryRecord repository(ResultSet rs) throws SQLException {
    return new RepositoryRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4));
  }

  /**
   * Crash recovery: every job still pending, queued or running, and every run still queued or
   * running, is marked failed with {@code reason}, and the jobs' capabilities die in the same
   * commit. Only for a data folder no other live orchestrator uses: it owns no process, so it kills
   * none. Returns how many jobs it failed.
   */
  public int failInterrupted(String reason) {
    return write(c -> {
      long now = nowMillis();
      int jobs;
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE jobs SET status = 'failed', reason = ?, finished_at = ?, "
              + "capability_expires_at = MIN(COALESCE(capability_expires_at, ?), ?) "
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

  /** Creates a run of a registered repository; its clone URL is copied from the registration. */
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
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO runs (repository, ref, sha, event, workflow_path, clone_url, status, attempt, created_at, started_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, 'running', 1, ?, ?)")) {
        long now = nowMillis();
        p.setString(1, run.repository());
        p.setString(2, run.ref());
        p.setString(3, run.sha());
        p.setString(4, run.event());
        p.setString(5, run.workflowPath());
        p.setString(6, cloneUrl);
        p.setLong(7, now);
        p.setLong(8, now);
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
    return run(id).orElseThrow();
  }

  public void finishRun(long runId, String status) {
    finishRun(runId, status, null);
  }

  /** Ends a run; {@code reason} (may be null) says why a run failed before or outside its jobs. */
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

  /** The reason stored by {@link #finishRun(long, String, String)}, if any. */
  public Optional<String> runReason(long runId) {
    return queryOne("SELECT reason FROM runs WHERE id = ?", p -> p.setLong(1, runId), rs -> rs.getString(1));
  }

  /** Records that {@code runId}'s jobs ran without the sandbox ({@code --unsafe-no-sandbox}). */
  public void markUnsandboxed(long runId) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE runs SET sandboxed = 0 WHERE id = ?")) {
        p.setLong(1, runId);
        p.executeUpdate();
      }
      return null;
    });
  }

  /** False when the run's jobs ran without the sandbox; empty for an unknown run. */
  public Optional<Boolean> runSandboxed(long runId) {
    return queryOne("SELECT sandboxed FROM runs WHERE id = ?", p -> p.setLong(1, runId), rs -> rs.getInt(1) != 0);
  }

  /** A pending job with a random id (80 bits, hex), unique within the issuer. */
  public JobRecord createJob(long runId, String name) {
    byte[] raw = new byte[10];
    random.nextBytes(raw);
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

  /** Marks a pending job running and stores its capability's hash; false if it was not pending. */
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

  /** Ends a job; its capability dies in the same commit (expiry set to now). */
  public void finishJob(String jobId, String status, String reason) {
    write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE jobs SET status = ?, reason = ?, finished_at = ?, capability_expires_at = MIN(COALESCE(capability_expires_at, ?), ?) WHERE id = ?")) {
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

  /** A job with its stored capability hash, for the caller's constant-time comparison. */
  public record JobWithHash(JobRecord job, byte[] capabilityHash) {}

  public Optional<JobWithHash> jobByCapabilityHash(byte[] hash) {
    return queryOne(JOB_COLUMNS + ", capability_hash FROM jobs WHERE capability_hash = ?", p -> p.setBytes(1, hash),
        rs -> new JobWithHash(job(rs), rs.getBytes(9)));
  }

  public Optional<JobRecord> job(String id) {
    return queryOne(JOB_COLUMNS + " FROM jobs WHERE id = ?", p -> p.setString(1, id), Store::job);
  }

  public List<JobRecord> jobsOfRun(long runId) {
    return queryList(JOB_COLUMNS + " FROM jobs WHERE run_id = ? ORDER BY rowid", p -> p.setLong(1, runId), Store::job);
  }

  public Optional<RunRecord> run(long id) {
    return queryOne(RUN_COLUMNS + " FROM runs WHERE id = ?", p -> p.setLong(1, id), Store::run);
  }

  /** The newest runs first, at most {@code limit}. */
  public List<RunRecord> runs(int limit) {
    return queryList(RUN_COLUMNS + " FROM runs ORDER BY id DESC LIMIT ?", p -> p.setInt(1, limit), Store::run);
  }

  // ---- steps and logs -----------------------------------------------------------------------

  public record StepRecord(String name, String status, String message, Instant startedAt, Instant finishedAt) {}

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
          p.setNull(6, Types.INTEGER);
        } else {
          p.setLong(6, now);
        }
        p.executeUpdate();
      }
      return null;
    });
  }

  public List<StepRecord> steps(String jobId) {
    return queryList("SELECT name, status, message, started_at, finished_at FROM steps WHERE job_id = ? ORDER BY started_at, rowid",
        p -> p.setString(1, jobId),
        rs -> new StepRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5)));
  }

  public record LogLine(long seq, String stream, String line) {}

  /** Appends lines (already masked by the caller) to a job's log. */
  public void appendLog(String jobId, String stream, List<String> lines) {
    write(c -> {
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

  public List<LogLine> logs(String jobId, long afterSeq, int limit) {
    return queryList("SELECT seq, stream, line FROM logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?", p -> {
      p.setString(1, jobId);
      p.setLong(2, afterSeq);
      p.setInt(3, limit);
    }, rs -> new LogLine(rs.getLong(1), rs.getString(2), rs.getString(3)));
  }

  // ---- attestations -------------------------------------------------------------------------

  /**
   * Queues a bundle for the next group commit. The future completes with {@code storageKey} once
   * the transaction holding it is committed (fsynced), or fails with {@link Code#FORBIDDEN} when
   * the job was no longer running or its capability expired at commit time.
   */
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

  /** How many group commits have run (for tests and the benchmark's fsyncs-per-attestation). */
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
        // Each caller gets a one-line 500; the cause goes to the operator's log, once per batch.
        org.slf4j.LoggerFactory.getLogger(Store.class).error("store.commit.failed attestations={}", batch.size(), e);
        for (Pending p : batch) {
          p.done().completeExceptionally(new OrchestratorException(Code.STORE, "storing the attestation failed", e));
        }
      } finally {
        batch.clear();
      }
    }
  }

  private void commitBatch(List<Pending> batch) {
    boolean[] live = new boolean[batch.size()];
    try {
      synchronized (writeLock) {
        long now = nowMillis();
        try (PreparedStatement p = writer.prepareStatement(
            "INSERT INTO attestations (storage_key, job_id, subject_name, subject_sha256, bundle, created_at) "
                + "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ? AND status = 'running' "
                + "AND capability_expires_at > ?)")) {
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
            live[i] = p.executeUpdate() == 1;
          }
          writer.commit(); // WAL + synchronous=FULL: fsynced here, once for the whole batch
          commits++;
        } catch (SQLException e) {
          rollbackQuietly();
          throw new OrchestratorException(Code.STORE, "storing attestations failed: " + oneLine(e));
        }
      }
    } catch (OrchestratorException e) {
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

  /** The bundle bytes exactly as stored, with the first subject's name. */
  public record StoredBundle(byte[] bytes, String subjectName) {}

  public Optional<StoredBundle> bundle(String storageKey) {
    return queryOne("SELECT bundle, subject_name FROM attestations WHERE storage_key = ?", p -> p.setString(1, storageKey),
        rs -> new StoredBundle(rs.getBytes(1), rs.getString(2)));
  }

  public List<StoredAttestation> attestationsOfRun(long runId) {
    return queryList("SELECT a.storage_key, a.job_id, a.subject_name, a.subject_sha256, a.created_at FROM attestations a "
            + "JOIN jobs j ON j.id = a.job_id WHERE j.run_id = ? ORDER BY a.created_at, a.rowid",
        p -> p.setLong(1, runId),
        rs -> new StoredAttestation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5)));
  }

  // ---- the transparency log (LogStorage) ---------------------------------------------------

  /**
   * One transaction on the write connection (so it is ordered with, and as durable as, the
   * attestations' group commit); the index continues from the stored entries, never from memory.
   */
  @Override
  public long appendEntries(List<byte[]> entries, List<byte[]> leafHashes) {
    if (entries.size() != leafHashes.size()) {
      throw new IllegalArgumentException("one leaf hash per entry");
    }
    return write(c -> {
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

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T write(Work<T> work) {
    synchronized (writeLock) {
      ensureOpen();
      try {
        T result = work.run(writer);
        writer.commit();
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

  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Every row of one query on the read connection, mapped. */
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

  private <T> T read(Work<T> work) {
    synchronized (readLock) {
      ensureOpen();
      try {
        return work.run(reader);
      } catch (SQLException e) {
        throw new OrchestratorException(Code.STORE, "database read failed: " + oneLine(e), e);
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new OrchestratorException(Code.STORE, "the store is closed");
    }
  }

  private void rollbackQuietly() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // the connection is already unusable; the caller reports the original failure
    }
  }

  private static String oneLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse("");
  }

  /** Drains queued attestations (committing them), then closes both connections. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      groupCommitter.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
