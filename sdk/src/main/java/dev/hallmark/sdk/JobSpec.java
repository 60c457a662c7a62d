package dev.hallmark.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A job as the workflow holds it, frozen when added: {@link Job} is the builder, this the value.
 *
 * <pre>{@code
 * JobSpec spec = job("build").step("s", ctx -> {}).spec();
 * spec.timeoutSeconds();   // 3600
 * }</pre>
 */
record JobSpec(String name, List<String> needs, Map<String, String> env, Duration timeout, List<NamedStep> steps) {

  /** One step: its name and its code. */
  record NamedStep(String name, Step code) {}

  /** The time-out in whole seconds, a fraction counting as one more. */
  long timeoutSeconds() {
    return timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
  }

  List<String> stepNames() {
    return steps.stream().map(NamedStep::name).toList();
  }
}
