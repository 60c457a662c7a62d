package dev.hallmark.orchestrator.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.runner.Runner;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push intake over a real store and a real git repository: the credential is checked, a bad event
 * changes nothing, and a good one becomes one run per workflow file of the resolved commit, handed
 * to the runner in order. The runner here only records what it was handed (running it is the
 * runner's tests' business).
 */
class PushIntakeTest {
  @TempDir Path tmp;
  private Store store;
  private IntakeCredential credential;
  private final List<String> handed = new ArrayList<>();
  private final List<String> announced = new ArrayList<>();
  private PushIntake intake;
  private Path repo;

  @BeforeEach
  void open() throws Exception {
    store = Store.open(tmp.resolve("hallmark.db"), Clock.systemUTC());
    credential = IntakeCredential.loadOrCreate(tmp, new SecureRandom());
    repo = tmp.resolve("app");
    Files.createDirectories(repo);
    git("init", "--quiet", "--initial-branch=main");
    Path workflows = Files.createDirectories(repo.resolve(".hallmark/workflows"));
    Files.writeString(workflows.resolve("Release.java"), "class Release {}");
    Files.writeString(workflows.resolve("Build.java"), "class Build {}");
    Files.writeString(workflows.resolve("README.md"), "not a workflow");
    Files.createDirectories(workflows.resolve("sub"));
    Files.writeString(workflows.resolve("sub/Nested.java"), "class Nested {}");
    Files.createSymbolicLink(workflows.resolve("Link.java"), Path.of("/etc/passwd"));
    commit("workflows");
    git("checkout", "--quiet", "-b", "empty");
    git("rm", "--quiet", "-r", ".hallmark");
    commit("no workflows");
    git("checkout", "--quiet", "main");
    store.registerRepository("acme/app", repo.toString(), "file://" + repo);
    intake = new PushIntake(store, credential, (run, source) -> {
      handed.add(run.id() + " " + source);
      return new Runner.RunOutcome(run, JobRecord.SUCCEEDED, null, List.of(), null);
    }, Runnable::run, announced::add);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static JsonObject event(String json) {
    return StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8), 1 << 16);
  }

  @Test
  void aPushBecomesOneRunPerWorkflowFileOfTheResolvedCommit() throws Exception {
    String head = git("rev-parse", "HEAD");
    List<RunRecord> runs = intake.push(event("{\"repository\":\"acme/app\",\"ref\":\"refs/heads/main\",\"note\":1}"));

    // Regular *.java files directly in the folder, sorted: no README, no sub-folder, no symbolic link.
    assertEquals(List.of(".hallmark/workflows/Build.java", ".hallmark/workflows/Release.java"),
        runs.stream().map(RunRecord::workflowPath).toList());
    for (RunRecord run : runs) {
      RunRecord stored = store.run(run.id()).orElseThrow();
      assertEquals(head, stored.sha());
      assertEquals("refs/heads/main", stored.ref());
      assertEquals("push", stored.event());
      assertEquals("acme/app", stored.repository());
    }
    assertEquals(runs.stream().map(r -> r.id() + " " + repo).toList(), handed);
    assertTrue(announced.get(0).startsWith("run " + runs.get(0).id() + " started: acme/app refs/heads/main " + head.substring(0, 7)),
        announced.toString());
  }

  @Test
  void theIntakeCredentialIsRequired() throws Exception {
    String value = Files.readString(credential.file()).strip();
    intake.authenticate("Bearer " + value);
    for (String header : new String[] {null, "Bearer " + value + "x", "Bearer hmint_" + "B".repeat(43)}) {
      assertEquals(Code.UNAUTHENTICATED, assertThrows(OrchestratorException.class, () -> intake.authenticate(header)).code());
    }
  }

  @Test
  void badEventsAreRefusedWithTheirCodeAndCreateNoRun() {
    Map<String, Code> refused = Map.of(
        "{\"ref\":\"refs/heads/main\"}", Code.INVALID_INPUT,
        "{\"repository\":\"acme/app\",\"ref\":7}", Code.INVALID_INPUT,
        "{\"repository\":\"acme/app\",\"ref\":\"refs/heads/main\",\"sha\":\"" + "a".repeat(40) + "\"}", Code.INVALID_INPUT,
        "{\"repository\":\"../etc\",\"ref\":\"refs/heads/main\"}", Code.INVALID_INPUT,
        "{\"repository\":\"acme/app\",\"ref\":\"--upload-pack=touch /tmp/x\"}", Code.INVALID_INPUT,
        "{\"repository\":\"acme/other\",\"ref\":\"refs/heads/main\"}", Code.NOT_FOUND,
        "{\"repository\":\"acme/app\",\"ref\":\"refs/heads/nowhere\"}", Code.UNPROCESSABLE,
        "{\"repository\":\"acme/app\",\"ref\":\"refs/heads/empty\"}", Code.UNPROCESSABLE);
    refused.forEach((body, code) -> {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> intake.push(event(body)), body);
      assertEquals(code, e.code(), body);
    });
    assertEquals(List.of(), store.runs(100));
    assertEquals(List.of(), handed);
  }

  private void commit(String message) throws IOException, InterruptedException {
    git("add", "--all");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", message);
  }

  private String git(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    return out;
  }
}
