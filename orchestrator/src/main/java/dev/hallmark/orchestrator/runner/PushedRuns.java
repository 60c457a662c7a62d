package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.store.RunRecord;

/**
 * What push intake hands a run it created to: {@link Runner} runs it on this orchestrator. A queue
 * that runners on other machines take runs from would be another implementation.
 *
 * <pre>{@code
 * PushedRuns runs = runner;
 * Runner.RunOutcome outcome = runs.runPushed(run, repository.path());
 * }</pre>
 */
@FunctionalInterface
public interface PushedRuns {
  /**
   * Checks out the run's sha from {@code source}, runs its workflow and records the run's end.
   * Never throws: a failure fails the run with the reason.
   */
  Runner.RunOutcome runPushed(RunRecord run, String source);
}
