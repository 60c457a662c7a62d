package dev.hallmark.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.testing.LogForge;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.witness.Witness;
import dev.hallmark.orchestrator.witness.WitnessKey;
import dev.hallmark.orchestrator.witness.WitnessState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness's tlog-witness endpoint over real loopback HTTP, with real state files: every status
 * the spec names, the cosignature itself (checked with {@link LogPolicy}), serialised updates, and
 * a restarted witness that still refuses to roll back.
 */
class WitnessServerTest {
  private static final String ORIGIN = "ci.test.example/oidc/log";
  private static final long NOW = 1_790_000_000L;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
  private LogForge log;
  private WitnessKey key;
  private WitnessState state;
  private WitnessServer server;

  @BeforeEach
  void start() {
    log = LogForge.create(ORIGIN);
    for (int i = 0; i < 20; i++) {
      log.append("entry-" + i);
    }
    key = WitnessKey.loadOrCreate(dir.resolve("witness.key"), "w1.witness.test", new SecureRandom());
    startWitness();
  }

  private void startWitness() {
    state = WitnessState.open(dir.resolve("data"));
    Witness w = new Witness(key, List.of(log.logVkey), state, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    server = new WitnessServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), w, HttpLimits.defaults(), logLines::add);
    server.start();
  }

  private void restartWitness() {
    server.close();
    state.close();
    startWitness();
  }

  @AfterEach
  void stop() {
    server.close();
    state.close();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The log's checkpoint of its first {@code size} entries, signed by its key. */
  private static Checkpoint signed(LogForge forge, long size) {
    Checkpoint cp = Checkpoint.of(forge.origin, size, new Merkle.Tree(forge.leaves).root(size));
    return sign(forge, cp);
  }

  private static Checkpoint sign(LogForge forge, Checkpoint cp) {
    return cp.withSignature(new Checkpoint.SignatureLine(forge.logVkey.name(), forge.logVkey.keyId(),
        Ed25519.sign(forge.logKey, cp.noteBytes())));
  }

  private static String body(long old, List<byte[]> proof, Checkpoint cp) {
    StringBuilder b = new StringBuilder("old ").append(old).append('\n');
    for (byte[] h : proof) {
      b.append(Base64Strict.encodeStd(h)).append('\n');
    }
    return b.append('\n').append(cp.signedText()).toString();
  }

  /** A correct request from {@code old} to {@code size} entries of the log. */
  private String grow(long old, long size) {
    return body(old, new Merkle.Tree(log.leaves).consistencyProof(old, size), signed(log, size));
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return post(body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/add-checkpoint"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void assertCosigned(HttpResponse<String> r, long size) {
    assertEquals(200, r.statusCode(), r::body);
    assertTrue(r.body().startsWith("\u2014 w1.witness.test "), r::body);
    assertTrue(r.body().endsWith("\n") && r.body().indexOf('\n') == r.body().length() - 1, r::body);
    assertTrue(logLines.contains("cosigned " + ORIGIN + " size " + size), logLines::toString);
  }

  private static void assertStatus(int status, HttpResponse<String> r) {
    assertEquals(status, r.statusCode(), r::body);
    assertTrue(r.body().endsWith("\n") && r.body().lines().count() == 1, r::body);
  }

  private Checkpoint stored() throws IOException {
    Path f = dir.resolve("data/checkpoints/" + WitnessState.fileName(ORIGIN));
    return Checkpoint.parseSigned(Files.readString(f, StandardCharsets.UTF_8));
  }

  // ---- cosigning ----------------------------------------------------------------------------

  @Test
  void cosignsAFirstCheckpointThenAGrownOneAndThePolicyAcceptsTheCosignature() throws Exception {
    HttpResponse<String> first = post(grow(0, 5));
    assertCosigned(first, 5);
    assertEquals(5, stored().size());

    HttpResponse<String> grown = post(grow(5, 13));
    assertCosigned(grown, 13);
    assertEquals(13, stored().size());

    // The client appends the answer to its checkpoint (tlog-witness) and verifies it with a policy
    // that names the log and this witness, quorum = the witness.
    Checkpoint cosigned = Checkpoint.parseSigned(signed(log, 13).signedText() + grown.body());
    LogPolicy policy = LogPolicy.parse("log " + log.logVkey + "\nwitness W1 " + key.vkey() + "\nquorum W1\n");
    LogPolicy.Verdict verdict = policy.verify(cosigned, NOW + 1);
    assertTrue(verdict.ok(), verdict::toString);
    assertEquals(List.of("W1"), verdict.witnesses());
    assertEquals(NOW, verdict.witnessedBefore());

    // The cosignature is tlog-cosignature v1: key ID, big-endian timestamp, Ed25519 over the v1 message.
    Checkpoint.SignatureLine line = cosigned.signatures().get(1);
    assertEquals(key.vkey().keyId(), line.keyId());
    byte[] sig = line.signature();
    assertEquals(72, sig.length);
    assertEquals(NOW, ByteBuffer.wrap(sig, 0, 8).getLong());
    assertTrue(key.vkey().verify(cosigned.cosignedMessage(NOW), java.util.Arrays.copyOfRange(sig, 8, 72)));
  }

  @Test
  void theStoredCheckpointHoldsTheLogSignatureAndTheCosignatureAndIsServedToMonitors() throws Exception {
    HttpResponse<String> none = get("/" + WitnessState.fileName(ORIGIN) + "/checkpoint");
    assertEquals(404, none.statusCode(), none::body);
    HttpResponse<String> r = post(grow(0, 7));
    assertCosigned(r, 7);
    String expected = signed(log, 7).signedText() + r.body();
    assertEquals(expected, Files.readString(dir.resolve("data/checkpoints/" + WitnessState.fileName(ORIGIN))));
    HttpResponse<String> monitor = get("/" + WitnessState.fileName(ORIGIN) + "/checkpoint");
    assertEquals(200, monitor.statusCode());
    assertEquals(expected, monitor.body());
  }

  @Test
  void resubmittingTheLatestCheckpointIsCosignedAgain() throws Exception {
    assertCosigned(post(grow(0, 4)), 4);
    assertCosigned(post(grow(4, 4)), 4);
  }

  @Test
  void ignoresSignaturesOfUnknownKeysBesideTheLogs() throws Exception {
    LogForge stranger = LogForge.create("stranger.test/log");
    Checkpoint cp = signed(log, 3);
    Checkpoint withStranger = cp.withSignature(new Checkpoint.SignatureLine("stranger.test/log", stranger.logVkey.keyId(),
        new byte[64]));
    assertCosigned(post(body(0, List.of(), withStranger)), 3);
  }

  @Test
  void anEmptyTreeIsCosignedWithItsEmptyRoot() throws Exception {
    assertCosigned(post(grow(0, 0)), 0);
    assertCosigned(post(grow(0, 6)), 6);
  }

  // ---- 409 ----------------------------------------------------------------------------------

  @Test
  void rejectsAWrongOldSizeWith409AndTheWitnessedSize() throws Exception {
    HttpResponse<String> fresh = post(grow(3, 6));
    assertEquals(409, fresh.statusCode(), fresh::body);
    assertEquals("0\n", fresh.body());
    assertEquals(WitnessServer.SIZE_TYPE, fresh.headers().firstValue("Content-Type").orElse(null));

    assertCosigned(post(grow(0, 8)), 8);
    HttpResponse<String> stale = post(grow(5, 12));
    assertEquals(409, stale.statusCode(), stale::body);
    assertEquals("8\n", stale.body());
    assertEquals(WitnessServer.SIZE_TYPE, stale.headers().firstValue("Content-Type").orElse(null));
    assertTrue(logLines.contains("refused 409 " + ORIGIN + ": old size 5, latest cosigned size 8"), logLines::toString);
    assertEquals(8, stored().size());
  }

  // ---- forks and proofs (422) ---------------------------------------------------------------

  @Test
  void rejectsAForkOfTheWitnessedSizeAndNeverCosignsIt() throws Exception {
    assertCosigned(post(grow(0, 5)), 5);
    // Same origin, same log key, same size, another tree: the split view a witness exists to stop.
    LogForge forkTree = LogForge.create(ORIGIN);
    for (int i = 0; i < 5; i++) {
      forkTree.append("forked-" + i);
    }
    Checkpoint fork = sign(log, Checkpoint.of(ORIGIN, 5, new Merkle.Tree(forkTree.leaves).root(5)));
    HttpResponse<String> sameSize = post(body(5, List.of(), fork));
    assertStatus(422, sameSize);
    HttpResponse<String> fromZero = post(body(0, List.of(), fork));
    assertEquals(409, fromZero.statusCode(), fromZero::body);
    assertEquals("5\n", fromZero.body());
    // A larger fork with a proof that is right for its own tree is still not consistent with ours.
    for (int i = 5; i < 9; i++) {
      forkTree.append("forked-" + i);
    }
    Checkpoint bigFork = sign(log, Checkpoint.of(ORIGIN, 9, new Merkle.Tree(forkTree.leaves).root(9)));
    HttpResponse<String> grownFork = post(body(5, new Merkle.Tree(forkTree.leaves).consistencyProof(5, 9), bigFork));
    assertStatus(422, grownFork);
    assertEquals(5, stored().size());
    assertEquals(List.of(), logLines.stream().filter(l -> l.startsWith("cosigned") && !l.endsWith("size 5")).toList());
  }

  @Test
  void rejectsABadConsistencyProofWith422() throws Exception {
    assertCosigned(post(grow(0, 6)), 6);
    List<byte[]> proof = new ArrayList<>(new Merkle.Tree(log.leaves).consistencyProof(6, 11));
    byte[] h = proof.get(0).clone();
    h[0] ^= 1;
    proof.set(0, h);
    assertStatus(422, post(body(6, proof, signed(log, 11))));
    // A proof with a hash too few, and none at all.
    assertStatus(422, post(body(6, proof.subList(1, proof.size()), signed(log, 11))));
    assertStatus(422, post(body(6, List.of(), signed(log, 11))));
    assertEquals(6, stored().size());
    assertTrue(logLines.stream().anyMatch(l -> l.startsWith("refused 422 " + ORIGIN + ": ")), logLines::toString);
  }

  @Test
  void rejectsAProofFromSizeZeroWith422() throws Exception {
    List<byte[]> junk = List.of(new Merkle.Tree(log.leaves).root(1));
    assertStatus(422, post(body(0, junk, signed(log, 3))));
    assertTrue(state.latest(ORIGIN).isEmpty());
  }

  @Test
  void rejectsASizeZeroCheckpointWithoutTheEmptyRootWith422() throws Exception {
    Checkpoint notEmpty = sign(log, Checkpoint.of(ORIGIN, 0, new Merkle.Tree(log.leaves).root(1)));
    assertStatus(422, post(body(0, List.of(), notEmpty)));
  }

  // ---- 404, 403 -----------------------------------------------------------------------------

  @Test
  void rejectsAnUnknownOriginWith404() throws Exception {
    LogForge other = LogForge.create("other.test/log");
    other.append("x");
    HttpResponse<String> r = post(body(0, List.of(), signed(other, 1)));
    assertStatus(404, r);
    assertTrue(logLines.contains("refused 404 other.test/log: no log key is configured for this origin"), logLines::toString);
  }

  @Test
  void rejectsABadLogSignatureWith403() throws Exception {
    Checkpoint good = signed(log, 4);
    byte[] sig = good.signatures().get(0).signature();
    sig[10] ^= 1;
    Checkpoint bad = Checkpoint.of(ORIGIN, 4, good.rootHash())
        .withSignature(new Checkpoint.SignatureLine(ORIGIN, log.logVkey.keyId(), sig));
    assertStatus(403, post(body(0, List.of(), bad)));
    // A valid log signature beside a failing one of the same key: the note is rejected whole.
    assertStatus(403, post(body(0, List.of(), good.withSignature(bad.signatures().get(0)))));
    assertTrue(state.latest(ORIGIN).isEmpty());
  }

  @Test
  void rejectsACheckpointSignedOnlyByAnotherKeyOfTheSameNameWith403() throws Exception {
    LogForge impostor = LogForge.create(ORIGIN); // same origin and key name, another key (and key ID)
    for (int i = 0; i < 4; i++) {
      impostor.append("entry-" + i);
    }
    assertStatus(403, post(body(0, List.of(), signed(impostor, 4))));
    // The same key ID with a signature by another key: a trusted line that fails.
    Checkpoint cp = Checkpoint.of(ORIGIN, 4, new Merkle.Tree(log.leaves).root(4));
    Checkpoint forged = cp.withSignature(new Checkpoint.SignatureLine(ORIGIN, log.logVkey.keyId(),
        Ed25519.sign(impostor.logKey, cp.noteBytes())));
    assertStatus(403, post(body(0, List.of(), forged)));
  }

  // ---- 400, 413, routes ---------------------------------------------------------------------

  @Test
  void rejectsMalformedBodiesWith400() throws Exception {
    String good = grow(0, 4);
    String note = signed(log, 4).signedText();
    List<String> bad = List.of(
        "",
        "old 0",
        "old 00\n\n" + note,
        "old -1\n\n" + note,
        "old 18446744073709551616\n\n" + note,
        "Old 0\n\n" + note,
        "old  0\n\n" + note,
        "old 0\n" + note,                                       // no empty line before the checkpoint
        "old 0\nnot-base64!\n\n" + note,
        "old 0\n" + Base64Strict.encodeStd(new byte[31]) + "\n\n" + note,
        "old 0\n\n" + note.substring(0, note.length() - 1),       // the last line has no newline
        "old 0\n\n" + note.replace("\n\n", "\n"),               // no signature block
        "old 0\n\n" + note.replace("\u2014", "-"),
        "old 5\n\n" + note,                                     // old size above the checkpoint's
        good.replace("ci.test.example/oidc/log\n4\n", "ci.test.example/oidc/log\n04\n"));
    for (String b : bad) {
      HttpResponse<String> r = post(b);
      assertStatus(400, r);
    }
    StringBuilder longProof = new StringBuilder("old 1\n");
    for (int i = 0; i < 64; i++) {
      longProof.append(Base64Strict.encodeStd(new byte[32])).append('\n');
    }
    assertStatus(400, post(longProof.append('\n').append(note).toString()));
    byte[] notUtf8 = ("old 0\n\n" + note).getBytes(StandardCharsets.UTF_8);
    notUtf8[notUtf8.length - 5] = (byte) 0xff;
    assertStatus(400, post(notUtf8));
    assertTrue(state.latest(ORIGIN).isEmpty());
    assertTrue(logLines.stream().allMatch(l -> l.startsWith("refused 400")), logLines::toString);
  }

  @Test
  void rejectsABodyOver64KiBWith413() throws Exception {
    byte[] big = new byte[WitnessServer.MAX_BODY + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    assertEquals(413, post(big).statusCode());
    assertCosigned(post(grow(0, 2)), 2); // the server is still there
  }

  @Test
  void answersOtherMethodsAndPathsWithoutCosigning() throws Exception {
    HttpResponse<String> getAdd = get("/add-checkpoint");
    assertEquals(405, getAdd.statusCode());
    assertEquals("POST", getAdd.headers().firstValue("Allow").orElse(null));
    assertEquals(404, get("/").statusCode());
    assertEquals(404, get("/api/v1/trust-root").statusCode());
    HttpResponse<String> postMonitor = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/" + "ab".repeat(32) + "/checkpoint")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(405, postMonitor.statusCode());
    assertEquals("GET, HEAD", postMonitor.headers().firstValue("Allow").orElse(null));
  }

  // ---- concurrency and restarts -------------------------------------------------------------

  @Test
  void racingUpdatesOfOneOriginCosignExactlyOneAndNeverRollBack() throws Exception {
    assertCosigned(post(grow(0, 1)), 1);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
      for (int size = 2; size <= 17; size++) {
        String b = grow(1, size);
        calls.add(() -> post(b));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
        statuses.add(f.get().statusCode());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses::toString);
      assertEquals(15, statuses.stream().filter(s -> s == 409).count(), statuses::toString);
      long winner = logLines.stream().filter(l -> l.startsWith("cosigned") && !l.endsWith(" size 1"))
          .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
      assertEquals(winner, stored().size());
      assertEquals(winner, state.latest(ORIGIN).orElseThrow().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void updatesReleasedTogetherFromOneBarrierStillCosignExactlyOne() throws Exception {
    // Straight into the witness, all at once: the old-size check and the durable write must be one step.
    try (WitnessState own = WitnessState.open(dir.resolve("barrier"))) {
      Witness w = new Witness(key, List.of(log.logVkey), own, Clock.systemUTC());
      assertTrue(w.addCheckpoint(grow(0, 1).getBytes(StandardCharsets.UTF_8)) instanceof Witness.Cosigned);
      int n = 16;
      java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(n);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Callable<Witness.Outcome>> calls = new ArrayList<>();
        for (int size = 2; size < 2 + n; size++) {
          byte[] b = grow(1, size).getBytes(StandardCharsets.UTF_8);
          calls.add(() -> {
            barrier.await();
            return w.addCheckpoint(b);
          });
        }
        List<Witness.Cosigned> cosigned = new ArrayList<>();
        for (Future<Witness.Outcome> f : pool.invokeAll(calls)) {
          if (f.get() instanceof Witness.Cosigned c) {
            cosigned.add(c);
          }
        }
        assertEquals(1, cosigned.size(), cosigned::toString);
        assertEquals(cosigned.get(0).size(), own.latest(ORIGIN).orElseThrow().size());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aRestartedWitnessRemembersAndRefusesToRollBack() throws Exception {
    assertCosigned(post(grow(0, 10)), 10);
    restartWitness();
    HttpResponse<String> probe = post(grow(0, 3));
    assertEquals(409, probe.statusCode(), probe::body);
    assertEquals("10\n", probe.body());
    // Rolling back: the old size is right, the checkpoint smaller.
    assertStatus(400, post(body(10, List.of(), signed(log, 3))));
    assertCosigned(post(grow(10, 15)), 15);
    assertEquals(15, stored().size());
  }

  @Test
  void aSecondWitnessCannotOpenTheSameState() {
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> WitnessState.open(dir.resolve("data")));
    assertEquals(OrchestratorException.Code.CONFLICT, e.code());
  }

  @Test
  void anUnreadableStateFileStopsTheStartInsteadOfForgetting() throws Exception {
    assertCosigned(post(grow(0, 4)), 4);
    server.close();
    state.close();
    Path f = dir.resolve("data/checkpoints/" + WitnessState.fileName(ORIGIN));
    Files.writeString(f, "torn");
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> WitnessState.open(dir.resolve("data")));
    assertEquals(OrchestratorException.Code.STORE, e.code());
    assertFalse(e.getMessage().contains("\n"));
    Files.delete(f);
    startWitness(); // for @AfterEach
  }

  @Test
  void refusesALogKeyOfTheCosignatureType() {
    NoteKey notALog = NoteKey.of(ORIGIN, NoteKey.TYPE_COSIGNATURE_V1, log.logVkey.publicKey());
    OrchestratorException e = assertThrows(OrchestratorException.class,
        () -> new Witness(key, List.of(notALog), state, Clock.systemUTC()));
    assertEquals(OrchestratorException.Code.INVALID_INPUT, e.code());
  }

  @Test
  void theCosignatureTimestampNeverGoesBackForAnOrigin() throws Exception {
    assertCosigned(post(grow(0, 2)), 2);
    server.close();
    state.close();
    state = WitnessState.open(dir.resolve("data"));
    // The clock stepped back an hour.
    Witness w = new Witness(key, List.of(log.logVkey), state, Clock.fixed(Instant.ofEpochSecond(NOW - 3600), ZoneOffset.UTC));
    server = new WitnessServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), w, HttpLimits.defaults(), logLines::add);
    server.start();
    HttpResponse<String> r = post(grow(2, 3));
    assertCosigned(r, 3);
    Checkpoint cosigned = Checkpoint.parseSigned(signed(log, 3).signedText() + r.body());
    assertEquals(NOW, ByteBuffer.wrap(cosigned.signatures().get(1).signature(), 0, 8).getLong());
  }
}
