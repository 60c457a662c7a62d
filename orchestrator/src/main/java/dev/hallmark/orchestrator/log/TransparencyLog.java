package dev.hallmark.orchestrator.log;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.LogProof;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The orchestrator's transparency log (FORMATS §8, issue 12 §2): entries are sequenced durably by
 * a {@link Sequencer}, integrated into the in-memory tree in batches, and each new tree size is
 * signed by the {@link CheckpointSigner}, sent to every {@link Cosigner} (witness), and published
 * (stored, served as {@code checkpoint}, used in proofs) only once the policy's quorum verifies
 * over the cosignatures, exactly as a verifier will check it. {@link #append} completes with the
 * entry's tlog-proof once a published checkpoint includes it, or fails after the quorum time-out
 * naming the witnesses that did not answer.
 *
 * <p>Consistency: a checkpoint is only ever computed over committed entries, which are never
 * changed, so every checkpoint this log signs (published or not, before or after a crash) is a
 * prefix of every later one. A start checks that the stored entries reproduce the published root.
 *
 * <pre>{@code
 * TransparencyLog log = TransparencyLog.start(storage, logKey, policy, witnesses, Duration.ofSeconds(30), clock);
 * String logProof = log.append(tokenBytes).join();
 * }</pre>
 */
public final class TransparencyLog implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TransparencyLog.class);
  /** FORMATS §8.1: an entry is at most 65,535 bytes (the entry bundle's uint16 length). */
  public static final int MAX_ENTRY = 65_535;
  /** Issue 12: a new checkpoint at least this often while entries wait; also the retry pause. */
  static final long INTERVAL_MILLIS = 250;

  private final LogStorage storage;
  private final CheckpointSigner signer;
  private final LogPolicy policy;
  private final List<Cosigner> witnesses;
  private final Duration timeout;
  private final Clock clock;
  private final ExecutorService asking;
  private final Sequencer sequencer;
  private final Thread integrator;
  private final QuorumPrecheck precheck;
  /**
   * With {@code quorum none} a round's checkpoint carries only this log's signature, so whether the
   * policy accepts it depends on the key alone (Ed25519 signing is deterministic): checked once at
   * start on a checkpoint of the empty tree. Verifying it again every round cost a warm serve 38 % of
   * its CPU samples on the one integrator thread (the JDK's Ed25519, ~3 ms a verification).
   */
  private final boolean ownSignatureSuffices;

  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final TreeHashes tree = new TreeHashes();
  /** Leaf hashes committed but not yet in {@link #tree}; guarded by {@link #lock}. */
  private final List<byte[]> incoming = new ArrayList<>();
  /** Entries waiting for a published checkpoint, by index; guarded by {@link #lock}. */
  private final TreeMap<Long, List<Waiter>> waiters = new TreeMap<>();
  private volatile Published published;
  /**
   * The published checkpoint does not meet the current policy (serve restarted with other
   * witnesses or another quorum): the same tree is cosigned again, or monitors holding the new
   * trust root would refuse the served checkpoint until the next entry.
   */
  private volatile boolean stale;
  /** Why each witness failed in the latest round (empty after a round that met the quorum). */
  private volatile Map<String, String> failures = Map.of();
  private volatile boolean closed;
  /** Each witness's latest request, so a slow one is not asked twice at once. */
  private final Map<String, Future<?>> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

  private record Published(long size, Checkpoint checkpoint, byte[] text) {}

  private record Waiter(long deadlineNanos, CompletableFuture<String> proof) {}

  private TransparencyLog(LogStorage storage, CheckpointSigner signer, LogPolicy policy, List<Cosigner> witnesses,
      Duration timeout, Clock clock) {
    this.storage = storage;
    this.signer = signer;
    this.policy = policy;
    this.witnesses = List.copyOf(witnesses);
    this.timeout = timeout;
    this.clock = clock;
    this.precheck = new QuorumPrecheck(policy);
    this.ownSignatureSuffices = policy.quorum().equals("none")
        && policy.verify(signer.sign(Checkpoint.of(signer.vkey().name(), 0, dev.hallmark.attestation.tlog.Merkle.emptyRoot())), clock.instant().getEpochSecond()).ok();
    this.asking = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hallmark-log-witness");
      t.setDaemon(true);
      return t;
    });
    rebuild();
    this.sequencer = new BatchingSequencer(storage, this::committed);
    this.integrator = new Thread(this::integrate, "hallmark-log-integrator");
    integrator.setDaemon(true);
    integrator.start();
  }

  /**
   * Rebuilds the tree from {@code storage}, checks it against the published checkpoint, and starts
   * sequencing and integrating.
   *
   * @param policy the published policy: its quorum decides when a checkpoint is published
   * @param timeout how long {@link #append} waits for a published checkpoint that includes the entry
   */
  public static TransparencyLog start(LogStorage storage, CheckpointSigner signer, LogPolicy policy,
      List<? extends Cosigner> witnesses, Duration timeout, Clock clock) {
    requireNonNull(storage, "storage");
    requireNonNull(signer, "signer");
    requireNonNull(policy, "policy");
    requireNonNull(timeout, "timeout");
    requireNonNull(clock, "clock");
    return new TransparencyLog(storage, signer, policy, List.copyOf(witnesses), timeout, clock);
  }

  private void rebuild() {
    long size = storage.logSize();
    for (long from = 0; from < size; from += 65_536) {
      for (byte[] h : storage.leafHashes(from, Math.min(size, from + 65_536))) {
        tree.append(h);
      }
    }
    if (tree.size() != size) {
      throw new OrchestratorException(Code.STORE, "the log's stored entries are not numbered 0 to " + (size - 1));
    }
    Optional<String> text = storage.publishedCheckpoint();
    if (text.isPresent()) {
      Checkpoint cp;
      try {
        cp = Checkpoint.parseSigned(text.get());
      } catch (AttestationException e) {
        throw new OrchestratorException(Code.STORE, "the log's published checkpoint is unreadable: " + e.getMessage());
      }
      // After a crash the tree must reproduce what was published: a mismatch is a damaged store.
      // (The origin is not compared: serve and run keep one issuer per data folder, and an
      // in-process start on another port signs the same tree under its own origin.)
      if (cp.size() > size
          || !MessageDigest.isEqual(cp.rootHash(), tree.root(cp.size()))) {
        throw new OrchestratorException(Code.STORE, "the log's stored entries do not reproduce its published checkpoint of "
            + cp.size() + " entries; refusing to sign an inconsistent one");
      }
      published = new Published(cp.size(), cp, text.get().getBytes(StandardCharsets.UTF_8));
      stale = !policy.verify(cp, clock.instant().getEpochSecond()).ok();
    }
  }

  /** The policy text the trust root publishes. */
  public LogPolicy policy() {
    return policy;
  }

  /** The log's origin (its key's name). */
  public String origin() {
    return signer.vkey().name();
  }

  /** How long {@link #append} waits for a quorum. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Appends {@code entry}: completes with the tlog-proof of it (index, inclusion proof, cosigned
   * checkpoint) once a checkpoint that includes it is published; fails with
   * {@link Code#UNAVAILABLE} after the time-out, naming the witnesses that did not cosign. The entry
   * is durably sequenced either way, once the sequencer accepted it.
   */
  public CompletableFuture<String> append(byte[] entry) {
    CompletableFuture<String> proof = new CompletableFuture<>();
    if (entry.length == 0 || entry.length > MAX_ENTRY) {
      proof.completeExceptionally(new OrchestratorException(Code.INVALID_INPUT, "a log entry is 1 to 65,535 bytes"));
      return proof;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    sequencer.sequence(entry).whenComplete((index, failure) -> {
      if (failure != null) {
        proof.completeExceptionally(failure);
        return;
      }
      synchronized (lock) {
        Published p = published;
        if (p != null && index < p.size()) {
          proof.complete(proofOf(index, p));
        } else {
          waiters.computeIfAbsent(index, k -> new ArrayList<>(1)).add(new Waiter(deadline, proof));
        }
      }
    });
    return proof;
  }

  /** Called by the sequencer, in index order, after each commit. */
  private void committed(long first, List<byte[]> leaves) {
    synchronized (lock) {
      if (first != tree.size() + incoming.size()) {
        // Only this process appends (the data folder is locked); anything else is a bug: reload.
        incoming.clear();
        for (byte[] h : storage.leafHashes(tree.size(), first + leaves.size())) {
          incoming.add(h);
        }
      } else {
        incoming.addAll(leaves);
      }
      lock.notifyAll();
    }
  }

  private void integrate() {
    while (!closed) {
      long size;
      synchronized (lock) {
        try {
          while (!closed && incoming.isEmpty() && published != null && tree.size() == published.size() && !stale) {
            expireWaiters();
            lock.wait(INTERVAL_MILLIS);
          }
        } catch (InterruptedException e) {
          return; // only a stopping JVM interrupts the integrator: waiters are failed by close()
        }
        if (closed) {
          return;
        }
        for (byte[] h : incoming) {
          tree.append(h);
        }
        incoming.clear();
        size = tree.size();
      }
      boolean ok;
      try {
        ok = round(size);
      } catch (RuntimeException e) {
        // Kept for the attest calls' answers and logged with its cause; the next round retries.
        LOG.error("checkpoint.failed size={} message=\"{}\"", size, e.getMessage(), e);
        failures = Map.of("the log", "could not publish a checkpoint: " + e.getMessage());
        ok = false;
      }
      synchronized (lock) {
        expireWaiters();
        if (!ok) {
          try {
            lock.wait(INTERVAL_MILLIS); // then retry, with whatever has arrived meanwhile
          } catch (InterruptedException e) {
            return; // as above: the JVM is stopping
          }
        }
      }
    }
  }

  /** Signs the tree of {@code size} entries, gathers cosignatures, and publishes it if the quorum verifies. */
  private boolean round(long size) {
    byte[] root;
    synchronized (lock) {
      root = tree.root(size);
    }
    Checkpoint signed = signer.sign(Checkpoint.of(signer.vkey().name(), size, root));
    Checkpoint cosigned = signed;
    Map<String, String> failed = new LinkedHashMap<>();
    // null: not asked yet, because the quorum cannot hold over the lines so far (QuorumPrecheck)
    LogPolicy.Verdict verdict = ownSignatureSuffices ? new LogPolicy.Verdict(null, List.of(), null)
        : precheck.couldHold(cosigned) ? policy.verify(cosigned, clock.instant().getEpochSecond()) : null;
    // Ask every witness at once; publish as soon as the quorum verifies, without waiting for the
    // slowest. A witness still answering an earlier round is not asked again meanwhile.
    java.util.concurrent.ExecutorCompletionService<List<Checkpoint.SignatureLine>> answers =
        new java.util.concurrent.ExecutorCompletionService<>(asking);
    Map<Future<List<Checkpoint.SignatureLine>>, Cosigner> asked = new java.util.HashMap<>();
    for (Cosigner w : witnesses) {
      Future<?> previous = inFlight.get(w.name());
      if (previous != null && !previous.isDone()) {
        failed.put(w.name(), "witness " + w.name() + " is still answering an earlier checkpoint");
        continue;
      }
      Future<List<Checkpoint.SignatureLine>> f = answers.submit(() -> w.cosign(signed, old -> consistency(old, size)));
      inFlight.put(w.name(), f);
      asked.put(f, w);
    }
    for (int n = 0; n < asked.size() && (verdict == null || !verdict.ok()); n++) {
      Future<List<Checkpoint.SignatureLine>> f;
      try {
        f = answers.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      Cosigner w = asked.get(f);
      try {
        for (Checkpoint.SignatureLine line : f.get()) {
          if (cosigned.signatures().size() < Checkpoint.MAX_SIGNATURES) {
            cosigned = cosigned.withSignature(line);
          }
        }
        if (precheck.couldHold(cosigned)) {
          verdict = policy.verify(cosigned, clock.instant().getEpochSecond());
        }
      } catch (java.util.concurrent.ExecutionException e) {
        failed.put(w.name(), e.getCause() instanceof OrchestratorException oe ? oe.getMessage()
            : "witness " + w.name() + " failed");
        if (!failed.get(w.name()).equals(failures.get(w.name()))) {
          // Once per new failure, not every 250 ms round while a witness stays down.
          LOG.warn("witness.failure witness={} size={} message=\"{}\"", w.name(), size, failed.get(w.name()),
              e.getCause() instanceof OrchestratorException ? null : e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    // The quorum is judged exactly as a verifier will judge it (FORMATS §8.4 steps 2 and 3).
    if (verdict == null) {
      verdict = policy.verify(cosigned, clock.instant().getEpochSecond()); // fails: its reason is the message
    }
    if (!verdict.ok()) {
      if (failed.isEmpty()) {
        failed.put("the quorum", verdict.failure().message());
      }
      if (!failed.equals(failures)) {
        LOG.warn("checkpoint.unpublished size={} reason=\"{}\"", size, failed.values().iterator().next());
      }
      failures = Map.copyOf(failed);
      return false;
    }
    String text = cosigned.signedText();
    storage.publishCheckpoint(size, text);
    Published p = new Published(size, cosigned, text.getBytes(StandardCharsets.UTF_8));
    synchronized (lock) {
      published = p;
      stale = false;
      Iterator<Map.Entry<Long, List<Waiter>>> it = waiters.headMap(size).entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, List<Waiter>> e = it.next();
        String proof = proofOf(e.getKey(), p);
        for (Waiter w : e.getValue()) {
          w.proof().complete(proof);
        }
        it.remove();
      }
    }
    failures = Map.copyOf(failed);
    LOG.info("checkpoint.published origin={} size={} cosignatures={}", signer.vkey().name(), size,
        cosigned.signatures().size() - 1);
    return true;
  }

  private List<byte[]> consistency(long old, long size) {
    synchronized (lock) {
      return tree.consistencyProof(old, size);
    }
  }

  /** Guarded by {@link #lock}. */
  private String proofOf(long index, Published p) {
    return new LogProof(null, index, tree.inclusionProof(index, p.size()), p.checkpoint()).format();
  }

  /** Guarded by {@link #lock}: fails every waiter past its deadline. */
  private void expireWaiters() {
    long now = System.nanoTime();
    Iterator<Map.Entry<Long, List<Waiter>>> it = waiters.entrySet().iterator();
    while (it.hasNext()) {
      List<Waiter> list = it.next().getValue();
      list.removeIf(w -> {
        if (now - w.deadlineNanos() >= 0) {
          w.proof().completeExceptionally(new OrchestratorException(Code.UNAVAILABLE, timeoutMessage()));
          return true;
        }
        return false;
      });
      if (list.isEmpty()) {
        it.remove();
      }
    }
  }

  private String timeoutMessage() {
    Map<String, String> f = failures;
    String why = f.isEmpty() ? "no checkpoint was published" : String.join("; ", f.values());
    return "the log's witnesses did not cosign within " + timeout.toSeconds() + " s (quorum " + policy.quorum() + "): "
        + why;
  }

  // ---- serving (tlog-tiles) -----------------------------------------------------------------

  /** The published checkpoint's signed note, if one was published. */
  public Optional<byte[]> checkpoint() {
    Published p = published;
    return p == null ? Optional.empty() : Optional.of(p.text().clone());
  }

  /** The size of the published checkpoint, or -1. */
  public long publishedSize() {
    Published p = published;
    return p == null ? -1 : p.size();
  }

  /** A tlog-tiles resource below the log prefix ({@code tile/…}); empty when it is not (yet) published. */
  public Optional<Tile> tile(String path) {
    dev.hallmark.attestation.tlog.Tile t;
    try {
      t = dev.hallmark.attestation.tlog.Tile.parsePath(path); // the one spelling tlog-tiles allows
    } catch (dev.hallmark.attestation.AttestationException | IllegalArgumentException e) {
      return Optional.empty();
    }
    Published p = published;
    if (p == null) {
      return Optional.empty();
    }
    int shift = t.isEntries() ? 0 : 8 * t.level();
    long end;
    try {
      long hashes = Math.addExact(Math.multiplyExact(t.index(), 256L), t.width());
      if (shift >= 63 || hashes > (Long.MAX_VALUE >>> shift)) {
        return Optional.empty();
      }
      end = hashes << shift;
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
    if (end > p.size()) {
      return Optional.empty(); // only what a published checkpoint commits to is served
    }
    if (t.isEntries()) {
      List<byte[]> entries = storage.entries(t.index() * 256, t.index() * 256 + t.width());
      return Optional.of(new Tile(dev.hallmark.attestation.tlog.EntryBundle.encode(entries), t.isPartial()));
    }
    synchronized (lock) {
      return Optional.of(new Tile(tree.tile(t.level(), t.index(), t.width()), t.isPartial()));
    }
  }

  /** A tile or entry bundle's bytes; partial ones get short caching. */
  public record Tile(byte[] bytes, boolean partial) {}

  @Override
  public void close() {
    if (closed) {
      return;
    }
    sequencer.close();
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    try {
      integrator.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    asking.shutdownNow();
    synchronized (lock) {
      for (List<Waiter> list : waiters.values()) {
        for (Waiter w : list) {
          w.proof().completeExceptionally(new OrchestratorException(Code.UNAVAILABLE, "the log is shutting down"));
        }
      }
      waiters.clear();
    }
  }
}
