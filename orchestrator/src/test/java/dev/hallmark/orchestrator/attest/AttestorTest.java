package dev.hallmark.orchestrator.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.SteppedClock;
import dev.hallmark.orchestrator.jobs.JobCapabilities;
import dev.hallmark.orchestrator.keys.IssuerKeyStore;
import dev.hallmark.orchestrator.log.LogKey;
import dev.hallmark.orchestrator.log.LogSettings;
import dev.hallmark.orchestrator.log.TransparencyLog;
import dev.hallmark.orchestrator.oidc.Issuer;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.StoredAttestation;
import dev.hallmark.orchestrator.store.Store;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attestor over a real store, keys and transparency log (no witnesses): subjects are checked,
 * and a bundle is stored and acknowledged only for a job still running with a live capability,
 * re-checked when the bundle is committed.
 */
class AttestorTest {
  private static final String SHA = "b".repeat(40);
  private static final String DIGEST = "c".repeat(64);

  @TempDir Path data;
  private final SteppedClock clock = SteppedClock.at(Instant.now());
  private Store store;
  private TransparencyLog log;
  private Attestor attestor;
  private JobCapabilities caps;
  private RunRecord run;

  @BeforeEach
  void open() {
    SecureRandom random = new SecureRandom();
    Path keysDir = data.resolve("keys");
    IssuerKeyStore keys = IssuerKeyStore.open(keysDir, clock, random);
    String issuerUrl = "http://127.0.0.1:9/oidc";
    LogKey logKey = LogKey.openOrCreate(keysDir, LogKey.originFor(issuerUrl), clock.instant().getEpochSecond(), random);
    keys.startLogAt(logKey.since());
    var policy = LogSettings.defaults().policy(logKey.vkey(), issuerUrl + "/log");
    store = Store.open(data.resolve("hallmark.db"), clock);
    log = TransparencyLog.start(store, logKey, policy, LogSettings.clients(policy, HttpClient.newHttpClient()),
        Duration.ofSeconds(30), clock);
    Issuer issuer = new Issuer("http://127.0.0.1:9", null, keys, policy.text(), logKey.since());
    attestor = new Attestor(store, issuer, clock, random, log);
    caps = new JobCapabilities(store, clock, random, JobCapabilities.DEFAULT_HARD_CAP);
    store.registerRepository("acme/app", data.toString(), "file://" + data);
    run = store.createRun(new NewRun("acme/app", "refs/heads/main", SHA, "push", ".hallmark/workflows/W.java"));
  }

  @AfterEach
  void close() {
    log.close();
    store.close();
  }

  private JobRecord runningJob(Duration timeout) {
    JobRecord job = store.createJob(run.id(), "build");
    caps.start(job.id(), timeout);
    return store.job(job.id()).orElseThrow();
  }

  private static Throwable cause(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  @Test
  void aRunningJobsAttestationIsStoredUnderItsOwnRecords() throws Exception {
    JobRecord job = runningJob(Duration.ofMinutes(30));
    Attestor.Result r = attestor.attest(job, List.of(Subject.of("app.tgz", DIGEST))).get(60, TimeUnit.SECONDS);
    assertEquals(DIGEST, r.subjectDigest());
    List<StoredAttestation> stored = store.attestationsOfRun(run.id());
    assertEquals(1, stored.size());
    assertEquals(r.storageKey(), stored.get(0).storageKey());
    assertEquals(job.id(), stored.get(0).jobId());
    assertEquals("app.tgz", stored.get(0).subjectName());
    // The claims come from the records, never from the request.
    var claims = attestor.claims(run, job, clock.instant());
    assertEquals(SHA, claims.sha());
    assertEquals(job.id(), claims.jobId());
    assertEquals(Attestor.RUNNER_ENVIRONMENT, claims.runnerEnvironment());
  }

  @Test
  void refusesAnAttestationWithoutSubjects() {
    JobRecord job = runningJob(Duration.ofMinutes(30));
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> attestor.attest(job, List.of()));
    assertEquals(Code.INVALID_INPUT, e.code());
    assertEquals(List.of(), store.attestationsOfRun(run.id()));
  }

  @Test
  void refusesARequestedSubjectPathThatIsEmptyTooLongOrHasNul() {
    Subject s = Subject.of("app.tgz", DIGEST);
    for (String path : new String[] {"", "a\0b", "x".repeat(RequestedSubject.MAX_PATH_LENGTH + 1)}) {
      assertEquals(Code.INVALID_INPUT, assertThrows(OrchestratorException.class, () -> new RequestedSubject(s, path)).code());
    }
    assertTrue(new RequestedSubject(s, "dist/app.tgz").isFile());
  }

  @Test
  void refusesAJobThatHasFinished() {
    JobRecord job = runningJob(Duration.ofMinutes(30));
    caps.finish(job.id(), JobRecord.SUCCEEDED, null);
    JobRecord ended = store.job(job.id()).orElseThrow();
    Throwable t = assertThrows(Exception.class, () -> attestor.attest(ended, List.of(Subject.of("app.tgz", DIGEST)))
        .get(60, TimeUnit.SECONDS));
    Throwable c = cause(t.getCause() != null ? t.getCause() : t);
    assertTrue(c instanceof OrchestratorException, c.toString());
    assertEquals(Code.FORBIDDEN, ((OrchestratorException) c).code());
    assertEquals(List.of(), store.attestationsOfRun(run.id()));
  }

  /**
   * The job record the caller holds says "running", but the capability expired before the bundle
   * was committed: the commit's own re-check refuses it (ARCHITECTURE: checked atomically when
   * signing).
   */
  @Test
  void refusesAJobWhoseCapabilityExpiredBeforeTheCommit() {
    JobRecord job = runningJob(Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(6));
    Throwable t = assertThrows(Exception.class, () -> attestor.attest(job, List.of(Subject.of("app.tgz", DIGEST)))
        .get(60, TimeUnit.SECONDS));
    Throwable c = cause(t.getCause() != null ? t.getCause() : t);
    assertTrue(c instanceof OrchestratorException, c.toString());
    assertEquals(Code.FORBIDDEN, ((OrchestratorException) c).code());
    assertEquals(List.of(), store.attestationsOfRun(run.id()));
  }
}
