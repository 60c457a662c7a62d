package dev.hallmark.sdk;

import static dev.hallmark.sdk.FakeOrchestrator.CAPABILITY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflow files started exactly as the runner starts them: their own JVM, in source-file mode,
 * with only the SDK's classes on the class path, from the workspace root.
 */
class SourceLaunchTest {
  @TempDir Path workspace;

  record Exit(int status, String out, String err) {}

  /** Copies fixture {@code name} to .hallmark/workflows/ and runs it with {@code args}. */
  Exit launch(String name, String stdin, Map<String, String> env, String... args) throws Exception {
    Path classes = Path.of("target", "classes").toAbsolutePath();
    assertTrue(Files.isRegularFile(classes.resolve("dev/hallmark/sdk/Workflow.class")), "no SDK classes in " + classes);
    Path workflows = Files.createDirectories(workspace.resolve(".hallmark/workflows"));
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Files.copy(in, workflows.resolve(name));
    }
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes.toString(), ".hallmark/workflows/" + name));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("launch", ".out");
    Path err = Files.createTempFile("launch", ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workspace.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    try (OutputStream stdinPipe = p.getOutputStream()) {
      stdinPipe.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The JVM may exit without reading its input; its status tells.
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("workflow JVM did not finish within 60 s");
    }
    Exit exit = new Exit(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return exit;
  }

  @Test
  void describePrintsTheGraphOfTheReleaseExample() throws Exception {
    Exit e = launch("Release.java", "", Map.of(), "--describe");
    assertEquals(0, e.status(), e.err());
    assertEquals("", e.err());
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("name", "release");
    expected.put("on", Map.of("push", Map.of("branches", List.of("main"), "tags", List.of())));
    expected.put("jobs", List.of(
        WorkflowTest.jobJson("build", List.of(), Map.of(), 3600L, List.of("compile")),
        WorkflowTest.jobJson("publish", List.of("build"), Map.of("TZ", "UTC"), 600L, List.of("attest"))));
    assertEquals(expected, Json.parse(e.out()));
  }

  @Test
  void aJobGetsItsCapabilityOnStandardInputAndItsCommandsNeverSeeIt() throws Exception {
    try (FakeOrchestrator orchestrator = new FakeOrchestrator()) {
      Exit e = launch("Probe.java", orchestrator.jobInput("look"), Map.of("HALLMARK_RUNNER_NOTE", "runner-value"),
          "--job", "look");
      assertEquals(0, e.status(), e.err());
      assertTrue(e.out().contains("\nprobe-output\n"), e.out());
      assertFalse(e.out().contains(CAPABILITY) || e.err().contains(CAPABILITY));
      assertEquals(List.of("look running", "look succeeded", "attest running", "attest succeeded"),
          orchestrator.stepReports("job-7"));
      assertTrue(orchestrator.requests.stream().allMatch(r -> ("Bearer " + CAPABILITY).equals(r.header("Authorization"))));

      String env = Files.readString(workspace.resolve("env.txt"));
      assertTrue(env.contains("JOB_VAR=job-value"), env);
      assertFalse(env.contains("HALLMARK_"), env);
      assertFalse(env.contains(CAPABILITY), env);
      assertFalse(Files.readString(workspace.resolve("parent-env.txt")).contains(CAPABILITY));
      String cmdline = Files.readString(workspace.resolve("parent-cmdline.txt"));
      assertTrue(cmdline.contains("--job look"), cmdline);
      assertFalse(cmdline.contains(CAPABILITY), cmdline);

      String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest("artifact".getBytes(StandardCharsets.UTF_8)));
      // The workflow JVM's working directory is the workspace: the path is relative to it.
      assertEquals("{\"subjects\":[{\"name\":\"app.txt\",\"digest\":{\"sha256\":\"" + digest + "\"},\"path\":\"app.txt\"}]}",
          orchestrator.to(OrchestratorClient.ATTESTATIONS_PATH).get(0).body());
    }
  }

  @Test
  void anInvalidDefinitionIsOneLineOnStandardError() throws Exception {
    Exit e = launch("BadName.java", "", Map.of(), "--describe");
    assertEquals(1, e.status());
    assertEquals("", e.out());
    assertEquals("Exception in thread \"main\" dev.hallmark.sdk.WorkflowException: job name 'my job' is invalid:"
        + " use 1 to 64 of A-Z a-z 0-9 . _ - (and not . or ..)\n", e.err());
  }
}
