package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.testing.LogForge;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.Merkle;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hallmark witness key} and {@code hallmark witness serve} as real processes of the packaged
 * jar: the key's vkey, a cosignature a policy accepts, the log lines, and a witness killed with
 * SIGKILL that restarts from its fsynced state and refuses to roll back.
 */
class WitnessIT {
  private static final String ORIGIN = "ci.test.example/oidc/log";

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  record Witness(Process process, String url, List<String> output) {}

  private Witness start(Path key, Path data, String... logs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ServeProcess.java(), "-jar", ServeProcess.JAR.toString(), "witness", "serve",
        "--key", key.toString(), "--data", data.toString(), "--port", "0"));
    for (String l : logs) {
      cmd.addAll(List.of("--log", l));
    }
    Path err = Files.createTempFile(tmp, "witness-", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
          output.add(l);
        }
      } catch (IOException e) {
        // the witness is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(WitnessCommand.LISTENING)) {
        return new Witness(p, l.substring(WitnessCommand.LISTENING.length()).split(" ")[0], output);
      }
      if (l == null && !p.isAlive()) {
        break;
      }
    }
    p.destroyForcibly();
    throw new AssertionError("witness serve printed no start line: " + Files.readString(err));
  }

  private static Checkpoint signed(LogForge log, long size) {
    Checkpoint cp = Checkpoint.of(log.origin, size, new Merkle.Tree(log.leaves).root(size));
    return cp.withSignature(new Checkpoint.SignatureLine(log.logVkey.name(), log.logVkey.keyId(),
        Ed25519.sign(log.logKey, cp.noteBytes())));
  }

  private static String body(LogForge log, long old, long size) {
    StringBuilder b = new StringBuilder("old ").append(old).append('\n');
    for (byte[] h : new Merkle.Tree(log.leaves).consistencyProof(old, size)) {
      b.append(Base64Strict.encodeStd(h)).append('\n');
    }
    return b.append('\n').append(signed(log, size).signedText()).toString();
  }

  private HttpResponse<String> post(Witness w, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(w.url() + "/add-checkpoint"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitLine(Witness w, String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (w.output().contains(line)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the witness did not print '" + line + "': " + w.output());
  }

  @Test
  void cosignsSurvivesSigkillAndRefusesToRollBack() throws Exception {
    Path key = tmp.resolve("witness.key");
    ServeProcess.CliResult created = ServeProcess.cli(tmp, "witness", "key", "--key", key.toString(), "--name", "w1.witness.test");
    assertEquals(0, created.exit(), created::toString);
    String vkey = created.out().strip();
    assertTrue(vkey.startsWith("w1.witness.test+"), vkey);
    ServeProcess.CliResult again = ServeProcess.cli(tmp, "witness", "key", "--key", key.toString());
    assertEquals(vkey + "\n", again.out());

    LogForge log = LogForge.create(ORIGIN);
    for (int i = 0; i < 12; i++) {
      log.append("entry-" + i);
    }
    Path data = tmp.resolve("data");
    Witness w = start(key, data, log.logVkey.toString());
    try {
      HttpResponse<String> first = post(w, body(log, 0, 4));
      assertEquals(200, first.statusCode(), first::body);
      HttpResponse<String> grown = post(w, body(log, 4, 9));
      assertEquals(200, grown.statusCode(), grown::body);
      awaitLine(w, "cosigned " + ORIGIN + " size 9");
      Checkpoint cosigned = Checkpoint.parseSigned(signed(log, 9).signedText() + grown.body());
      LogPolicy policy = LogPolicy.parse("log " + log.logVkey + "\nwitness W1 " + vkey + "\nquorum W1\n");
      assertTrue(policy.verify(cosigned, System.currentTimeMillis() / 1000).ok());
    } finally {
      w.process().destroyForcibly(); // SIGKILL: only what was fsynced before answering survives
      w.process().waitFor(20, TimeUnit.SECONDS);
    }

    Witness restarted = start(key, data, log.logVkey.toString());
    try {
      HttpResponse<String> probe = post(restarted, body(log, 0, 2));
      assertEquals(409, probe.statusCode(), probe::body);
      assertEquals("9\n", probe.body());
      awaitLine(restarted, "refused 409 " + ORIGIN + ": old size 0, latest cosigned size 9");
      HttpResponse<String> rollBack = post(restarted, "old 9\n\n" + signed(log, 5).signedText());
      assertEquals(400, rollBack.statusCode(), rollBack::body);
      assertEquals(200, post(restarted, body(log, 9, 12)).statusCode());

      // A second witness on the same state is refused: one line, exit 1.
      ServeProcess.CliResult second = ServeProcess.cli(tmp, "witness", "serve", "--key", key.toString(),
          "--log", log.logVkey.toString(), "--data", data.toString());
      assertEquals(1, second.exit(), second::toString);
      assertTrue(second.err().startsWith("hallmark: another witness is using "), second::toString);
      assertEquals(1, second.err().lines().count(), second::toString);
    } finally {
      ServeProcess.stop(restarted.process());
    }
  }

  @Test
  void badFlagsAreOneLineAndExit1() throws Exception {
    Path key = tmp.resolve("k");
    ServeProcess.CliResult noName = ServeProcess.cli(tmp, "witness", "key", "--key", key.toString());
    assertEquals(1, noName.exit());
    assertEquals("hallmark: " + key + " does not exist; give --name to create a witness key\n", noName.err());
    assertFalse(Files.exists(key));

    ServeProcess.cli(tmp, "witness", "key", "--key", key.toString(), "--name", "w.test");
    LogForge log = LogForge.create(ORIGIN);
    for (String[] args : List.of(
        new String[] {"witness", "serve", "--key", key.toString(), "--data", tmp.resolve("d").toString(), "--log", "nonsense"},
        new String[] {"witness", "serve", "--key", key.toString(), "--data", tmp.resolve("d").toString()},
        new String[] {"witness", "serve", "--key", tmp.resolve("none").toString(), "--data", tmp.resolve("d").toString(),
            "--log", log.logVkey.toString()},
        // The witness's own vkey (type 0x04) is not a log key.
        new String[] {"witness", "serve", "--key", key.toString(), "--data", tmp.resolve("d").toString(),
            "--log", ServeProcess.cli(tmp, "witness", "key", "--key", key.toString()).out().strip()})) {
      ServeProcess.CliResult r = ServeProcess.cli(tmp, args);
      assertEquals(1, r.exit(), r::toString);
      assertTrue(r.err().startsWith("hallmark: "), r::toString);
      assertEquals(1, r.err().lines().count(), r::toString);
      assertEquals("", r.out(), r::toString);
    }
  }
}
