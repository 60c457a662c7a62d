package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.testing.LogForge;
import dev.hallmark.attestation.tlog.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hallmark log monitor} against a real tlog-tiles log on a loopback port, whose tiles
 * {@code TileWriter} wrote from tokens that {@link BundleForge} signed with the trusted issuer key.
 */
class LogMonitorCommandTest {
  private static final String ORIGIN = "ci.test.example/oidc/log";
  private static final P256PrivateKey ISSUER_KEY = P256PrivateKey.generate(new SecureRandom());

  @TempDir Path dir;
  private TileServer log;
  private Path trustRoot;
  private Path state;
  private int runs;

  @BeforeEach
  void start() throws IOException {
    log = new TileServer(LogForge.create(ORIGIN, "W1", "W2"));
    trustRoot = writeTrustRoot(log.forge.policy("quorum none\n"));
    state = dir.resolve("state");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private Path writeTrustRoot(String policy) throws IOException {
    Path p = dir.resolve("trust-root.json");
    Files.writeString(p, log.trustRoot(BundleForge.withIssuerKey(ISSUER_KEY), policy));
    return p;
  }

  /** A token of the trusted issuer for {@code repository}, run {@code run}. */
  private static String token(String repository, int run) {
    BundleForge f = BundleForge.withIssuerKey(ISSUER_KEY);
    f.claims.put("repository", repository);
    f.claims.put("sub", "repo:" + repository + ":ref:refs/heads/main");
    f.claims.put("run_id", Integer.toString(run));
    f.claims.put("jti", "jti-" + run);
    return f.token();
  }

  private static List<String> tokens(String repository, int from, int count) {
    return IntStream.range(from, from + count).mapToObj(i -> token(repository, i)).toList();
  }

  private CliRun monitor(Object... extra) {
    List<Object> args = new ArrayList<>(List.of("log", "monitor", "--trust-root", trustRoot, "--state", state, "--log-url", log.url()));
    args.addAll(List.of(extra));
    runs++;
    return CliRun.of(args.toArray());
  }

  private static List<JsonObject> lines(CliRun run) {
    return run.outLines().stream().map(l -> StrictJson.parseObject(l.getBytes(StandardCharsets.UTF_8), 1 << 20)).toList();
  }

  private static List<Long> indexes(CliRun run) {
    return lines(run).stream().map(l -> ((Number) l.get("index")).longValue()).toList();
  }

  private byte[] stateBytes() throws IOException {
    Path f = state.resolve("checkpoint");
    return Files.exists(f) ? Files.readAllBytes(f) : null;
  }

  @Test
  void firstRunListsEveryEntryAndTheNextOnlyNewOnes() throws IOException {
    log.append(tokens("acme/app", 0, 3));
    Checkpoint first = log.publish();
    CliRun run = monitor();
    assertEquals(0, run.exit(), run::toString);
    assertEquals(List.of(0L, 1L, 2L), indexes(run));
    JsonObject line = lines(run).get(1);
    assertEquals("acme/app", line.get("repository"));
    assertEquals("refs/heads/main", line.get("ref"));
    assertEquals(BundleForge.SHA, line.get("sha"));
    assertEquals(".hallmark/workflows/Release.java", line.get("workflow"));
    assertEquals("1", line.get("run_id"));
    assertEquals("job-7", line.get("job_id"));
    assertEquals("publish", line.get("job_name"));
    assertEquals(BundleForge.IAT, ((Number) line.get("iat")).longValue());
    assertEquals(BundleForge.KID, line.get("kid"));
    assertEquals(Boolean.TRUE, line.get("verified"));
    assertEquals(first.signedText(), new String(stateBytes(), StandardCharsets.UTF_8));

    log.append(tokens("acme/app", 3, 2));
    log.publish();
    CliRun second = monitor();
    assertEquals(0, second.exit(), second::toString);
    assertEquals(List.of(3L, 4L), indexes(second));

    CliRun third = monitor();
    assertEquals(0, third.exit(), third::toString);
    assertEquals("", third.out());
  }

  @Test
  void followsTheLogAcrossTileBoundaries() {
    log.append(tokens("acme/app", 0, 250));
    log.publish();
    CliRun first = monitor();
    assertEquals(0, first.exit(), first::toString);
    assertEquals(250, indexes(first).size());
    log.append(tokens("acme/app", 250, 20));
    log.publish();
    CliRun second = monitor();
    assertEquals(0, second.exit(), second::toString);
    assertEquals(LongStreamRange.of(250, 270), indexes(second));
    // The full bundle 0 and the new partial one were read, never a partial tile of another size.
    assertTrue(log.requests.contains("/log/tile/entries/000"), log.requests::toString);
    assertTrue(log.requests.contains("/log/tile/entries/001.p/14"), log.requests::toString);
  }

  @Test
  void listsOnlyTheRepositoriesAsked() {
    log.append(List.of(token("acme/app", 1), token("other/lib", 2), token("acme/web", 3), token("acme/app", 4)));
    log.publish();
    CliRun run = monitor("--repository", "acme/app", "--repository", "acme/web");
    assertEquals(0, run.exit(), run::toString);
    assertEquals(List.of(0L, 2L, 3L), indexes(run));
  }

  @Test
  void listsEntriesWhoseTokenDoesNotVerifyAsFailedAndExits1() throws IOException {
    BundleForge otherKeySameKid = BundleForge.valid();
    BundleForge unknownKid = BundleForge.withIssuerKey(ISSUER_KEY);
    unknownKid.header.put("kid", "not-in-the-trust-root");
    log.append(List.of(token("acme/app", 1), otherKeySameKid.token(), unknownKid.token(), "not a token", token("acme/app", 5)));
    log.publish();
    // Failed entries are listed whatever --repository says: nothing about them can be believed.
    CliRun run = monitor("--repository", "acme/app");
    assertEquals(1, run.exit(), run::toString);
    List<JsonObject> lines = lines(run);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), indexes(run));
    assertEquals(List.of(true, false, false, false, true), lines.stream().map(l -> l.get("verified")).toList());
    assertEquals(BundleForge.KID, lines.get(1).get("kid"));
    assertEquals("not-in-the-trust-root", lines.get(2).get("kid"));
    for (int i : new int[] {1, 2, 3}) {
      assertTrue(lines.get(i).get("error") instanceof String, lines.get(i)::toString);
      assertFalse(lines.get(i).get("repository") instanceof String, "an unverified token's claims are not shown");
    }
    assertEquals(List.of("hallmark: 3 of the log's new entries did not verify against the trust root"), run.errLines());
    // Reported once: the state moved on.
    CliRun again = monitor();
    assertEquals(0, again.exit(), again::toString);
    assertEquals("", again.out());
  }

  @Test
  void stopsLoudlyOnADifferentCheckpointOfTheSameSize() throws IOException {
    log.append(tokens("acme/app", 0, 3));
    Checkpoint honest = log.publish();
    assertEquals(0, monitor().exit());
    byte[] before = stateBytes();
    log.rewrite();
    log.append(tokens("acme/app", 10, 3));
    Checkpoint fork = log.publish();
    CliRun run = monitor();
    assertEquals(LogMonitorCommand.INCONSISTENT, run.exit(), run::toString);
    assertEquals("", run.out());
    assertTrue(run.errLines().get(0).startsWith("hallmark: THE LOG IS INCONSISTENT"), run::toString);
    assertTrue(run.err().contains(honest.signedText()), run::toString);
    assertTrue(run.err().contains(fork.signedText()), run::toString);
    assertArrayEquals(before, stateBytes());
    // And again on the next run: the stored checkpoint stays the honest one. Two roots for one
    // size are proof enough: no tile is needed, so a log that withholds its tiles cannot hide it.
    log.put("tile/0/000.p/3", new byte[0]);
    assertEquals(LogMonitorCommand.INCONSISTENT, monitor().exit());
  }

  @Test
  void stopsLoudlyOnARewrittenHistory() throws IOException {
    log.append(tokens("acme/app", 0, 3));
    log.publish();
    assertEquals(0, monitor().exit());
    byte[] before = stateBytes();
    log.rewrite();
    log.append(tokens("acme/app", 0, 2));
    log.append(tokens("evil/app", 2, 3));
    log.publish();
    CliRun run = monitor();
    assertEquals(LogMonitorCommand.INCONSISTENT, run.exit(), run::toString);
    assertEquals("", run.out());
    assertArrayEquals(before, stateBytes());
  }

  @Test
  void refusesACheckpointNotSignedByThePolicysLogKey() throws IOException {
    log.append(tokens("acme/app", 0, 2));
    LogForge impostor = LogForge.create(ORIGIN);
    impostor.leaves.addAll(log.forge.leaves);
    log.publish(impostor.checkpoint());
    CliRun run = monitor();
    assertEquals(1, run.exit(), run::toString);
    assertEquals("", run.out());
    assertTrue(run.errLines().get(0).contains("log.checkpoint-unsigned"), run::toString);
    assertEquals(null, stateBytes());
  }

  @Test
  void refusesACheckpointWhoseSignatureDoesNotVerify() throws IOException {
    log.append(tokens("acme/app", 0, 2));
    Checkpoint cp = log.forge.checkpoint();
    Checkpoint.SignatureLine sig = cp.signatures().get(0);
    byte[] bad = sig.signature();
    bad[0] ^= 1;
    log.publish(Checkpoint.of(cp.origin(), cp.size(), cp.rootHash()).withSignature(new Checkpoint.SignatureLine(sig.name(), sig.keyId(), bad)));
    CliRun run = monitor();
    assertEquals(1, run.exit(), run::toString);
    assertTrue(run.errLines().get(0).contains("log.signature-invalid"), run::toString);
    assertEquals(null, stateBytes());
  }

  @Test
  void refusesACheckpointThatMissesTheQuorumAndKeepsTheState() throws IOException {
    trustRoot = writeTrustRoot(log.forge.policy("group G 2 W1 W2\nquorum G\n"));
    log.append(tokens("acme/app", 0, 2));
    log.publish("W1", "W2");
    assertEquals(0, monitor().exit());
    byte[] before = stateBytes();
    log.append(tokens("acme/app", 2, 1));
    log.publish("W1");
    CliRun run = monitor();
    assertEquals(1, run.exit(), run::toString);
    assertEquals("", run.out());
    assertTrue(run.errLines().get(0).contains("log.quorum-not-met"), run::toString);
    assertArrayEquals(before, stateBytes());
  }

  @Test
  void refusesTilesThatDoNotHashToTheCheckpoint() throws IOException {
    log.append(tokens("acme/app", 0, 3));
    log.publish();
    byte[] tile = log.get("tile/0/000.p/3");
    tile[0] ^= 1;
    log.put("tile/0/000.p/3", tile);
    CliRun run = monitor();
    assertEquals(1, run.exit(), run::toString);
    assertEquals("", run.out());
    assertEquals(1, run.errLines().size(), run::toString);
    assertEquals(null, stateBytes());
  }

  @Test
  void refusesForgedEntriesUnderAnHonestTree() {
    log.append(tokens("acme/app", 0, 3));
    log.publish();
    log.put("tile/entries/000.p/3", dev.hallmark.attestation.tlog.EntryBundle.encode(
        tokens("acme/app", 7, 3).stream().map(t -> t.getBytes(StandardCharsets.US_ASCII)).toList()));
    CliRun run = monitor();
    assertEquals(1, run.exit(), run::toString);
    assertEquals("", run.out());
  }

  @Test
  void takesTheLogUrlFromThePolicyWithoutLogUrl() throws IOException {
    trustRoot = writeTrustRoot("log " + log.forge.logVkey + " " + log.url() + "\nquorum none\n");
    log.append(tokens("acme/app", 0, 1));
    log.publish();
    CliRun run = CliRun.of("log", "monitor", "--trust-root", trustRoot, "--state", state);
    assertEquals(0, run.exit(), run::toString);
    assertEquals(List.of(0L), indexes(run));
  }

  @Test
  void refusesATrustRootWithoutALogPolicy() throws IOException {
    Path plain = dir.resolve("plain.json");
    Files.write(plain, BundleForge.withIssuerKey(ISSUER_KEY).trustRootBytes());
    CliRun run = CliRun.of("log", "monitor", "--trust-root", plain, "--state", state, "--log-url", log.url());
    assertEquals(1, run.exit(), run::toString);
    assertEquals(1, run.errLines().size(), run::toString);
    assertTrue(run.errLines().get(0).startsWith("hallmark: "), run::toString);
    assertTrue(log.requests.isEmpty(), "nothing fetched");
  }

  @Test
  void acceptsAnOlderCheckpointThatTheStoredOneExtends() throws IOException {
    log.append(tokens("acme/app", 0, 2));
    Checkpoint older = log.publish();
    log.append(tokens("acme/app", 2, 2));
    log.publish();
    assertEquals(0, monitor().exit());
    byte[] before = stateBytes();
    log.publish(older);
    CliRun run = monitor();
    assertEquals(0, run.exit(), run::toString);
    assertEquals("", run.out());
    assertArrayEquals(before, stateBytes());
  }

  @Test
  void refusesAnInsecureLogUrl() {
    log.append(tokens("acme/app", 0, 1));
    log.publish();
    CliRun run = CliRun.of("log", "monitor", "--trust-root", trustRoot, "--state", state, "--log-url", "http://example.com/log");
    assertEquals(1, run.exit(), run::toString);
    assertEquals(1, run.errLines().size(), run::toString);
  }

  @Test
  void logWithoutASubcommandIsAUsageError() {
    CliRun run = CliRun.of("log");
    assertEquals(1, run.exit(), run::toString);
    assertEquals(1, run.errLines().size(), run::toString);
    assertTrue(run.errLines().get(0).startsWith("hallmark: missing subcommand: monitor"), run::toString);
  }

  @Test
  void anotherMonitorOnTheSameStateFolderIsRefused() throws IOException {
    log.append(tokens("acme/app", 0, 1));
    log.publish();
    try (MonitorState held = MonitorState.open(state)) {
      CliRun run = monitor();
      assertEquals(1, run.exit(), run::toString);
      assertTrue(run.errLines().get(0).contains("another monitor"), run::toString);
    }
    assertEquals(0, monitor().exit());
  }

  /** Longs from {@code from} to {@code to} (exclusive). */
  private static final class LongStreamRange {
    static List<Long> of(long from, long to) {
      return java.util.stream.LongStream.range(from, to).boxed().toList();
    }
  }
}
