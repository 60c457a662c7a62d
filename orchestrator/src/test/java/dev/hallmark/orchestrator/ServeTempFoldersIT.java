package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.orchestrator.runner.JobUsers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} stopped by SIGTERM leaves nothing in the system temp folder: neither the folder of
 * javac's warm-up compile ({@code hallmark-javac-warm-up*}) nor, when it runs as root, the job
 * folder root ({@code hallmark-jobs-*}). Each serve gets a temp folder of this test's own
 * ({@code -Djava.io.tmpdir}), so other processes' leftovers on the machine cannot blur the result.
 */
class ServeTempFoldersIT {
  private static final String REPO = "acme/app";
  private static final List<String> OURS = List.of("hallmark-javac-warm-up", "hallmark-jobs-");

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Path javaTmp;
  private Process server;

  @BeforeEach
  void ownTempFolder() throws IOException {
    // Job uids (serve as root) pass through this folder to reach their workspaces under it.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    javaTmp = Files.createDirectory(tmp.resolve("java-tmp"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    Files.setPosixFilePermissions(javaTmp, PosixFilePermissions.fromString("rwx--x--x")); // umask-proof
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      ServeProcess.stop(server);
    }
  }

  /** The warm-up compile starts with serve and is still running (javac loads for a second or more). */
  @Test
  void sigtermDuringTheJavacWarmUpLeavesNoTempFolder() throws Exception {
    Path data = tmp.resolve("data");
    server = ServeProcess.start(tmp, List.of("-Djava.io.tmpdir=" + javaTmp), data, 0).process();
    sigtermAndWait();
    assertNothingOfOursIn(javaTmp);
  }

  /** The run is checking out and compiling when SIGTERM comes: git and javac still write under the job folder root. */
  @Test
  void sigtermRightAfterAPushLeavesNoTempFolder() throws Exception {
    Path data = tmp.resolve("data");
    ServeProcess started = startWithSleepyRepository(data);
    push(started.url(), data);
    sigtermAndWait();
    assertNothingOfOursIn(javaTmp);
  }

  @Test
  void sigtermDuringAJobLeavesNoTempFolder() throws Exception {
    Path data = tmp.resolve("data");
    ServeProcess started = startWithSleepyRepository(data);
    String url = started.url();
    String runId = push(url, data);
    awaitLogLine(url, runId, "STARTED");

    if (JobUsers.isRoot()) {
      // Proves serve put its job folder root where java.io.tmpdir says, so the check below means something.
      assertEquals(1, entries(javaTmp, List.of("hallmark-jobs-")).size(), "no job folder root in " + javaTmp);
    }
    sigtermAndWait();
    assertNothingOfOursIn(javaTmp);
  }

  /** A repository whose one job leaves a small tree in its workspace, prints STARTED and sleeps; serve started for it. */
  private ServeProcess startWithSleepyRepository(Path data) throws Exception {
    Path repo = tmp.resolve("sleepy");
    Path workflows = Files.createDirectories(repo.resolve(".hallmark/workflows"));
    Files.writeString(workflows.resolve("Sleepy.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class Sleepy {",
        "  public static void main(String[] args) {",
        "    workflow(\"sleepy\").on(push().branches(\"main\")).job(job(\"sleepy\")",
        "        .step(\"wait\", ctx -> ctx.sh(\"mkdir -p a/b/c && touch a/b/c/d && echo STARTED; sleep 300\"))).main(args);",
        "  }",
        "}", ""));
    ServeIT.git(repo, "init", "--quiet", "--initial-branch=main");
    ServeIT.git(repo, "add", "--all");
    ServeIT.git(repo, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "sleepy");
    ServeProcess.CliResult added = ServeProcess.cli(tmp, "repo", "add", REPO, repo.toString(), "--data", data.toString());
    assertEquals(0, added.exit(), added.err());
    ServeProcess started = ServeProcess.start(tmp, List.of("-Djava.io.tmpdir=" + javaTmp), data, 0);
    server = started.process();
    return started;
  }

  /** A push of refs/heads/main; the id of its one run. */
  private String push(String url, Path data) throws Exception {
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events/push"))
        .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + REPO + "\",\"ref\":\"refs/heads/main\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode(), accepted.body());
    return (String) ServeProcess.json(accepted.body()).requireArray("runIds").get(0);
  }

  private void sigtermAndWait() throws InterruptedException {
    server.destroy(); // SIGTERM
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
    server = null;
  }

  private static void assertNothingOfOursIn(Path dir) throws IOException {
    assertEquals(List.of(), entries(dir, OURS), "left in the temp folder after SIGTERM");
  }

  private static List<String> entries(Path dir, List<String> prefixes) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> prefixes.stream().anyMatch(n::startsWith)).sorted().toList();
    }
  }

  /** Bounded wait (60 s) for {@code marker} in the logs of the run's first job. */
  private void awaitLogLine(String url, String runId, String marker) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<Object> jobs = ServeProcess.json(get(url + "/api/v1/runs/" + runId + "/jobs")).requireArray("jobs");
      if (!jobs.isEmpty() && get(url + "/api/v1/jobs/" + ((JsonObject) jobs.get(0)).requireString("id") + "/logs")
          .contains(marker)) {
        return;
      }
      Thread.sleep(100);
    }
    fail("the job never printed " + marker + " within 60 s: " + get(url + "/api/v1/runs/" + runId));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }
}
