package dev.hallmark.orchestrator.store;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The registered repositories: what push intake accepts and where runs clone from. */
public interface RepositoryStore {
  /** A registered repository: where the orchestrator resolves refs and clones from. */
  record RepositoryRecord(String name, String path, String cloneUrl, Instant registeredAt) {}

  /** Registers {@code name}, or re-points an existing registration (tests and embedded runs). */
  void registerRepository(String name, String path, String cloneUrl);

  /**
   * Registers a new repository ({@code hallmark repo add}); unlike {@link #registerRepository} an
   * existing name is refused with {@link Code#CONFLICT}, never silently re-pointed.
   */
  void addRepository(String name, String path, String cloneUrl);

  Optional<RepositoryRecord> repository(String name);

  /** Every registered repository, by name. */
  List<RepositoryRecord> repositories();
}
