package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@link WorkflowSource} over a git repository on this machine (a work tree or a bare
 * repository), read with the git CLI, user and system configuration ignored ({@link Git}).
 *
 * <pre>{@code
 * WorkflowSource source = GitWorkflowSource.of("/srv/git/app.git");
 * }</pre>
 */
public final class GitWorkflowSource implements WorkflowSource {
  private final String location;

  private GitWorkflowSource(String location) {
    this.location = requireNonNull(location, "location");
  }

  /** The repository at {@code location}: a path (or {@code file://} URL for checkouts only). */
  public static GitWorkflowSource of(String location) {
    return new GitWorkflowSource(location);
  }

  @Override
  public String resolveCommit(String ref) {
    try {
      return Git.run(Path.of(location), "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
    } catch (OrchestratorException e) {
      throw new OrchestratorException(Code.UNPROCESSABLE, "ref " + ref + " does not name a commit of the repository");
    }
  }

  @Override
  public List<String> workflowFiles(String sha) {
    String listing = Git.run(Path.of(location), "ls-tree", "-z", "--full-tree", sha, "--", WORKFLOWS + "/");
    List<String> out = new ArrayList<>();
    for (String entry : listing.split("\0")) {
      int tab = entry.indexOf('\t');
      if (tab < 0) {
        continue;
      }
      String[] meta = entry.substring(0, tab).split(" ");
      String path = entry.substring(tab + 1);
      String file = path.substring(path.lastIndexOf('/') + 1);
      // Regular files only: a symbolic link (mode 120000) could point the root-run compiler anywhere.
      boolean regular = meta.length == 3 && (meta[0].equals("100644") || meta[0].equals("100755"));
      if (regular && meta[1].equals("blob") && path.equals(WORKFLOWS + "/" + file) && file.endsWith(".java")) {
        out.add(path);
      }
    }
    out.sort(null);
    return out;
  }

  @Override
  public void checkout(String sha, Path into) {
    Git.checkout(location, sha, into);
  }

  /**
   * The workflow files found in a checkout's work tree (regular {@code *.java} files, no links),
   * sorted; empty when the folder is missing.
   */
  static List<Path> workflowFilesIn(Path checkout) {
    try (Stream<Path> s = Files.list(checkout.resolve(WORKFLOWS))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".java")
          && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** True when {@code dir} is the top of a git work tree or a bare repository (not merely inside one). */
  public static boolean isRepositoryRoot(Path dir) {
    try {
      Path real = dir.toRealPath();
      if ("true".equals(Git.run(real, "rev-parse", "--is-bare-repository"))) {
        return Path.of(Git.run(real, "rev-parse", "--absolute-git-dir")).toRealPath().equals(real);
      }
      return Path.of(Git.run(real, "rev-parse", "--show-toplevel")).toRealPath().equals(real);
    } catch (OrchestratorException | IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "GitWorkflowSource[" + location + "]";
  }
}
