package dev.hallmark.attestation.intoto;

import static dev.hallmark.attestation.intoto.Fixtures.assertStatementError;
import static dev.hallmark.attestation.intoto.Fixtures.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hallmark's own statement, FORMATS §3: the example's structure, field for field. */
class HallmarkProvenanceTest {
  private static final String SHA =
      "fe4fe40ac7250263c5dbe1cf3138912f3f416140aa248637a60d65fe22c47da4";
  private static final String COMMIT = "c27d339ee6075c1f744c5d4b200f7901aad2c369";
  private static final String ISS = "https://ci.example.com/oidc";
  private static final String JOB = "7f0c2a9e-job";
  private static final String INVOCATION = "https://ci.example.com/runs/42/attempts/1/jobs/" + JOB;

  static BuildContext context() {
    return new BuildContext(
        "acme/app",
        "refs/heads/main",
        ".hallmark/workflows/Release.java",
        "push",
        "42",
        "1",
        JOB,
        "publish",
        "https://git.example.com/acme/app.git",
        COMMIT,
        ISS,
        "embedded",
        INVOCATION,
        Instant.parse("2026-04-28T12:00:00Z"),
        Instant.parse("2026-04-28T12:05:00Z"));
  }

  private static List<ResourceDescriptor> subjects() {
    return List.of(Subject.of("my-pkg-1.2.3.tgz", SHA).toDescriptor());
  }

  /** The FORMATS §3 example, filled in with {@link #context()}, built by hand. */
  private static JsonObject expected() {
    return obj(
        "_type",
        "https://in-toto.io/Statement/v1",
        "subject",
        List.of(obj("name", "my-pkg-1.2.3.tgz", "digest", obj("sha256", SHA))),
        "predicateType",
        "https://slsa.dev/provenance/v1",
        "predicate",
        obj(
            "buildDefinition",
                obj(
                    "buildType", "https://hallmark.dev/buildtypes/workflow/v1",
                    "externalParameters",
                        obj(
                            "workflow",
                            obj(
                                "repository", "acme/app",
                                "ref", "refs/heads/main",
                                "path", ".hallmark/workflows/Release.java"),
                            "event",
                            "push"),
                    "internalParameters",
                        obj(
                            "runId", "42",
                            "runAttempt", "1",
                            "jobId", JOB,
                            "jobName", "publish"),
                    "resolvedDependencies",
                        List.of(
                            obj(
                                "uri",
                                "git+https://git.example.com/acme/app.git@refs/heads/main",
                                "digest",
                                obj("gitCommit", COMMIT)))),
            "runDetails",
                obj(
                    "builder", obj("id", ISS + "/runner/embedded"),
                    "metadata",
                        obj(
                            "invocationId", INVOCATION,
                            "startedOn", "2026-04-28T12:00:00Z",
                            "finishedOn", "2026-04-28T12:05:00Z"))));
  }

  @Test
  void buildsTheFormatsExampleStructure() {
    Statement statement = HallmarkProvenance.build(context(), subjects());
    assertEquals(expected(), statement.toJson());
    assertEquals(expected(), StrictJson.parse(statement.toJsonBytes(), StrictJson.BUNDLE_LIMIT));
  }

  @Test
  void writesTheExampleMemberOrderByteForByte() {
    byte[] bytes = HallmarkProvenance.build(context(), subjects()).toJsonBytes();
    assertEquals(
        new String(StrictJson.write(expected()), StandardCharsets.UTF_8),
        new String(bytes, StandardCharsets.UTF_8));
    assertEquals(
        "{\"_type\":\"https://in-toto.io/Statement/v1\","
            + "\"subject\":[{\"name\":\"my-pkg-1.2.3.tgz\",\"digest\":{\"sha256\":\""
            + SHA
            + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\","
            + "\"predicate\":{\"buildDefinition\":{"
            + "\"buildType\":\"https://hallmark.dev/buildtypes/workflow/v1\","
            + "\"externalParameters\":{\"workflow\":{\"repository\":\"acme/app\",\"ref\":\"refs/heads/main\","
            + "\"path\":\".hallmark/workflows/Release.java\"},\"event\":\"push\"},"
            + "\"internalParameters\":{\"runId\":\"42\",\"runAttempt\":\"1\",\"jobId\":\""
            + JOB
            + "\",\"jobName\":\"publish\"},"
            + "\"resolvedDependencies\":[{\"uri\":\"git+https://git.example.com/acme/app.git@refs/heads/main\","
            + "\"digest\":{\"gitCommit\":\""
            + COMMIT
            + "\"}}]},"
            + "\"runDetails\":{\"builder\":{\"id\":\"https://ci.example.com/oidc/runner/embedded\"},"
            + "\"metadata\":{\"invocationId\":\""
            + INVOCATION
            + "\","
            + "\"startedOn\":\"2026-04-28T12:00:00Z\",\"finishedOn\":\"2026-04-28T12:05:00Z\"}}}}",
        new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void parsedStatementCarriesTheBuildContextAVerifierCompares() {
    BuildContext ctx = context();
    Statement s = Statement.parse(HallmarkProvenance.build(ctx, subjects()).toJsonBytes());
    BuildDefinition def = s.predicate().buildDefinition();
    JsonObject workflow = def.externalParameters().requireObject("workflow");
    assertEquals(ctx.repository(), workflow.requireString("repository"));
    assertEquals(ctx.ref(), workflow.requireString("ref"));
    assertEquals(ctx.workflowPath(), workflow.requireString("path"));
    assertEquals(ctx.event(), def.externalParameters().requireString("event"));
    assertEquals(ctx.jobName(), def.internalParameters().requireString("jobName"));
    assertEquals(ctx.runId(), def.internalParameters().requireString("runId"));
    assertEquals(ctx.runAttempt(), def.internalParameters().requireString("runAttempt"));
    assertEquals(ctx.jobId(), def.internalParameters().requireString("jobId"));
    assertEquals(ctx.gitCommit(), def.resolvedDependencies().get(0).digest().get("gitCommit"));
    assertEquals(
        ctx.issuer() + "/runner/" + ctx.runnerEnvironment(),
        s.predicate().runDetails().builder().id());
    assertEquals(ctx.finishedOn(), s.predicate().runDetails().metadata().finishedOn());
  }

  @Test
  void keepsSeveralSubjectsInOrder() {
    List<ResourceDescriptor> subjects =
        List.of(
            Subject.of("b.tgz", SHA).toDescriptor(),
            Subject.of("a.tgz", "0".repeat(64)).toDescriptor());
    Statement s = HallmarkProvenance.build(context(), subjects);
    assertEquals(List.of("b.tgz", "a.tgz"), s.subjects().stream().map(Subject::name).toList());
  }

  @Test
  void builderIdIsExactConcatenation() {
    assertEquals(
        "https://ci.example.com/oidc//runner/self-hosted",
        HallmarkProvenance.builderId("https://ci.example.com/oidc/", "self-hosted"));
    assertEquals(
        "git+https://git.example.com/acme/app.git@refs/tags/v1.2.3",
        HallmarkProvenance.sourceUri("https://git.example.com/acme/app.git", "refs/tags/v1.2.3"));
  }

  @Test
  void refusesSubjectsBreakingFormats() {
    assertStatementError(() -> HallmarkProvenance.build(context(), List.of()));
    assertStatementError(
        () ->
            HallmarkProvenance.build(
                context(),
                List.of(
                    ResourceDescriptor.ofName(
                        "evil\u202Egpj.exe", java.util.Map.of("sha256", SHA)))));
  }

  @Test
  void buildContextRequiresEveryField() {
    BuildContext c = context();
    assertStatementError(() -> withCommit(c, COMMIT.toUpperCase()));
    assertStatementError(() -> withCommit(c, SHA));
    assertStatementError(() -> withCommit(c, null));
    assertStatementError(
        () ->
            new BuildContext(
                c.repository(),
                c.ref(),
                c.workflowPath(),
                c.event(),
                "4x",
                c.runAttempt(),
                c.jobId(),
                c.jobName(),
                c.cloneUrl(),
                c.gitCommit(),
                c.issuer(),
                c.runnerEnvironment(),
                c.invocationId(),
                c.startedOn(),
                c.finishedOn()));
    assertStatementError(
        () ->
            new BuildContext(
                c.repository(),
                c.ref(),
                c.workflowPath(),
                c.event(),
                c.runId(),
                "-1",
                c.jobId(),
                c.jobName(),
                c.cloneUrl(),
                c.gitCommit(),
                c.issuer(),
                c.runnerEnvironment(),
                c.invocationId(),
                c.startedOn(),
                c.finishedOn()));
    assertStatementError(
        () ->
            new BuildContext(
                c.repository(),
                c.ref(),
                c.workflowPath(),
                c.event(),
                c.runId(),
                c.runAttempt(),
                c.jobId(),
                null,
                c.cloneUrl(),
                c.gitCommit(),
                c.issuer(),
                c.runnerEnvironment(),
                c.invocationId(),
                c.startedOn(),
                c.finishedOn()));
    assertStatementError(
        () ->
            new BuildContext(
                c.repository(),
                c.ref(),
                c.workflowPath(),
                c.event(),
                c.runId(),
                c.runAttempt(),
                c.jobId(),
                c.jobName(),
                c.cloneUrl(),
                c.gitCommit(),
                "",
                c.runnerEnvironment(),
                c.invocationId(),
                c.startedOn(),
                c.finishedOn()));
    assertStatementError(
        () ->
            new BuildContext(
                c.repository(),
                c.ref(),
                c.workflowPath(),
                c.event(),
                c.runId(),
                c.runAttempt(),
                c.jobId(),
                c.jobName(),
                c.cloneUrl(),
                c.gitCommit(),
                c.issuer(),
                c.runnerEnvironment(),
                c.invocationId(),
                c.startedOn(),
                null));
  }

  private static BuildContext withCommit(BuildContext c, String commit) {
    return new BuildContext(
        c.repository(),
        c.ref(),
        c.workflowPath(),
        c.event(),
        c.runId(),
        c.runAttempt(),
        c.jobId(),
        c.jobName(),
        c.cloneUrl(),
        commit,
        c.issuer(),
        c.runnerEnvironment(),
        c.invocationId(),
        c.startedOn(),
        c.finishedOn());
  }
}
