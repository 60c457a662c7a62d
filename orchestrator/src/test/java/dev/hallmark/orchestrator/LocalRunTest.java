package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.runner.Git;
import dev.hallmark.orchestrator.runner.LoopbackDrop;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hallmark run} end to end, in process: real git, real job JVMs, real SQLite, loopback only. */
public class LocalRunTest {
  @TempDir Path tmp;

  record Outcome(int exit, String out, String err) {}

  private Outcome run(Path dir, Path out, Path data, String... extra) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    var cl = OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    List<String> args = new java.util.ArrayList<>(List.of("run", dir.toString(), "--out", out.toString(), "--data", data.toString()));
    args.addAll(List.of(extra));
    int exit = cl.execute(args.toArray(String[]::new));
    return new Outcome(exit, o.toString(), e.toString());
  }

  /** The release example; public for the runner package's tests of {@code hallmark run}. */
  public static Path example() {
    return ServeIT.example();
  }

  private static String git(Path dir, Map<String, String> env, String... args) {
    return Git.run(dir, env, args);
  }

  private static VerificationResult verify(Path bundle, Path artifact, Path trustRoot, String repo, String ref, String sha)
      throws IOException {
    return new Verifier().verify(Files.readAllBytes(bundle), VerificationPolicy.builder(TrustRootSource.file(trustRoot))
        .artifact(artifact).expectRepository(repo).expectRef(ref).expectSha(sha)
        .expectWorkflow(".hallmark/workflows/Release.java").build());
  }

  /** The sha git itself gives the same files with the snapshot's fixed author and date. */
  private static String independentSnapshotSha(Path folder, Path scratch) throws IOException {
    Path repo = Files.createDirectories(scratch);
    ServeIT.copyTree(folder, repo);
    Map<String, String> env = Map.of("GIT_AUTHOR_NAME", LocalRun.SNAPSHOT_NAME, "GIT_AUTHOR_EMAIL", LocalRun.SNAPSHOT_EMAIL,
        "GIT_AUTHOR_DATE", LocalRun.SNAPSHOT_DATE, "GIT_COMMITTER_NAME", LocalRun.SNAPSHOT_NAME,
        "GIT_COMMITTER_EMAIL", LocalRun.SNAPSHOT_EMAIL, "GIT_COMMITTER_DATE", LocalRun.SNAPSHOT_DATE);
    git(repo, env, "init", "--quiet", "--initial-branch=main");
    git(repo, env, "add", "--all");
    git(repo, env, "commit", "--quiet", "-m", "hallmark run snapshot of " + folder.getFileName());
    return git(repo, env, "rev-parse", "HEAD");
  }

  @Test
  void releaseExampleVerifiesAndStillVerifiesAfterASecondRun() throws IOException {
    Path folder = tmp.resolve("release");
    ServeIT.copyTree(example(), folder);
    Path data = tmp.resolve("data");
    Outcome first = run(folder, tmp.resolve("out1"), data);
    assertEquals(0, first.exit(), first.out() + first.err());
    String sha = independentSnapshotSha(folder, tmp.resolve("check"));
    Path out1 = tmp.resolve("out1");
    Path artifact = out1.resolve("app-1.0.0.tgz");
    Path bundle = out1.resolve("app-1.0.0.tgz.hallmark.json");
    assertTrue(first.out().contains(" verify-attestation " + artifact + " --bundle " + bundle + " --trust-root "
        + out1.resolve("trust-root.json") + " --repository local/release --ref refs/heads/main --sha " + sha), first.out());
    VerificationResult r = verify(bundle, artifact, out1.resolve("trust-root.json"), "local/release", "refs/heads/main", sha);
    assertTrue(r.isVerified(), () -> String.valueOf(r.failure()));
    // The embedded log (quorum none): the trust root requires check 8, and the bundle passes it.
    var trustRootJson = dev.hallmark.attestation.json.StrictJson.parseObject(Files.readAllBytes(out1.resolve("trust-root.json")), 1 << 20);
    assertTrue(trustRootJson.requireObject("log").requireString("policy").contains("quorum none"));
    assertTrue(dev.hallmark.attestation.bundle.Bundle.parse(Files.readAllBytes(bundle)).logProof() != null);
    assertTrue(r.checks().stream().anyMatch(c -> c.check() == dev.hallmark.verifier.Check.LOG && c.ok()
        && !c.message().contains("no log policy")), () -> r.checks().toString());

    // A second run with the same data folder (after a key rotation, even): the first bundle still
    // verifies against the newest trust-root file.
    new dev.hallmark.orchestrator.keys.IssuerKeyStoreAccess().rotate(data);
    Outcome second = run(folder, tmp.resolve("out2"), data);
    assertEquals(0, second.exit(), second.out() + second.err());
    VerificationResult again = verify(bundle, artifact, tmp.resolve("out2/trust-root.json"), "local/release",
        "refs/heads/main", sha);
    assertTrue(again.isVerified(), () -> String.valueOf(again.failure()));
    assertTrue(Files.exists(data.resolve("work")));
    try (Stream<Path> s = Files.list(data.resolve("work"))) {
      assertEquals(0, s.count(), "workspaces are removed after the run");
    }
  }

  @Test
  void gitWorkTreeUsesHeadAndBranchAndRefusesADirtyTree() throws IOException {
    Path repo = tmp.resolve("app");
    ServeIT.copyTree(example(), repo);
    Map<String, String> env = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.com",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.com");
    git(repo, env, "init", "--quiet", "--initial-branch=trunk");
    git(repo, env, "add", "--all");
    git(repo, env, "commit", "--quiet", "-m", "init");
    git(repo, env, "remote", "add", "origin", "git@github.com:acme/app.git");
    String sha = git(repo, Map.of(), "rev-parse", "HEAD");
    Outcome ok = run(repo, tmp.resolve("out"), tmp.resolve("data"));
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    VerificationResult r = verify(tmp.resolve("out/app-1.0.0.tgz.hallmark.json"), tmp.resolve("out/app-1.0.0.tgz"),
        tmp.resolve("out/trust-root.json"), "acme/app", "refs/heads/trunk", sha);
    assertTrue(r.isVerified(), () -> String.valueOf(r.failure()));

    Files.writeString(repo.resolve("src/hello.txt"), "changed\n");
    Outcome dirty = run(repo, tmp.resolve("out-dirty"), tmp.resolve("data"));
    assertEquals(1, dirty.exit());
    assertEquals(1, dirty.err().strip().lines().count(), dirty.err());
    assertTrue(dirty.err().contains("uncommitted changes (src/hello.txt)"), dirty.err());
    assertFalse(Files.exists(tmp.resolve("out-dirty")));

    // Untracked files count too, and are named: at most ten, then how many more.
    for (int i = 0; i < 12; i++) {
      Files.writeString(repo.resolve("new-" + (char) ('a' + i) + ".txt"), "x\n");
    }
    Outcome many = run(repo, tmp.resolve("out-dirty"), tmp.resolve("data"));
    assertEquals(1, many.exit());
    assertEquals(1, many.err().strip().lines().count(), many.err());
    assertTrue(many.err().contains("new-a.txt, new-b.txt"), many.err());
    assertTrue(many.err().contains(" and 3 more)"), many.err());
  }

  /** A git repository of a copy of the example, on branch main. */
  private static Path exampleGitRepository(Path repo) throws IOException {
    ServeIT.copyTree(example(), repo);
    commitAll(repo, "init");
    return repo;
  }

  private static void commitAll(Path repo, String message) {
    Map<String, String> env = Map.of("GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.com",
        "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.com");
    if (!Files.exists(repo.resolve(".git"))) {
      git(repo, env, "init", "--quiet", "--initial-branch=main");
    }
    git(repo, env, "add", "--all");
    git(repo, env, "commit", "--quiet", "-m", message);
  }

  /**
   * {@code hallmark run .} writes into {@code ./hallmark-out}, inside the work tree: that folder is
   * not an uncommitted change, so running twice works; anything else untracked still is.
   */
  @Test
  void aSecondRunOfAWorkTreeIsNotRefusedForItsOwnOutputFolder() throws IOException {
    Path repo = exampleGitRepository(tmp.resolve("app"));
    Path out = repo.resolve("hallmark-out");
    Outcome first = run(repo, out, tmp.resolve("data"));
    assertEquals(0, first.exit(), first.out() + first.err());
    assertTrue(Files.isRegularFile(out.resolve("app-1.0.0.tgz")));
    Outcome second = run(repo, out, tmp.resolve("data"));
    assertEquals(0, second.exit(), second.out() + second.err());


    // Only the folder this run writes to is left out: another output folder is an untracked change.
    Outcome elsewhere = run(repo, repo.resolve("build/reports/hallmark"), tmp.resolve("data"));
    assertEquals(1, elsewhere.exit());
    assertTrue(elsewhere.err().contains("uncommitted changes (hallmark-out/app-1.0.0.tgz, "), elsewhere.err());
    Files.writeString(repo.resolve("stray.txt"), "x\n");
    Outcome dirty = run(repo, out, tmp.resolve("data"));
    assertEquals(1, dirty.exit());
    assertTrue(dirty.err().contains("uncommitted changes (stray.txt)"), dirty.err());

    // A folder nested deeper in the tree, not yet existing on the first run.
    Path other = exampleGitRepository(tmp.resolve("other"));
    for (int i = 0; i < 2; i++) {
      Outcome nested = run(other, other.resolve("build/reports/hallmark"), tmp.resolve("data"));
      assertEquals(0, nested.exit(), nested.out() + nested.err());
    }
  }

  /** A plain folder holding one workflow whose only job runs {@code script} and then {@code attest}. */
  private static Path attestingFolder(Path folder, String script, String attest) throws IOException {
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Files.writeString(folder.resolve(".hallmark/workflows/Many.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        import dev.hallmark.sdk.*;
        import java.util.List;
        public class Many {
          public static void main(String[] args) {
            workflow("many").job(job("many")
                .step("build", ctx -> ctx.sh("%s"))
                .step("attest", ctx -> { %s })).main(args);
          }
        }
        """.formatted(script, attest));
    return folder;
  }

  /** Each bundle under {@code out} checked as {@code hallmark audit} pairs it: with the file X beside X.hallmark.json. */
  private static int auditPairs(Path out) throws IOException {
    int pairs = 0;
    try (Stream<Path> s = Files.walk(out)) {
      for (Path bundle : s.filter(p -> p.getFileName().toString().endsWith(".hallmark.json")).toList()) {
        String name = bundle.getFileName().toString();
        Path artifact = bundle.resolveSibling(name.substring(0, name.length() - ".hallmark.json".length()));
        assertTrue(Files.isRegularFile(artifact), "no artifact beside " + bundle);
        VerificationResult r = new Verifier().verify(Files.readAllBytes(bundle), VerificationPolicy.builder(
            TrustRootSource.file(out.resolve("trust-root.json"))).artifactNamedBySubject(artifact).build());
        assertTrue(r.isVerified(), () -> bundle + ": " + r.failure());
        pairs++;
      }
    }
    return pairs;
  }

  @Test
  void everySubjectAttestedByPathIsCopiedAndNoSubjectAttestedByDigest() throws IOException {
    Path folder = attestingFolder(tmp.resolve("many"),
        "mkdir -p dist && echo one > dist/a.bin && echo two > dist/b.bin && echo image > image",
        """
        String image = Subject.ofPath("image", "image").sha256();
        ctx.attestProvenance(List.of(Subject.ofPath("a.bin", "dist/a.bin"), Subject.ofPath("b.bin", "dist/b.bin"),
            Subject.ofDigest("image", image)));""");
    Path out = tmp.resolve("out");
    Outcome o = run(folder, out, tmp.resolve("data"));
    assertEquals(0, o.exit(), o.out() + o.err());
    assertEquals("one\n", read(out.resolve("a.bin")));
    assertEquals("two\n", read(out.resolve("b.bin")));
    // The workspace holds a file named "image" with the attested digest: still not copied.
    assertFalse(Files.exists(out.resolve("image")), "a subject attested by digest was copied");
    assertTrue(o.out().contains("image was attested by digest, not copied"), o.out());
    Path bundle = out.resolve("a.bin.hallmark.json");
    for (String artifact : List.of("a.bin", "b.bin")) {
      assertTrue(o.out().contains(" verify-attestation " + out.resolve(artifact) + " --bundle " + bundle + " "), o.out());
      VerificationResult r = new Verifier().verify(Files.readAllBytes(bundle), VerificationPolicy.builder(
          TrustRootSource.file(out.resolve("trust-root.json"))).artifact(out.resolve(artifact)).build());
      assertTrue(r.isVerified(), () -> artifact + ": " + r.failure());
    }
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("a.bin", "a.bin.hallmark.json", "b.bin", "trust-root.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void filesWithTheSameNameAreKeptUnderDistinctFoldersEachBesideItsBundle() throws IOException {
    Path folder = attestingFolder(tmp.resolve("same"),
        "mkdir -p one two p q && echo first > one/app.tgz && echo second > two/app.tgz"
            + " && echo p > p/x.txt && echo q > q/x.txt",
        """
        ctx.attestProvenance(Subject.ofPath("app.tgz", "one/app.tgz"));
        ctx.attestProvenance(Subject.ofPath("app.tgz", "two/app.tgz"));
        ctx.attestProvenance(List.of(Subject.ofPath("x.txt", "p/x.txt"), Subject.ofPath("x.txt", "q/x.txt")));""");
    Path out = tmp.resolve("out");
    // Files of an earlier run are overwritten, never those this run wrote.
    Files.createDirectories(out);
    Files.writeString(out.resolve("app.tgz"), "stale\n");
    Outcome o = run(folder, out, tmp.resolve("data"));
    assertEquals(0, o.exit(), o.out() + o.err());
    assertEquals("first\n", read(out.resolve("app.tgz")));
    assertEquals("second\n", read(out.resolve("2/app.tgz")));
    assertEquals("p\n", read(out.resolve("x.txt")));
    assertEquals("q\n", read(out.resolve("2/x.txt")));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(out.resolve("app.tgz.hallmark.json")),
        Files.readAllBytes(out.resolve("2/app.tgz.hallmark.json"))));
    assertEquals(4, auditPairs(out));
    assertTrue(o.out().contains(" verify-attestation " + out.resolve("2/app.tgz") + " --bundle "
        + out.resolve("2/app.tgz.hallmark.json") + " "), o.out());
  }

  /** The path comes from the job: a symbolic link on the way, or at the end, is never followed. */
  @Test
  void aPathSubjectReachedThroughASymbolicLinkIsNotCopied() throws IOException {
    // A host file outside the workspace that the sandboxed job can read (the system is lent to it
    // read-only; the test's temp folder is not): only the link rule keeps the copy, made by the
    // orchestrator, from taking it.
    Path secret = Path.of("/etc/passwd");
    Path folder = attestingFolder(tmp.resolve("links"),
        "mkdir -p real && echo mine > real/f.txt && ln -s real via && ln -s " + secret + " g.txt",
        """
        ctx.attestProvenance(Subject.ofPath("f.txt", "via/f.txt"));
        ctx.attestProvenance(Subject.ofPath("g.txt", "g.txt"));""");
    Path out = tmp.resolve("out");
    Outcome o = run(folder, out, tmp.resolve("data"));
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(Files.isRegularFile(out.resolve("f.txt.hallmark.json")));
    assertTrue(Files.isRegularFile(out.resolve("g.txt.hallmark.json")));
    assertFalse(Files.exists(out.resolve("f.txt")));
    assertFalse(Files.exists(out.resolve("g.txt")));
    assertTrue(o.out().contains("f.txt is not copied"), o.out());
  }

  @Test
  void theVerifyCommandNamesTheLauncherQuotedForTheShell() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("my tools/it's here"));
    Path launcher = bin.resolve("hallmark");
    Files.writeString(launcher, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(launcher, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    String words = LocalRun.verifierCommand(Map.of("HALLMARK_LAUNCHER", launcher.toString()));
    assertEquals("'" + tmp + "/my tools/it'\\''s here/hallmark'", words);
    // Pasted into a shell, it starts that launcher with each argument intact.
    Process p = new ProcessBuilder("bash", "-c", words + " verify-attestation " + LocalRun.shellWord("a b.tgz")).start();
    assertEquals("verify-attestation\na b.tgz\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(0, p.waitFor());

    assertEquals("/usr/bin/x", LocalRun.shellWord("/usr/bin/x"));
    // Without a launcher: java -jar with the verifier jar, or the bare name; never a relative launcher.
    String fallback = LocalRun.verifierCommand(Map.of("HALLMARK_LAUNCHER", "bin/hallmark"));
    assertTrue(fallback.equals("hallmark") || fallback.contains(" -jar "), fallback);
  }

  /**
   * The graph comes from the workflow's own code: a workflow that prints a job name naming another
   * folder, a duplicate job or an unknown need (instead of letting the SDK describe it) fails its
   * run before any job is created.
   */
  @Test
  void forgedJobGraphsFailTheRunBeforeAnyJob() throws IOException {
    String[] graphs = {
        "{\\\"jobs\\\":[{\\\"name\\\":\\\"../../escaped\\\",\\\"needs\\\":[]}]}",
        "{\\\"jobs\\\":[{\\\"name\\\":\\\"a\\\",\\\"needs\\\":[]},{\\\"name\\\":\\\"a\\\",\\\"needs\\\":[]}]}",
        "{\\\"jobs\\\":[{\\\"name\\\":\\\"a\\\",\\\"needs\\\":[\\\"ghost\\\"]}]}",
    };
    String[] reasons = {"printed an invalid job name", "printed the job a twice", "needs an unknown job"};
    for (int i = 0; i < graphs.length; i++) {
      Path folder = tmp.resolve("forged" + i);
      Files.createDirectories(folder.resolve(".hallmark/workflows"));
      Files.writeString(folder.resolve(".hallmark/workflows/Forged.java"),
          "public class Forged {\n  public static void main(String[] a) {\n"
              + "    if (a.length > 0 && a[0].equals(\"--describe\")) { System.out.println(\"" + graphs[i] + "\"); return; }\n"
              + "    throw new IllegalStateException(\"a job ran\");\n  }\n}\n");
      Path data = tmp.resolve("data" + i);
      Outcome o = run(folder, tmp.resolve("out" + i), data);
      assertEquals(1, o.exit(), o.out() + o.err());
      assertTrue(o.out().contains(reasons[i]), o.out());
      assertFalse(o.out().contains("a job ran"), o.out());
      try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
        RunRecord run = store.runs(1).get(0);
        assertEquals(JobRecord.FAILED, run.status());
        assertTrue(store.jobsOfRun(run.id()).isEmpty(), "a job was created");
      }
    }
  }

  /**
   * Two workflows of one commit: the first one's definition code, run by --describe in its
   * checkout, rewrites the second one's source there. The second still runs as committed, because
   * every workflow compiles from a checkout of its own.
   */
  @Test
  void oneWorkflowsDescribeCannotChangeWhatAnotherCompiles() throws IOException {
    Path folder = tmp.resolve("two");
    Path workflows = Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Files.writeString(workflows.resolve("A.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class A {",
        "  public static void main(String[] args) throws Exception {",
        "    if (args.length > 0 && args[0].equals(\"--describe\")) {",
        "      java.nio.file.Path b = java.nio.file.Path.of(\".hallmark/workflows/B.java\");",
        "      java.nio.file.Files.writeString(b, java.nio.file.Files.readString(b).replace(\"ORIG\" + \"INAL\", \"TAMPERED\"));",
        "    }",
        "    workflow(\"a\").job(job(\"a\").step(\"s\", ctx -> ctx.sh(\"true\"))).main(args);",
        "  }",
        "}", ""));
    Files.writeString(workflows.resolve("B.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class B {",
        "  public static void main(String[] args) {",
        "    workflow(\"b\").job(job(\"b\").step(\"s\", ctx -> ctx.sh(\"echo MARK-ORIGINAL\"))).main(args);",
        "  }",
        "}", ""));
    Outcome o = run(folder, tmp.resolve("out"), tmp.resolve("data"));
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("[b] MARK-ORIGINAL"), o.out());
    assertFalse(o.out().contains("TAMPERED"), o.out());
  }

  @Test
  void badFlagsGetOneLineAndExitOneWithNothingWritten() {
    for (String[] extra : List.of(new String[] {"--attest-rate", "abc"}, new String[] {"--attest-rate", "0"},
        new String[] {"--no-such-flag"})) {
      Outcome o = run(example(), tmp.resolve("out"), tmp.resolve("data"), extra);
      assertEquals(1, o.exit(), String.join(" ", extra));
      assertEquals(1, o.err().strip().lines().count(), o.err());
      assertTrue(o.err().startsWith("hallmark: "), o.err());
      assertFalse(Files.exists(tmp.resolve("out")), "a refused command wrote its output folder");
    }
  }

  @Test
  void workflowThatDoesNotCompileFailsTheRunWithTheCompilerMessage() throws IOException {
    Path folder = tmp.resolve("broken");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Files.writeString(folder.resolve(".hallmark/workflows/Broken.java"),
        "import static dev.hallmark.sdk.Hallmark.*;\npublic class Broken {\n  public static void main(String[] a) {\n"
            + "    workflow(\"b\").job(job(\"j\").step(\"s\", ctx -> ctx.nope()));\n  }\n}\n");
    Path data = tmp.resolve("data");
    Outcome o = run(folder, tmp.resolve("out"), data);
    assertEquals(1, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("compile error: .hallmark/workflows/Broken.java:4: cannot find symbol"), o.out());
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      RunRecord run = store.runs(1).get(0);
      assertEquals(JobRecord.FAILED, run.status());
      assertTrue(store.runReason(run.id()).orElse("").startsWith("compile error: .hallmark/workflows/Broken.java:4:"));
    }
  }

  @Test
  void mintedTokensAreMaskedAndJobJvmSeesNoHallmarkEnvironment() throws Exception {
    assertTrue(System.getenv().keySet().stream().anyMatch(k -> k.startsWith("HALLMARK_")),
        "surefire gives the test JVM a HALLMARK_* variable");
    Path folder = tmp.resolve("probe");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    // The step hands the token to the test over loopback: the sandbox lets a job write only its workspace.
    LoopbackDrop drop = new LoopbackDrop();
    Files.writeString(folder.resolve(".hallmark/workflows/Probe.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        import dev.hallmark.sdk.*;
        public class Probe {
          public static void main(String[] args) {
            workflow("probe").job(job("probe")
                .step("env", ctx -> ctx.sh("env | sort"))
                .step("token", ctx -> {
                  String t = ctx.oidc().token("test").token();
                  %s
                  System.out.println("token=" + t);
                  System.out.print("half=" + t.substring(0, 20));
                  System.out.flush();
                  System.out.println(t.substring(20) + " end");
                  ctx.sh("echo child=" + t);
                })).main(args);
          }
        }
        """.formatted(drop.sendSource("t")));
    Path data = tmp.resolve("data");
    Outcome o = run(folder, tmp.resolve("out"), data);
    assertEquals(0, o.exit(), o.out() + o.err());
    String token = drop.await(java.time.Duration.ofSeconds(10)).strip();
    drop.close();
    assertTrue(token.length() > 100);
    assertFalse(o.out().contains(token.substring(0, 40)), "streamed log holds the token");
    assertTrue(o.out().contains("token=***"), o.out());
    assertTrue(o.out().contains("half=*** end"), o.out());
    assertTrue(o.out().contains("child=***"), o.out());
    try (Store store = Store.open(data.resolve("hallmark.db"), Clock.systemUTC())) {
      RunRecord run = store.runs(1).get(0);
      JobRecord job = store.jobsOfRun(run.id()).get(0);
      String stored = store.logs(job.id(), 0, 10_000).stream().map(Store.LogLine::line).collect(Collectors.joining("\n"));
      assertFalse(stored.contains(token.substring(0, 40)), "stored log holds the token");
      assertTrue(stored.contains("token=***"), stored);
      assertTrue(stored.contains("HOME="), stored);
      assertFalse(stored.contains("HALLMARK_"), stored);
      assertFalse(stored.contains("hmcap_"), stored);
    }
  }

  @Test
  void subjectNamesCannotWriteOutsideOut() throws IOException {
    Path folder = tmp.resolve("evil");
    Files.createDirectories(folder.resolve(".hallmark/workflows"));
    Files.writeString(folder.resolve("a.txt"), "a\n");
    Files.writeString(folder.resolve(".hallmark/workflows/Evil.java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        import dev.hallmark.sdk.*;
        public class Evil {
          public static void main(String[] args) {
            workflow("evil").job(job("evil").step("attest", ctx -> {
              ctx.attestProvenance(Subject.ofPath("../../hallmark-escape-1", "a.txt"));
              ctx.attestProvenance(Subject.ofPath("/tmp/hallmark-escape-2", "a.txt"));
            })).main(args);
          }
        }
        """);
    Path out = tmp.resolve("deep/er/out");
    Outcome o = run(folder, out, tmp.resolve("data"));
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(Files.isRegularFile(out.resolve("hallmark-escape-1.hallmark.json")));
    assertTrue(Files.isRegularFile(out.resolve("hallmark-escape-2.hallmark.json")));
    assertFalse(Files.exists(tmp.resolve("deep/hallmark-escape-1.hallmark.json")));
    assertFalse(Files.exists(tmp.resolve("deep/hallmark-escape-1")));
    assertFalse(Files.exists(Path.of("/tmp/hallmark-escape-2.hallmark.json")));
    try (Stream<Path> s = Files.walk(tmp)) {
      List<Path> escaped = s.filter(p -> p.getFileName().toString().startsWith("hallmark-escape"))
          .filter(p -> !p.getParent().equals(out)).toList();
      assertEquals(List.of(), escaped);
    }
    LocalRun lr = new LocalRun(folder, null, out, tmp.resolve("data"), new PrintWriter(new StringWriter()));
    assertThrows(OrchestratorException.class, () -> lr.inside("../x"));
    assertThrows(OrchestratorException.class, () -> lr.inside("/etc/x"));
    assertThrows(OrchestratorException.class, () -> lr.inside(".."));
  }

  @Test
  void namesTheRepositoryAfterTheOriginPath() {
    assertEquals("acme/app", LocalRun.repositoryOf("git@github.com:acme/app.git").orElseThrow());
    assertEquals("acme/app", LocalRun.repositoryOf("https://github.com/acme/app").orElseThrow());
    assertEquals("acme/app", LocalRun.repositoryOf("/srv/git/acme/app.git/").orElseThrow());
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
