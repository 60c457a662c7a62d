package dev.hallmark.orchestrator.log;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The log's client of one witness, per c2sp.org/tlog-witness {@code add-checkpoint}: it posts
 * {@code old <size>}, the consistency proof from that size, and the signed checkpoint; on 409 it
 * takes the size the witness reports and tries once more from there; from a 200 it keeps only
 * cosignature lines of this witness's key that verify (tlog-cosignature v1), ignoring any other.
 * The size last cosigned is remembered in memory only: after a restart the first answer may be a
 * 409, which costs one extra request.
 */
public final class WitnessClient implements Cosigner {
  /** Bytes of a witness answer read at most. */
  static final int MAX_ANSWER = 64 * 1024;

  private final String name;
  private final NoteKey key;
  private final URI addCheckpoint;
  private final HttpClient http;
  private final Duration requestTimeout;
  private volatile long knownSize;

  /**
   * @param name the witness's name in the policy
   * @param key its cosignature/v1 vkey
   * @param url its submission prefix; {@code /add-checkpoint} is appended
   */
  public WitnessClient(String name, NoteKey key, String url, HttpClient http, Duration requestTimeout) {
    this.name = requireNonNull(name, "name");
    this.key = requireNonNull(key, "key");
    this.addCheckpoint = URI.create(stripSlash(requireNonNull(url, "url")) + "/add-checkpoint");
    this.http = requireNonNull(http, "http");
    this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
    if (key.type() != NoteKey.TYPE_COSIGNATURE_V1) {
      throw new IllegalArgumentException("a witness key is of type 0x04");
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String name() {
    return name;
  }

  /** Where the witness is reached, for messages. */
  public String url() {
    return addCheckpoint.toString();
  }

  @Override
  public List<Checkpoint.SignatureLine> cosign(Checkpoint signed, LongFunction<List<byte[]>> consistencyFrom) {
    for (int attempt = 0; attempt < 2; attempt++) {
      long old = knownSize > signed.size() ? 0 : knownSize;
      StringBuilder body = new StringBuilder("old ").append(old).append('\n');
      for (byte[] h : consistencyFrom.apply(old)) {
        body.append(Base64Strict.encodeStd(h)).append('\n');
      }
      body.append('\n').append(signed.signedText());
      HttpResponse<InputStream> r = post(body.toString());
      byte[] answer = read(r);
      int status = r.statusCode();
      if (status == 200) {
        List<Checkpoint.SignatureLine> lines = verified(signed, answer);
        if (lines.isEmpty()) {
          throw fail("answered without a valid cosignature of its key");
        }
        knownSize = signed.size();
        return lines;
      }
      if (status == 409) {
        String s = new String(answer, StandardCharsets.US_ASCII);
        if (!s.matches("(0|[1-9][0-9]{0,18})\n")) {
          throw fail("answered 409 without a tree size");
        }
        long theirs = Long.parseLong(s.strip());
        if (theirs > signed.size()) {
          // A witness ahead of the log: it saw a tree this log never had (or lost entries). Never guess.
          throw fail("has cosigned a tree of " + theirs + " entries, larger than this log's " + signed.size());
        }
        knownSize = theirs;
        continue;
      }
      throw fail("answered HTTP " + status + oneLine(answer));
    }
    throw fail("answered 409 twice");
  }

  private HttpResponse<InputStream> post(String body) {
    HttpRequest req = HttpRequest.newBuilder(addCheckpoint).timeout(requestTimeout)
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw fail("did not answer within " + requestTimeout.toSeconds() + " s");
    } catch (java.net.ConnectException e) {
      // The JDK's client says nothing more than its class name: say it in words (nothing listens,
      // or the host cannot be reached).
      throw fail("did not answer (could not connect" + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    } catch (IOException e) {
      throw fail("did not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("was not asked: interrupted");
    }
  }

  private byte[] read(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      byte[] b = in.readNBytes(MAX_ANSWER + 1);
      if (b.length > MAX_ANSWER) {
        throw fail("answered more than " + MAX_ANSWER + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw fail("broke off its answer");
    }
  }

  /** The answer's lines of this witness's key whose tlog-cosignature v1 verifies over {@code signed}. */
  private List<Checkpoint.SignatureLine> verified(Checkpoint signed, byte[] answer) {
    Checkpoint all;
    try {
      // tlog-witness: the answer is signature lines; appended to the note, it parses as one.
      all = Checkpoint.parseSigned(signed.noteText() + "\n" + new String(answer, StandardCharsets.UTF_8));
    } catch (AttestationException e) {
      throw fail("answered something other than signature lines");
    }
    List<Checkpoint.SignatureLine> out = new ArrayList<>();
    for (Checkpoint.SignatureLine line : all.signatures()) {
      byte[] sig = line.signature();
      if (!key.matches(line.name(), line.keyId()) || sig.length != 8 + Ed25519.SIGNATURE_BYTES) {
        continue;
      }
      long t = 0;
      for (int i = 0; i < 8; i++) {
        t = (t << 8) | (sig[i] & 0xff);
      }
      byte[] s = java.util.Arrays.copyOfRange(sig, 8, sig.length);
      if (t > 0 && key.verify(signed.cosignedMessage(t), s)) {
        out.add(line);
      }
    }
    return out;
  }

  private static String oneLine(byte[] answer) {
    String s = new String(answer, 0, Math.min(answer.length, 200), StandardCharsets.UTF_8).lines().findFirst().orElse("")
        .replaceAll("[^\\x20-\\x7e]", "?").strip();
    return s.isEmpty() ? "" : " (" + s + ")";
  }

  private OrchestratorException fail(String why) {
    return new OrchestratorException(Code.UNAVAILABLE, "witness " + name + " at " + addCheckpoint + " " + why);
  }
}
