package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar's {@code serve} as a child process of an end-to-end test (ServeIT, DashboardIT),
 * and the other commands of that jar, run the same way.
 *
 * <pre>{@code
 * ServeProcess serve = ServeProcess.start(tmp, data, 0);
 * JsonObject run = ServeProcess.awaitFinished(http, serve.url(), runId, Duration.ofSeconds(60));
 * }</pre>
 */
record ServeProcess(Process process, String url, List<String> output, List<String> startLines, Path stderr) {
  static final Path JAR = Path.of("target/hallmark-orchestrator.jar").toAbsolutePath();
  private static final String MARKER = "hallmark orchestrator listening on ";

  /**
   * Starts {@code serve --data DATA --port PORT EXTRA…} and waits (at most 60 s) for its start line;
   * {@link #url} is the listen URL it prints (jobs and tests reach the server there, whatever
   * {@code --public-url} says). Standard error goes to {@code logDir/serve-<n>.err}.
   */
  static ServeProcess start(Path logDir, Path data, int port, String... extra) throws IOException, InterruptedException {
    return start(logDir, List.of(), data, port, extra);
  }

  /** As {@link #start(Path, Path, int, String...)}, with options for serve's JVM (such as {@code -Djava.io.tmpdir=}). */
  static ServeProcess start(Path logDir, List<String> jvmOptions, Path data, int port, String... extra)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
    args.addAll(List.of(extra));
    return startWith(logDir, jvmOptions, data, args.toArray(String[]::new));
  }

  /**
   * Starts {@code serve --data DATA ARGS…} (no {@code --port} unless in ARGS); {@link #startLines}
   * are the lines it printed up to its start line.
   */
  static ServeProcess startWith(Path logDir, Path data, String... args) throws IOException, InterruptedException {
    return startWith(logDir, List.of(), data, args);
  }

  static ServeProcess startWith(Path logDir, List<String> jvmOptions, Path data, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", JAR.toString(), "serve", "--data", data.toString()));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile(logDir, "serve-", ".err");
    Process server = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
          output.add(l);
        }
      } catch (IOException e) {
        // the server is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<String> printed = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null) {
        printed.add(l);
      }
      if (l != null && l.startsWith(MARKER)) {
        return new ServeProcess(server, l.substring(MARKER.length()).split(" ")[0], output, List.copyOf(printed), err);
      }
      if (l == null && !server.isAlive()) {
        break;
      }
    }
    server.destroyForcibly();
    throw new AssertionError("serve printed no start line: " + Files.readString(err));
  }

  /** Waits (at most {@code max}) for a line of serve's standard output equal to {@code line}. */
  void awaitLine(String line, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (output) {
        if (output.contains(line)) {
          return;
        }
      }
      Thread.sleep(50);
    }
    synchronized (output) {
      throw new AssertionError("serve did not print '" + line + "' within " + max.toSeconds() + " s; it printed: " + output);
    }
  }

  /** The lines serve has written to standard error so far: its operator's log. */
  List<String> logLines() throws IOException {
    return Files.readAllLines(stderr, StandardCharsets.UTF_8);
  }

  /** Waits (at most {@code max}) for a log line (standard error) containing every one of {@code parts}. */
  String awaitLogLine(Duration max, String... parts) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      for (String l : logLines()) {
        if (java.util.Arrays.stream(parts).allMatch(l::contains)) {
          return l;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("serve logged no line with " + List.of(parts) + " within " + max.toSeconds()
            + " s; it logged: " + String.join("\n", logLines()));
      }
      Thread.sleep(50);
    }
  }

  /** SIGTERM, then (after 20 s) SIGKILL. */
  static void stop(Process server) throws InterruptedException {
    server.destroy();
    if (!server.waitFor(20, TimeUnit.SECONDS)) {
      server.destroyForcibly();
    }
  }

  record CliResult(int exit, String out, String err) {}

  /** {@code java -jar hallmark-orchestrator.jar ARGS…}, at most 60 s; output kept in files under {@code tmp}. */
  static CliResult cli(Path tmp, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "cli", ".out");
    Path err = Files.createTempFile(tmp, "cli", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      stop(p); // e.g. a serve that should have refused to start
      throw new AssertionError("hallmark " + String.join(" ", args) + " did not finish");
    }
    return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Polls the run every 100 ms, at most {@code max}, until it is neither pending nor running. */
  static JsonObject awaitFinished(HttpClient http, String url, String runId, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    JsonObject run = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/" + runId)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      run = json(r.body());
      String status = run.requireString("status");
      if (!"running".equals(status) && !"pending".equals(status)) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + runId + " did not finish within " + max.toSeconds() + " s: " + run);
  }

  static JsonObject json(String s) {
    return StrictJson.parseObject(s.getBytes(StandardCharsets.UTF_8), 1 << 20);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
