package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator runs git as root on folders it did not make (hallmark run's folder, a
 * registered repository). A repository's own configuration names programs git would start: the
 * file-system monitor (every git status ran it), hooks, clean/smudge/process filters chosen by
 * .gitattributes, diff and merge drivers, pager, editors, ssh, proxy, credential helper, askpass,
 * GPG, the pack-objects hook, and an included file naming a monitor. Each program here writes a
 * marker file; no marker may ever appear, while the run itself goes on as usual.
 */
class GitSafetyTest {
  private static final String REPO = "acme/app";
  private static final List<String> HOOKS = List.of("applypatch-msg", "pre-applypatch", "post-applypatch",
      "pre-commit", "pre-merge-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout",
      "post-merge", "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
      "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "fsmonitor-watchman",
      "post-index-change", "sendemail-validate");

  @TempDir Path tmp;

  @Test
  void aRepositorysOwnGitConfigurationRunsNothingInRunOrRepoAddOrAPush() throws Exception {
    // Writable by anyone, so that a program started under any uid, in or out of a sandbox, leaves its mark.
    java.nio.file.Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    Path markers = java.nio.file.Files.createDirectories(tmp.resolve("markers"));
    java.nio.file.Files.setPosixFilePermissions(markers, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    Path repo = tmp.resolve("app");
    InProcessServe.commit(repo, "main", Map.of(
        ".hallmark/workflows/W.java", String.join("\n",
            "import static dev.hallmark.sdk.Hallmark.*;",
            "public class W {",
            "  public static void main(String[] args) {",
            "    workflow(\"w\").on(push().branches(\"main\"))",
            "        .job(job(\"j\").step(\"s\", ctx -> ctx.sh(\"cat src/hello.txt\"))).main(args);",
            "  }",
            "}", ""),
        "src/hello.txt", "hello\n",
        "src/notes.p", "p\n",
        ".gitattributes", "* filter=x diff=x merge=x\n*.p filter=p\n"));
    arm(repo, markers);

    // hallmark run as root on that folder: a clean work tree, so it runs and succeeds.
    StringWriter out = new StringWriter();
    var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    int exit = cl.execute("run", repo.toString(), "--out", tmp.resolve("out").toString(), "--data",
        tmp.resolve("data-run").toString());
    assertEquals(0, exit, out.toString());
    assertEquals(List.of(), markers(markers), "hallmark run started a program of the repository's configuration");

    // repo add, then a push to serve (in process: the same intake, runner and checkouts).
    Path data = tmp.resolve("data-serve");
    StringWriter added = new StringWriter();
    cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(added, true));
    cl.setErr(new PrintWriter(added, true));
    assertEquals(0, cl.execute("repo", "add", REPO, repo.toString(), "--data", data.toString()), added.toString());
    try (InProcessServe serve = InProcessServe.start(data, r -> r)) {
      String runId = serve.push(REPO, "refs/heads/main").get(0);
      RunRecord run = serve.awaitFinished(runId, Duration.ofSeconds(120));
      assertEquals(JobRecord.SUCCEEDED, run.status(), String.join("\n", serve.log()));
    }
    assertEquals(List.of(), markers(markers), "repo add or a push started a program of the repository's configuration");
  }

  /**
   * Configuration, hooks and attributes added after the commit (none of it is ever committed):
   * every program writes {@code markers/<name>}; the filters pass their input through.
   */
  private static void arm(Path repo, Path markers) throws IOException {
    Path evil = Files.createDirectories(repo.getParent().resolve("evil"));
    Path hooks = Files.createDirectories(evil.resolve("hooks"));
    for (String hook : HOOKS) {
      script(hooks.resolve(hook), markers.resolve("hook-" + hook), false);
      script(repo.resolve(".git/hooks").resolve(hook), markers.resolve("git-dir-hook-" + hook), false);
    }
    StringBuilder config = new StringBuilder();
    String[][] keys = {
        {"core", "fsmonitor"}, {"core", "pager"}, {"core", "editor"}, {"core", "askPass"}, {"core", "sshCommand"},
        {"core", "gitProxy"}, {"core", "alternateRefsCommand"}, {"sequence", "editor"}, {"diff", "external"},
        {"credential", "helper"}, {"gpg", "program"}, {"uploadpack", "packObjectsHook"},
        {"filter \"x\"", "clean"}, {"filter \"x\"", "smudge"}, {"filter \"p\"", "process"},
        {"diff \"x\"", "textconv"}, {"diff \"x\"", "command"}, {"merge \"x\"", "driver"}};
    for (String[] k : keys) {
      String name = (k[0] + "." + k[1]).replaceAll("[^A-Za-z.]", "");
      Path s = script(evil.resolve(name + ".sh"), markers.resolve(name), k[0].startsWith("filter"));
      config.append('[').append(k[0]).append("]\n\t").append(k[1]).append(" = ").append(s).append('\n');
    }
    config.append("[core]\n\thooksPath = ").append(hooks).append('\n');
    Path included = evil.resolve("included.config");
    Files.writeString(included, "[core]\n\tfsmonitor = "
        + script(evil.resolve("included-fsmonitor.sh"), markers.resolve("included-fsmonitor"), false) + "\n");
    config.append("[include]\n\tpath = ").append(included).append('\n');
    Files.writeString(repo.resolve(".git/config"), config, java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(Files.createDirectories(repo.resolve(".git/info")).resolve("attributes"), "* filter=x diff=x\n");
    // Stat data that no longer matches the index: a git status would read the files (through the filters).
    try (Stream<Path> files = Files.walk(repo)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !repo.relativize(f).startsWith(".git")).toList()) {
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(3600)));
      }
    }
  }

  private static Path script(Path file, Path marker, boolean passThrough) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\necho \"$0 $*\" >> '" + marker + "'\n" + (passThrough ? "exec cat\n" : "exit 0\n"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static List<String> markers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
