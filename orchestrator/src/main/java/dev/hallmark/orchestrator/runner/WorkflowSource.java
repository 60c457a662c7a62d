package dev.hallmark.orchestrator.runner;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a run's workflows come from: a repository that resolves refs to commits, lists the
 * workflow files of a commit and checks a commit out. The runner and push intake see only this;
 * {@link GitWorkflowSource} is the one implementation (the git CLI through {@link Git}, the only way
 * git runs).
 *
 * <pre>{@code
 * WorkflowSource source = GitWorkflowSource.of(repo.path());
 * String sha = source.resolveCommit("refs/heads/main");
 * for (String workflow : source.workflowFiles(sha)) { ... }
 * source.checkout(sha, work.resolve("source"));   // HEAD verified against sha
 * }</pre>
 */
public interface WorkflowSource {
  /** The folder of a commit that holds its workflows, one {@code *.java} file each. */
  String WORKFLOWS = ".hallmark/workflows";

  /**
   * The commit {@code ref} names; {@code UNPROCESSABLE} when it names none. {@code ref} must
   * already be a checked full ref.
   */
  String resolveCommit(String ref);

  /** The workflow files ({@code .hallmark/workflows/*.java}, regular files only) of {@code sha}, sorted. */
  List<String> workflowFiles(String sha);

  /** A fresh checkout of {@code sha} into the new folder {@code into}, its HEAD verified to be {@code sha}. */
  void checkout(String sha, Path into);
}
