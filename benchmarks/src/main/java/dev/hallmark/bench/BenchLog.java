package dev.hallmark.bench;

import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.attestation.tlog.TileWriter;
import dev.hallmark.attestation.tlog.TiledTree;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixture transparency log (FORMATS §8) over a fixture issuer's tokens, as the orchestrator
 * keeps one: an Ed25519 log key whose name is the origin ({@code <issuer host and path>/log}), two
 * witnesses ({@code w1}, {@code w2}, quorum 2), entries integrated in batches that share one
 * checkpoint (the orchestrator publishes one every ≤ 250 ms, so a busy log puts hundreds of
 * bundles under each), each checkpoint signed by the log and cosigned by both witnesses, and the
 * tiles (c2sp.org/tlog-tiles) of the whole tree for a monitor. Keys derive from the seed: they
 * protect nothing.
 *
 * <pre>{@code
 * BenchLog log = BenchLog.build(issuer, seed, tokens, 256);
 * String proof = log.proof(i);              // the bundle's logProof
 * Map<String, Object> member = log.trustRootMember();
 * }</pre>
 */
final class BenchLog {
  private final String origin;
  private final byte[] logKey;
  private final NoteKey logVkey;
  private final byte[][] witnessKeys;
  private final NoteKey[] witnessVkeys;
  private final long cosignedAt;
  private final int batch;
  private final long size;
  private final TiledTree tree;
  private final Map<String, byte[]> files;
  private final Map<Long, Checkpoint> checkpoints = new HashMap<>();

  private BenchLog(String issuer, String seed, List<byte[]> entries, int batch, long cosignedAt) {
    URI u = URI.create(issuer);
    this.origin = u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath()) + "/log";
    this.logKey = derive("log", seed, issuer);
    this.logVkey = NoteKey.of(origin, NoteKey.TYPE_ED25519, Ed25519.publicKey(logKey));
    this.witnessKeys = new byte[][] {derive("w1", seed, issuer), derive("w2", seed, issuer)};
    this.witnessVkeys = new NoteKey[2];
    for (int w = 0; w < 2; w++) {
      witnessVkeys[w] = NoteKey.of("w" + (w + 1) + ".witness.bench.example", NoteKey.TYPE_COSIGNATURE_V1, Ed25519.publicKey(witnessKeys[w]));
    }
    this.batch = batch;
    this.cosignedAt = cosignedAt;
    this.size = entries.size();
    // Integrated batch by batch as the orchestrator does, keeping every tile written: a batch's
    // proof is against the tree of its own checkpoint, which reads the partial tiles of that size.
    TileWriter writer = TileWriter.empty();
    files = new HashMap<>();
    for (int from = 0; from < entries.size(); from += batch) {
      for (TileWriter.Output o : writer.append(entries.subList(from, Math.min(entries.size(), from + batch)))) {
        files.put(o.tile().path(), o.bytes());
      }
    }
    this.tree = TiledTree.open(tile -> files.get(tile.path()), size, writer.root());
  }

  /**
   * The log of {@code entries} (the tokens, in index order), {@code batch} entries per checkpoint;
   * witnesses cosign at {@code cosignedAt} (seconds; not before the tokens' {@code iat}).
   */
  static BenchLog build(String issuer, String seed, List<byte[]> entries, int batch, long cosignedAt) {
    return new BenchLog(issuer, seed, entries, batch, cosignedAt);
  }

  private static byte[] derive(String role, String seed, String issuer) {
    return Sha256.of(("hallmark-bench-" + role + "\0" + seed + "\0" + issuer).getBytes(StandardCharsets.UTF_8));
  }

  /** The trust root's {@code log} member: the policy (log, two witnesses, quorum 2) and since 0. */
  Map<String, Object> trustRootMember() {
    String policy = "log " + logVkey + "\n"
        + "witness w1 " + witnessVkeys[0] + "\n"
        + "witness w2 " + witnessVkeys[1] + "\n"
        + "group both 2 w1 w2\n"
        + "quorum both\n";
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy", policy);
    m.put("since", 0L);
    return m;
  }

  /** The tlog-proof of entry {@code index} under the checkpoint of its batch. */
  String proof(long index) {
    long treeSize = Math.min(size, (index / batch + 1) * batch);
    return new LogProof(null, index, tree.inclusionProof(index, treeSize), checkpoint(treeSize)).format();
  }

  /** The signed and cosigned checkpoint of the first {@code treeSize} entries (one per batch, made once). */
  synchronized Checkpoint checkpoint(long treeSize) {
    return checkpoints.computeIfAbsent(treeSize, n -> {
      Checkpoint cp = Checkpoint.of(origin, n, tree.root(n));
      cp = cp.withSignature(new Checkpoint.SignatureLine(origin, logVkey.keyId(), Ed25519.sign(logKey, cp.noteBytes())));
      for (int w = 0; w < 2; w++) {
        byte[] sig = Ed25519.sign(witnessKeys[w], cp.cosignedMessage(cosignedAt));
        byte[] line = new byte[8 + sig.length];
        for (int i = 0; i < 8; i++) {
          line[i] = (byte) (cosignedAt >>> (56 - 8 * i));
        }
        System.arraycopy(sig, 0, line, 8, sig.length);
        cp = cp.withSignature(new Checkpoint.SignatureLine(witnessVkeys[w].name(), witnessVkeys[w].keyId(), line));
      }
      return cp;
    });
  }

  /** The tiles of the whole tree, by path under the log's prefix ({@code tile/…}). */
  Map<String, byte[]> tiles() {
    return files;
  }

  /** The checkpoint of the whole tree, as the log serves it at {@code <prefix>/checkpoint}. */
  String latestCheckpoint() {
    return checkpoint(size).signedText();
  }
}
