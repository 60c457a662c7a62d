package dev.hallmark.sdk;

/**
 * Where a workflow file starts: the static factories of the workflow DSL.
 *
 * <pre>{@code
 * import static dev.hallmark.sdk.Hallmark.*;
 * import dev.hallmark.sdk.*;
 * import java.time.Duration;
 *
 * public class Release {
 *   public static void main(String[] args) {
 *     workflow("release")
 *         .on(push().branches("main"))
 *         .job(job("test").step("unit", ctx -> ctx.sh("./run-tests.sh")))
 *         // Each job gets a fresh checkout: build and attest in the same job.
 *         .job(job("publish").needs("test").env("TZ", "UTC").timeout(Duration.ofMinutes(10))
 *             .step("build", ctx -> ctx.sh("tar czf app.tgz src"))
 *             .step("attest", ctx -> ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"))))
 *         .main(args);
 *   }
 * }
 * }</pre>
 *
 * <p>Names of workflows, jobs and steps are 1 to 64 of {@code A-Z a-z 0-9 . _ -}; a name that
 * breaks the rule throws a one-line {@link WorkflowException} at once.
 */
public final class Hallmark {
  private Hallmark() {}

  /** Starts a workflow definition named {@code name}. */
  public static Workflow workflow(String name) {
    return new Workflow(name);
  }

  /** A trigger that matches every push until narrowed with branches or tags. */
  public static PushTrigger push() {
    return new PushTrigger(java.util.List.of(), java.util.List.of());
  }

  /** Starts a job definition named {@code name}. */
  public static Job job(String name) {
    return new Job(name);
  }
}
