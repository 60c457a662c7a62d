package dev.hallmark.sdk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A job under construction: a named list of steps that runs in one fresh workspace, after the
 * jobs it {@link #needs}, with extra environment for the commands its steps start and a
 * time-out. Each call checks its input at once and throws a one-line {@link WorkflowException}.
 * {@link Workflow#job(Job)} takes a copy, so changing a job after adding it changes nothing.
 *
 * <pre>{@code
 * job("publish")
 *     .needs("build")
 *     .env("TZ", "UTC")
 *     .timeout(Duration.ofMinutes(10))
 *     .step("attest", ctx -> ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz")))
 * }</pre>
 */
public final class Job {
  /** The time-out of a job that sets none. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(60);
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final int MAX_ENV_VALUE = 32 * 1024;

  private final String name;
  private final List<String> needs = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, Step> steps = new LinkedHashMap<>();
  private Duration timeout = DEFAULT_TIMEOUT;

  Job(String name) {
    this.name = Names.check("job", name);
  }

  /** Runs this job only after each of {@code jobs} succeeded (order does not matter). */
  public Job needs(String... jobs) {
    if (jobs == null || jobs.length == 0) {
      throw new WorkflowException("job '" + name + "': needs() names no job");
    }
    for (String j : jobs) {
      Names.check("job '" + name + "' needs a job whose", j);
      if (j.equals(name)) {
        throw new WorkflowException("job '" + name + "' needs itself (cycle: " + name + " -> " + name + ")");
      }
      if (needs.contains(j)) {
        throw new WorkflowException("job '" + name + "' needs '" + j + "' twice");
      }
      needs.add(j);
    }
    return this;
  }

  /**
   * Adds an environment variable for the commands this job's steps start with
   * {@link StepContext#sh}. Names starting with {@code HALLMARK_} are reserved.
   */
  public Job env(String key, String value) {
    if (key == null || !ENV_NAME.matcher(key).matches()) {
      throw new WorkflowException("job '" + name + "': env name " + Names.show(key)
          + " is invalid: use a letter or _ then letters, digits or _ (at most 128)");
    }
    if (key.toUpperCase(Locale.ROOT).startsWith("HALLMARK_")) {
      throw new WorkflowException("job '" + name + "': env name '" + key + "' is reserved (HALLMARK_*)");
    }
    if (value == null) {
      throw new WorkflowException("job '" + name + "': env '" + key + "' has no value");
    }
    if (value.indexOf('\0') >= 0 || value.length() > MAX_ENV_VALUE) {
      throw new WorkflowException("job '" + name + "': env '" + key
          + "' value holds a NUL character or is longer than " + MAX_ENV_VALUE + " characters");
    }
    if (env.containsKey(key)) {
      throw new WorkflowException("job '" + name + "' sets env '" + key + "' twice");
    }
    env.put(key, value);
    return this;
  }

  /**
   * Sets the job's time-out, positive and at most 24 hours (default 60 minutes); a fraction of a
   * second counts as a whole one. The orchestrator ends the job when it passes; the SDK also
   * stops a command that outlives it and starts no step after it.
   */
  public Job timeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new WorkflowException("job '" + name + "': timeout must be positive");
    }
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new WorkflowException("job '" + name + "': timeout must be at most 24 hours");
    }
    this.timeout = timeout;
    return this;
  }

  /** Appends a step; steps run in the order they were added. */
  public Job step(String stepName, Step step) {
    Names.check("job '" + name + "': step", stepName);
    if (step == null) {
      throw new WorkflowException("job '" + name + "': step '" + stepName + "' has no code");
    }
    if (steps.containsKey(stepName)) {
      throw new WorkflowException("job '" + name + "' has two steps named '" + stepName + "'");
    }
    steps.put(stepName, step);
    return this;
  }

  String name() {
    return name;
  }

  /** An immutable copy, so later calls on this builder cannot reach a validated workflow. */
  JobSpec spec() {
    List<JobSpec.NamedStep> named = new ArrayList<>();
    steps.forEach((n, s) -> named.add(new JobSpec.NamedStep(n, s)));
    return new JobSpec(name, List.copyOf(needs), Collections.unmodifiableMap(new LinkedHashMap<>(env)),
        timeout, List.copyOf(named));
  }
}
