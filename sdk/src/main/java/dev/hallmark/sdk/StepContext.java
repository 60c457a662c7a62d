package dev.hallmark.sdk;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a running step can do: run commands, log, find its workspace and run, attest artifacts,
 * and get identity tokens. Valid only while its step runs; a call after the step ended throws
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * job("publish").step("attest", ctx -> {
 *   ctx.sh("tar czf app.tgz src");
 *   Attestation a = ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"));
 *   ctx.log().info("stored as " + a.storageKey());
 * })
 * }</pre>
 *
 * <p>{@link #attestProvenance}, {@link #oidc()}{@code .token} and {@link #secret} need the
 * orchestrator: in a local execution (the workflow file started by hand) they throw
 * {@link IllegalStateException} at once.
 */
public final class StepContext {
  /** Fits a declared secret (65,536 bytes at most); Linux allows 128 KiB per variable. */
  static final int MAX_SH_ENV_VALUE = 65_536;
  private final JobExecution job;
  private final String step;
  private final StepLog log;
  private final Oidc oidc;
  private volatile boolean ended;

  StepContext(JobExecution job, String step) {
    this.job = job;
    this.step = step;
    this.log = new StepLog(job.masker(), job.out(), job.err());
    this.oidc = new Oidc(this);
  }

  /**
   * Runs {@code /bin/sh -c command} in the workspace and waits for it. Its standard output and
   * error are relayed line by line into the step's, its environment is the JVM's plus the job's
   * {@code env}, minus every {@code HALLMARK_*} variable (the job capability is never in it), and
   * its standard input is empty. A command still running when the job's time-out passes is
   * killed, with everything it started. Output that a background process of the command keeps
   * writing is waited for at most 5 s after the command exits.
   *
   * @throws StepFailedException "command exited with status N" on a non-zero exit status
   */
  public void sh(String command) {
    sh(command, Map.of());
  }

  /**
   * {@link #sh(String)} with extra environment variables for this one command, added after the
   * job's {@code env} (a name in both takes this value). The way to hand a command a secret:
   *
   * <pre>{@code
   * ctx.sh("./deploy.sh", Map.of("DEPLOY_TOKEN", ctx.secret("DEPLOY_TOKEN")));
   * }</pre>
   *
   * Names follow {@link Job#env}'s rule ({@code HALLMARK_*} reserved); values are at most
   * 65,536 characters, without NUL.
   *
   * @throws IllegalArgumentException for a bad name or value
   * @throws StepFailedException "command exited with status N" on a non-zero exit status
   */
  public void sh(String command, Map<String, String> env) {
    live("sh");
    Map<String, String> extra = checkEnv(env);
    if (command == null || command.isBlank()) {
      throw new Refusal.InvalidArgument("sh: command is empty");
    }
    if (command.indexOf('\0') >= 0) {
      throw new Refusal.InvalidArgument("sh: command holds a NUL character");
    }
    log.info("$ " + Shell.firstLine(command));
    try {
      job.shell().run(command, extra, job.deadlineNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailedException("command interrupted");
    }
  }

  private static Map<String, String> checkEnv(Map<String, String> env) {
    if (env == null) {
      throw new Refusal.InvalidArgument("sh: env is null");
    }
    Map<String, String> copy = new LinkedHashMap<>();
    env.forEach((key, value) -> {
      if (key == null || !Job.ENV_NAME.matcher(key).matches()) {
        throw new Refusal.InvalidArgument("sh: env name " + Names.show(key)
            + " is invalid: use a letter or _ then letters, digits or _ (at most 128)");
      }
      if (key.toUpperCase(Locale.ROOT).startsWith("HALLMARK_")) {
        throw new Refusal.InvalidArgument("sh: env name '" + key + "' is reserved (HALLMARK_*)");
      }
      // The value is never shown: it is often a secret.
      if (value == null || value.indexOf('\0') >= 0 || value.length() > MAX_SH_ENV_VALUE) {
        throw new Refusal.InvalidArgument("sh: env '" + key + "' has no value, holds a NUL character or is longer than "
            + MAX_SH_ENV_VALUE + " characters");
      }
      copy.put(key, value);
    });
    return copy;
  }

  /**
   * A declared secret of the run's repository ({@code hallmark secret set REPO NAME}): its value.
   * The value and its base64 and URL-encoded forms are masked in the step's output and the
   * stored log; pass it to a command with {@link #sh(String, Map)}, never in the command text.
   *
   * <pre>{@code
   * String token = ctx.secret("DEPLOY_TOKEN");
   * }</pre>
   *
   * @throws IllegalStateException when the secret is not declared for the run's repository, and
   *     in a local execution
   * @throws IllegalArgumentException for a name that is not 1 to 128 of {@code A-Z 0-9 _} (no
   *     digit first)
   */
  public String secret(String name) {
    live("secret");
    if (name == null || !JobSecrets.NAME.matcher(name).matches()) {
      throw new Refusal.InvalidArgument("secret name " + Names.show(name)
          + " is invalid: use 1 to 128 of A-Z 0-9 _ (no digit first)");
    }
    client("secret"); // a local execution has no orchestrator, so nothing is declared
    String value = job.secrets().value(name);
    if (value == null) {
      throw new Refusal.InvalidState("secret " + name + " is not declared for repository " + job.runInfo().repository()
          + " (hallmark secret set " + job.runInfo().repository() + " " + name + " --data <data folder>)");
    }
    return value;
  }

  /** The step's log. */
  public StepLog log() {
    live("log");
    return log;
  }

  /** The job's workspace: the repository checked out at the run's commit (locally: the working directory). */
  public Path workspace() {
    return job.workspace();
  }

  /** The run and job this step belongs to; placeholders in a local execution (see {@link RunInfo}). */
  public RunInfo run() {
    return job.runInfo();
  }

  /**
   * Asks the orchestrator to sign and store a provenance bundle for one subject.
   *
   * @throws IllegalStateException in a local execution
   * @throws OrchestratorException when the orchestrator refuses or cannot be reached
   */
  public Attestation attestProvenance(Subject subject) {
    if (subject == null) {
      throw new Refusal.InvalidArgument("attestProvenance: subject is null");
    }
    return attestProvenance(List.of(subject));
  }

  /**
   * Asks the orchestrator to sign and store one provenance bundle for several subjects. The
   * answer's {@link Attestation#subjectDigest()} is the first subject's; the bundle's file name
   * is derived from the first subject's name.
   *
   * @throws IllegalStateException in a local execution
   * @throws IllegalArgumentException when the list is empty or holds {@code null}
   * @throws OrchestratorException when the orchestrator refuses or cannot be reached
   */
  public Attestation attestProvenance(List<Subject> subjects) {
    OrchestratorClient client = client("attestProvenance");
    if (subjects == null || subjects.isEmpty() || subjects.stream().anyMatch(java.util.Objects::isNull)) {
      throw new Refusal.InvalidArgument("attestProvenance needs at least one subject and no null");
    }
    List<Subject> copy = List.copyOf(subjects);
    Attestation a = client.attest(copy);
    Subject first = copy.get(0);
    log.info("attested " + first.name() + " (sha256:" + first.sha256() + ")"
        + (copy.size() > 1 ? " and " + (copy.size() - 1) + " more" : "") + ", bundle " + a.storageKey());
    return a;
  }

  /** Identity tokens for this job. */
  public Oidc oidc() {
    return oidc;
  }

  /** The orchestrator client, or a one-line refusal in a local execution. */
  OrchestratorClient client(String what) {
    live(what);
    OrchestratorClient client = job.client();
    if (client == null) {
      throw new Refusal.InvalidState(what + " is only available inside a running job step"
          + " (run the workflow with hallmark run or on a Hallmark orchestrator)");
    }
    return client;
  }

  void end() {
    ended = true;
  }

  private void live(String what) {
    if (ended) {
      throw new Refusal.InvalidState(what + " was called after step '" + step + "' ended");
    }
  }
}
