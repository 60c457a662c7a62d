package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code --describe} printed: the jobs, and the push trigger (null when the workflow has
 * none). It comes from the workflow's own code, which may print anything, so every rule the SDK
 * checks at definition time is checked again here, before any job is created: job names, unique
 * names, known needs, no cycle, time-outs within 1 s–24 h, at most {@link #MAX_JOBS} jobs.
 *
 * <pre>{@code
 * JobGraph g = JobGraph.parse(describeStdout, ".hallmark/workflows/Release.java");
 * g.jobs().get(0).timeout();   // PT1H when the job set none
 * }</pre>
 */
record JobGraph(List<JobNode> jobs, PushFilter push) {
  /** The longest job time-out, as the SDK allows it (Job.timeout). */
  static final long MAX_TIMEOUT_SECONDS = 24 * 60 * 60;
  static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofHours(1);
  static final int MAX_JOBS = 1000;
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** One job: its name becomes a folder name, its time-out a deadline. */
  record JobNode(String name, List<String> needs, Duration timeout) {
    JobNode {
      // The SDK's job-name rule, checked again: the name becomes a folder name.
      if (name == null || !JOB_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        throw invalid("an invalid job name");
      }
      needs = List.copyOf(needs);
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.getSeconds() > MAX_TIMEOUT_SECONDS
          || (timeout.getSeconds() == MAX_TIMEOUT_SECONDS && timeout.getNano() > 0)) {
        throw invalid("job " + name + " with a time-out outside 1 s to 24 h");
      }
    }
  }

  /** Every need names a job of the graph, no name twice, no cycle through needs. */
  JobGraph {
    jobs = List.copyOf(jobs);
    if (jobs.size() > MAX_JOBS) {
      throw invalid(jobs.size() + " jobs; a workflow may have at most " + MAX_JOBS);
    }
    Map<String, JobNode> byName = new LinkedHashMap<>();
    for (JobNode n : jobs) {
      if (byName.put(n.name(), n) != null) {
        throw invalid("the job " + n.name() + " twice");
      }
    }
    for (JobNode n : jobs) {
      if (!byName.keySet().containsAll(n.needs())) {
        throw invalid("a job graph where job " + n.name() + " needs an unknown job");
      }
    }
    List<String> cycle = cycle(byName);
    if (!cycle.isEmpty()) {
      // A one-line reason: a long cycle is shown by its start and its end.
      List<String> shownCycle = cycle.size() <= 12 ? cycle : new ArrayList<>(cycle.subList(0, 10));
      if (cycle.size() > 12) {
        shownCycle.add("…");
        shownCycle.addAll(cycle.subList(cycle.size() - 2, cycle.size()));
      }
      throw invalid("a job graph with a cycle through needs: " + String.join(" -> ", shownCycle));
    }
  }

  /**
   * A cycle through needs (first job repeated at the end), or an empty list. Iterative, so a graph
   * of any depth costs no stack: jobs whose needs are all placed are placed until none is left;
   * every job then left over needs another left-over job, so following such needs must come back.
   */
  private static List<String> cycle(Map<String, JobNode> byName) {
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, List<String>> neededBy = new HashMap<>();
    List<String> ready = new ArrayList<>();
    for (JobNode n : byName.values()) {
      Set<String> distinct = new HashSet<>(n.needs());
      waiting.put(n.name(), distinct.size());
      for (String need : distinct) {
        neededBy.computeIfAbsent(need, k -> new ArrayList<>()).add(n.name());
      }
      if (distinct.isEmpty()) {
        ready.add(n.name());
      }
    }
    Set<String> placed = new HashSet<>();
    while (!ready.isEmpty()) {
      String done = ready.remove(ready.size() - 1);
      placed.add(done);
      for (String next : neededBy.getOrDefault(done, List.of())) {
        if (waiting.merge(next, -1, Integer::sum) == 0) {
          ready.add(next);
        }
      }
    }
    if (placed.size() == byName.size()) {
      return List.of();
    }
    String at = byName.keySet().stream().filter(n -> !placed.contains(n)).findFirst().orElseThrow();
    List<String> path = new ArrayList<>();
    Map<String, Integer> seenAt = new HashMap<>();
    while (!seenAt.containsKey(at)) {
      seenAt.put(at, path.size());
      path.add(at);
      at = byName.get(at).needs().stream().filter(n -> !placed.contains(n)).findFirst().orElseThrow();
    }
    List<String> out = new ArrayList<>(path.subList(seenAt.get(at), path.size()));
    out.add(at);
    return out;
  }

  /**
   * The graph from the last line {@code --describe} printed on standard output; {@code rel} (the
   * workflow's path) names the workflow in the one-line error.
   */
  static JobGraph parse(String stdout, String rel) {
    String last = stdout.strip().lines().reduce((a, b) -> b).orElse("");
    try {
      JsonObject root = StrictJson.parseObject(last.getBytes(StandardCharsets.UTF_8), 1 << 20);
      List<JobNode> nodes = new ArrayList<>();
      for (Object o : root.requireArray("jobs")) {
        if (!(o instanceof JsonObject j)) {
          throw invalid("a job that is not an object");
        }
        String name = j.requireString("name");
        List<String> needs = new ArrayList<>();
        for (Object n : j.requireArray("needs")) {
          needs.add((String) n);
        }
        nodes.add(new JobNode(name, needs, timeout(j, name)));
      }
      JsonObject on = root.optObject("on");
      JsonObject push = on == null ? null : on.optObject("push");
      PushFilter filter = push == null ? null : new PushFilter(strings(push, "branches"), strings(push, "tags"));
      return new JobGraph(nodes, filter);
    } catch (AttestationException | ClassCastException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, rel + " --describe printed no valid job graph");
    } catch (OrchestratorException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, rel + " --describe printed " + e.getMessage());
    }
  }

  /**
   * {@code timeoutSeconds}: absent means the default; otherwise a JSON integer from 1 to 86,400.
   * A fraction, an exponent, a string or an integer of any size beyond that fails the run (a
   * deadline of 10^17 s once overflowed into an exception that left the job running).
   */
  private static Duration timeout(JsonObject j, String name) {
    if (!j.has("timeoutSeconds")) {
      return DEFAULT_JOB_TIMEOUT;
    }
    Object t = j.get("timeoutSeconds");
    if (t instanceof Long n && n >= 1 && n <= MAX_TIMEOUT_SECONDS) {
      return Duration.ofSeconds(n);
    }
    throw invalid("job " + shown(name) + " with timeoutSeconds " + shown(String.valueOf(t))
        + "; it must be a whole number of seconds from 1 to " + MAX_TIMEOUT_SECONDS + " (24 h)");
  }

  private static List<String> strings(JsonObject o, String name) {
    if (!o.has(name)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object v : o.requireArray(name)) {
      out.add((String) v);
    }
    return out;
  }

  /** Printable ASCII, at most 40 characters: the value came from the workflow's code. */
  private static String shown(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() > 40 ? p.substring(0, 40) + "…" : p;
  }

  private static OrchestratorException invalid(String what) {
    return new OrchestratorException(Code.INVALID_INPUT, what);
  }
}
