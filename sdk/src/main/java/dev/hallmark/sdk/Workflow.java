package dev.hallmark.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow: a name, its triggers and its jobs. Built with {@link Hallmark#workflow}, ended with
 * {@link #main}, which checks the whole graph and runs what the command line asks for.
 *
 * <pre>{@code
 * workflow("release")
 *     .on(push().branches("main"))
 *     .job(job("test").step("unit", ctx -> ctx.sh("./run-tests.sh")))
 *     // Each job gets a fresh checkout: build and attest in the same job.
 *     .job(job("publish").needs("test")
 *         .step("build", ctx -> ctx.sh("tar czf app.tgz src"))
 *         .step("attest", ctx -> ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"))))
 *     .main(args);
 * }</pre>
 *
 * <p>The command line of a workflow file ({@code java -cp hallmark-sdk.jar Release.java …}):
 * <ul>
 *   <li>no arguments: runs every job locally, in dependency order, in the working directory; a
 *       job whose {@code needs} did not all succeed is skipped. Attestations and identity tokens
 *       are not available.
 *   <li>{@code --describe}: prints the graph as one JSON object on standard output, for the
 *       orchestrator (which never reads the source text):
 *       {@code {"name":…,"on":{"push":{"branches":[…],"tags":[…]}},"jobs":[{"name":…,"needs":[…],
 *       "env":{…},"timeoutSeconds":…,"steps":[…]}]}}, jobs in declaration order; {@code "on"} is
 *       {@code {}} when the workflow has no trigger.
 *   <li>{@code --job NAME}: runs one job for the orchestrator, which writes the job input (one
 *       line of JSON holding the job capability, then one line per declared secret of the run's
 *       repository) to standard input.
 * </ul>
 * The exit status is 0 when everything asked for succeeded, 1 otherwise (a failed step, an
 * invalid workflow, bad arguments), with a one-line reason on standard error.
 */
public final class Workflow {
  static final String USAGE = "usage: java -cp hallmark-sdk.jar <Workflow>.java [--describe | --job NAME]";

  private final String name;
  private PushTrigger push;
  private final Map<String, JobSpec> jobs = new LinkedHashMap<>();

  Workflow(String name) {
    this.name = Names.check("workflow", name);
  }

  /** Adds a trigger; each kind of trigger at most once. */
  public Workflow on(Trigger trigger) {
    if (trigger == null) {
      throw new WorkflowException("workflow '" + name + "': on() needs a trigger");
    }
    if (push != null) {
      throw new WorkflowException("workflow '" + name + "' has two push triggers; give all branches and tags to one");
    }
    push = (PushTrigger) trigger; // the only kind so far (Trigger is sealed)
    return this;
  }

  /** Adds a copy of {@code job}; job names are unique within the workflow. */
  public Workflow job(Job job) {
    if (job == null) {
      throw new WorkflowException("workflow '" + name + "': job() needs a job");
    }
    if (jobs.containsKey(job.name())) {
      throw new WorkflowException("workflow '" + name + "' has two jobs named '" + job.name() + "'");
    }
    jobs.put(job.name(), job.spec());
    return this;
  }

  /**
   * Checks the workflow and runs what {@code args} ask for (see the class description), then
   * ends the JVM with the exit status: steps may leave threads behind, and the orchestrator
   * reads the job's outcome from it.
   */
  public void main(String[] args) {
    int status = execute(args, System.in, System.out, System.err, Path.of("").toAbsolutePath());
    System.out.flush();
    System.err.flush();
    System.exit(status);
  }

  /** {@link #main} without the exit, for tests and embedding. */
  int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Path workspace) {
    List<JobSpec> order;
    try {
      order = order();
    } catch (WorkflowException e) {
      line(err, "error: " + e.getMessage());
      return 1;
    }
    if (args == null || args.length == 0) {
      return runLocal(order, out, err, workspace);
    }
    if (args.length == 1 && args[0].equals("--describe")) {
      byte[] json = (describe() + "\n").getBytes(StandardCharsets.US_ASCII);
      out.write(json, 0, json.length);
      out.flush();
      return 0;
    }
    if (args.length == 2 && args[0].equals("--job")) {
      return runJob(args[1], in, out, err, workspace);
    }
    line(err, "error: unknown arguments; " + USAGE);
    return 1;
  }

  /**
   * Checks the graph (at least one job, every job with a step, every {@code needs} naming a job,
   * no cycle) and returns the jobs in an order that runs each after its needs, declaration order
   * otherwise.
   */
  List<JobSpec> order() {
    if (jobs.isEmpty()) {
      throw new WorkflowException("workflow '" + name + "' has no jobs");
    }
    for (JobSpec j : jobs.values()) {
      if (j.steps().isEmpty()) {
        throw new WorkflowException("job '" + j.name() + "' has no steps");
      }
      for (String n : j.needs()) {
        if (!jobs.containsKey(n)) {
          throw new WorkflowException("job '" + j.name() + "' needs unknown job '" + n + "'");
        }
      }
    }
    Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
    for (String j : jobs.keySet()) {
      findCycle(j, state, new ArrayList<>());
    }
    List<JobSpec> order = new ArrayList<>();
    List<String> placed = new ArrayList<>();
    while (order.size() < jobs.size()) {
      for (JobSpec j : jobs.values()) {
        if (!placed.contains(j.name()) && placed.containsAll(j.needs())) {
          order.add(j);
          placed.add(j.name());
          break;
        }
      }
    }
    return order;
  }

  private void findCycle(String job, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(job);
    if (s != null && s == 2) {
      return;
    }
    path.add(job);
    if (s != null) { // on the current path: a cycle
      List<String> cycle = path.subList(path.indexOf(job), path.size());
      throw new WorkflowException("jobs form a cycle through needs: " + String.join(" -> ", cycle));
    }
    state.put(job, 1);
    for (String n : jobs.get(job).needs()) {
      findCycle(n, state, path);
    }
    state.put(job, 2);
    path.remove(path.size() - 1);
  }

  /** The graph as one JSON object (see the class description). */
  String describe() {
    Map<String, Object> on = new LinkedHashMap<>();
    if (push != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("branches", push.branchPatterns());
      p.put("tags", push.tagPatterns());
      on.put("push", p);
    }
    List<Object> jobList = new ArrayList<>();
    for (JobSpec j : jobs.values()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", j.name());
      o.put("needs", j.needs());
      o.put("env", j.env());
      o.put("timeoutSeconds", j.timeoutSeconds());
      o.put("steps", j.stepNames());
      jobList.add(o);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", name);
    root.put("on", on);
    root.put("jobs", jobList);
    return Json.write(root);
  }

  private int runLocal(List<JobSpec> order, PrintStream out, PrintStream err, Path workspace) {
    String workflowPath = localWorkflowPath(workspace);
    Map<String, Boolean> succeeded = new HashMap<>();
    int failed = 0;
    for (JobSpec job : order) {
      String unmet = null;
      for (String n : job.needs()) {
        if (!succeeded.get(n)) {
          unmet = n;
          break;
        }
      }
      if (unmet != null) {
        line(out, "=== job " + job.name() + " skipped: it needs '" + unmet + "', which did not succeed");
        succeeded.put(job.name(), false);
        failed++;
        continue;
      }
      line(out, "=== job " + job.name());
      RunInfo run = new RunInfo(RunInfo.LOCAL, RunInfo.LOCAL, RunInfo.LOCAL, RunInfo.LOCAL, RunInfo.LOCAL,
          job.name(), workflowPath);
      boolean ok = new JobExecution(job, run, workspace, null, JobSecrets.NONE, new Masker(), out, err).run();
      line(ok ? out : err, "=== job " + job.name() + (ok ? " succeeded" : " failed"));
      succeeded.put(job.name(), ok);
      if (!ok) {
        failed++;
      }
    }
    line(failed == 0 ? out : err, "=== workflow " + name + ": " + (order.size() - failed) + " of "
        + order.size() + " jobs succeeded");
    return failed == 0 ? 0 : 1;
  }

  /** The source file the JVM was started on, relative to the workspace, when it lies inside it. */
  private static String localWorkflowPath(Path workspace) {
    String source = System.getProperty("jdk.launcher.sourcefile");
    if (source != null) {
      Path p = Path.of(source).toAbsolutePath().normalize();
      Path ws = workspace.toAbsolutePath().normalize();
      if (p.startsWith(ws)) {
        return ws.relativize(p).toString().replace('\\', '/');
      }
    }
    return RunInfo.LOCAL;
  }

  private int runJob(String jobName, InputStream in, PrintStream out, PrintStream err, Path workspace) {
    JobInput input;
    try {
      input = JobInput.read(in);
    } catch (IllegalArgumentException | IOException e) {
      line(err, "error: invalid job input on standard input: " + Names.oneLine(e.getMessage(), 300));
      return 1;
    }
    JobSpec job = jobs.get(jobName);
    if (job == null) {
      line(err, "error: workflow '" + name + "' has no job named " + Names.show(jobName));
      return 1;
    }
    if (!input.jobName().equals(jobName)) {
      line(err, "error: the job input is for job " + Names.show(input.jobName()) + ", not '" + jobName + "'");
      return 1;
    }
    Masker masker = new Masker();
    masker.add(input.capability().secret());
    for (String value : input.secrets().values()) {
      masker.addDeclared(value);
    }
    OrchestratorClient client = new OrchestratorClient(input.orchestrator(), input.capability(), input.jobId(), masker);
    boolean ok = new JobExecution(job, input.runInfo(), workspace, client, input.secrets(), masker, out, err).run();
    return ok ? 0 : 1;
  }

  private static void line(PrintStream target, String text) {
    byte[] bytes = Shell.utf8(text + "\n");
    target.write(bytes, 0, bytes.length);
    target.flush();
  }
}
