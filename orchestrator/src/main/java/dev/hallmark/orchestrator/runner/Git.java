package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code git} command line, not JGit: every machine that has a repository to run has git, the
 * orchestrator jar stays small, and the checkout is the same one the user's own git makes. The user's
 * and system git configuration are ignored (no hooks, no signing, no autocrlf), so a snapshot's sha
 * depends only on the files.
 *
 * <p>Every git command of the orchestrator is built here, and none runs a program a repository's
 * own configuration names (the orchestrator may be root, the repository anyone's): see {@link
 * #SAFE_CONFIG}; no diff-family command (external diff, textconv) is ever run. What {@code -c}
 * cannot switch off ({@code filter.<driver>.*}, {@code diff.<driver>.*}, {@code merge.<driver>.*},
 * chosen by attributes; {@code include.path}) is kept out by what runs where: in a repository the
 * orchestrator did not create, only plumbing that reads refs and objects runs ({@code rev-parse},
 * {@code symbolic-ref}, {@code ls-tree}, {@code remote get-url}, and {@code clone}/{@code fetch}
 * from it, which run {@code upload-pack} there); anything that reads a work tree through the index
 * or attributes ({@code status}, {@code checkout}) runs in a repository the orchestrator created,
 * whose configuration is its own.
 *
 * <pre>{@code
 * String sha = Git.run(repo, "rev-parse", "--verify", "HEAD^{commit}");
 * Git.checkout("/src/app", sha, workspace);
 * }</pre>
 */
public final class Git {
  private static final long TIMEOUT_SECONDS = 300;
  /** Far above any listing the orchestrator asks for (an sha, one folder, a status). */
  private static final int MAX_OUTPUT = 64 << 20;

  /**
   * Given before every command (command-line configuration wins over the repository's). Each key
   * names a program git may start, or a way to reach one (git-config(1)): the file-system monitor
   * (run by every index refresh, e.g. {@code git status}), hooks, the pager, editors, ssh and
   * proxies, credential helpers and the askpass prompt, GPG. Only the
   * {@code file} transport is allowed (no {@code ext::}, ssh or network). {@code
   * uploadpack.packObjectsHook} is honoured by git from protected (not repository) configuration
   * only, which GIT_CONFIG_NOSYSTEM and GIT_CONFIG_GLOBAL empty.
   */
  static final List<String> SAFE_CONFIG = List.of(
      "core.fsmonitor=false",
      "core.untrackedCache=false",
      "core.hooksPath=/dev/null",
      "core.pager=cat",
      "core.editor=false",
      "sequence.editor=false",
      "core.askPass=false",
      "core.sshCommand=false",
      "ssh.variant=simple",
      "core.attributesFile=/dev/null",
      "credential.helper=",
      "gpg.program=false",
      "commit.gpgSign=false",
      "tag.gpgSign=false",
      "protocol.allow=never",
      "protocol.file.allow=always",
      "submodule.recurse=false",
      "gc.auto=0",
      "maintenance.auto=false",
      "color.ui=false");

  private Git() {}

  /**
   * Runs {@code git args…} in {@code dir} with a clean environment (PATH, {@code LC_ALL=C}, and
   * {@code extraEnv}); the trimmed standard output, or a one-line error.
   */
  public static String run(Path dir, Map<String, String> extraEnv, String... args) {
    List<String> cmd = command(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    // Nothing of the caller's: no HOME (so no ~/.config/git), no GIT_DIR, GIT_SSH, SSH_ASKPASS, EDITOR…
    env.clear();
    env.put("PATH", path);
    env.put("LC_ALL", "C");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_ATTR_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_OPTIONAL_LOCKS", "0");
    // The sha means the commit's own content, not what a refs/replace/ entry substitutes for it.
    env.put("GIT_NO_REPLACE_OBJECTS", "1");
    env.putAll(extraEnv);
    String verb = verb(args);
    try {
      Process p = pb.start();
      try {
        p.getOutputStream().close();
        StreamCapture out = StreamCapture.head(p.getInputStream(), MAX_OUTPUT, p::destroyForcibly);
        StreamCapture err = StreamCapture.tail(p.getErrorStream(), 4096);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new OrchestratorException(Code.ENVIRONMENT, "git " + verb + " timed out");
        }
        out.awaitEnd(Duration.ofSeconds(5));
        err.awaitEnd(Duration.ofSeconds(1));
        if (out.overflowed()) {
          throw new OrchestratorException(Code.INVALID_INPUT, "git " + verb + " printed more than " + (MAX_OUTPUT >> 20) + " MiB");
        }
        if (p.exitValue() != 0) {
          String msg = new String(err.bytes(), StandardCharsets.UTF_8).strip().lines().findFirst()
              .orElse("exit " + p.exitValue());
          throw new OrchestratorException(Code.INVALID_INPUT, "git " + verb + " failed: " + msg);
        }
        return new String(out.bytes(), StandardCharsets.UTF_8).strip();
      } finally {
        p.destroyForcibly(); // a no-op once it exited
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.CONFIG, "cannot run git (is it installed?): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(Code.UNAVAILABLE, "interrupted while running git " + verb);
    }
  }

  public static String run(Path dir, String... args) {
    return run(dir, Map.of(), args);
  }

  /** {@code git --no-pager -c <safe>… args…}: the caller's own {@code -c} come later and win. */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.add("--no-pager");
    for (String c : SAFE_CONFIG) {
      cmd.add("-c");
      cmd.add(c);
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The subcommand, for messages: the first argument that is neither an option nor a {@code -c} value. */
  private static String verb(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-c") || args[i].equals("-C")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return args.length == 0 ? "" : args[0];
  }

  /**
   * A fresh checkout of {@code sha} from {@code source} into {@code target} (which must not
   * exist), verified: HEAD must be {@code sha} afterwards. The clone's configuration is git's
   * default plus {@link #SAFE_CONFIG}: the source's filters, hooks and monitor do not come along.
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
