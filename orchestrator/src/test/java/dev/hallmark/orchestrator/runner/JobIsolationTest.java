package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the orchestrator runs as root (as it does in CI here), every job runs as a uid of its own:
 * a step can read neither the issuer key, nor the database, nor another job's workspace, and it
 * is not root. A control line proves the probe can read what it is allowed to (its own files).
 */
class JobIsolationTest {
  @TempDir Path tmp;

  @Test
  void aStepCannotReadTheIssuerKeyTheDatabaseOrAnotherJobsWorkspace() throws Exception {
    assumeTrue(JobUsers.isRoot(), "job isolation applies when the orchestrator runs as root");
    Path data = tmp.resolve("data");
    // A first run creates the data folder and the issuer key, so the probe can name real files.
    Outcome first = run(LocalRunTest.example(), tmp.resolve("out1"), data);
    assertEquals(0, first.exit(), first.out());
    Path key;
    try (Stream<Path> keys = Files.list(data.resolve("keys"))) {
      key = keys.filter(p -> p.toString().endsWith(".key.json")).findFirst().orElseThrow();
    }
    Path db = data.resolve("hallmark.db");
    assertTrue(Files.size(key) > 0 && Files.size(db) > 0);

    Path folder = tmp.resolve("probe");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    String probe = String.join("; ",
        "echo UID $(id -u)",
        "echo PWD $(pwd)",
        "echo mine > mine.txt",
        "try() { if cat \"$2\" >/dev/null 2>&1; then echo READ $1 readable; else echo READ $1 denied; fi; }",
        "try own mine.txt",
        "try key " + key,
        "try db " + db,
        "list() { if ls \"$2\" >/dev/null 2>&1; then echo READ $1 readable; else echo READ $1 denied; fi; }",
        "list own-listing .",
        "list keys-dir-listing " + data.resolve("keys"),
        "list data-listing " + data,
        "try other-workspace ../first/secret.txt");
    Files.writeString(folder.resolve(".hallmark/workflows/Probe.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        public class Probe {
          public static void main(String[] args) {
            workflow("probe")
                .job(job("first").step("secret", ctx -> ctx.sh("echo UID $(id -u); echo PWD $(pwd); echo s3cret > secret.txt")))
                .job(job("second").needs("first").step("probe", ctx -> ctx.sh(%s)))
                .main(args);
          }
        }
        """.formatted(javaString(probe)));
    Outcome o = run(folder, tmp.resolve("out2"), data);
    assertEquals(0, o.exit(), o.out());

    Matcher uids = Pattern.compile("\\[(first|second)\\] UID (\\d+)").matcher(o.out());
    List<String> seen = new java.util.ArrayList<>();
    while (uids.find()) {
      seen.add(uids.group(2));
    }
    assertEquals(2, seen.size(), o.out());
    assertFalse(seen.contains("0"), "a job ran as root: " + o.out());
    assertNotEquals(seen.get(0), seen.get(1), "two jobs shared a uid");

    // Control for the other-workspace probe: ../first really is the first job's workspace.
    Matcher pwd = Pattern.compile("\\[(first|second)\\] PWD (\\S+)").matcher(o.out());
    java.util.Map<String, Path> pwds = new java.util.HashMap<>();
    while (pwd.find()) {
      pwds.put(pwd.group(1), Path.of(pwd.group(2)));
    }
    assertEquals(pwds.get("second").resolveSibling("first"), pwds.get("first"), o.out());
    assertTrue(o.out().contains("READ own readable"), "control: the probe cannot even read its own file\n" + o.out());
    assertTrue(o.out().contains("READ own-listing readable"), "control: the probe cannot even list its workspace\n" + o.out());
    for (String what : List.of("key", "db", "keys-dir-listing", "data-listing", "other-workspace")) {
      assertTrue(o.out().contains("READ " + what + " denied"), what + " was readable by a step\n" + o.out());
    }
    Matcher d = Pattern.compile("\"d\"\\s*:\\s*\"([A-Za-z0-9_-]{40,})\"").matcher(Files.readString(key));
    assertTrue(d.find(), "the key file holds a private scalar");
    assertFalse(o.out().contains(d.group(1)), "the private key reached the log");
  }

  private static String javaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  record Outcome(int exit, String out) {}

  private static Outcome run(Path dir, Path out, Path data) {
    StringWriter o = new StringWriter();
    var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(o, true));
    int exit = cl.execute("run", dir.toString(), "--out", out.toString(), "--data", data.toString());
    return new Outcome(exit, o.toString());
  }
}
