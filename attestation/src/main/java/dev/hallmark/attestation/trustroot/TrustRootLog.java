package dev.hallmark.attestation.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.tlog.LogPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trust root's {@code log} member (FORMATS §1, §8.2): the transparency-log policy text, parsed,
 * and {@code since}, the moment from which tokens need a proof.
 *
 * <pre>{@code
 * TrustRootLog log = trustRoot.log();          // null when the trust root names no log
 * boolean applies = log.appliesTo(key, iat);
 * }</pre>
 */
public record TrustRootLog(LogPolicy policy, long since) {
  public TrustRootLog {
    requireNonNull(policy, "policy");
    if (since < 0 || since > JsonObject.MAX_TIME) {
      throw new AttestationException(Code.TRUST_ROOT, "invalid trust root: log.since is outside 0 to 2^53-1");
    }
  }

  /** Reads {@code {"policy": P, "since": S}}; any defect makes the trust root invalid. */
  public static TrustRootLog fromJson(Object member) {
    if (!(member instanceof JsonObject log)) {
      throw invalid("'log' is not an object");
    }
    String text;
    long since;
    try {
      text = log.requireString("policy");
      since = log.requireTime("since");
    } catch (AttestationException e) {
      throw invalid("log: " + e.getMessage());
    }
    try {
      return new TrustRootLog(LogPolicy.parse(text), since);
    } catch (AttestationException e) {
      throw invalid("log.policy: " + e.getMessage());
    }
  }

  /**
   * FORMATS §8.2: whether a token of {@code key} issued at {@code iat} needs a proof under this
   * log: always, unless {@code iat} is before {@code since} and the key has an {@code exp} not
   * after {@code since} (a key retired at {@code since}); and always for a revoked key.
   */
  public boolean appliesTo(TrustKey key, long iat) {
    if (key.isRevoked()) {
      return true;
    }
    return !(iat < since && key.exp() != null && key.exp() <= since);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy", policy.text());
    m.put("since", since);
    return m;
  }

  private static AttestationException invalid(String message) {
    return new AttestationException(Code.TRUST_ROOT, "invalid trust root: " + message);
  }
}
