package dev.hallmark.attestation.testing;

import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.NoteKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory transparency log for tests (FORMATS §8): appends entries, signs checkpoints with an
 * Ed25519 log key, cosigns them with witnesses at chosen times, and writes tlog-proofs. Every part
 * can be bent for adversarial tests.
 *
 * <pre>{@code
 * LogForge log = LogForge.create("ci.test.example/oidc/log", "W1", "W2");
 * int index = log.append(tokenBytes);
 * String proof = log.proof(index, Map.of("W1", 1000L, "W2", 2000L));
 * String policy = log.policy("group G 2 W1 W2\nquorum G\n");
 * }</pre>
 */
public final class LogForge {
  private static final SecureRandom RANDOM = new SecureRandom();

  public final String origin;
  public final byte[] logKey;
  public final NoteKey logVkey;
  public final Map<String, byte[]> witnessKeys = new LinkedHashMap<>();
  public final Map<String, NoteKey> witnessVkeys = new LinkedHashMap<>();
  public final List<byte[]> leaves = new ArrayList<>();

  private LogForge(String origin) {
    this.origin = origin;
    this.logKey = Ed25519.newPrivateKey(RANDOM);
    this.logVkey = NoteKey.of(origin, NoteKey.TYPE_ED25519, Ed25519.publicKey(logKey));
  }

  /** A log with the given origin and witnesses named {@code names} (key names {@code <name>.witness.test}). */
  public static LogForge create(String origin, String... witnesses) {
    LogForge f = new LogForge(origin);
    for (String w : witnesses) {
      byte[] sk = Ed25519.newPrivateKey(RANDOM);
      f.witnessKeys.put(w, sk);
      f.witnessVkeys.put(w, NoteKey.of(w.toLowerCase() + ".witness.test", NoteKey.TYPE_COSIGNATURE_V1, Ed25519.publicKey(sk)));
    }
    return f;
  }

  /** Appends an entry; returns its index. */
  public int append(byte[] entry) {
    leaves.add(Merkle.leafHash(entry));
    return leaves.size() - 1;
  }

  public int append(String entry) {
    return append(entry.getBytes(StandardCharsets.US_ASCII));
  }

  /** A policy: the log line, every witness line, then {@code rest} (groups and the quorum). */
  public String policy(String rest) {
    StringBuilder b = new StringBuilder("log ").append(logVkey).append('\n');
    witnessVkeys.forEach((name, key) -> b.append("witness ").append(name).append(' ').append(key).append('\n'));
    return b.append(rest).toString();
  }

  /** The checkpoint of the whole tree, signed by the log only. */
  public Checkpoint checkpoint() {
    Checkpoint cp = Checkpoint.of(origin, leaves.size(), new Merkle.Tree(leaves).root(leaves.size()));
    return cp.withSignature(new Checkpoint.SignatureLine(origin, logVkey.keyId(), Ed25519.sign(logKey, cp.noteBytes())));
  }

  /** {@code cp} cosigned by witness {@code name} at {@code time}. */
  public Checkpoint cosign(Checkpoint cp, String name, long time) {
    return cp.withSignature(cosignature(cp, name, time));
  }

  /** The cosignature line of witness {@code name} at {@code time} over {@code cp}'s note. */
  public Checkpoint.SignatureLine cosignature(Checkpoint cp, String name, long time) {
    byte[] sig = Ed25519.sign(witnessKeys.get(name), cp.cosignedMessage(time));
    byte[] ts = new byte[8 + sig.length];
    for (int i = 0; i < 8; i++) {
      ts[i] = (byte) (time >>> (56 - 8 * i));
    }
    System.arraycopy(sig, 0, ts, 8, sig.length);
    NoteKey k = witnessVkeys.get(name);
    return new Checkpoint.SignatureLine(k.name(), k.keyId(), ts);
  }

  /** The proof of entry {@code index} in the whole tree, cosigned by each named witness at its time. */
  public String proof(int index, Map<String, Long> cosignatures) {
    Checkpoint cp = checkpoint();
    for (Map.Entry<String, Long> e : cosignatures.entrySet()) {
      cp = cosign(cp, e.getKey(), e.getValue());
    }
    return proof(index, cp);
  }

  /** The proof of entry {@code index} under a given checkpoint. */
  public String proof(int index, Checkpoint cp) {
    List<byte[]> path = new Merkle.Tree(leaves).inclusionProof(index, cp.size());
    return new LogProof(null, index, path, cp).format();
  }
}
