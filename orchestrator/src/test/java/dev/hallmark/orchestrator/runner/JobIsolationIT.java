package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.IsolationPass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step can read neither the issuer key, nor the database, nor the data folder, nor another job's
 * workspace, nor the orchestrator's home: with the orchestrator as root (each job a uid of its own,
 * then the sandbox) and as an ordinary user (each job that same user, so only the sandbox hides
 * them; a control shows the user itself can read the key). The packaged jar's {@code hallmark run}
 * runs as a child process in each pass ({@link IsolationPass} says why). A control line proves the
 * probe can read what it is allowed to (its own files).
 *
 * <p>The orchestrator's folders lie under the test's temporary folder, which the sandbox's private
 * {@code /tmp} hides as a whole; the listing probes see the masks themselves: without the data
 * folder's (or the home's) mask, bwrap's own mount-point folder stands there, empty and listable,
 * so deleting {@code hiding(data)} fails both passes on {@code data-listing}.
 */
class JobIsolationIT {
  @TempDir Path tmp;

  @Test
  void aStepCannotReadTheOrchestratorsFilesAsRoot() throws Exception {
    aStepCannotReadTheIssuerKeyTheDatabaseAnotherJobsWorkspaceOrTheOrchestratorsHome(IsolationPass.ROOT);
  }

  @Test
  void aStepCannotReadTheOrchestratorsFilesAsAnOrdinaryUser() throws Exception {
    aStepCannotReadTheIssuerKeyTheDatabaseAnotherJobsWorkspaceOrTheOrchestratorsHome(IsolationPass.UNPRIVILEGED);
  }

  private void aStepCannotReadTheIssuerKeyTheDatabaseAnotherJobsWorkspaceOrTheOrchestratorsHome(IsolationPass pass)
      throws Exception {
    pass.assumeAvailable();
    IsolationPass.Folders f = pass.folders(tmp.resolve("orchestrator"));
    Path data = f.data();
    // A first run creates the data folder and the issuer key, so the probe can name real files.
    Path warmUp = workflow("WarmUp", "workflow(\"warm-up\").job(job(\"a\").step(\"a\", ctx -> ctx.sh(\"true\"))).main(args);");
    IsolationPass.Result first = pass.run(f, pass.handOver(warmUp));
    assertEquals(0, first.exit(), pass.says(first.out()));
    Path key;
    try (Stream<Path> keys = Files.list(data.resolve("keys"))) {
      key = keys.filter(p -> p.toString().endsWith(".key.json")).findFirst().orElseThrow();
    }
    Path db = data.resolve("hallmark.db");
    assertTrue(Files.size(key) > 0 && Files.size(db) > 0, pass.says("the first run wrote no key or database"));

    String probe = String.join("; ",
        "echo UID $(id -u)",
        "echo PWD $(pwd)",
        "echo mine > mine.txt",
        "try() { if cat \"$2\" >/dev/null 2>&1; then echo READ $1 readable; else echo READ $1 denied; fi; }",
        "try own mine.txt",
        "try key " + key,
        "try db " + db,
        "try home " + f.homeSecret(),
        "list() { if ls \"$2\" >/dev/null 2>&1; then echo READ $1 readable; else echo READ $1 denied; fi; }",
        "list own-listing .",
        "list keys-dir-listing " + data.resolve("keys"),
        "list data-listing " + data,
        "list home-listing " + f.home(),
        "try other-workspace ../first/secret.txt");
    Path folder = workflow("Probe", """
        workflow("probe")
            .job(job("first").step("secret", ctx -> ctx.sh("echo UID $(id -u); echo PWD $(pwd); echo s3cret > secret.txt")))
            .job(job("second").needs("first").step("probe", ctx -> ctx.sh(%s)))
            .main(args);
        """.formatted(javaString(probe)));
    IsolationPass.Result o = pass.run(f, pass.handOver(folder));
    assertEquals(0, o.exit(), pass.says(o.out()));

    Matcher uids = Pattern.compile("\\[(first|second)\\] UID (\\d+)").matcher(o.out());
    List<Integer> seen = new ArrayList<>();
    while (uids.find()) {
      seen.add(Integer.parseInt(uids.group(2)));
    }
    assertEquals(2, seen.size(), pass.says(o.out()));
    if (pass == IsolationPass.ROOT) {
      assertFalse(seen.contains(0), pass.says("a job ran as root: " + o.out()));
      assertNotEquals(seen.get(0), seen.get(1), pass.says("two jobs shared a uid"));
    } else {
      // No setpriv in non-root mode: the job is the orchestrator's own user, so only the sandbox protects.
      assertEquals(List.of(pass.uid(), pass.uid()), seen, pass.says("a job did not run as the orchestrator's user"));
      for (Path p : List.of(key, db, f.homeSecret())) {
        assertEquals(0, IsolationPass.exit(pass.asThisUser(List.of("/bin/cat", p.toString()))),
            pass.says("control: the orchestrator's user cannot read " + p + " outside the sandbox"));
      }
    }

    // Control for the other-workspace probe: ../first really is the first job's workspace.
    Matcher pwd = Pattern.compile("\\[(first|second)\\] PWD (\\S+)").matcher(o.out());
    Map<String, Path> pwds = new HashMap<>();
    while (pwd.find()) {
      pwds.put(pwd.group(1), Path.of(pwd.group(2)));
    }
    assertEquals(pwds.get("second").resolveSibling("first"), pwds.get("first"), pass.says(o.out()));
    assertTrue(o.out().contains("READ own readable"), pass.says("control: the probe cannot even read its own file\n" + o.out()));
    assertTrue(o.out().contains("READ own-listing readable"), pass.says("control: the probe cannot even list its workspace\n" + o.out()));
    for (String what : List.of("key", "db", "home", "keys-dir-listing", "data-listing", "home-listing", "other-workspace")) {
      assertTrue(o.out().contains("READ " + what + " denied"), pass.says(what + " was readable by a step\n" + o.out()));
    }
    Matcher d = Pattern.compile("\"d\"\\s*:\\s*\"([A-Za-z0-9_-]{40,})\"").matcher(Files.readString(key));
    assertTrue(d.find(), pass.says("the key file holds a private scalar"));
    assertFalse(o.out().contains(d.group(1)), pass.says("the private key reached the log"));
  }

  /** A plain folder (snapshotted by {@code hallmark run}) holding one workflow file. */
  private Path workflow(String name, String javaBody) throws IOException {
    Path dir = tmp.resolve("src-" + name);
    Path file = Files.createDirectories(dir.resolve(".hallmark/workflows")).resolve(name + ".java");
    Files.writeString(file, """
        import static dev.hallmark.sdk.Hallmark.*;
        public class %s {
          public static void main(String[] args) {
            %s
          }
        }
        """.formatted(name, javaBody));
    return dir;
  }

  private static String javaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
