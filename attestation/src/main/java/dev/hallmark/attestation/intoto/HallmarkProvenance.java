package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds Hallmark's statement of FORMATS §3 from the orchestrator's record of a run: every field
 * comes from the {@link BuildContext}; a step supplies only the subjects.
 *
 * <pre>{@code
 * Statement statement = HallmarkProvenance.build(ctx,
 *     List.of(Subject.of("my-pkg-1.2.3.tgz", sha256Hex).toDescriptor()));
 * byte[] payload = statement.toJsonBytes();
 * }</pre>
 */
public final class HallmarkProvenance {
  /** FORMATS §3: Hallmark's {@code buildDefinition.buildType}. */
  public static final String BUILD_TYPE = "https://hallmark.dev/buildtypes/workflow/v1";

  private HallmarkProvenance() {}

  /** The whole statement: the given subjects and {@link #predicate(BuildContext)}. */
  public static Statement build(BuildContext ctx, List<ResourceDescriptor> subjects) {
    return Statement.of(subjects, predicate(ctx));
  }

  /** The SLSA Provenance v1 predicate of FORMATS §3's example, field for field. */
  public static SlsaProvenance predicate(BuildContext ctx) {
    Map<String, Object> workflow = new LinkedHashMap<>();
    workflow.put("repository", ctx.repository());
    workflow.put("ref", ctx.ref());
    workflow.put("path", ctx.workflowPath());
    Map<String, Object> external = new LinkedHashMap<>();
    external.put("workflow", JsonObject.of(workflow));
    external.put("event", ctx.event());

    Map<String, Object> internal = new LinkedHashMap<>();
    internal.put("runId", ctx.runId());
    internal.put("runAttempt", ctx.runAttempt());
    internal.put("jobId", ctx.jobId());
    internal.put("jobName", ctx.jobName());

    Map<String, String> commit = new LinkedHashMap<>();
    commit.put("gitCommit", ctx.gitCommit());
    ResourceDescriptor source =
        ResourceDescriptor.ofUri(sourceUri(ctx.cloneUrl(), ctx.ref()), commit);

    BuildDefinition definition =
        new BuildDefinition(
            BUILD_TYPE, JsonObject.of(external), JsonObject.of(internal), List.of(source));
    RunDetails run =
        new RunDetails(
            Builder.of(builderId(ctx.issuer(), ctx.runnerEnvironment())),
            new BuildMetadata(ctx.invocationId(), ctx.startedOn(), ctx.finishedOn()),
            List.of());
    return new SlsaProvenance(definition, run);
  }

  /**
   * FORMATS §3: {@code runDetails.builder.id} is {@code iss + "/runner/" + runner_environment},
   * concatenated exactly (no slash is stripped).
   */
  public static String builderId(String issuer, String runnerEnvironment) {
    return issuer + "/runner/" + runnerEnvironment;
  }

  /** FORMATS §3: the source dependency's URI, {@code git+<clone url>@<ref>}. */
  public static String sourceUri(String cloneUrl, String ref) {
    return "git+" + cloneUrl + "@" + ref;
  }
}
