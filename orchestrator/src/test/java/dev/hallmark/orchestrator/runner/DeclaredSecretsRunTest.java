package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.secret.SecretForms;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared secrets end to end with {@code hallmark run}: real git repositories, real job JVMs, real
 * SQLite. A step prints its repository's secret in every form, through the SDK's log, through
 * {@code sh} and around the SDK; none reaches the printed or stored log (the mask does), the
 * database file, the job JVM's argv or environment, or the workflow's definition code; a job of
 * another repository is refused the secret.
 */
class DeclaredSecretsRunTest {
  private static final String FIXTURES = "/dev/hallmark/orchestrator/runner/secrets/";
  /** The fixture's MARKER: the start of the value, searched for by the probes. */
  private static final String MARKER = "hmtestsecret-";
  private static final Map<String, String> GIT_ENV = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.com",
      "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.com");
  private static final List<String> FORMS = List.of("PLAIN", "B64", "B64NOPAD", "B64URL", "B64URLNOPAD", "FORM",
      "FORMLOWER", "PCT", "PCTLOWER");

  @TempDir Path tmp;

  record Outcome(int exit, String out) {}

  private static Outcome hallmark(String... args) {
    StringWriter o = new StringWriter();
    var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(o, true));
    return new Outcome(cl.execute(args), o.toString());
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = DeclaredSecretsRunTest.class.getResourceAsStream(FIXTURES + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A committed git work tree whose origin names {@code repository}, holding {@code files}. */
  private static Path repository(Path dir, String repository, Map<String, String> files) throws IOException {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.createDirectories(dir.resolve(f.getKey()).getParent());
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
    Git.run(dir, GIT_ENV, "init", "--quiet", "--initial-branch=main");
    Git.run(dir, GIT_ENV, "add", "--all");
    Git.run(dir, GIT_ENV, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "fixture");
    Git.run(dir, GIT_ENV, "remote", "add", "origin", "git@github.com:" + repository + ".git");
    return dir;
  }

  private static String storedLog(Path data, String workflowSuffix) {
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      RunRecord run = store.runs(10).stream().filter(r -> r.workflowPath().endsWith(workflowSuffix)).findFirst().orElseThrow();
      JobRecord job = store.jobsOfRun(run.id()).get(0);
      assertEquals(JobRecord.SUCCEEDED, job.status(), job.reason());
      return store.logs(job.id(), 0, 10_000).stream().map(Store.LogLine::line).collect(Collectors.joining("\n"));
    }
  }

  /** Every byte of the database files, as Latin-1 so that any UTF-8 sequence can be searched for. */
  private static String databaseBytes(Path data) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(data)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("hallmark.db")).toList()) {
        sb.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    assertTrue(sb.length() > 0, "no database file");
    return sb.toString();
  }

  private static String latin1(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** {@code LEAKS n source} lines of the probe, without ({@code prefix} "") or with a prefix. */
  private static Map<String, Integer> leaks(String log, String prefix) {
    Map<String, Integer> m = new LinkedHashMap<>();
    Matcher x = Pattern.compile("(?m)^(?:\\[leak\\] )?" + prefix + "LEAKS (\\d+) ([a-z-]+)\\s*$").matcher(log);
    while (x.find()) {
      m.merge(x.group(2), Integer.parseInt(x.group(1)), Math::max);
    }
    return m;
  }

  @Test
  void aSecretPrintedInEveryFormIsMaskedAndReachesNeitherTheDefinitionCodeNorAnotherRepository() throws Exception {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String unique = Base64.getUrlEncoder().encodeToString(random);
    // Space, ~, *, / and a non-ASCII letter: every URL form differs from the others.
    String value = MARKER + unique + " ~*/\u00e9?>>";
    Path data = tmp.resolve("data");
    // --describe hands its findings to the test over loopback (the sandbox lets it write nowhere else).
    LoopbackDrop drop = new LoopbackDrop();
    Path secretsFile = data.resolve("secrets/acme/app.json");

    Path tokenFile = Files.writeString(tmp.resolve("token.txt"), value + "\n");
    Outcome set = hallmark("secret", "set", "acme/app", "DEPLOY_TOKEN", "--from-file", tokenFile.toString(),
        "--data", data.toString());
    assertEquals(0, set.exit(), set.out());
    Files.delete(tokenFile);

    Path app = repository(tmp.resolve("app"), "acme/app", Map.of(
        ".hallmark/workflows/Secrets.java", fixture("Secrets.java").replace("@SECRETS_FILE@", secretsFile.toString())
            .replace("@DROP_PORT@", Integer.toString(drop.port())),
        "probe.sh", CapabilityLeakIT.PROBE.replace("hmca[p]_", "hmtestsecre[t]-")));
    Outcome run = hallmark("run", app.toString(), "--out", tmp.resolve("out").toString(), "--data", data.toString());
    assertEquals(0, run.exit(), run.out());
    String stored = storedLog(data, "Secrets.java");

    List<String> leakedForms = new ArrayList<>(SecretForms.of(value));
    leakedForms.add(unique);
    for (String log : List.of(run.out(), stored)) {
      for (String form : leakedForms) {
        assertFalse(log.contains(form), "the secret's form " + form + " is in the log:\n" + log);
      }
      List<String> labels = new ArrayList<>(List.of("SH_B64CLI", "SH_SPLIT", "RAW_SPLIT"));
      for (String f : FORMS) {
        labels.addAll(List.of("LOG_" + f, "SH_" + f, "RAW_" + f));
      }
      for (String label : labels) {
        assertTrue(Pattern.compile("(?m)^(\\[leak\\] )?" + label + "=\\*\\*\\*$").matcher(log).find(),
            "no masked line " + label + "=*** in:\n" + log);
      }
      // Neither the job JVM's argv and environment nor any other process's, nor a file, holds it.
      Map<String, Integer> found = leaks(log, "");
      for (String source : CapabilityLeakIT.SOURCES) {
        if (!source.equals("ps") || CapabilityLeakIT.hasPs()) {
          assertEquals(0, found.getOrDefault(source, -1), "the secret (or the probe line) in " + source + ":\n" + log);
        }
      }
      assertTrue(leaks(log, "CONTROL ").getOrDefault("env", 0) >= 1, "control: the probe missed the handed value\n" + log);
    }
    String db = databaseBytes(data);
    for (String form : leakedForms) {
      assertFalse(db.contains(latin1(form)), "the secret's form " + form + " is in the database file");
    }

    // The definition code, run by --describe, got nothing on standard input, in its environment
    // or in any process's, and (when jobs run as uids of their own) cannot read the secrets file.
    String describe = drop.await(java.time.Duration.ofSeconds(30)).strip();
    drop.close();
    assertTrue(describe.startsWith("stdin=0 env=false proc=0 file="), describe);
    if (JobUsers.isRoot()) {
      assertTrue(describe.endsWith("file=denied"), describe);
    }

    // Another repository's job asks for the same name: refused, naming the secret.
    Path other = repository(tmp.resolve("other"), "acme/other", Map.of(".hallmark/workflows/Other.java", fixture("Other.java")));
    Outcome refused = hallmark("run", other.toString(), "--out", tmp.resolve("out-other").toString(), "--data", data.toString());
    assertEquals(0, refused.exit(), refused.out());
    assertTrue(refused.out().contains("[ask] REFUSED secret DEPLOY_TOKEN is not declared for repository acme/other"),
        refused.out());
    assertFalse(refused.out().contains("GOT IT"), refused.out());
  }
}
