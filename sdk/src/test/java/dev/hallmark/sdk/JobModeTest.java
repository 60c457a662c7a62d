package dev.hallmark.sdk;

import static dev.hallmark.sdk.FakeOrchestrator.CAPABILITY;
import static dev.hallmark.sdk.FakeOrchestrator.TOKEN;
import static dev.hallmark.sdk.Hallmark.job;
import static dev.hallmark.sdk.Hallmark.workflow;
import static dev.hallmark.sdk.WorkflowTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.sdk.FakeOrchestrator.Request;
import dev.hallmark.sdk.WorkflowTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --job NAME}: one job run for an orchestrator, here a fake one on 127.0.0.1. */
class JobModeTest {
  static final String STEPS = OrchestratorClient.stepsPath("job-7");

  @TempDir Path workspace;
  FakeOrchestrator orchestrator;

  @BeforeEach
  void start() throws Exception {
    orchestrator = new FakeOrchestrator();
  }

  @AfterEach
  void stop() {
    orchestrator.close();
  }

  /** Runs job {@code name} of {@code w} with the fake's job input on standard input. */
  Run runJob(Workflow w, String name) {
    Run r = run(w, workspace, orchestrator.jobInput(name), "--job", name);
    assertFalse(r.out().contains(CAPABILITY) || r.err().contains(CAPABILITY), "the capability was printed");
    return r;
  }

  @Test
  void runsTheJobReportingEachStepWithTheCapabilityAsBearer() throws Exception {
    Path artifact = Files.write(workspace.resolve("app.tgz"), new byte[] {1, 2, 3, 4, 5});
    String expectedDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3, 4, 5}));
    AtomicReference<Attestation> attestation = new AtomicReference<>();
    AtomicReference<IdToken> token = new AtomicReference<>();
    AtomicReference<RunInfo> info = new AtomicReference<>();
    Workflow w = workflow("release")
        .job(job("build").step("other", ctx -> {
          throw new AssertionError("another job's step ran");
        }))
        .job(job("publish").needs("build")
            .step("compile", ctx -> {
              info.set(ctx.run());
              ctx.sh("echo compiled");
            })
            .step("attest", ctx -> attestation.set(ctx.attestProvenance(Subject.ofPath("app.tgz", artifact))))
            .step("token", ctx -> {
              token.set(ctx.oidc().token("https://registry.example.com"));
              ctx.log().info("got " + token.get().token());
              ctx.sh("echo echoed " + token.get().token());
            }));
    Run r = runJob(w, "publish");

    assertEquals(0, r.status(), r.err());
    assertEquals(List.of("compile running", "compile succeeded", "attest running", "attest succeeded",
        "token running", "token succeeded"), orchestrator.stepReports("job-7"));
    for (Request q : orchestrator.requests) {
      assertEquals("POST", q.method());
      assertEquals("Bearer " + CAPABILITY, q.header("Authorization"));
      assertEquals("application/json", q.header("Content-Type"));
    }
    assertEquals(new RunInfo("acme/app", "refs/heads/main", "0123456789abcdef0123456789abcdef01234567", "42",
        "job-7", "publish", ".hallmark/workflows/Release.java"), info.get());

    List<Request> attestations = orchestrator.to(OrchestratorClient.ATTESTATIONS_PATH);
    assertEquals(1, attestations.size());
    assertEquals("{\"subjects\":[{\"name\":\"app.tgz\",\"digest\":{\"sha256\":\"" + expectedDigest + "\"}}]}",
        attestations.get(0).body());
    assertEquals(new Attestation("bundles/" + expectedDigest.substring(0, 12), expectedDigest,
        FakeOrchestrator.MEDIA_TYPE), attestation.get());

    assertEquals("{\"audience\":\"https://registry.example.com\"}",
        orchestrator.to(OrchestratorClient.OIDC_TOKEN_PATH).get(0).body());
    assertEquals(TOKEN, token.get().token());
    assertEquals(600, token.get().expiresIn());
    assertFalse(token.get().toString().contains(TOKEN), token.get().toString());
    assertFalse(r.out().contains(TOKEN), "the SDK masks the tokens it minted: " + r.out());
    assertTrue(r.out().contains("got ***\n") && r.out().contains("\nechoed ***\n"), r.out());
  }

  @Test
  void severalSubjectsGoInOneRequestAndTheFirstDigestComesBack() {
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    AtomicReference<Attestation> result = new AtomicReference<>();
    Run r = runJob(workflow("w").job(job("j").step("s", ctx -> result.set(ctx.attestProvenance(
        List.of(Subject.ofDigest("one", a), Subject.ofDigest("two", b)))))), "j");
    assertEquals(0, r.status(), r.err());
    assertEquals("{\"subjects\":[{\"name\":\"one\",\"digest\":{\"sha256\":\"" + a + "\"}},"
        + "{\"name\":\"two\",\"digest\":{\"sha256\":\"" + b + "\"}}]}",
        orchestrator.to(OrchestratorClient.ATTESTATIONS_PATH).get(0).body());
    assertEquals(a, result.get().subjectDigest());
  }

  @Test
  void aPathSubjectTellsTheOrchestratorItsWorkspacePathAndADigestSubjectDoesNot() throws Exception {
    String pom = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("pom.xml"))));
    String b = "b".repeat(64);
    Run r = runJob(workflow("w").job(job("j").step("s", ctx -> ctx.attestProvenance(
        List.of(Subject.ofPath("app.pom", "pom.xml"), Subject.ofDigest("image", b))))), "j");
    assertEquals(0, r.status(), r.err());
    assertEquals("{\"subjects\":[{\"name\":\"app.pom\",\"digest\":{\"sha256\":\"" + pom + "\"},\"path\":\"pom.xml\"},"
        + "{\"name\":\"image\",\"digest\":{\"sha256\":\"" + b + "\"}}]}",
        orchestrator.to(OrchestratorClient.ATTESTATIONS_PATH).get(0).body());
  }

  @Test
  void aFailingStepFailsTheJobAndTheRestAreSkipped() {
    List<String> ran = new CopyOnWriteArrayList<>();
    Workflow w = workflow("w").job(job("j")
        .step("one", ctx -> ran.add("one"))
        .step("two", ctx -> ctx.sh("exit 4"))
        .step("three", ctx -> ran.add("three"))
        .step("four", ctx -> ran.add("four")));
    Run r = runJob(w, "j");
    assertEquals(1, r.status());
    assertEquals(List.of("one"), ran);
    assertEquals(List.of("one running", "one succeeded", "two running", "two failed command exited with status 4",
        "three skipped step 'two' failed", "four skipped step 'two' failed"), orchestrator.stepReports("job-7"));
  }

  @Test
  void reservedAudiencesAreRefusedWithoutAskingTheOrchestrator() {
    AtomicReference<Throwable> refused = new AtomicReference<>();
    Run r = runJob(workflow("w").job(job("j").step("s", ctx -> {
      refused.set(assertThrows(IllegalArgumentException.class, () -> ctx.oidc().token("hallmark:attestation")));
      assertThrows(IllegalArgumentException.class, () -> ctx.oidc().token("HALLMARK:x"));
      assertThrows(IllegalArgumentException.class, () -> ctx.oidc().token(""));
      assertThrows(IllegalArgumentException.class, () -> ctx.oidc().token("a\nb"));
    })), "j");
    assertEquals(0, r.status(), r.err());
    assertNotNull(refused.get());
    assertTrue(orchestrator.to(OrchestratorClient.OIDC_TOKEN_PATH).isEmpty());
  }

  @Test
  void commandsAStepStartsSeeNoCapabilityAndNoHallmarkVariable() throws Exception {
    // Surefire gives this JVM HALLMARK_TEST_MARKER (see the pom): the child must not inherit it.
    assertNotNull(System.getenv("HALLMARK_TEST_MARKER"), "test set-up: HALLMARK_TEST_MARKER missing");
    Run r = runJob(workflow("w").job(job("j").env("JOB_VAR", "job-value")
        .step("env", ctx -> ctx.sh("env > env.txt; cat /proc/self/cmdline >> env.txt"))), "j");
    assertEquals(0, r.status(), r.err());
    String env = Files.readString(workspace.resolve("env.txt"));
    assertTrue(env.contains("JOB_VAR=job-value"), env);
    assertTrue(env.contains("PATH="), env);
    assertFalse(env.contains("HALLMARK_"), env);
    assertFalse(env.contains(CAPABILITY), env);
    assertFalse(env.contains("hmcap_"), env);
  }

  @Test
  void aRefusedAttestationFailsTheStepWithStatusAndReason() {
    orchestrator.answer(OrchestratorClient.ATTESTATIONS_PATH, 429, "{\"error\":\"too many attestations\\nfor this job\"}");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Run r = runJob(workflow("w").job(job("j").step("s", ctx -> {
      try {
        ctx.attestProvenance(Subject.ofDigest("x", "c".repeat(64)));
      } catch (RuntimeException e) {
        thrown.set(e);
        throw e;
      }
    })), "j");
    assertEquals(1, r.status());
    OrchestratorException e = assertInstanceOf(OrchestratorException.class, thrown.get());
    assertEquals(429, e.status());
    assertEquals("the orchestrator refused POST /api/v1/attestations: HTTP 429: too many attestations for this job",
        e.getMessage());
    assertEquals(List.of("s running", "s failed " + e.getMessage()), orchestrator.stepReports("job-7"));
  }

  @Test
  void anAnswerForAnotherSubjectIsRejected() {
    orchestrator.answer(OrchestratorClient.ATTESTATIONS_PATH, 201,
        "{\"storageKey\":\"k\",\"subjectDigest\":\"" + "d".repeat(64) + "\",\"bundleMediaType\":\"m\"}");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    runJob(workflow("w").job(job("j").step("s", ctx -> thrown.set(assertThrows(OrchestratorException.class,
        () -> ctx.attestProvenance(Subject.ofDigest("x", "c".repeat(64))))))), "j");
    assertEquals(201, ((OrchestratorException) thrown.get()).status());
  }

  @Test
  void malformedAnswersAreOrchestratorExceptions() {
    orchestrator.answer(OrchestratorClient.OIDC_TOKEN_PATH, 200, "{\"token\":\"" + TOKEN + "\",\"expiresIn\":\"600\"}");
    orchestrator.answer(OrchestratorClient.ATTESTATIONS_PATH, 200, "{\"storageKey\":1} trailing");
    runJob(workflow("w").job(job("j").step("s", ctx -> {
      assertThrows(OrchestratorException.class, () -> ctx.oidc().token("aud"));
      assertThrows(OrchestratorException.class, () -> ctx.attestProvenance(Subject.ofDigest("x", "c".repeat(64))));
    })), "j");
  }

  @Test
  void aRefusedStepReportEndsTheJob() {
    orchestrator.answer(STEPS, 403, "{\"error\":\"capability expired\"}");
    List<String> ran = new CopyOnWriteArrayList<>();
    Run r = runJob(workflow("w").job(job("j").step("s", ctx -> ran.add("s"))), "j");
    assertEquals(1, r.status());
    assertEquals(List.of(), ran);
    assertEquals("error: cannot report step 's' as running: the orchestrator refused POST /api/v1/jobs/job-7/steps:"
        + " HTTP 403: capability expired\n", r.err());
  }

  @Test
  void badJobInputExitsOneWithoutShowingTheCapability() {
    Workflow w = workflow("w").job(job("j").step("s", ctx -> {}));
    String good = orchestrator.jobInput("j");
    for (String input : List.of("", "\n", "not json\n", good.replace("\"capability\"", "\"capabilityX\""),
        good.replace(CAPABILITY, "hmcap_short"), good.replace(CAPABILITY, CAPABILITY + "\\r\\nX-Evil: 1"),
        good.replace(CAPABILITY, "token_" + CAPABILITY.substring(6)),
        good.replace(orchestrator.url(), "http://10.1.2.3:8080"),
        good.replace(orchestrator.url(), "http://localhost:8080"),
        good.replace(orchestrator.url(), "https://127.0.0.1:8080"),
        good.replace("\"job-7\"", "\"../x\""),
        good.replace("\"runId\":\"42\"", "\"runId\":42"),
        good.replace("}", ",\"runId\":\"43\"}"),
        "x".repeat(JobInput.MAX_LINE_BYTES + 10) + "\n")) {
      Run r = run(w, workspace, input, "--job", "j");
      assertEquals(1, r.status(), input);
      assertEquals("", r.out());
      assertTrue(r.err().startsWith("error: invalid job input on standard input: "), r.err());
      assertEquals(1, r.err().split("\n").length, r.err());
      assertFalse(r.err().contains(CAPABILITY.substring(6)), r.err());
    }
    assertTrue(orchestrator.requests.isEmpty());
  }

  @Test
  void theJobInputMustBeForTheNamedJob() {
    Workflow w = workflow("w").job(job("a").step("s", ctx -> {})).job(job("b").step("s", ctx -> {}));
    Run r = run(w, workspace, orchestrator.jobInput("b"), "--job", "a");
    assertEquals(1, r.status());
    assertEquals("error: the job input is for job 'b', not 'a'\n", r.err());
    Run unknown = run(w, workspace, orchestrator.jobInput("zz"), "--job", "zz");
    assertEquals(1, unknown.status());
    assertEquals("error: workflow 'w' has no job named 'zz'\n", unknown.err());
    assertTrue(orchestrator.requests.isEmpty());
  }

  @Test
  void theCapabilityNeverShowsInToString() throws Exception {
    JobInput input = JobInput.parse(orchestrator.jobInput("j").strip().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertFalse(input.toString().contains(CAPABILITY.substring(6)), input.toString());
    assertFalse(input.capability().toString().contains(CAPABILITY.substring(6)));
    assertEquals("Bearer " + CAPABILITY, input.capability().authorization());
  }
}
