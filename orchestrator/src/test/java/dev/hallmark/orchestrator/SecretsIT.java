package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case through the packaged jar: {@code echo value | hallmark secret set} in a real
 * process, {@code serve}, a push, and the unauthenticated {@code GET /api/v1/jobs/{id}/logs}, which
 * shows the mask where the step printed the secret and its base64, and never the secret.
 */
class SecretsIT {
  private static final String VALUE = "s3cr3t-deploy-token-for-the-logs-endpoint";

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Process server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      ServeProcess.stop(server);
    }
  }

  /** {@code java -jar hallmark-orchestrator.jar ARGS…} with {@code stdin} piped in, as a shell pipe would. */
  private static ServeProcess.CliResult cliWithInput(Path tmp, String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ServeProcess.java(), "-jar", ServeProcess.JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "cli", ".out");
    Path err = Files.createTempFile(tmp, "cli", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hallmark " + String.join(" ", args) + " did not finish");
    return new ServeProcess.CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  @Test
  void theLogsEndpointShowsTheMaskNeverTheSecret() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = tmp.resolve("app");
    Files.createDirectories(repo.resolve(".hallmark/workflows"));
    Files.writeString(repo.resolve(".hallmark/workflows/Deploy.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "import java.util.Map;",
        "public class Deploy {",
        "  public static void main(String[] args) {",
        "    workflow(\"deploy\").on(push().branches(\"main\")).job(job(\"deploy\").step(\"deploy\", ctx -> {",
        "      String token = ctx.secret(\"DEPLOY_TOKEN\");",
        "      ctx.log().info(\"LOG=\" + token);",
        "      ctx.sh(\"echo SH=$DEPLOY_TOKEN; printf 'B64=%s\\\\n' \\\"$(printf '%s' \\\"$DEPLOY_TOKEN\\\" | base64 -w0)\\\"\",",
        "          Map.of(\"DEPLOY_TOKEN\", token));",
        "    })).main(args);",
        "  }",
        "}", ""));
    ServeIT.git(repo, "init", "--quiet", "--initial-branch=main");
    ServeIT.git(repo, "add", "--all");
    ServeIT.git(repo, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "deploy");

    assertEquals(0, ServeProcess.cli(tmp, "repo", "add", "acme/app", repo.toString(), "--data", data.toString()).exit());
    ServeProcess.CliResult set = cliWithInput(tmp, VALUE + "\n", "secret", "set", "acme/app", "DEPLOY_TOKEN",
        "--data", data.toString());
    assertEquals(0, set.exit(), set.err());
    assertEquals("declared DEPLOY_TOKEN for acme/app\n", set.out());
    ServeProcess.CliResult list = ServeProcess.cli(tmp, "secret", "list", "acme/app", "--data", data.toString());
    assertEquals("DEPLOY_TOKEN\n", list.out());

    ServeProcess started = ServeProcess.start(tmp, data, 0);
    server = started.process();
    String url = started.url();
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events/push"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + credential)
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"acme/app\",\"ref\":\"refs/heads/main\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode(), accepted.body());
    String runId = (String) ServeProcess.json(accepted.body()).requireArray("runIds").get(0);
    JsonObject run = ServeProcess.awaitFinished(http, url, runId, Duration.ofSeconds(90));
    assertEquals("succeeded", run.requireString("status"), run.toString());

    JsonObject job = (JsonObject) ServeProcess.json(get(url + "/api/v1/runs/" + runId + "/jobs")).requireArray("jobs").get(0);
    String logs = get(url + "/api/v1/jobs/" + job.requireString("id") + "/logs");
    List<String> lines = new ArrayList<>();
    for (Object o : ServeProcess.json(logs).requireArray("lines")) {
      lines.add(((JsonObject) o).requireString("line"));
    }
    assertTrue(lines.containsAll(List.of("LOG=***", "SH=***", "B64=***")), String.join("\n", lines));
    String base64 = Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8));
    for (String leaked : List.of(VALUE, base64, base64.replace("=", ""))) {
      assertFalse(logs.contains(leaked), logs);
    }
  }
}
