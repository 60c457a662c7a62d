package dev.hallmark.orchestrator.intake;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.events.RunEvents;
import dev.hallmark.orchestrator.repository.RepositoryName;
import dev.hallmark.orchestrator.runner.GitWorkflowSource;
import dev.hallmark.orchestrator.runner.PushedRuns;
import dev.hallmark.orchestrator.runner.Runner;
import dev.hallmark.orchestrator.runner.WorkflowSource;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * {@code POST /api/v1/events/push}: a push event becomes runs. The event names only a registered
 * repository and a ref; everything an attestation will claim is decided here, by the orchestrator.
 *
 * <h2>Event format</h2>
 *
 * <pre>{@code
 * POST /api/v1/events/push HTTP/1.1
 * Host: 127.0.0.1:8080                      (an address of this orchestrator)
 * Authorization: Bearer hmint_…             (the content of <data>/intake-credential)
 * Content-Type: application/json
 *
 * {"repository":"acme/app","ref":"refs/heads/main"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code repository}: a name registered with {@code hallmark repo add} ({@code owner/name}).
 *   <li>{@code ref}: a full ref, {@code refs/heads/<branch>} or {@code refs/tags/<tag>}. The
 *       orchestrator resolves it itself in the registered repository ({@code git rev-parse --verify
 *       <ref>^{commit}}, user and system git configuration ignored); the runner then checks that
 *       each job's checked-out HEAD is that sha.
 *   <li>{@code sha} is refused (400): a caller never chooses the commit. Other members are ignored.
 * </ul>
 *
 * <p>Answer {@code 202 {"runIds":["7","8"]}}: one run per {@code .hallmark/workflows/*.java} of the
 * commit, executed asynchronously in order. A workflow whose push trigger (learned from
 * {@code --describe}) does not match the ref ends with status {@code skipped} and the reason. Refusals
 * are {@code {"error":"one line"}} and change nothing: 401 missing or wrong credential, 404
 * unregistered repository, 400 malformed event, 415 not JSON, 421 foreign {@code Host}, 422 a ref
 * that names no commit, or a commit without workflows.
 *
 * <pre>{@code
 * server.onPush(new PushIntake(store, credential, runner, runExecutor));
 * }</pre>
 */
public final class PushIntake implements PushHandler {
  private static final int MAX_REF = 255;

  private final Store store;
  private final IntakeCredential credential;
  private final PushedRuns runner;
  private final Executor runs;
  private final Consumer<String> announce;

  public PushIntake(Store store, IntakeCredential credential, PushedRuns runner, Executor runs) {
    this(store, credential, runner, runs, line -> { });
  }

  /**
   * @param announce told one line when each run starts ({@code run 7 started: acme/app
   *     refs/heads/main 1a2b3c4 .hallmark/workflows/Release.java}) and ends ({@code run 7
   *     succeeded}, {@code run 7 failed: <reason>}, {@code run 7 skipped: <reason>})
   */
  public PushIntake(Store store, IntakeCredential credential, PushedRuns runner, Executor runs, Consumer<String> announce) {
    this.store = requireNonNull(store, "store");
    this.credential = requireNonNull(credential, "credential");
    this.runner = requireNonNull(runner, "runner");
    this.runs = requireNonNull(runs, "runs");
    this.announce = requireNonNull(announce, "announce");
  }

  @Override
  public void authenticate(String authorization) {
    credential.authenticate(authorization);
  }

  /** Every check first; runs are created only when all pass, then handed to the executor. */
  @Override
  public List<RunRecord> push(JsonObject event) {
    String repository;
    String ref;
    try {
      repository = event.requireString("repository");
      ref = event.requireString("ref");
    } catch (AttestationException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "push event: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (event.has("sha")) {
      throw new OrchestratorException(Code.INVALID_INPUT, "push event: 'sha' is not accepted; the orchestrator resolves 'ref' itself");
    }
    checkRepositoryName(repository);
    checkRef(ref);
    Store.RepositoryRecord repo = store.repository(repository)
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "repository '" + repository + "' is not registered"));
    WorkflowSource source = GitWorkflowSource.of(repo.path());
    String sha = source.resolveCommit(ref);
    List<String> workflows = source.workflowFiles(sha);
    if (workflows.isEmpty()) {
      throw new OrchestratorException(Code.UNPROCESSABLE, "commit " + sha + " has no " + WorkflowSource.WORKFLOWS + "/*.java");
    }
    List<RunRecord> created = new ArrayList<>();
    for (String workflow : workflows) {
      RunRecord run = store.createRun(new NewRun(repository, ref, sha, "push", workflow));
      RunEvents.runQueued(run);
      created.add(run);
    }
    for (RunRecord run : created) {
      runs.execute(() -> {
        RunEvents.runStarted(run.id());
        announce.accept("run " + run.id() + " started: " + repository + " " + ref + " " + sha.substring(0, 7) + " "
            + run.workflowPath());
        Runner.RunOutcome outcome = runner.runPushed(run, repo.path());
        String reason = outcome.reason() == null ? "" : ": " + outcome.reason().lines().findFirst().orElse("");
        announce.accept("run " + run.id() + " " + outcome.status() + reason);
      });
    }
    return created;
  }

  /** {@code owner/name}: the rule of {@link RepositoryName#check}. */
  public static void checkRepositoryName(String name) {
    RepositoryName.check(name);
  }

  /** A full branch or tag ref that git would accept, and that can never be read as an option. */
  static void checkRef(String ref) {
    boolean ok = ref.length() <= MAX_REF && (ref.startsWith("refs/heads/") || ref.startsWith("refs/tags/"));
    String name = ok ? ref.substring(ref.indexOf('/', 5) + 1) : "";
    ok &= !name.isEmpty() && !ref.contains("..") && !ref.contains("//") && !ref.contains("@{") && !ref.contains("/.")
        && !ref.endsWith("/") && !ref.endsWith(".") && !ref.endsWith(".lock");
    for (int i = 0; ok && i < ref.length(); i++) {
      char c = ref.charAt(i);
      ok = c > 0x20 && c < 0x7f && "~^:?*[\\".indexOf(c) < 0;
    }
    if (!ok) {
      throw new OrchestratorException(Code.INVALID_INPUT, "push event: 'ref' must be refs/heads/<branch> or refs/tags/<tag>, not " + shown(ref));
    }
  }

  private static String shown(String s) {
    if (s == null) {
      return "nothing";
    }
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return "'" + (p.length() > 80 ? p.substring(0, 80) + "…" : p) + "'";
  }
}
