package dev.hallmark.orchestrator.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.store.Store;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log over a real SQLite store and real loopback witnesses (FakeWitness). */
class TransparencyLogTest {
  private static final String ORIGIN = "127.0.0.1:1/oidc/log";
  @TempDir Path data;
  private final HttpClient http = HttpClient.newHttpClient();

  private LogKey key() {
    return LogKey.openOrCreate(data, ORIGIN, 1_700_000_000L, new SecureRandom());
  }

  private TransparencyLog start(Store store, LogKey key, LogSettings settings) {
    LogPolicy policy = settings.policy(key.vkey(), "http://127.0.0.1:1/oidc/log");
    return TransparencyLog.start(store, key, policy, LogSettings.clients(policy, http), settings.timeout(), Clock.systemUTC());
  }

  private static LogSettings witnesses(String quorum, Duration timeout, FakeWitness... ws) {
    List<LogSettings.Witness> list = new ArrayList<>();
    for (FakeWitness w : ws) {
      list.add(new LogSettings.Witness(w.vkey().toString(), w.url()));
    }
    return new LogSettings(list, quorum, null, timeout);
  }

  /** FORMATS §8.4 steps 2–4, as the verifier does them. */
  private static LogPolicy.Verdict verify(LogPolicy policy, String proofText, byte[] entry) {
    LogProof proof = LogProof.parse(proofText);
    Checkpoint cp = proof.checkpoint();
    assertTrue(Merkle.verifyInclusion(proof.index(), cp.size(), Merkle.leafHash(entry), proof.hashes(), cp.rootHash()),
        "inclusion");
    return policy.verify(cp, System.currentTimeMillis() / 1000);
  }

  private static byte[] entry(int i) {
    return ("token-" + i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void withQuorumNoneEveryAppendReturnsAProofOfItsOwnIndexThatVerifies() {
    LogKey key = key();
    try (Store store = Store.open(data.resolve("db"), Clock.systemUTC());
        TransparencyLog log = start(store, key, LogSettings.defaults())) {
      List<java.util.concurrent.CompletableFuture<String>> proofs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        proofs.add(log.append(entry(i)));
      }
      java.util.Set<Long> indexes = new java.util.HashSet<>();
      for (int i = 0; i < 20; i++) {
        String p = proofs.get(i).join();
        assertTrue(verify(log.policy(), p, entry(i)).ok());
        indexes.add(LogProof.parse(p).index());
      }
      assertEquals(20, indexes.size(), "no index twice");
      assertEquals(20, store.logSize());
      assertTrue(log.checkpoint().isPresent());
    }
  }

  @Test
  void withQuorumNoneASignerWhoseKeyIsNotThePolicysLogKeyNeverPublishes() throws Exception {
    // The round trusts its own signature under quorum none only after the start's check of the key.
    LogKey key = key();
    java.nio.file.Files.createDirectories(data.resolve("other"));
    LogKey other = LogKey.openOrCreate(data.resolve("other"), ORIGIN, 1_700_000_000L, new SecureRandom());
    LogSettings settings = new LogSettings(List.of(), null, null, Duration.ofSeconds(2));
    LogPolicy policy = settings.policy(other.vkey(), "http://127.0.0.1:1/oidc/log");
    try (Store store = Store.open(data.resolve("db"), Clock.systemUTC());
        TransparencyLog log = TransparencyLog.start(store, key, policy, List.of(), settings.timeout(), Clock.systemUTC())) {
      CompletionException e = assertThrows(CompletionException.class, () -> log.append(entry(1)).join());
      assertEquals(OrchestratorException.Code.UNAVAILABLE, assertInstanceOf(OrchestratorException.class, e.getCause()).code());
      assertTrue(log.checkpoint().isEmpty(), "no checkpoint the policy refuses");
    }
  }

  @Test
  void aCheckpointIsPublishedOnlyWithTheWitnessCosignatureAndTheProofCarriesIt() throws Exception {
    LogKey key = key();
    try (FakeWitness w = FakeWitness.start("w1.witness.test", key.vkey().publicKey());
        Store store = Store.open(data.resolve("db"), Clock.systemUTC());
        TransparencyLog log = start(store, key, witnesses("1", Duration.ofSeconds(10), w))) {
      String p = log.append(entry(1)).join();
      LogPolicy.Verdict v = verify(log.policy(), p, entry(1));
      assertTrue(v.ok(), () -> v.failure().message());
      assertEquals(List.of("w1.witness.test"), v.witnesses());
      String published = new String(log.checkpoint().orElseThrow(), StandardCharsets.UTF_8);
      assertTrue(log.policy().verify(Checkpoint.parseSigned(published), System.currentTimeMillis() / 1000).ok(),
          "the served checkpoint is cosigned too");
      assertTrue(w.size(ORIGIN) >= 1);
    }
  }

  @Test
  void aWitnessThatIsDownFailsTheAppendByNameAndNothingIsPublished() throws Exception {
    LogKey key = key();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    FakeWitness w = FakeWitness.start("w1.witness.test", key.vkey().publicKey());
    w.close();
    LogSettings settings = new LogSettings(List.of(new LogSettings.Witness(w.vkey().toString(),
        "http://127.0.0.1:" + deadPort)), "1", null, Duration.ofSeconds(2));
    try (Store store = Store.open(data.resolve("db"), Clock.systemUTC()); TransparencyLog log = start(store, key, settings)) {
      CompletionException e = assertThrows(CompletionException.class, () -> log.append(entry(1)).join());
      OrchestratorException oe = assertInstanceOf(OrchestratorException.class, e.getCause());
      assertEquals(OrchestratorException.Code.UNAVAILABLE, oe.code());
      assertTrue(oe.getMessage().contains("w1.witness.test"), oe.getMessage());
      assertTrue(oe.getMessage().contains("127.0.0.1:" + deadPort), oe.getMessage());
      assertFalse(oe.getMessage().contains("\n"));
      assertTrue(log.checkpoint().isEmpty(), "no checkpoint without its quorum");
      assertTrue(log.tile("tile/entries/000.p/1").isEmpty(), "nothing unpublished is served");
    }
  }

  @Test
  void afterARestartTheTreeIsRebuiltConsistentAndAWitnessThatKnowsMoreIsResynced() throws Exception {
    LogKey key = key();
    try (FakeWitness w = FakeWitness.start("w1.witness.test", key.vkey().publicKey())) {
      LogSettings settings = witnesses("1", Duration.ofSeconds(10), w);
      String first;
      try (Store store = Store.open(data.resolve("db"), Clock.systemUTC()); TransparencyLog log = start(store, key, settings)) {
        for (int i = 0; i < 5; i++) {
          log.append(entry(i)).join();
        }
        first = log.append(entry(5)).join();
      }
      Checkpoint before = LogProof.parse(first).checkpoint();
      int conflicts = w.conflicts.get();
      try (Store store = Store.open(data.resolve("db"), Clock.systemUTC()); TransparencyLog log = start(store, key, settings)) {
        String later = log.append(entry(6)).join();
        assertTrue(verify(log.policy(), later, entry(6)).ok());
        Checkpoint after = LogProof.parse(later).checkpoint();
        assertEquals(6, LogProof.parse(later).index(), "indexes continue after the restart");
        // The new checkpoint extends the one published before the restart.
        TreeHashes tree = new TreeHashes();
        store.leafHashes(0, after.size()).forEach(tree::append);
        assertTrue(Merkle.verifyConsistency(before.size(), after.size(), before.rootHash(), after.rootHash(),
            tree.consistencyProof(before.size(), after.size())));
        assertTrue(w.conflicts.get() > conflicts, "the restarted log learned the witness's size from a 409");
      }
    }
  }

  @Test
  void aRestartWithWitnessesAddedCosignsThePublishedTreeAgainToTheNewQuorum() throws Exception {
    LogKey key = key();
    try (Store store = Store.open(data.resolve("db"), Clock.systemUTC());
        TransparencyLog log = start(store, key, LogSettings.defaults())) {
      log.append(entry(0)).join();
      log.append(entry(1)).join();
    }
    try (FakeWitness w = FakeWitness.start("w1.witness.test", key.vkey().publicKey());
        Store store = Store.open(data.resolve("db"), Clock.systemUTC());
        TransparencyLog log = start(store, key, witnesses("1", Duration.ofSeconds(10), w))) {
      // No new entry: the checkpoint published under quorum none must still come to meet quorum 1.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Checkpoint served = null;
      while (System.nanoTime() < deadline) {
        served = Checkpoint.parseSigned(new String(log.checkpoint().orElseThrow(), StandardCharsets.UTF_8));
        if (log.policy().verify(served, System.currentTimeMillis() / 1000).ok()) {
          break;
        }
        Thread.sleep(20);
      }
      assertTrue(log.policy().verify(served, System.currentTimeMillis() / 1000).ok(), served::signedText);
      assertEquals(2, served.size());
      assertEquals(served.signedText(), store.publishedCheckpoint().orElseThrow(), "stored as the published one");
    }
  }

  @Test
  void tilesAndEntryBundlesServeExactlyThePublishedTree() {
    LogKey key = key();
    try (Store store = Store.open(data.resolve("db"), Clock.systemUTC());
        TransparencyLog log = start(store, key, LogSettings.defaults())) {
      List<java.util.concurrent.CompletableFuture<String>> all = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        all.add(log.append(entry(i)));
      }
      all.forEach(java.util.concurrent.CompletableFuture::join);
      while (log.publishedSize() < 300) {
        Thread.onSpinWait();
      }
      TransparencyLog.Tile full = log.tile("tile/0/000").orElseThrow();
      assertFalse(full.partial());
      assertEquals(8192, full.bytes().length);
      assertArrayEquals(Merkle.leafHash(entry(255)), java.util.Arrays.copyOfRange(full.bytes(), 255 * 32, 256 * 32));
      TransparencyLog.Tile partial = log.tile("tile/0/001.p/44").orElseThrow();
      assertTrue(partial.partial());
      assertArrayEquals(Merkle.leafHash(entry(299)), java.util.Arrays.copyOfRange(partial.bytes(), 43 * 32, 44 * 32));
      assertTrue(log.tile("tile/0/001.p/45").isEmpty(), "beyond the published size");
      assertTrue(log.tile("tile/0/001").isEmpty());
      assertEquals(1, log.tile("tile/1/000.p/1").orElseThrow().bytes().length / 32);
      byte[] bundle = log.tile("tile/entries/000").orElseThrow().bytes();
      int at = 0;
      for (int i = 0; i < 256; i++) {
        int len = ((bundle[at] & 0xff) << 8) | (bundle[at + 1] & 0xff);
        assertArrayEquals(entry(i), java.util.Arrays.copyOfRange(bundle, at + 2, at + 2 + len));
        at += 2 + len;
      }
      assertEquals(bundle.length, at);
    }
  }
}
