package dev.hallmark.orchestrator.secret;

/**
 * Where the runner gets the declared secrets of a run's repository, at each job's start (so a
 * secret set while the orchestrator runs applies to the next job).
 *
 * <pre>{@code
 * SecretSource source = DeclaredSecrets.in(dataDir);
 * RepositorySecrets s = source.of(run.repository());
 * }</pre>
 */
@FunctionalInterface
public interface SecretSource {
  /** No repository has secrets. */
  SecretSource NONE = RepositorySecrets::none;

  /** The secrets of {@code repository}: none for a name that cannot have any. */
  RepositorySecrets of(String repository);
}
