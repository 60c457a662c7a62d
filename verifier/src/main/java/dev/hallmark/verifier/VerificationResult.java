package dev.hallmark.verifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of verifying one bundle: one {@link CheckOutcome} per check that ran, in FORMATS §6
 * order, ending at the first failure; and what was learnt on the way. Plain data.
 *
 * <pre>{@code
 * VerificationResult r = verifier.verify(bundleBytes, policy);
 * if (!r.isVerified()) System.err.println(r.failedCheck().wireName() + ": " + r.failure().message());
 * }</pre>
 */
public record VerificationResult(
    List<CheckOutcome> checks,
    Identity identity,
    List<VerifiedSubject> subjects,
    ArtifactDigest artifact,
    LogEntry log,
    Map<String, String> policy) {

  public VerificationResult {
    checks = List.copyOf(checks);
    subjects = subjects == null ? null : List.copyOf(subjects);
    policy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(policy));
  }

  /** True when all ten checks ran and passed. */
  public boolean isVerified() {
    return checks.size() == Check.values().length && checks.stream().allMatch(CheckOutcome::ok);
  }

  /** The check that failed, or {@code null} when verified. */
  public Check failedCheck() {
    CheckOutcome f = failure();
    return f == null ? null : f.check();
  }

  /** The failing outcome, or {@code null} when verified. */
  public CheckOutcome failure() {
    if (checks.isEmpty()) {
      return null;
    }
    CheckOutcome last = checks.get(checks.size() - 1);
    return last.ok() ? null : last;
  }

  /** The FORMATS §7 object: verified, failedCheck, checks, identity, subjects, artifact, log, policy. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verified", isVerified());
    Check failed = failedCheck();
    m.put("failedCheck", failed == null ? null : failed.wireName());
    List<Object> list = new ArrayList<>();
    for (CheckOutcome o : checks) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", o.check().wireName());
      c.put("ok", o.ok());
      c.put("message", o.message());
      list.add(c);
    }
    m.put("checks", list);
    m.put("identity", identity == null ? null : identity.toJson());
    if (subjects == null) {
      m.put("subjects", null);
    } else {
      List<Object> s = new ArrayList<>();
      for (VerifiedSubject v : subjects) {
        s.add(v.toJson());
      }
      m.put("subjects", s);
    }
    m.put("artifact", artifact == null ? null : artifact.toJson());
    m.put("log", log == null ? null : log.toJson());
    m.put("policy", new LinkedHashMap<>(policy));
    return m;
  }

  /**
   * A result for a usage error found before any check ran (FORMATS §7): only the blocked stage,
   * failed.
   */
  public static VerificationResult usageError(Check stage, String message, Map<String, String> policy) {
    return new VerificationResult(
        List.of(new CheckOutcome(stage, false, message)), null, null, null, null, policy);
  }
}
