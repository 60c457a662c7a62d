package dev.hallmark.orchestrator.witness;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A c2sp.org/tlog-witness: {@link #addCheckpoint} takes an {@code add-checkpoint} request body,
 * checks it in the order the spec gives (form, origin, log signature, old size, consistency), and
 * cosigns it with tlog-cosignature v1 only after the new checkpoint is durably its latest for that
 * origin. Requests for one origin are serialised: the old-size check and the write are one step, so
 * two racing requests can never roll the witness back.
 *
 * <p>The answer is a domain {@link Outcome}; the HTTP layer maps it to the status tlog-witness names.
 *
 * <pre>{@code
 * Witness w = new Witness(WitnessKey.load(keyFile), List.of(NoteKey.parse(logVkey)), WitnessState.open(data), Clock.systemUTC());
 * Witness.Outcome o = w.addCheckpoint(requestBody);
 * if (o instanceof Witness.Cosigned c) respond(200, c.signatureLines());
 * }</pre>
 */
public final class Witness {
  /** tlog-witness: a client MUST NOT send more than 63 consistency proof lines. */
  public static final int MAX_PROOF_LINES = 63;
  /** A stored checkpoint keeps at most this many of the log's verified signatures (plus the cosignature). */
  private static final int MAX_STORED_LOG_SIGNATURES = 16;
  private static final Pattern OLD_LINE = Pattern.compile("old (0|[1-9][0-9]{0,19})");

  private final WitnessKey key;
  private final WitnessState state;
  private final Clock clock;
  /** Origin → the log keys trusted for it. */
  private final Map<String, List<NoteKey>> logs;
  /** One lock per configured origin (a fixed set: unknown origins never get one). */
  private final Map<String, Object> locks;

  /** Why a request was refused; each maps to one tlog-witness status. */
  public enum Refusal {
    /** 400: not an add-checkpoint body, or an old size above the checkpoint's. */
    MALFORMED,
    /** 404: no {@code --log} key for the checkpoint's origin. */
    UNKNOWN_ORIGIN,
    /** 403: no valid signature by a trusted log key, or one by a trusted key that fails. */
    BAD_SIGNATURE,
    /** 422: not consistent with the latest cosigned checkpoint (bad proof, fork, bad empty tree). */
    INCONSISTENT
  }

  /** What {@link #addCheckpoint} decided. */
  public sealed interface Outcome permits Cosigned, Conflict, Refused {}

  /** Cosigned and stored: {@code signatureLines} is the response body (one {@code — name b64} line). */
  public record Cosigned(String origin, long size, String signatureLines) implements Outcome {}

  /** The old size was not the latest cosigned size for the origin (409, body {@code <latestSize>\n}). */
  public record Conflict(String origin, long oldSize, long latestSize) implements Outcome {}

  /** Refused; {@code origin} is null when the body had none that could be read. */
  public record Refused(Refusal refusal, String origin, String message) implements Outcome {}

  /** The parsed request: the old size, the proof, the checkpoint. */
  record Request(long oldSize, List<byte[]> proof, Checkpoint checkpoint) {}

  public Witness(WitnessKey key, List<NoteKey> logKeys, WitnessState state, Clock clock) {
    this.key = requireNonNull(key, "key");
    this.state = requireNonNull(state, "state");
    this.clock = requireNonNull(clock, "clock");
    if (logKeys.isEmpty()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "a witness needs at least one --log key");
    }
    Map<String, List<NoteKey>> byOrigin = new LinkedHashMap<>();
    for (NoteKey k : logKeys) {
      if (k.type() != NoteKey.TYPE_ED25519) {
        throw new OrchestratorException(Code.INVALID_INPUT, "--log " + k + " is not a log's checkpoint key (signature type 0x01)");
      }
      List<NoteKey> keys = byOrigin.computeIfAbsent(k.name(), n -> new ArrayList<>());
      if (keys.stream().anyMatch(other -> other.toString().equals(k.toString()))) {
        throw new OrchestratorException(Code.INVALID_INPUT, "--log " + k + " is given twice");
      }
      keys.add(k);
    }
    Map<String, List<NoteKey>> frozen = new LinkedHashMap<>();
    byOrigin.forEach((origin, keys) -> frozen.put(origin, List.copyOf(keys)));
    this.logs = Map.copyOf(frozen);
    Map<String, Object> l = new LinkedHashMap<>();
    frozen.keySet().forEach(origin -> l.put(origin, new Object()));
    this.locks = Map.copyOf(l);
  }

  /** The origins this witness cosigns for (a log key's name is its origin, FORMATS §8.1). */
  public List<String> origins() {
    return logs.keySet().stream().sorted().toList();
  }

  public WitnessKey key() {
    return key;
  }

  /** tlog-witness {@code add-checkpoint}: every check, then the durable write, then the cosignature. */
  public Outcome addCheckpoint(byte[] body) {
    Request request;
    try {
      request = parse(body);
    } catch (BadBody e) {
      return new Refused(Refusal.MALFORMED, null, e.getMessage());
    }
    Checkpoint cp = request.checkpoint();
    String origin = cp.origin();
    List<NoteKey> trusted = logs.get(origin);
    if (trusted == null) {
      return new Refused(Refusal.UNKNOWN_ORIGIN, origin, "no log key is configured for this origin");
    }
    // signed-note: lines of unknown keys are ignored; a line of a trusted key must verify.
    List<Checkpoint.SignatureLine> verified = new ArrayList<>();
    byte[] note = cp.noteBytes();
    for (Checkpoint.SignatureLine line : cp.signatures()) {
      for (NoteKey k : trusted) {
        if (k.matches(line.name(), line.keyId())) {
          if (!k.verify(note, line.signature())) {
            return new Refused(Refusal.BAD_SIGNATURE, origin, "a signature by the log key " + k.name() + " does not verify");
          }
          verified.add(line);
        }
      }
    }
    if (verified.isEmpty()) {
      return new Refused(Refusal.BAD_SIGNATURE, origin, "the checkpoint carries no signature by a trusted log key");
    }
    long old = request.oldSize();
    long size = cp.size();
    if (Long.compareUnsigned(old, size) > 0) {
      return new Refused(Refusal.MALFORMED, origin, "the old size " + Long.toUnsignedString(old)
          + " is larger than the checkpoint's size " + Long.toUnsignedString(size));
    }
    synchronized (locks.get(origin)) {
      Optional<Checkpoint> latest = state.latest(origin);
      long latestSize = latest.map(Checkpoint::size).orElse(0L);
      if (old != latestSize) {
        return new Conflict(origin, old, latestSize);
      }
      if (size == 0 && !MessageDigest.isEqual(cp.rootHash(), Merkle.emptyRoot())) {
        return new Refused(Refusal.INCONSISTENT, origin, "a checkpoint of size 0 must have the empty tree's root hash");
      }
      if (old == 0) {
        if (!request.proof().isEmpty()) {
          return new Refused(Refusal.INCONSISTENT, origin, "the consistency proof from size 0 must be empty");
        }
      } else if (!Merkle.verifyConsistency(old, size, latest.get().rootHash(), cp.rootHash(), request.proof())) {
        return new Refused(Refusal.INCONSISTENT, origin, old == size
            ? "the checkpoint has the witnessed size " + Long.toUnsignedString(size) + " but another root hash (a fork)"
            : "the consistency proof from size " + Long.toUnsignedString(old) + " to " + Long.toUnsignedString(size)
                + " does not verify against the witnessed root hash");
      }
      // v1 semantics: "as of time T, the largest tree is this one"; T never goes back for an
      // origin, even if the clock does, so no two cosignatures contradict each other.
      long timestamp = Math.max(Math.max(1, clock.instant().getEpochSecond()), latest.map(this::ownTimestamp).orElse(0L));
      Checkpoint.SignatureLine cosignature = key.cosign(cp, timestamp);
      List<Checkpoint.SignatureLine> kept = new ArrayList<>(verified.subList(0, Math.min(verified.size(), MAX_STORED_LOG_SIGNATURES)));
      kept.add(cosignature);
      state.put(new Checkpoint(origin, size, cp.rootHash(), cp.extensions(), kept));
      return new Cosigned(origin, size, format(cosignature));
    }
  }

  /**
   * tlog-witness monitoring: the latest cosigned checkpoint of the log whose origin hashes (SHA-256,
   * lowercase hex) to {@code originHash}, with the log signatures and the cosignature.
   */
  public Optional<String> latestCheckpoint(String originHash) {
    return state.latestByHash(originHash).map(Checkpoint::signedText);
  }

  /** The timestamp of this witness's own cosignature in a stored checkpoint (0 if there is none). */
  private long ownTimestamp(Checkpoint stored) {
    for (Checkpoint.SignatureLine line : stored.signatures()) {
      byte[] s = line.signature();
      if (key.vkey().matches(line.name(), line.keyId()) && s.length >= 8) {
        return Math.max(0, ByteBuffer.wrap(s, 0, 8).getLong());
      }
    }
    return 0;
  }

  /** {@code — <name> b64(key ID ‖ signature)\n}, as signed-note writes a signature line. */
  static String format(Checkpoint.SignatureLine line) {
    byte[] sig = line.signature();
    byte[] b = ByteBuffer.allocate(4 + sig.length).putInt(line.keyId()).put(sig).array();
    return Checkpoint.DASH + line.name() + " " + Base64Strict.encodeStd(b) + "\n";
  }

  /** A request body that is not an add-checkpoint body. */
  static final class BadBody extends Exception {
    private static final long serialVersionUID = 1L;

    BadBody(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * tlog-witness: {@code old <size>\n}, 0 to 63 lines of one base64 hash each, an empty line, then
   * a checkpoint as a signed note. Every line ends in a newline; the text is UTF-8.
   */
  static Request parse(byte[] body) throws BadBody {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new BadBody("the body is not UTF-8");
    }
    int end = text.indexOf('\n');
    if (end < 0) {
      throw new BadBody("the body does not start with an 'old <size>' line");
    }
    String oldLine = text.substring(0, end);
    if (!OLD_LINE.matcher(oldLine).matches()) {
      throw new BadBody("the first line is not 'old <size>' (decimal, no leading zero)");
    }
    long old;
    try {
      old = Long.parseUnsignedLong(oldLine.substring(4));
    } catch (NumberFormatException e) {
      throw new BadBody("the old size is larger than 2^64-1");
    }
    List<byte[]> proof = new ArrayList<>();
    int at = end + 1;
    while (true) {
      end = text.indexOf('\n', at);
      if (end < 0) {
        throw new BadBody("no empty line ends the consistency proof");
      }
      String line = text.substring(at, end);
      at = end + 1;
      if (line.isEmpty()) {
        break;
      }
      if (proof.size() == MAX_PROOF_LINES) {
        throw new BadBody("the consistency proof has more than " + MAX_PROOF_LINES + " lines");
      }
      byte[] hash;
      try {
        hash = Base64Strict.decodeStd(line);
      } catch (AttestationException e) {
        throw new BadBody("consistency proof line " + (proof.size() + 1) + " is not base64");
      }
      if (hash.length != Merkle.HASH_BYTES) {
        throw new BadBody("consistency proof line " + (proof.size() + 1) + " is not a 32-byte hash");
      }
      proof.add(hash);
    }
    String note = text.substring(at);
    Checkpoint cp;
    try {
      cp = Checkpoint.parseSigned(note);
    } catch (AttestationException e) {
      throw new BadBody(e.getMessage().replaceFirst("^logProof ", ""));
    }
    if (cp.origin().isEmpty()) {
      throw new BadBody("the checkpoint's origin line is empty");
    }
    // The signatures are verified over the bytes as sent: the parsed note must be exactly them.
    if (!note.startsWith(cp.noteText() + "\n")) {
      throw new BadBody("the checkpoint's note text is not in canonical form");
    }
    return new Request(old, proof, cp);
  }
}
