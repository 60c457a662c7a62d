package dev.hallmark.orchestrator.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.SteppedClock;
import dev.hallmark.orchestrator.secret.BearerSecret;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job capabilities over a real store: issued once per job, kept only as a hash, dead at the job's
 * end, its time-out or the hard cap, and never valid for another job. The clock is stepped.
 */
class JobCapabilitiesTest {
  private static final String SHA = "a".repeat(40);
  private static final Duration HARD_CAP = Duration.ofHours(6);

  @TempDir Path data;
  private final SteppedClock clock = SteppedClock.at(Instant.parse("2026-12-01T10:00:00Z"));
  private Store store;
  private JobCapabilities caps;
  private long runId;

  @BeforeEach
  void open() {
    store = Store.open(data.resolve("hallmark.db"), clock);
    store.registerRepository("acme/app", data.toString(), "file://" + data);
    runId = store.createRun(new NewRun("acme/app", "refs/heads/main", SHA, "push", ".hallmark/workflows/W.java")).id();
    caps = new JobCapabilities(store, clock, new SecureRandom(), HARD_CAP);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static String bearer(Capability c) {
    return "Bearer " + c.reveal();
  }

  @Test
  void aStartedJobsCapabilityAuthenticatesAsThatJob() {
    JobRecord job = store.createJob(runId, "build");
    Capability cap = caps.start(job.id(), Duration.ofMinutes(30));
    assertTrue(BearerSecret.hasShape(cap.reveal(), Capability.PREFIX), "shape");
    assertEquals(job.id(), cap.jobId());
    assertFalse(cap.toString().contains(cap.reveal()), "toString leaks the capability");
    JobRecord authenticated = caps.authenticate(bearer(cap));
    assertEquals(job.id(), authenticated.id());
    assertTrue(authenticated.isRunning());
  }

  @Test
  void onlyTheHashIsStoredNeverTheCapability() throws Exception {
    JobRecord job = store.createJob(runId, "build");
    Capability cap = caps.start(job.id(), Duration.ofMinutes(30));
    Store.JobWithHash stored = store.jobByCapabilityHash(BearerSecret.hash(cap.reveal())).orElseThrow();
    assertArrayEquals(BearerSecret.hash(cap.reveal()), stored.capabilityHash());
    store.close();
    byte[] needle = cap.reveal().getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.list(data)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        assertFalse(contains(Files.readAllBytes(f), needle), "the plain capability is in " + f);
      }
    }
    store = Store.open(data.resolve("hallmark.db"), clock);
  }

  @Test
  void aJobHasOneCapability() {
    JobRecord job = store.createJob(runId, "build");
    caps.start(job.id(), Duration.ofMinutes(30));
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> caps.start(job.id(), Duration.ofMinutes(30)));
    assertEquals(Code.CONFLICT, e.code());
  }

  @Test
  void rejectsTheCapabilityOnceTheJobHasEnded() {
    JobRecord job = store.createJob(runId, "build");
    Capability cap = caps.start(job.id(), Duration.ofMinutes(30));
    caps.finish(job.id(), JobRecord.SUCCEEDED, null);
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> caps.authenticate(bearer(cap)));
    assertEquals(Code.FORBIDDEN, e.code());
    assertFalse(store.job(job.id()).orElseThrow().capabilityExpiresAt().isAfter(clock.instant()),
        "the stored expiry outlives the job");
  }

  @Test
  void rejectsTheCapabilityPastTheJobsTimeOut() {
    JobRecord job = store.createJob(runId, "build");
    Capability cap = caps.start(job.id(), Duration.ofMinutes(30));
    clock.advance(Duration.ofMinutes(29));
    caps.authenticate(bearer(cap));
    clock.advance(Duration.ofMinutes(1));
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> caps.authenticate(bearer(cap)));
    assertEquals(Code.FORBIDDEN, e.code());
  }

  @Test
  void rejectsTheCapabilityPastTheHardCapWhateverTheTimeOut() {
    JobRecord job = store.createJob(runId, "build");
    Capability cap = caps.start(job.id(), Duration.ofHours(24));
    assertEquals(clock.instant().plus(HARD_CAP), store.job(job.id()).orElseThrow().capabilityExpiresAt());
    clock.advance(HARD_CAP);
    assertEquals(Code.FORBIDDEN, assertThrows(OrchestratorException.class, () -> caps.authenticate(bearer(cap))).code());
  }

  @Test
  void rejectsUnknownMalformedAndMissingCapabilities() {
    JobRecord job = store.createJob(runId, "build");
    Capability cap = caps.start(job.id(), Duration.ofMinutes(30));
    String forged = BearerSecret.generate(Capability.PREFIX, new SecureRandom());
    String[] refused = {null, "", cap.reveal(), "Basic " + cap.reveal(), "Bearer " + forged,
        "Bearer " + cap.reveal().substring(0, cap.reveal().length() - 1), "Bearer hmint_" + cap.reveal().substring(6)};
    for (String header : refused) {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> caps.authenticate(header), header);
      assertEquals(Code.UNAUTHENTICATED, e.code(), header);
    }
  }

  /** A capability names its own job only: another job's capability never authenticates as this one. */
  @Test
  void anotherJobsCapabilityIsThatJobsNotThisOnes() {
    JobRecord build = store.createJob(runId, "build");
    JobRecord publish = store.createJob(runId, "publish");
    Capability buildCap = caps.start(build.id(), Duration.ofMinutes(30));
    Capability publishCap = caps.start(publish.id(), Duration.ofMinutes(30));
    assertNotEquals(buildCap.reveal(), publishCap.reveal());
    assertEquals(build.id(), caps.authenticate(bearer(buildCap)).id());
    assertEquals(publish.id(), caps.authenticate(bearer(publishCap)).id());
    caps.finish(publish.id(), JobRecord.SUCCEEDED, null);
    // The ended job's capability stays dead although another job of the run still runs.
    assertEquals(Code.FORBIDDEN, assertThrows(OrchestratorException.class, () -> caps.authenticate(bearer(publishCap))).code());
    assertEquals(build.id(), caps.authenticate(bearer(buildCap)).id());
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
