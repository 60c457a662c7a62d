package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.CLOCK;
import static dev.hallmark.verifier.ForgeVerification.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.testing.LogForge;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.attestation.trustroot.TrustRootLog;
import dev.hallmark.trustroot.TrustRootSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Check 8, {@code log} (FORMATS §8.3, §8.4): one test per rule, each asserting the failing check
 * and the rule's code; every other check passes.
 */
class LogCheckTest {
  private static final long IAT = BundleForge.IAT;
  private static final long SINCE = IAT - 86_400;
  private static final String ORIGIN = "ci.test.example/oidc/log";
  private static final String QUORUM_2 = "group G 2 W1 W2 W3\nquorum G\n";

  @TempDir Path dir;

  private final LogForge log = LogForge.create(ORIGIN, "W1", "W2", "W3");

  /** A bundle whose token is entry 3 of 6, with a proof that {@code proofEdit} may bend. */
  private BundleForge forge(Function<String, String> proofEdit, Map<String, Long> cosigners) {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      Map<String, Object> material = material(b);
      String token = (String) material.get("identityToken");
      LogForge l = freshLog();
      l.append("entry 0");
      l.append("entry 1");
      l.append("entry 2");
      int index = l.append(token);
      l.append("entry 4");
      l.append("entry 5");
      String proof = proofEdit.apply(l.proof(index, cosigners));
      if (proof != null) {
        material.put("logProof", proof);
      }
      return b;
    };
    return f;
  }

  private LogForge freshLog() {
    log.leaves.clear();
    return log;
  }

  private BundleForge forge() {
    return forge(p -> p, Map.of("W1", IAT + 120, "W2", IAT + 240));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> material(Map<String, Object> b) {
    return (Map<String, Object>) b.get("verificationMaterial");
  }

  private VerificationResult verify(BundleForge f, String policyRest, long since) {
    TrustRoot root = f.trustRoot().withLog(new TrustRootLog(LogPolicy.parse(log.policy(policyRest)), since));
    return ForgeVerification.verify(f.bytes(),
        VerificationPolicy.builder(TrustRootSource.of(root)).clock(CLOCK).withoutArtifactUnsafe().build());
  }

  private VerificationResult verify(BundleForge f) {
    return verify(f, QUORUM_2, SINCE);
  }

  private static void assertFailsAtLog(String rule, VerificationResult r) {
    ForgeVerification.assertFailsAt(Check.LOG, r);
    assertEquals(rule, r.failure().rule(), r.failure().message());
  }

  @Test
  void acceptsAProofCosignedToQuorumAndReportsTheEntry() {
    VerificationResult r = verify(forge());
    assertTrue(r.isVerified(), () -> r.checks().toString());
    LogEntry e = r.log();
    assertEquals(ORIGIN, e.origin());
    assertEquals(3, e.index());
    assertEquals(6, e.treeSize());
    assertEquals(List.of("W1", "W2"), e.witnesses());
    assertEquals(IAT + 240, e.witnessedBefore());
  }

  @Test
  void witnessedBeforeIsTheEarliestTimeTheQuorumHolds() {
    VerificationResult r = verify(forge(p -> p, Map.of("W1", IAT + 500, "W2", IAT + 100, "W3", IAT + 300)));
    assertTrue(r.isVerified());
    assertEquals(IAT + 300, r.log().witnessedBefore());
    assertEquals(List.of("W1", "W2", "W3"), r.log().witnesses());
  }

  @Test
  void aWitnessCountsFromItsEarliestValidCosignature() {
    BundleForge f = forge(p -> p, Map.of("W1", IAT + 500, "W2", IAT + 100));
    VerificationResult base = verify(f);
    assertEquals(IAT + 500, base.log().witnessedBefore());
    // W1 also cosigned earlier: the quorum now holds at that earlier time.
    BundleForge g = forge(p -> {
      Checkpoint cp = Checkpoint.parseSigned(p.substring(p.indexOf("\n\n") + 2));
      Checkpoint more = cp.withSignature(log.cosignature(cp, "W1", IAT + 200));
      return p.substring(0, p.indexOf("\n\n") + 2) + more.signedText();
    }, Map.of("W1", IAT + 500, "W2", IAT + 100));
    assertEquals(IAT + 200, verify(g).log().witnessedBefore());
  }

  @Test
  void noPolicyNoProofNeeded() {
    BundleForge f = BundleForge.valid();
    VerificationResult r = ForgeVerification.verify(f.bytes(),
        ForgeVerification.policyFor(f).withoutArtifactUnsafe().build());
    assertTrue(r.isVerified());
    assertNull(r.log());
    assertEquals("no log policy applies to this token", r.checks().get(Check.LOG.ordinal()).message());
  }

  @Test
  void rejectsMissingProof() {
    assertFailsAtLog("log.proof-missing", verify(forge(p -> null, Map.of())));
  }

  @Test
  void rejectsMalformedProof() {
    assertFailsAtLog("log.proof-malformed", verify(forge(p -> p.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"), Map.of("W1", IAT, "W2", IAT))));
    assertFailsAtLog("log.proof-malformed", verify(forge(p -> p.replace("\n", "\r\n"), Map.of("W1", IAT, "W2", IAT))));
    assertFailsAtLog("log.proof-malformed", verify(forge(p -> p.substring(0, p.length() - 1), Map.of("W1", IAT, "W2", IAT))));
    assertFailsAtLog("log.proof-malformed", verify(forge(p -> p.replace("index 3", "index 03"), Map.of("W1", IAT, "W2", IAT))));
  }

  @Test
  void rejectsCheckpointOfAnotherOrigin() {
    LogForge other = LogForge.create("elsewhere.example/log");
    BundleForge f = forge(p -> {
      Checkpoint cp = Checkpoint.parseSigned(p.substring(p.indexOf("\n\n") + 2));
      other.leaves.addAll(log.leaves);
      Checkpoint theirs = other.checkpoint();
      return p.substring(0, p.indexOf("\n\n") + 2) + theirs.signedText();
    }, Map.of());
    assertFailsAtLog("log.origin-unknown", verify(f));
  }

  @Test
  void rejectsForgedLogSignature() {
    assertFailsAtLog("log.signature-invalid", verify(forge(p -> flipInLine(p, "\u2014 " + ORIGIN + " "), Map.of("W1", IAT, "W2", IAT))));
  }

  @Test
  void rejectsCheckpointWithoutTheLogsSignature() {
    BundleForge f = forge(p -> dropLine(p, "\u2014 " + ORIGIN + " "), Map.of("W1", IAT, "W2", IAT));
    assertFailsAtLog("log.checkpoint-unsigned", verify(f));
  }

  @Test
  void rejectsBadCosignatureEvenWhenTheQuorumHoldsWithoutIt() {
    BundleForge f = forge(p -> flipInLine(p, "\u2014 w3.witness.test "), Map.of("W1", IAT, "W2", IAT, "W3", IAT));
    assertFailsAtLog("log.cosignature-invalid", verify(f));
  }

  @Test
  void rejectsCosignatureMoreThan300SecondsInTheFuture() {
    long future = NOW.getEpochSecond() + 301;
    assertFailsAtLog("log.cosignature-future", verify(forge(p -> p, Map.of("W1", IAT, "W2", future))));
    assertTrue(verify(forge(p -> p, Map.of("W1", IAT, "W2", NOW.getEpochSecond() + 300))).isVerified());
  }

  @Test
  void rejectsCosignatureTimestampAbove2To63() {
    assertFailsAtLog("log.cosignature-invalid", verify(forge(p -> p, Map.of("W1", IAT, "W2", -1L))));
  }

  @Test
  void rejectsUnmetQuorum() {
    VerificationResult r = verify(forge(p -> p, Map.of("W1", IAT)));
    assertFailsAtLog("log.quorum-not-met", r);
  }

  @Test
  void ignoresSignatureLinesOfUnknownKeys() {
    LogForge stranger = LogForge.create(ORIGIN, "W1");
    BundleForge f = forge(p -> {
      Checkpoint cp = Checkpoint.parseSigned(p.substring(p.indexOf("\n\n") + 2));
      Checkpoint more = cp.withSignature(stranger.cosignature(cp, "W1", IAT))
          .withSignature(new Checkpoint.SignatureLine(ORIGIN, log.logVkey.keyId() ^ 1, new byte[64]));
      return p.substring(0, p.indexOf("\n\n") + 2) + more.signedText();
    }, Map.of("W1", IAT, "W2", IAT));
    assertTrue(verify(f).isVerified());
  }

  @Test
  void rejectsInclusionProofOfWrongLength() {
    BundleForge f = forge(p -> {
      int start = p.indexOf("index 3\n") + "index 3\n".length();
      int end = p.indexOf('\n', start) + 1;
      return p.substring(0, start) + p.substring(end); // drop the first hash
    }, Map.of("W1", IAT, "W2", IAT));
    assertFailsAtLog("log.inclusion-invalid", verify(f));
  }

  @Test
  void rejectsIndexOutsideTheTree() {
    assertFailsAtLog("log.index-out-of-range", verify(forge(p -> p.replace("index 3\n", "index 6\n"), Map.of("W1", IAT, "W2", IAT))));
  }

  @Test
  void rejectsProofOfAnotherEntry() {
    assertFailsAtLog("log.inclusion-invalid", verify(forge(p -> p.replace("index 3\n", "index 2\n"), Map.of("W1", IAT, "W2", IAT))));
  }

  @Test
  void quorumNoneNeedsOnlyTheLog() {
    VerificationResult r = verify(forge(p -> p, Map.of()), "quorum none\n", SINCE);
    assertTrue(r.isVerified());
    assertNull(r.log().witnessedBefore());
    assertEquals(List.of(), r.log().witnesses());
  }

  @Test
  void exemptsATokenOfAKeyRetiredAtSince() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", IAT + 10);
    assertNull(verify(f, QUORUM_2, IAT + 10).log());
    assertTrue(verify(f, QUORUM_2, IAT + 10).isVerified());
  }

  @Test
  void rejectsUnloggedTokenOfAKeyValidAfterSinceWhateverItsIat() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", IAT + 20); // still valid after since: a thief could write iat = since - 1
    assertFailsAtLog("log.proof-missing", verify(f, QUORUM_2, IAT + 10));
    BundleForge g = BundleForge.valid(); // no exp at all: never exempt
    assertFailsAtLog("log.proof-missing", verify(g, QUORUM_2, IAT + 10));
  }

  @Test
  void acceptsAKeyRevokedAfterTheWitnessesSawTheEntry() {
    BundleForge f = forge();
    f.issuerJwkExtras.put("revokedAt", IAT + 241);
    assertTrue(verify(f).isVerified());
  }

  @Test
  void rejectsAKeyRevokedBeforeTheWitnessesSawTheEntry() {
    BundleForge f = forge();
    f.issuerJwkExtras.put("revokedAt", IAT + 240); // witnessedBefore must be < revokedAt
    assertFailsAtLog("log.key-revoked", verify(f));
  }

  @Test
  void rejectsRevokedKeyUnderQuorumNone() {
    BundleForge f = forge(p -> p, Map.of());
    f.issuerJwkExtras.put("revokedAt", IAT + 10_000);
    assertFailsAtLog("log.key-revoked", verify(f, "quorum none\n", SINCE));
  }

  @Test
  void aRevokedKeyNeedsAProofEvenWhenItWouldBeExempt() {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", IAT + 10);
    f.issuerJwkExtras.put("revokedAt", IAT + 10_000);
    assertFailsAtLog("log.proof-missing", verify(f, QUORUM_2, IAT + 10));
  }

  @Test
  void logPolicyFileReplacesTheTrustRootsPolicyAndKeepsSince() throws Exception {
    BundleForge f = forge();
    LogForge other = LogForge.create("other.example/log", "W1");
    TrustRoot root = f.trustRoot().withLog(new TrustRootLog(LogPolicy.parse(other.policy("quorum W1\n")), SINCE));
    Path file = Files.writeString(dir.resolve("policy.txt"), log.policy(QUORUM_2));
    VerificationResult r = ForgeVerification.verify(f.bytes(), VerificationPolicy.builder(TrustRootSource.of(root))
        .clock(CLOCK).withoutArtifactUnsafe().logPolicy(file).build());
    assertTrue(r.isVerified(), () -> r.checks().toString());
    VerificationResult without = ForgeVerification.verify(f.bytes(), VerificationPolicy.builder(TrustRootSource.of(root))
        .clock(CLOCK).withoutArtifactUnsafe().build());
    assertFailsAtLog("log.origin-unknown", without);
  }

  @Test
  void unreadableOrInvalidLogPolicyFileFailsTrustRoot() throws Exception {
    BundleForge f = forge();
    Path missing = dir.resolve("absent.txt");
    Path invalid = Files.write(dir.resolve("invalid.txt"), log.policy("").getBytes(StandardCharsets.UTF_8)); // no quorum
    for (Path p : List.of(missing, invalid)) {
      VerificationResult r = ForgeVerification.verify(f.bytes(), VerificationPolicy.builder(TrustRootSource.of(f.trustRoot()))
          .clock(CLOCK).withoutArtifactUnsafe().logPolicy(p).build());
      ForgeVerification.assertFailsAt(Check.TRUST_ROOT, r);
    }
  }

  @Test
  void jsonLogMemberWritesTheEntryExactly() {
    Map<String, Object> json = verify(forge()).toJson();
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("origin", ORIGIN);
    expected.put("index", 3L);
    expected.put("treeSize", 6L);
    expected.put("witnesses", List.of("W1", "W2"));
    expected.put("witnessedBefore", IAT + 240);
    assertEquals(expected, json.get("log"));
    LogEntry huge = new LogEntry(ORIGIN, -2L, -1L, List.of(), null);
    assertEquals("18446744073709551614", huge.toJson().get("index").toString());
    assertEquals("18446744073709551615", huge.toJson().get("treeSize").toString());
  }

  /** Flips one bit of the signature on the line that starts with {@code prefix}. */
  private static String flipInLine(String proof, String prefix) {
    int start = proof.indexOf(prefix);
    int sig = start + prefix.length();
    int end = proof.indexOf('\n', sig);
    byte[] b = java.util.Base64.getDecoder().decode(proof.substring(sig, end));
    b[b.length - 1] ^= 1;
    return proof.substring(0, sig) + java.util.Base64.getEncoder().encodeToString(b) + proof.substring(end);
  }

  private static String dropLine(String proof, String prefix) {
    int start = proof.indexOf(prefix);
    int end = proof.indexOf('\n', start) + 1;
    return proof.substring(0, start) + proof.substring(end);
  }
}
