package dev.hallmark.verifier;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.trustroot.TrustKey;
import dev.hallmark.attestation.trustroot.TrustRootLog;
import java.nio.charset.StandardCharsets;

/**
 * Check 8, {@code log} (FORMATS §8.4): when a log policy applies to the token, the bundle's
 * {@code logProof} must show the token in a checkpoint that the policy's log signed and its
 * witnesses cosigned to quorum, before the key's {@code revokedAt} if it has one. Each failure
 * names its rule ({@code log.proof-missing}, {@code log.quorum-not-met}, …).
 *
 * <pre>{@code
 * LogCheck.Outcome o = LogCheck.verify(trustRoot.log(), key, iat, token, bundle.logProof(), now);
 * if (!o.ok()) fail(o.rule() + ": " + o.message());
 * }</pre>
 */
final class LogCheck {
  private LogCheck() {}

  /**
   * The outcome: {@code rule} is null when the check passed; {@code entry} is what it proved (null
   * when no log policy applied).
   */
  record Outcome(String rule, String message, LogEntry entry) {
    boolean ok() {
      return rule == null;
    }
  }

  /**
   * @param log the trust root's log member (after any {@code --log-policy}), or null
   * @param key the trust-root key that signed the token
   * @param iat the token's {@code iat}
   * @param token the token's compact serialization: the log entry
   * @param logProof the bundle's {@code logProof}, or null
   * @param now the verifier's clock, in seconds
   */
  static Outcome verify(TrustRootLog log, TrustKey key, long iat, String token, String logProof, long now) {
    boolean applies = log == null ? key.isRevoked() : log.appliesTo(key, iat);
    if (!applies) {
      return new Outcome(null, "no log policy applies to this token", null);
    }
    if (log == null) {
      // FORMATS §8.4 step 5: with no log policy, every token of a revoked key fails.
      return failed("log.key-revoked", "the token's key is revoked and the trust root names no log to show it was logged before");
    }
    if (logProof == null) {
      return failed("log.proof-missing", "a log policy applies and the bundle has no logProof");
    }
    LogProof proof;
    try {
      proof = LogProof.parse(logProof);
    } catch (AttestationException e) {
      return failed("log.proof-malformed", "logProof is malformed: " + e.getMessage());
    }
    LogPolicy.Verdict verdict = log.policy().verify(proof.checkpoint(), now);
    if (!verdict.ok()) {
      return failed(verdict.failure().rule(), verdict.failure().message());
    }
    long size = proof.checkpoint().size();
    if (Long.compareUnsigned(proof.index(), size) >= 0) {
      return failed("log.index-out-of-range", "logProof index " + Long.toUnsignedString(proof.index())
          + " is not below the tree size " + Long.toUnsignedString(size));
    }
    byte[] leaf = Merkle.leafHash(token.getBytes(StandardCharsets.US_ASCII));
    if (!Merkle.verifyInclusion(proof.index(), size, leaf, proof.hashes(), proof.checkpoint().rootHash())) {
      return failed("log.inclusion-invalid", "the inclusion proof does not lead from the token to the checkpoint's root");
    }
    if (key.isRevoked()) {
      if (verdict.witnessedBefore() == null) {
        return failed("log.key-revoked", "the token's key is revoked and the policy's quorum is none, so nothing dates the entry");
      }
      if (verdict.witnessedBefore() >= key.revokedAt()) {
        return failed("log.key-revoked", "the token's key was revoked at " + key.revokedAt()
            + ", before the witnesses saw the entry (" + verdict.witnessedBefore() + ")");
      }
    }
    LogEntry entry = new LogEntry(proof.checkpoint().origin(), proof.index(), size, verdict.witnesses(), verdict.witnessedBefore());
    return new Outcome(null, "entry " + grouped(proof.index()) + " of " + entry.origin()
        + " (tree " + grouped(size) + ")"
        + (entry.witnesses().isEmpty() ? "" : ", witnessed by " + String.join(", ", entry.witnesses()))
        + (entry.witnessedBefore() == null ? "" : " before " + java.time.Instant.ofEpochSecond(entry.witnessedBefore())), entry);
  }

  /** An unsigned 64-bit count with thousands separators: {@code 1,024}. */
  private static String grouped(long unsigned) {
    return String.format(java.util.Locale.ROOT, "%,d", new java.math.BigInteger(Long.toUnsignedString(unsigned)));
  }

  private static Outcome failed(String rule, String message) {
    return new Outcome(rule, message, null);
  }
}
