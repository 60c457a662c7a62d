package dev.hallmark.sdk;

/**
 * The code of one step. It fails by throwing: any exception fails the step, fails its job and
 * skips the job's remaining steps.
 *
 * <pre>{@code
 * job("build").step("compile", ctx -> ctx.sh("make"))
 * }</pre>
 */
@FunctionalInterface
public interface Step {
  /** Runs the step; {@code ctx} is valid only during this call. */
  void run(StepContext ctx) throws Exception;
}
