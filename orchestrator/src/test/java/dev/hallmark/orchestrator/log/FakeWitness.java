package dev.hallmark.orchestrator.log;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.NoteKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny c2sp.org/tlog-witness {@code add-checkpoint} over loopback for tests: it trusts one log
 * public key (under whatever origin), keeps the latest cosigned size and root per origin, answers
 * 403/400/409/422 as the spec says, and cosigns (tlog-cosignature v1) with its own Ed25519 key.
 *
 * <pre>{@code
 * try (FakeWitness w = FakeWitness.start("w1.witness.test", logPublicKey)) {
 *   // serve --witness w.vkey() w.url()
 * }
 * }</pre>
 */
public final class FakeWitness implements AutoCloseable {
  private final byte[] key = Ed25519.newPrivateKey(new SecureRandom());
  private final NoteKey vkey;
  private final byte[] logPublicKey;
  private final HttpServer server;
  private final Map<String, Object[]> state = new HashMap<>();
  /** Requests answered 200 and 409. */
  public final AtomicInteger cosigned = new AtomicInteger();
  public final AtomicInteger conflicts = new AtomicInteger();

  private FakeWitness(String name, byte[] logPublicKey) throws IOException {
    this.vkey = NoteKey.of(name, NoteKey.TYPE_COSIGNATURE_V1, Ed25519.publicKey(key));
    this.logPublicKey = logPublicKey.clone();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/add-checkpoint", this::handle);
    server.start();
  }

  public static FakeWitness start(String name, byte[] logPublicKey) throws IOException {
    return new FakeWitness(name, logPublicKey);
  }

  public NoteKey vkey() {
    return vkey;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The size last cosigned for {@code origin}, or 0. */
  public synchronized long size(String origin) {
    Object[] s = state.get(origin);
    return s == null ? 0 : (Long) s[0];
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int blank = body.indexOf("\n\n");
      String[] head = body.substring(0, blank).split("\n");
      long old = Long.parseLong(head[0].substring("old ".length()));
      List<byte[]> proof = new ArrayList<>();
      for (int i = 1; i < head.length; i++) {
        proof.add(Base64Strict.decodeStd(head[i]));
      }
      Checkpoint cp = Checkpoint.parseSigned(body.substring(blank + 2));
      NoteKey log = NoteKey.of(cp.origin(), NoteKey.TYPE_ED25519, logPublicKey);
      boolean signed = false;
      for (Checkpoint.SignatureLine l : cp.signatures()) {
        if (log.matches(l.name(), l.keyId())) {
          if (!log.verify(cp.noteBytes(), l.signature())) {
            answer(ex, 403, "text/plain", "bad log signature\n");
            return;
          }
          signed = true;
        }
      }
      if (!signed) {
        answer(ex, 403, "text/plain", "not signed by the log\n");
        return;
      }
      if (old > cp.size()) {
        answer(ex, 400, "text/plain", "old size above checkpoint size\n");
        return;
      }
      synchronized (this) {
        Object[] s = state.get(cp.origin());
        long known = s == null ? 0 : (Long) s[0];
        if (old != known) {
          conflicts.incrementAndGet();
          answer(ex, 409, "text/x.tlog.size", known + "\n");
          return;
        }
        boolean consistent = old == 0 ? proof.isEmpty()
            : Merkle.verifyConsistency(old, cp.size(), (byte[]) s[1], cp.rootHash(), proof);
        if (cp.size() == 0 && !MessageDigest.isEqual(cp.rootHash(), Merkle.emptyRoot())) {
          consistent = false;
        }
        if (!consistent) {
          answer(ex, 422, "text/plain", "inconsistent\n");
          return;
        }
        state.put(cp.origin(), new Object[] {cp.size(), cp.rootHash()});
      }
      long t = System.currentTimeMillis() / 1000;
      byte[] sig = Ed25519.sign(key, cp.cosignedMessage(t));
      byte[] ts = new byte[8 + sig.length];
      for (int i = 0; i < 8; i++) {
        ts[i] = (byte) (t >>> (56 - 8 * i));
      }
      System.arraycopy(sig, 0, ts, 8, sig.length);
      byte[] b = new byte[4 + ts.length];
      b[0] = (byte) (vkey.keyId() >>> 24);
      b[1] = (byte) (vkey.keyId() >>> 16);
      b[2] = (byte) (vkey.keyId() >>> 8);
      b[3] = (byte) vkey.keyId();
      System.arraycopy(ts, 0, b, 4, ts.length);
      cosigned.incrementAndGet();
      answer(ex, 200, "text/plain", "\u2014 " + vkey.name() + " " + Base64Strict.encodeStd(b) + "\n");
    } catch (RuntimeException e) {
      answer(ex, 400, "text/plain", "bad request\n");
    }
  }

  private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  @Override
  public String toString() {
    return "FakeWitness[" + vkey.name() + "]";
  }

}
