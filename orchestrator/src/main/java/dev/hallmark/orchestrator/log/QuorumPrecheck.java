package dev.hallmark.orchestrator.log;

import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.LogPolicy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a checkpoint's signature lines name enough of the policy's witnesses for its quorum, by
 * key name and id alone: no signature is checked. {@link LogPolicy#verify} checks one Ed25519
 * signature per line (about 3 ms each on the JDK's Ed25519, which was 59 % of a warm serve's CPU
 * with two witnesses), so a round asks it only once this says the quorum can hold, not after every
 * witness's answer. It never decides: a checkpoint is published only if {@link LogPolicy#verify}
 * passes, and lines this counts are a superset of those that verify, so no passing call is skipped.
 */
final class QuorumPrecheck {
  private final LogPolicy policy;
  private final Map<String, LogPolicy.Group> groups = new HashMap<>();

  QuorumPrecheck(LogPolicy policy) {
    this.policy = policy;
    for (LogPolicy.Group g : policy.groups()) {
      groups.put(g.name(), g);
    }
  }

  /** True if the quorum is {@code none}, or if it holds over the witnesses some line of {@code cp} names. */
  boolean couldHold(Checkpoint cp) {
    if (policy.quorum().equals("none")) {
      return true;
    }
    Set<String> named = new HashSet<>();
    for (Checkpoint.SignatureLine line : cp.signatures()) {
      for (LogPolicy.Witness w : policy.witnesses()) {
        if (w.key().matches(line.name(), line.keyId())) {
          named.add(w.name());
        }
      }
    }
    return holds(policy.quorum(), named, 0);
  }

  // As LogPolicy's own quorum rule (FORMATS §8.2: a group holds when threshold of its members do).
  private boolean holds(String name, Set<String> named, int depth) {
    LogPolicy.Group g = groups.get(name);
    if (g == null || depth > groups.size()) {
      return named.contains(name);
    }
    int n = 0;
    for (String m : g.members()) {
      if (holds(m, named, depth + 1)) {
        n++;
      }
    }
    return n >= g.threshold();
  }
}
