package dev.hallmark.orchestrator.secret;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The declared secrets of one repository, name to value, as the runner hands them to a job of
 * that repository. {@link #toString()} names the secrets and never shows a value.
 *
 * <pre>{@code
 * RepositorySecrets s = secrets.of("acme/app");
 * s.values().forEach((name, value) -> ...);
 * }</pre>
 */
public final class RepositorySecrets {
  private final String repository;
  private final Map<String, String> values;

  RepositorySecrets(String repository, Map<String, String> values) {
    this.repository = requireNonNull(repository, "repository");
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** No secrets (a repository without any, or a name that cannot have any). */
  public static RepositorySecrets none(String repository) {
    return new RepositorySecrets(repository, Map.of());
  }

  public String repository() {
    return repository;
  }

  /** Name to value, sorted by name. */
  public Map<String, String> values() {
    return values;
  }

  @Override
  public String toString() {
    return "RepositorySecrets[" + repository + ": " + String.join(", ", values.keySet()) + "; values redacted]";
  }
}
