package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/quickstart.md works when pasted: every fenced {@code sh} block runs, in order, in one bash
 * session started in the repository root (as the page says), after the build. Only {@code
 * /tmp/docs-*} paths are moved into a temporary folder; home, data and cache folders are the
 * test's own. A block right below {@code <!-- docs-test: skip (why) -->} is not run.
 */
class QuickstartDocsIT {
  static final String DOC = "docs/quickstart.md";
  static final String SKIP = "<!-- docs-test: skip (";
  private static final String MARK = "@@docs-test ";
  private static final String FAILED = "docs-test: failed: ";

  @TempDir Path tmp;

  record Block(int line, String text, boolean skipped) {}

  /** The fenced {@code sh} blocks of a Markdown page, with the line their fence opens on. */
  static List<Block> shellBlocks(List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```sh")) {
        continue;
      }
      int above = i - 1;
      while (above >= 0 && lines.get(above).isBlank()) {
        above--;
      }
      boolean skipped = above >= 0 && lines.get(above).strip().startsWith(SKIP);
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        text.append(lines.get(j)).append('\n');
        j++;
      }
      blocks.add(new Block(i + 1, text.toString(), skipped));
      i = j;
    }
    return blocks;
  }

  @Test
  void everyShellBlockOfTheQuickstartRunsAsWrittenFromTheRepositoryRoot() throws Exception {
    Path root = RunLauncherIT.root();
    RunLauncherIT.requireBuilt(root);
    List<Block> blocks = shellBlocks(Files.readAllLines(root.resolve(DOC)));
    long skipped = blocks.stream().filter(Block::skipped).count();
    assertTrue(blocks.size() - skipped >= 4, "the quickstart lost its runnable blocks: " + blocks);
    assertTrue(skipped <= 2, "keep docs-test skips few: " + skipped);

    StringBuilder script = new StringBuilder("set -eEo pipefail\n")
        .append("trap 'echo \"" + FAILED + "$BASH_COMMAND (exit $?)\" >&2' ERR\n");
    for (Block b : blocks) {
      if (!b.skipped()) {
        script.append("echo '" + MARK + DOC + ":" + b.line() + "' >&2\n")
            .append(b.text().replace("/tmp/docs-", tmp + "/docs-"));
      }
    }
    RunLauncherIT.Result r = RunLauncherIT.exec(tmp, root, List.of("bash", "-c", script.toString()));
    if (r.exit() != 0) {
      List<String> out = r.out().lines().toList();
      String where = out.stream().filter(l -> l.startsWith(MARK)).reduce((a, b) -> b).map(l -> l.substring(MARK.length()))
          .orElse(DOC);
      String what = out.stream().filter(l -> l.startsWith(FAILED)).findFirst().map(l -> l.substring(FAILED.length()))
          .orElse("exit " + r.exit());
      fail("the block at " + where + " failed: " + what + "\n" + String.join("\n", out.subList(Math.max(0, out.size() - 30), out.size())));
    }
    assertFalse(r.out().contains(FAILED), r.out());
    // What the blocks made: step 2's output and the work tree's, run twice.
    assertTrue(Files.isRegularFile(tmp.resolve("docs-out/app-1.0.0.tgz.hallmark.json")));
    assertTrue(Files.isRegularFile(tmp.resolve("docs-git/hallmark-out/app-1.0.0.tgz")));
  }
}
