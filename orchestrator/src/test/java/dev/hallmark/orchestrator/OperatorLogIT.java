package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's log of the packaged jar: its level is the operator's choice ({@code --log-level},
 * {@code HALLMARK_LOG_LEVEL}), and the verifier's commands never print a log line, whatever is asked.
 */
class OperatorLogIT {
  /** A log line of slf4j-simple as configured: ISO-8601 UTC time, level, logger, message. */
  static final Pattern LOG_LINE = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (TRACE|DEBUG|INFO|WARN|ERROR) .*");

  @TempDir Path tmp;
  private Process server;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      ServeProcess.stop(server);
    }
  }

  record Result(int exit, String out, String err) {}

  private Result cli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ServeProcess.java(), "-jar", ServeProcess.JAR.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "cli", ".out");
    Path err = Files.createTempFile(tmp, "cli", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hallmark " + String.join(" ", args) + " did not finish");
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void verifierCommandsPrintNoLogLineEvenAtTrace() throws Exception {
    Path missing = tmp.resolve("missing");
    for (List<String> args : List.of(
        List.of("verify-attestation", missing.toString(), "--bundle", missing + ".json", "--trust-root", missing + ".tr"),
        List.of("audit", "--trust-root", missing + ".tr", missing.toString()))) {
      Result r = cli(Map.of(OperatorLog.ENV, "trace"), args.toArray(String[]::new));
      assertEquals(1, r.exit(), r.err());
      // Their own report only: stderr holds nothing but 'hallmark:' lines, and no line anywhere is a log line.
      for (String l : r.err().lines().toList()) {
        assertTrue(l.startsWith("hallmark: "), r.err());
      }
      for (String l : (r.out() + r.err()).lines().toList()) {
        assertFalse(LOG_LINE.matcher(l).matches(), l);
      }
    }
  }

  @Test
  void aBadLevelIsOneLineAndExit1() throws Exception {
    Result flag = cli(Map.of(), "serve", "--data", tmp.resolve("d").toString(), "--log-level", "loud");
    assertEquals(1, flag.exit());
    assertEquals("hallmark: --log-level must be one of trace, debug, info, warn, error, off, not loud", flag.err().strip());
    Result env = cli(Map.of(OperatorLog.ENV, "loud"), "repo", "list", "--data", tmp.resolve("d").toString());
    assertEquals(1, env.exit());
    assertEquals("hallmark: " + OperatorLog.ENV + " must be one of trace, debug, info, warn, error, off, not loud",
        env.err().strip());
  }

  @Test
  void logLevelWarnKeepsServeToWarningsAndErrors() throws Exception {
    ServeProcess serve = ServeProcess.start(tmp, tmp.resolve("data"), 0, "--unsafe-no-sandbox", "--log-level", "warn");
    server = serve.process();
    // The warning is there (so the log works), and no INFO line (serve.start, key.created) is.
    serve.awaitLogLine(java.time.Duration.ofSeconds(10), " WARN ", "sandbox.off");
    for (String l : serve.logLines()) {
      if (LOG_LINE.matcher(l).matches()) {
        assertFalse(l.contains(" INFO "), l);
      }
    }
  }

  @Test
  void serveLogsItsStartAndTheKeysItCreatesAtInfo() throws Exception {
    ServeProcess serve = ServeProcess.start(tmp, tmp.resolve("data"), 0, "--unsafe-no-sandbox");
    server = serve.process();
    java.time.Duration soon = java.time.Duration.ofSeconds(10);
    serve.awaitLogLine(soon, " INFO IssuerKeyStore - key.created kid=hm-");
    serve.awaitLogLine(soon, " INFO LogKey - log.key.created origin=");
    serve.awaitLogLine(soon, " INFO Serve - serve.start url=" + serve.url());
    // Jetty says nothing at INFO (no version banner, no "Started").
    for (String l : serve.logLines()) {
      assertFalse(l.contains("org.eclipse.jetty") || l.contains("jetty-12") || l.contains("Started "), l);
    }
    ServeProcess.stop(server);
    server = null;
    assertTrue(serve.logLines().stream().anyMatch(l -> l.contains(" INFO Serve - serve.stop issuer=")),
        String.join("\n", serve.logLines()));
  }
}
