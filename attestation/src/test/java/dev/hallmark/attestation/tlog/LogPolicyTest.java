package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.testing.LogForge;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** c2sp.org/tlog-policy with FORMATS §8.2's precisions: every rule refuses, the quorum evaluates. */
class LogPolicyTest {
  private final LogForge log = LogForge.create("ci.test.example/oidc/log", "W1", "W2", "W3", "W4");

  private LogPolicy parse(String rest) {
    return LogPolicy.parse(log.policy(rest));
  }

  private void assertInvalid(String text) {
    AttestationException e = assertThrows(AttestationException.class, () -> LogPolicy.parse(text));
    assertEquals(AttestationException.Code.LOG, e.code());
  }

  @Test
  void readsLogsWitnessesGroupsAndQuorum() {
    LogPolicy p = parse("# comment\n\t  # indented comment\n\ngroup A 2 W1 W2 W3\ngroup B any W4\ngroup Q all A B\nquorum Q");
    assertEquals(1, p.logs().size());
    assertEquals(List.of("W1", "W2", "W3", "W4"), p.witnesses().stream().map(LogPolicy.Witness::name).toList());
    assertEquals("Q", p.quorum());
  }

  @Test
  void acceptsTabsAndUrls() {
    String text = "log\t" + log.logVkey + "\thttps://log.example/\nwitness W1 " + log.witnessVkeys.get("W1") + " https://w1/\nquorum W1\n";
    assertEquals("https://log.example/", LogPolicy.parse(text).logs().get(0).url());
  }

  @Test
  void requiresALogLineAndExactlyOneQuorum() {
    assertInvalid("witness W1 " + log.witnessVkeys.get("W1") + "\nquorum W1\n");
    assertInvalid(log.policy(""));
    assertInvalid(log.policy("quorum none\nquorum none\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "02", "5", "-1", "two", "1.0"})
  void rejectsThresholdsOutsideOneToMembers(String k) {
    assertInvalid(log.policy("group G " + k + " W1 W2 W3 W4\nquorum G\n"));
  }

  @Test
  void rejectsNamesUsedBeforeTheyAreDefined() {
    assertInvalid(log.policy("group G any W1 X\nquorum G\n"));
    assertInvalid(log.policy("quorum G\ngroup G any W1\n"));
  }

  @Test
  void rejectsAMemberListedTwiceInTheWholePolicy() {
    assertInvalid(log.policy("group A any W1 W1\nquorum A\n"));
    assertInvalid(log.policy("group A any W1 W2\ngroup B any W1 W3\ngroup C all A B\nquorum C\n"));
  }

  @Test
  void rejectsRedefinedNamesAndNoneAsAName() {
    assertInvalid(log.policy("group W1 any W2\nquorum W1\n"));
    assertInvalid(log.policy("group none any W2\nquorum none\n"));
    assertInvalid(log.policy("group G any none\nquorum G\n"));
  }

  @Test
  void rejectsTheSamePublicKeyOnTwoLines() {
    NoteKey w1 = log.witnessVkeys.get("W1");
    NoteKey again = NoteKey.of("other.name", NoteKey.TYPE_COSIGNATURE_V1, w1.publicKey());
    assertInvalid(log.policy("witness W9 " + again + "\nquorum W1\n"));
    NoteKey logAgain = NoteKey.of("other.log", NoteKey.TYPE_ED25519, log.logVkey.publicKey());
    assertInvalid(log.policy("log " + logAgain + "\nquorum none\n"));
  }

  @Test
  void rejectsKeysOfTheWrongType() {
    assertInvalid("log " + log.witnessVkeys.get("W1") + "\nquorum none\n");
    assertInvalid("log " + log.logVkey + "\nwitness W " + log.logVkey + "\nquorum W\n");
  }

  @Test
  void rejectsAKeyIdThatIsNotTheRecommendedOne() {
    String vkey = log.logVkey.toString();
    String[] parts = vkey.split("\\+", 3);
    String wrongId = String.format("%08x", Integer.parseUnsignedInt(parts[1], 16) ^ 1);
    assertInvalid("log " + parts[0] + "+" + wrongId + "+" + parts[2] + "\nquorum none\n");
    String upper = parts[1].toUpperCase(java.util.Locale.ROOT);
    if (!upper.equals(parts[1])) { // a random key ID may hold digits only
      assertInvalid("log " + parts[0] + "+" + upper + "+" + parts[2] + "\nquorum none\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\u0000", "\u000b", "\u007f"})
  void rejectsControlBytes(String c) {
    assertInvalid(log.policy("quorum none" + c + "\n"));
    assertThrows(AttestationException.class,
        () -> LogPolicy.parse(log.policy("# " + c + "\nquorum none\n").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsUnknownKeywordsAndExtraFields() {
    assertInvalid(log.policy("quorum none extra\n"));
    assertInvalid(log.policy("witnesses W9 x\nquorum none\n"));
  }

  @Test
  void rejectsMoreThan64KiB() {
    String padding = "#" + "x".repeat(64 * 1024) + "\n";
    assertInvalid(log.policy(padding + "quorum none\n"));
  }

  @Test
  void quorumOfNestedGroups() {
    LogPolicy p = parse("group A 2 W1 W2 W3\ngroup Q all A W4\nquorum Q\n");
    Checkpoint cp = log.checkpoint();
    assertTrue(p.verify(log.cosign(log.cosign(log.cosign(cp, "W1", 10), "W2", 20), "W4", 30), 100).ok());
    LogPolicy.Verdict missingW4 = p.verify(log.cosign(log.cosign(log.cosign(cp, "W1", 10), "W2", 20), "W3", 30), 100);
    assertEquals("log.quorum-not-met", missingW4.failure().rule());
    assertNull(missingW4.witnessedBefore());
  }

  @Test
  void aCachedCheckpointIsStillJudgedAgainstTheClock() {
    LogPolicy p = parse("quorum W1\n");
    Checkpoint cp = log.cosign(log.checkpoint(), "W1", 1000);
    assertTrue(p.verify(cp, 700).ok());
    assertEquals("log.cosignature-future", p.verify(cp, 699).failure().rule());
    assertTrue(p.verify(cp, 10_000).ok());
    Checkpoint forged = log.cosign(log.checkpoint(), "W2", 1000);
    assertEquals("log.quorum-not-met", p.verify(forged, 10_000).failure().rule());
  }
}
