package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.Orchestrator;
import dev.hallmark.orchestrator.intake.IntakeCredential;
import dev.hallmark.orchestrator.intake.PushIntake;
import dev.hallmark.orchestrator.store.RunRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * {@code serve}'s wiring as OrchestratorMain builds it (orchestrator, intake credential, runner, one
 * run at a time on a single thread, push intake on the HTTP API), in the test's process so a test
 * can shorten the runner's limits or interrupt the run thread as a stopping {@code serve} does.
 * Pushes go over loopback HTTP; jobs are real JVMs.
 *
 * <pre>{@code
 * try (InProcessServe serve = InProcessServe.start(data, r -> r.describeTimeout(Duration.ofSeconds(3)))) {
 *   serve.orchestrator().registerRepository("acme/app", repo.toString(), "file://" + repo);
 *   String run = serve.push("acme/app", "refs/heads/main").get(0);
 *   RunRecord done = serve.awaitFinished(run, Duration.ofSeconds(60));
 * }
 * }</pre>
 */
record InProcessServe(Orchestrator orchestrator, Runner runner, ExecutorService runs, String credential,
    Queue<String> log) implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static InProcessServe start(Path data, UnaryOperator<Runner> configure) throws IOException {
    Orchestrator o = Orchestrator.start(Orchestrator.Config.defaults(data));
    IntakeCredential credential = IntakeCredential.loadOrCreate(data, new SecureRandom());
    Queue<String> log = new ConcurrentLinkedQueue<>();
    Runner runner = configure.apply(new Runner(o, new Runner.Settings(SdkJar.locate(data), data.resolve("work"), 2,
        dev.hallmark.orchestrator.secret.SecretSource.NONE, log::add)));
    ExecutorService runs = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "hallmark-runs");
      t.setDaemon(true);
      return t;
    });
    o.onPush(new PushIntake(o.store(), credential, runner, runs));
    return new InProcessServe(o, runner, runs, Files.readString(credential.file()).strip(), log);
  }

  /** POST /api/v1/events/push; the run ids of the 202 answer. */
  List<String> push(String repository, String ref) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(orchestrator.localUrl() + "/api/v1/events/push"))
        .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + repository + "\",\"ref\":\"" + ref + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    JsonObject answer = StrictJson.parseObject(r.body().getBytes(StandardCharsets.UTF_8), 1 << 16);
    return answer.requireArray("runIds").stream().map(String.class::cast).toList();
  }

  /** Polls the store every 100 ms until the run is neither pending nor running; fails after {@code max}. */
  RunRecord awaitFinished(String runId, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    RunRecord run = null;
    while (System.nanoTime() < deadline) {
      run = orchestrator.store().run(Long.parseLong(runId)).orElseThrow();
      if (!"running".equals(run.status()) && !"pending".equals(run.status())) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + runId + " did not finish within " + max.toSeconds() + " s: " + run
        + "\n" + String.join("\n", log));
  }

  /**
   * Stops as serve's shutdown hook does, except that the run thread is waited for first: a run
   * recorded as finished may still be deleting its work folder, which runner.close() deletes too.
   */
  @Override
  public void close() throws InterruptedException {
    runs.shutdownNow();
    runs.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    runner.close();
    orchestrator.close();
  }

  /** A commit of {@code files} on {@code branch} (created from the current HEAD, or the first commit). */
  static String commit(Path repo, String branch, Map<String, String> files) throws IOException {
    Map<String, String> env = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.com",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.com");
    if (!Files.isDirectory(repo.resolve(".git"))) {
      Files.createDirectories(repo);
      Git.run(repo, env, "init", "--quiet", "--initial-branch=" + branch);
    } else {
      Git.run(repo, env, "checkout", "--quiet", "-B", branch);
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = repo.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Git.run(repo, env, "add", "--all");
    Git.run(repo, env, "commit", "--quiet", "--allow-empty", "-m", branch);
    return Git.run(repo, "rev-parse", "HEAD");
  }
}
