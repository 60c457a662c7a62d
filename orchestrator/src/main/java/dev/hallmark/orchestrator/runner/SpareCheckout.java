package dev.hallmark.orchestrator.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A checkout of the run's sha made in the background (HEAD checked, as every checkout); the first
 * job to start moves it into place as its workspace, and nobody else ever sees it. As a {@link
 * WorkflowSource}, the first checkout of that sha takes the spare; every other one is made fresh.
 *
 * <pre>{@code
 * SpareCheckout spare = new SpareCheckout(source, sha, runDir.resolve("spare"));
 * spare.checkout(sha, workspace);          // the spare moved into place, or a fresh checkout
 * spare.discard();                         // when the run ends
 * }</pre>
 */
final class SpareCheckout implements WorkflowSource {
  private final WorkflowSource source;
  private final String sha;
  private final Path dir;
  private final CompletableFuture<Boolean> made;
  private final AtomicBoolean taken = new AtomicBoolean();

  SpareCheckout(WorkflowSource source, String sha, Path dir) {
    this.source = source;
    this.sha = sha;
    this.dir = dir;
    this.made = CompletableFuture.supplyAsync(() -> {
      try {
        source.checkout(sha, dir);
        return true;
      } catch (RuntimeException e) {
        return false; // the job then checks out on its own and reports any error itself
      }
    });
  }

  @Override
  public String resolveCommit(String ref) {
    return source.resolveCommit(ref);
  }

  @Override
  public java.util.List<String> workflowFiles(String commit) {
    return source.workflowFiles(commit);
  }

  @Override
  public void checkout(String commit, Path into) {
    if (!commit.equals(sha) || !takeInto(into)) {
      source.checkout(commit, into);
    }
  }

  /** Moves the spare to {@code target}; false when another job took it or it could not be made. */
  boolean takeInto(Path target) {
    if (!taken.compareAndSet(false, true)) {
      return false;
    }
    try {
      if (made.join()) {
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
      }
    } catch (IOException | RuntimeException e) {
      // fall through: a fresh checkout instead
    }
    WorkspaceFiles.deleteTree(dir);
    return false;
  }

  /** Waits for an unused spare and deletes it. */
  void discard() {
    if (taken.compareAndSet(false, true)) {
      made.join();
      WorkspaceFiles.deleteTree(dir);
    }
  }

  static void discard(SpareCheckout spare) {
    if (spare != null) {
      spare.discard();
    }
  }
}
