package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code git} command line, not JGit: every machine that has a repository to run has git, the
 * orchestrator jar stays small, and the checkout is the same one the user's own git makes. The user's
 * and system git configuration are ignored (no hooks, no signing, no autocrlf), so a snapshot's sha
 * depends only on the files.
 */
final class Git {
  private static final long TIMEOUT_SECONDS = 300;

  private Git() {}

  /** Runs {@code git args…} in {@code dir}; the trimmed standard output, or a one-line error. */
  static String run(Path dir, Map<String, String> extraEnv, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GIT_") || k.startsWith("HALLMARK_"));
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("LC_ALL", "C");
    env.putAll(extraEnv);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      var err = new java.util.concurrent.CompletableFuture<byte[]>();
      Thread t = new Thread(() -> {
        try {
          err.complete(p.getErrorStream().readAllBytes());
        } catch (IOException e) {
          err.complete(new byte[0]);
        }
      });
      t.setDaemon(true);
      t.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new OrchestratorException(Code.BAD_REQUEST, "git " + args[0] + " timed out");
      }
      if (p.exitValue() != 0) {
        String msg = new String(err.join(), StandardCharsets.UTF_8).strip().lines().findFirst().orElse("exit " + p.exitValue());
        throw new OrchestratorException(Code.BAD_REQUEST, "git " + args[0] + " failed: " + msg);
      }
      return new String(out, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot run git (is it installed?): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.BAD_REQUEST, "interrupted while running git " + args[0]);
    }
  }

  static String run(Path dir, String... args) {
    return run(dir, Map.of(), args);
  }

  /**
   * A fresh checkout of {@code sha} from {@code source} into {@code target} (which must not
   * exist), verified: HEAD must be {@code sha} afterwards.
   */
  static void checkout(String source, String sha, Path target) {
    Path parent = target.toAbsolutePath().getParent();
    run(parent, "clone", "--quiet", "--no-checkout", "--no-hardlinks", "--", source, target.toString());
    run(target, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha);
    String head = run(target, "rev-parse", "HEAD");
    if (!head.equals(sha)) {
      throw new OrchestratorException(Code.CONFLICT, "checked-out HEAD " + head + " is not the run's sha " + sha);
    }
  }
}
