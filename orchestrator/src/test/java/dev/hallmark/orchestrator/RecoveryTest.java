package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash recovery: what a previous process left running is failed at the next start, with the reason. */
class RecoveryTest {
  private static final String SHA = "a".repeat(40);
  @TempDir Path data;

  @Test
  void failsJobsAndRunsLeftRunningByAnEarlierProcess() {
    RunRecord run;
    JobRecord running;
    JobRecord pending;
    JobRecord finished;
    try (Orchestrator o = Orchestrator.start(Orchestrator.Config.defaults(data))) {
      o.registerRepository("acme/app", "/src/app", "file:///src/app");
      run = o.createRun(new NewRun("acme/app", "refs/heads/main", SHA, "push", ".hallmark/workflows/A.java"));
      running = o.createJob(run.id(), "running");
      Capability cap = o.startJob(running.id(), Duration.ofMinutes(30));
      assertTrue(cap.reveal().startsWith("hmcap_"));
      pending = o.createJob(run.id(), "pending");
      finished = o.createJob(run.id(), "finished");
      o.startJob(finished.id(), Duration.ofMinutes(30));
      o.finishJob(finished.id(), JobRecord.SUCCEEDED, null);
      // closed without finishing: as after SIGKILL, the rows still say running
    }
    try (Orchestrator o = Orchestrator.start(Orchestrator.Config.defaults(data))) {
      assertEquals(JobRecord.RUNNING, o.store().job(running.id()).orElseThrow().status());
      assertEquals(2, o.failInterrupted());
      JobRecord r = o.store().job(running.id()).orElseThrow();
      assertEquals(JobRecord.FAILED, r.status());
      assertEquals(Orchestrator.RESTART_REASON, r.reason());
      assertFalse(r.capabilityExpiresAt().isAfter(Clock.systemUTC().instant()));
      assertEquals(JobRecord.FAILED, o.store().job(pending.id()).orElseThrow().status());
      assertEquals(JobRecord.SUCCEEDED, o.store().job(finished.id()).orElseThrow().status());
      assertEquals(JobRecord.FAILED, o.store().run(run.id()).orElseThrow().status());
      assertEquals(Orchestrator.RESTART_REASON, o.store().runReason(run.id()).orElseThrow());
      // a failed job never starts again
      assertThrows(OrchestratorException.class, () -> o.startJob(running.id(), Duration.ofMinutes(1)));
      assertEquals(0, o.failInterrupted());
    }
  }

  @Test
  void refusesASecondOrchestratorOnTheSameDataFolder() {
    try (Orchestrator o = Orchestrator.start(Orchestrator.Config.defaults(data))) {
      OrchestratorException e = assertThrows(OrchestratorException.class,
          () -> Orchestrator.start(Orchestrator.Config.defaults(data)));
      assertEquals(OrchestratorException.Code.CONFLICT, e.code());
    }
    Orchestrator.start(Orchestrator.Config.defaults(data)).close(); // released on close
  }

  @Test
  void refusesADuplicateRepository() {
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      store.addRepository("acme/app", "/src/app", "file:///src/app");
      OrchestratorException e = assertThrows(OrchestratorException.class,
          () -> store.addRepository("acme/app", "/elsewhere", "file:///elsewhere"));
      assertEquals(OrchestratorException.Code.CONFLICT, e.code());
      assertEquals("/src/app", store.repository("acme/app").orElseThrow().path());
      assertEquals(1, store.repositories().size());
    }
  }
}
