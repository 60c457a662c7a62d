package dev.hallmark.orchestrator.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.store.JobOutputStore.LogLine;
import dev.hallmark.orchestrator.store.JobOutputStore.StepRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, run against each implementation on a real database: {@link
 * SqliteStoreTest} (a file in a temporary folder) and {@link PostgresStoreIT} (a PostgreSQL server).
 * A subclass gives a fresh, empty database per test; reopening it reaches the same data.
 */
abstract class StoreContract {
  static final String SHA = "a".repeat(40);
  static final String REPO = "acme/app";

  /** A clock the tests move: capability expiry is judged by the store's clock at commit time. */
  static final class TestClock extends Clock {
    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  final TestClock clock = new TestClock();
  Database database;

  /** A new, empty database for one test. */
  abstract Database freshDatabase() throws Exception;

  @BeforeEach
  void createDatabase() throws Exception {
    database = freshDatabase();
  }

  Store open() {
    return database.open(clock);
  }

  static RunRecord newRun(Store store) {
    return store.createRun(new NewRun(REPO, "refs/heads/main", SHA, "push", ".hallmark/workflows/Release.java"));
  }

  /** A running job of a new run, its capability valid for {@code life}. */
  JobRecord runningJob(Store store, String name, Duration life) {
    RunRecord run = newRun(store);
    JobRecord job = store.createJob(run.id(), name);
    assertTrue(store.startJob(job.id(), hash(job.id()), clock.instant().plus(life)));
    return store.job(job.id()).orElseThrow();
  }

  static byte[] hash(String seed) {
    return dev.hallmark.attestation.crypto.Sha256.of(seed.getBytes(StandardCharsets.UTF_8));
  }

  /** Bytes no text encoding would keep: every byte value, NULs and invalid UTF-8 included. */
  static byte[] awkwardBytes(int salt) {
    byte[] b = new byte[600];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i + salt);
    }
    return b;
  }

  static Code failureCode(CompletableFuture<?> f) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return assertInstanceOf(OrchestratorException.class, e.getCause()).code();
  }

  // ---- the commit-time re-check ---------------------------------------------------------------

  @Test
  void refusesBundleCommittedAfterTheJobFinished() throws Exception {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "publish", Duration.ofMinutes(30));
      store.finishJob(job.id(), JobRecord.SUCCEEDED, null);
      CompletableFuture<String> stored = store.storeAttestation("key-after-end", job.id(), "app.jar", SHA + SHA.substring(0, 24), awkwardBytes(1));
      assertEquals(Code.FORBIDDEN, failureCode(stored));
      assertTrue(store.bundle("key-after-end").isEmpty(), "a bundle was stored for a finished job");
    }
  }

  @Test
  void refusesBundleCommittedAfterTheCapabilityExpired() throws Exception {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "publish", Duration.ofMinutes(5));
      clock.advance(Duration.ofMinutes(5)); // expiry is exclusive: at the instant itself it is dead
      CompletableFuture<String> stored = store.storeAttestation("key-expired", job.id(), "app.jar", "b".repeat(64), awkwardBytes(2));
      assertEquals(Code.FORBIDDEN, failureCode(stored));
      assertTrue(store.bundle("key-expired").isEmpty(), "a bundle was stored after the capability expired");
      assertEquals(JobRecord.RUNNING, store.job(job.id()).orElseThrow().status());
    }
  }

  @Test
  void refusesBundleOfAJobThatNeverStarted() throws Exception {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord pending = store.createJob(newRun(store).id(), "pending");
      assertEquals(Code.FORBIDDEN, failureCode(store.storeAttestation("key-pending", pending.id(), "a", "c".repeat(64), new byte[] {1})));
      assertEquals(Code.FORBIDDEN, failureCode(store.storeAttestation("key-nojob", "00112233445566778899", "a", "c".repeat(64), new byte[] {1})));
    }
  }

  @Test
  void storesBundleBytesExactlyAndListsThemInOrder() throws Exception {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "publish", Duration.ofMinutes(30));
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String key = "key-" + (char) ('e' - i); // keys sort the other way round
        keys.add(key);
        assertEquals(key, store.storeAttestation(key, job.id(), "app-" + i + ".jar", "d".repeat(64), awkwardBytes(i)).get(30, TimeUnit.SECONDS));
      }
      for (int i = 0; i < 5; i++) {
        AttestationStore.StoredBundle b = store.bundle(keys.get(i)).orElseThrow();
        assertArrayEquals(awkwardBytes(i), b.bytes());
        assertEquals("app-" + i + ".jar", b.subjectName());
      }
      assertEquals(keys, store.attestationsOfRun(job.runId()).stream().map(StoredAttestation::storageKey).toList());
      assertTrue(store.commitCount() >= 1);
    }
  }

  @Test
  void concurrentAttestationsFromManyThreadsAreAllDurable() throws Exception {
    int threads = 16;
    int each = 40;
    List<String> keys = new ArrayList<>();
    String jobId;
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      jobId = runningJob(store, "publish", Duration.ofMinutes(30)).id();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<List<CompletableFuture<String>>>> submitted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          submitted.add(pool.submit(() -> {
            List<CompletableFuture<String>> mine = new ArrayList<>();
            for (int i = 0; i < each; i++) {
              String key = "k-" + thread + "-" + i;
              mine.add(store.storeAttestation(key, jobId, key, "e".repeat(64), awkwardBytes(thread * each + i)));
            }
            return mine;
          }));
        }
        for (int t = 0; t < threads; t++) {
          List<CompletableFuture<String>> mine = submitted.get(t).get(60, TimeUnit.SECONDS);
          for (int i = 0; i < each; i++) {
            assertEquals("k-" + t + "-" + i, mine.get(i).get(60, TimeUnit.SECONDS)); // acknowledged
            keys.add("k-" + t + "-" + i);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    // Acknowledged means durable: a new store on the same database has every one, byte for byte.
    try (Store reopened = open()) {
      for (String key : keys) {
        String[] parts = key.split("-");
        int n = Integer.parseInt(parts[1]) * each + Integer.parseInt(parts[2]);
        assertArrayEquals(awkwardBytes(n), reopened.bundle(key).orElseThrow().bytes(), key);
      }
      assertEquals(threads * each, reopened.attestationsOfRun(reopened.job(jobId).orElseThrow().runId()).size());
    }
  }

  // ---- runs, jobs, ids and order ------------------------------------------------------------

  @Test
  void runIdsGrowAndRunsListNewestFirst() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      RunRecord first = newRun(store);
      RunRecord second = newRun(store);
      RunRecord third = newRun(store);
      assertTrue(first.id() < second.id() && second.id() < third.id(), "ids do not grow");
      assertEquals(List.of(third.id(), second.id()), store.runs(2).stream().map(RunRecord::id).toList());
      RunRecord read = store.run(second.id()).orElseThrow();
      assertEquals(REPO, read.repository());
      assertEquals("file:///src/app", read.cloneUrl());
      assertEquals(SHA, read.sha());
      assertEquals("running", read.status());
      assertEquals(clock.instant(), read.createdAt());
      assertTrue(store.run(third.id() + 1000).isEmpty());
    }
  }

  @Test
  void refusesRunOfUnregisteredRepository() {
    try (Store store = open()) {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> newRun(store));
      assertEquals(Code.NOT_FOUND, e.code());
      assertTrue(store.runs(10).isEmpty());
    }
  }

  @Test
  void addRepositoryRefusesATakenNameWhileRegisterRepoints() {
    try (Store store = open()) {
      store.addRepository(REPO, "/src/app", "file:///src/app");
      OrchestratorException e = assertThrows(OrchestratorException.class,
          () -> store.addRepository(REPO, "/elsewhere", "file:///elsewhere"));
      assertEquals(Code.CONFLICT, e.code());
      assertEquals("/src/app", store.repository(REPO).orElseThrow().path());
      store.registerRepository(REPO, "/moved", "file:///moved");
      assertEquals("file:///moved", store.repository(REPO).orElseThrow().cloneUrl());
      store.addRepository("acme/lib", "/src/lib", "file:///src/lib");
      assertEquals(List.of("acme/app", "acme/lib"), store.repositories().stream().map(RepositoryStore.RepositoryRecord::name).toList());
    }
  }

  @Test
  void jobsOfRunComeInCreationOrderNotIdOrder() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      RunRecord run = newRun(store);
      List<String> names = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        names.add("job-" + i);
        ids.add(store.createJob(run.id(), "job-" + i).id());
      }
      assertEquals(names, store.jobsOfRun(run.id()).stream().map(JobRecord::name).toList());
      assertEquals(12, new HashSet<>(ids).size());
      assertTrue(ids.stream().allMatch(id -> id.matches("[0-9a-f]{20}")));
    }
  }

  @Test
  void startsAJobOnceAndFindsItByCapabilityHash() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = store.createJob(newRun(store).id(), "build");
      Instant expires = clock.instant().plus(Duration.ofMinutes(30));
      assertTrue(store.startJob(job.id(), hash("cap"), expires));
      assertFalse(store.startJob(job.id(), hash("cap-2"), expires), "a running job was started again");
      RunStore.JobWithHash found = store.jobByCapabilityHash(hash("cap")).orElseThrow();
      assertEquals(job.id(), found.job().id());
      assertArrayEquals(hash("cap"), found.capabilityHash());
      assertEquals(expires, found.job().capabilityExpiresAt());
      assertTrue(store.jobByCapabilityHash(hash("cap-2")).isEmpty());
    }
  }

  @Test
  void finishingAJobEndsItsCapabilityInTheSameCommit() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "build", Duration.ofHours(1));
      clock.advance(Duration.ofSeconds(7));
      store.finishJob(job.id(), JobRecord.FAILED, "step failed");
      JobRecord done = store.job(job.id()).orElseThrow();
      assertEquals(JobRecord.FAILED, done.status());
      assertEquals("step failed", done.reason());
      assertEquals(clock.instant(), done.capabilityExpiresAt());
      assertEquals(clock.instant(), done.finishedAt());
    }
  }

  @Test
  void failInterruptedFailsOnlyWhatIsUnfinished() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord running = runningJob(store, "running", Duration.ofHours(1));
      JobRecord pending = store.createJob(running.runId(), "pending");
      JobRecord finished = runningJob(store, "finished", Duration.ofHours(1));
      store.finishJob(finished.id(), JobRecord.SUCCEEDED, null);
      store.finishRun(finished.runId(), JobRecord.SUCCEEDED);
      assertEquals(2, store.failInterrupted("restarted"));
      assertEquals(JobRecord.FAILED, store.job(running.id()).orElseThrow().status());
      assertEquals(clock.instant(), store.job(running.id()).orElseThrow().capabilityExpiresAt());
      assertEquals("restarted", store.job(pending.id()).orElseThrow().reason());
      assertEquals(JobRecord.SUCCEEDED, store.job(finished.id()).orElseThrow().status());
      assertEquals(JobRecord.FAILED, store.run(running.runId()).orElseThrow().status());
      assertEquals("restarted", store.runReason(running.runId()).orElseThrow());
      assertEquals(JobRecord.SUCCEEDED, store.run(finished.runId()).orElseThrow().status());
    }
  }

  @Test
  void keepsRunReasonAndSandboxFlag() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      RunRecord run = newRun(store);
      assertEquals(true, store.runSandboxed(run.id()).orElseThrow());
      store.markUnsandboxed(run.id());
      assertEquals(false, store.runSandboxed(run.id()).orElseThrow());
      assertTrue(store.runReason(run.id()).isEmpty());
      store.finishRun(run.id(), JobRecord.FAILED, "compile error");
      assertEquals("compile error", store.runReason(run.id()).orElseThrow());
      assertTrue(store.runSandboxed(run.id() + 1).isEmpty());
    }
  }

  // ---- steps and logs -----------------------------------------------------------------------

  @Test
  void stepsUpdateInPlaceInStartOrder() {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "build", Duration.ofHours(1));
      store.recordStep(job.id(), "compile", "running", null);
      store.recordStep(job.id(), "test", "running", null); // same millisecond: creation order breaks the tie
      clock.advance(Duration.ofSeconds(3));
      store.recordStep(job.id(), "compile", "succeeded", "ok");
      List<StepRecord> steps = store.steps(job.id());
      assertEquals(List.of("compile", "test"), steps.stream().map(StepRecord::name).toList());
      assertEquals("succeeded", steps.get(0).status());
      assertEquals(clock.instant(), steps.get(0).finishedAt());
      assertEquals(null, steps.get(1).finishedAt());
    }
  }

  @Test
  void logsArePagedInOrderWithoutGapsWhenStreamsAppendAtOnce() throws Exception {
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      JobRecord job = runningJob(store, "build", Duration.ofHours(1));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (String stream : List.of("stdout", "stderr")) {
          writers.add(pool.submit(() -> {
            for (int batch = 0; batch < 20; batch++) {
              store.appendLog(job.id(), stream, List.of(stream + " " + batch + " a", stream + " " + batch + " b"));
            }
          }));
        }
        for (Future<?> w : writers) {
          w.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      List<LogLine> all = new ArrayList<>();
      long after = 0;
      for (List<LogLine> page; !(page = store.logs(job.id(), after, 7)).isEmpty(); after = page.get(page.size() - 1).seq()) {
        assertTrue(page.size() <= 7);
        all.addAll(page);
      }
      assertEquals(80, all.size());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i + 1, all.get(i).seq(), "line numbers have a gap or a repeat");
      }
      // A batch is never interleaved with the other stream's, and each stream keeps its order.
      for (int i = 0; i < all.size(); i += 2) {
        assertEquals(all.get(i).stream(), all.get(i + 1).stream());
        assertTrue(all.get(i).line().endsWith(" a") && all.get(i + 1).line().endsWith(" b"));
      }
      assertEquals(3, store.logs(job.id(), 77, 10).size());
    }
  }

  // ---- the transparency log's storage ------------------------------------------------------

  @Test
  void logEntriesGetConsecutiveIndexesAndTheCheckpointNeverGoesBack() {
    try (Store store = open()) {
      assertEquals(0, store.logSize());
      assertEquals(0, store.appendEntries(List.of(new byte[] {0}, new byte[] {1}), List.of(hash("0"), hash("1"))));
      assertEquals(2, store.appendEntries(List.of(awkwardBytes(3)), List.of(hash("2"))));
      assertEquals(3, store.logSize());
      assertArrayEquals(awkwardBytes(3), store.entries(2, 3).get(0));
      assertArrayEquals(hash("1"), store.leafHashes(1, 2).get(0));
      assertEquals(2, store.leafHashes(0, 2).size());
      store.publishCheckpoint(3, "note of 3");
      store.publishCheckpoint(2, "note of 2");
      assertEquals("note of 3", store.publishedCheckpoint().orElseThrow());
    }
  }

  // ---- migrations ---------------------------------------------------------------------------

  @Test
  void reopeningMigratesNothingTwiceAndKeepsTheData() {
    long runId;
    try (Store store = open()) {
      store.registerRepository(REPO, "/src/app", "file:///src/app");
      runId = newRun(store).id();
    }
    for (int i = 0; i < 2; i++) {
      try (Store store = open()) {
        assertEquals(REPO, store.run(runId).orElseThrow().repository());
        assertTrue(newRun(store).id() > runId, "ids start again after reopening");
      }
    }
  }

  @Test
  void aClosedStoreRefusesWork() throws Exception {
    Store store = open();
    store.close();
    assertEquals(Code.STORE, assertThrows(OrchestratorException.class, () -> store.runs(1)).code());
    assertEquals(Code.STORE, failureCode(store.storeAttestation("k", "j", "n", "f".repeat(64), new byte[] {1})));
    store.close(); // twice is fine
  }
}
