package dev.hallmark.orchestrator.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.NoteKey;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The round's precheck (which spares Ed25519 verifications that cannot publish) must never say
 * "cannot hold" where {@link LogPolicy#verify} could pass: every case here is the quorum rule.
 */
class QuorumPrecheckTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ORIGIN = "127.0.0.1:1/oidc/log";
  private final NoteKey log = key(ORIGIN, NoteKey.TYPE_ED25519);
  private final NoteKey w1 = key("w1.test", NoteKey.TYPE_COSIGNATURE_V1);
  private final NoteKey w2 = key("w2.test", NoteKey.TYPE_COSIGNATURE_V1);
  private final NoteKey w3 = key("w3.test", NoteKey.TYPE_COSIGNATURE_V1);

  private static NoteKey key(String name, int type) {
    return NoteKey.of(name, type, Ed25519.publicKey(Ed25519.newPrivateKey(RANDOM)));
  }

  private LogPolicy policy(String rest) {
    return LogPolicy.parse("log " + log + " http://127.0.0.1:1/oidc/log\n"
        + "witness w1.test " + w1 + " http://127.0.0.1:2\n"
        + "witness w2.test " + w2 + " http://127.0.0.1:3\n"
        + "witness w3.test " + w3 + " http://127.0.0.1:4\n" + rest);
  }

  /** A checkpoint with one (unchecked) line per key: the log's, then the given witnesses'. */
  private Checkpoint signedBy(NoteKey... witnesses) {
    Checkpoint cp = Checkpoint.of(ORIGIN, 1, new byte[32]).withSignature(new Checkpoint.SignatureLine(ORIGIN, log.keyId(), new byte[64]));
    for (NoteKey w : witnesses) {
      cp = cp.withSignature(new Checkpoint.SignatureLine(w.name(), w.keyId(), new byte[72]));
    }
    return cp;
  }

  @Test
  void quorumNoneHoldsOnTheLogSignatureAlone() {
    assertTrue(new QuorumPrecheck(policy("quorum none\n")).couldHold(signedBy()));
  }

  @Test
  void twoOfThreeNeedsTwoWitnessLines() {
    QuorumPrecheck p = new QuorumPrecheck(policy("group g 2 w1.test w2.test w3.test\nquorum g\n"));
    assertFalse(p.couldHold(signedBy()));
    assertFalse(p.couldHold(signedBy(w2)));
    assertTrue(p.couldHold(signedBy(w2, w3)));
  }

  @Test
  void aLineWithAWitnessNameButAnotherKeyIdIsNotCounted() {
    QuorumPrecheck p = new QuorumPrecheck(policy("quorum w1.test\n"));
    NoteKey impostor = key("w1.test", NoteKey.TYPE_COSIGNATURE_V1);
    assertFalse(p.couldHold(signedBy(impostor)));
    assertTrue(p.couldHold(signedBy(w1)));
  }

  @Test
  void nestedGroupsHoldOnlyWhenEveryLevelReachesItsThreshold() {
    QuorumPrecheck p = new QuorumPrecheck(policy("group a 2 w1.test w2.test\ngroup top 2 a w3.test\nquorum top\n"));
    assertFalse(p.couldHold(signedBy(w1, w3)));
    assertFalse(p.couldHold(signedBy(w1, w2)));
    assertTrue(p.couldHold(signedBy(w1, w2, w3)));
  }
}
