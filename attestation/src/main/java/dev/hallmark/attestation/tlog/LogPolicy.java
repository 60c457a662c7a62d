package dev.hallmark.attestation.tlog;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A c2sp.org/tlog-policy text with the precisions of FORMATS §8.2: which logs sign checkpoints,
 * which witnesses cosign them, and the quorum that makes a checkpoint trusted.
 *
 * <pre>{@code
 * LogPolicy policy = LogPolicy.parse(trustRootLog.policy());
 * LogPolicy.Verdict v = policy.verify(proof.checkpoint(), nowSeconds);
 * }</pre>
 */
public final class LogPolicy {
  /** FORMATS §8.2: at most 64 KiB. */
  public static final int MAX_BYTES = 64 * 1024;
  /** FORMATS §8.4: a cosignature more than this far in the verifier's future fails. */
  public static final long FUTURE_SKEW_SECONDS = 300;

  /** A {@code log} line. */
  public record Log(NoteKey key, String url) {}

  /** A {@code witness} line. */
  public record Witness(String name, NoteKey key, String url) {}

  /** A {@code group} line: at least {@code threshold} of {@code members} (witness or group names). */
  public record Group(String name, int threshold, List<String> members) {
    public Group {
      members = List.copyOf(members);
    }
  }

  private final List<Log> logs;
  private final List<Witness> witnesses;
  private final Map<String, Group> groups;
  private final String quorum;
  private final String text;

  private LogPolicy(List<Log> logs, List<Witness> witnesses, Map<String, Group> groups, String quorum, String text) {
    this.logs = List.copyOf(logs);
    this.witnesses = List.copyOf(witnesses);
    this.groups = groups;
    this.quorum = quorum;
    this.text = text;
  }

  /** Parses policy bytes (a {@code --log-policy} file): the byte rules first, then the text. */
  public static LogPolicy parse(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw LogProof.invalid("log policy is larger than 64 KiB");
    }
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c != '\t' && c != '\n' && (c < 0x20 || c == 0x7f)) {
        throw LogProof.invalid("log policy holds the byte 0x" + String.format("%02x", c));
      }
    }
    return parse(LogProof.utf8(bytes, "log policy"));
  }

  /** Parses a policy text (the trust root's {@code log.policy}). */
  public static LogPolicy parse(String text) {
    requireNonNull(text, "text");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_BYTES) {
      throw LogProof.invalid("log policy is larger than 64 KiB");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\t' && c != '\n' && (c < 0x20 || c == 0x7f)) {
        throw LogProof.invalid("log policy holds the character U+" + String.format("%04X", (int) c));
      }
    }
    List<Log> logs = new ArrayList<>();
    List<Witness> witnesses = new ArrayList<>();
    Map<String, Group> groups = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    Set<String> listed = new HashSet<>();
    List<NoteKey> keys = new ArrayList<>();
    String quorum = null;
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    int lineNo = 0;
    for (String line : body.split("\n", -1)) {
      lineNo++;
      String where = "log policy line " + lineNo;
      String trimmed = trimBlanks(line);
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] f = trimmed.split("[ \t]+");
      switch (f[0]) {
        case "log" -> {
          if (f.length < 2 || f.length > 3) {
            throw LogProof.invalid(where + ": expected 'log <vkey> [<url>]'");
          }
          NoteKey key = vkey(f[1], NoteKey.TYPE_ED25519, where);
          unique(keys, key, where);
          logs.add(new Log(key, f.length == 3 ? f[2] : null));
        }
        case "witness" -> {
          if (f.length < 3 || f.length > 4) {
            throw LogProof.invalid(where + ": expected 'witness <name> <vkey> [<url>]'");
          }
          define(names, f[1], where);
          NoteKey key = vkey(f[2], NoteKey.TYPE_COSIGNATURE_V1, where);
          unique(keys, key, where);
          witnesses.add(new Witness(f[1], key, f.length == 4 ? f[3] : null));
        }
        case "group" -> {
          if (f.length < 4) {
            throw LogProof.invalid(where + ": expected 'group <name> all|any|<k> <name>...'");
          }
          List<String> members = List.of(f).subList(3, f.length);
          for (String m : members) {
            if (!names.contains(m)) {
              throw LogProof.invalid(where + ": group member '" + m + "' is not defined on an earlier line");
            }
            if (!listed.add(m)) {
              throw LogProof.invalid(where + ": '" + m + "' is listed as a group member twice");
            }
          }
          int k;
          if (f[2].equals("all")) {
            k = members.size();
          } else if (f[2].equals("any")) {
            k = 1;
          } else if (f[2].matches("[1-9][0-9]{0,8}")) {
            k = Integer.parseInt(f[2]);
            if (k > members.size()) {
              throw LogProof.invalid(where + ": threshold " + k + " exceeds the group's " + members.size() + " members");
            }
          } else {
            throw LogProof.invalid(where + ": threshold is not all, any or a number from 1");
          }
          define(names, f[1], where);
          groups.put(f[1], new Group(f[1], k, members));
        }
        case "quorum" -> {
          if (f.length != 2) {
            throw LogProof.invalid(where + ": expected 'quorum <name>'");
          }
          if (quorum != null) {
            throw LogProof.invalid(where + ": a second quorum line");
          }
          if (!f[1].equals("none") && !names.contains(f[1])) {
            throw LogProof.invalid(where + ": quorum '" + f[1] + "' is not defined on an earlier line");
          }
          quorum = f[1];
        }
        default -> throw LogProof.invalid(where + ": unknown keyword '" + f[0] + "'");
      }
    }
    if (logs.isEmpty()) {
      throw LogProof.invalid("log policy has no log line");
    }
    if (quorum == null) {
      throw LogProof.invalid("log policy has no quorum line");
    }
    return new LogPolicy(logs, witnesses, groups, quorum, text);
  }

  /** tlog-policy's whitespace is space and tab only. */
  private static String trimBlanks(String line) {
    int from = 0;
    int to = line.length();
    while (from < to && (line.charAt(from) == ' ' || line.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (line.charAt(to - 1) == ' ' || line.charAt(to - 1) == '\t')) {
      to--;
    }
    return line.substring(from, to);
  }

  private static NoteKey vkey(String text, int type, String where) {
    NoteKey key;
    try {
      key = NoteKey.parse(text);
    } catch (AttestationException e) {
      throw LogProof.invalid(where + ": " + e.getMessage());
    }
    if (key.type() != type) {
      throw LogProof.invalid(where + ": a " + (type == NoteKey.TYPE_ED25519 ? "log" : "witness")
          + " key must be of type 0x0" + type);
    }
    return key;
  }

  private static void unique(List<NoteKey> keys, NoteKey key, String where) {
    for (NoteKey k : keys) {
      if (k.sameKeyAs(key)) {
        throw LogProof.invalid(where + ": the same public key is on two log or witness lines");
      }
    }
    keys.add(key);
  }

  private static void define(Set<String> names, String name, String where) {
    if (name.equals("none") || !names.add(name)) {
      throw LogProof.invalid(where + ": the name '" + name + "' is already defined");
    }
  }

  public List<Log> logs() {
    return logs;
  }

  public List<Witness> witnesses() {
    return witnesses;
  }

  /** The quorum's name; {@code none} when no cosignature is needed. */
  /** The policy's groups, in the order of their lines. */
  public List<Group> groups() {
    return List.copyOf(groups.values());
  }

  public String quorum() {
    return quorum;
  }

  /** The policy text as given. */
  public String text() {
    return text;
  }

  /**
   * What verifying a checkpoint under this policy found (FORMATS §8.4 steps 2 and 3).
   *
   * @param failure null when the checkpoint is trusted; otherwise a rule code and message
   * @param witnesses the policy names of the witnesses whose cosignature verified, in policy order
   * @param witnessedBefore the smallest T such that cosignatures with timestamps ≤ T meet the
   *     quorum; null for {@code quorum none} or when the quorum is not met
   */
  public record Verdict(Failure failure, List<String> witnesses, Long witnessedBefore) {
    public Verdict {
      witnesses = List.copyOf(witnesses);
    }

    public boolean ok() {
      return failure == null;
    }
  }

  /** A rule of FORMATS §8.4 that failed: a stable code and a one-line message. */
  public record Failure(String rule, String message) {}

  /**
   * What the signatures of one checkpoint prove, whatever the time: a failure, or the latest and
   * the earliest timestamp of each witness whose cosignature verified. Cached per checkpoint text,
   * so that bundles of one batch (which share a checkpoint) cost one set of Ed25519 verifications.
   */
  private record Signatures(Failure failure, Map<String, Long> earliest, long latest) {}

  /** Bounded: an audit of many batches keeps only recent checkpoints. */
  private static final int CACHE_ENTRIES = 1024;

  private final java.util.concurrent.ConcurrentHashMap<String, Signatures> verified = new java.util.concurrent.ConcurrentHashMap<>();

  /** Verifies a checkpoint's signatures and cosignatures and evaluates the quorum at {@code now} (seconds). */
  public Verdict verify(Checkpoint checkpoint, long now) {
    String key = checkpoint.signedText();
    Signatures sigs = verified.get(key);
    if (sigs == null) {
      if (verified.size() >= CACHE_ENTRIES) {
        verified.clear();
      }
      // One verification per checkpoint even when every audit thread meets it at once (a batch's
      // first bundles): the others wait for it instead of repeating ~10 ms of Ed25519.
      sigs = verified.computeIfAbsent(key, k -> verifySignatures(checkpoint));
    }
    if (sigs.failure() != null) {
      return new Verdict(sigs.failure(), List.of(), null);
    }
    if (sigs.latest() > now + FUTURE_SKEW_SECONDS) {
      return failed("log.cosignature-future", "a witness cosignature is dated more than 300 s in the verifier's future");
    }
    Map<String, Long> earliest = sigs.earliest();
    List<String> names = new ArrayList<>();
    for (Witness w : witnesses) {
      if (earliest.containsKey(w.name())) {
        names.add(w.name());
      }
    }
    if (quorum.equals("none")) {
      return new Verdict(null, names, null);
    }
    // The smallest T at which the quorum holds over the witnesses whose earliest cosignature is ≤ T.
    for (long t : new java.util.TreeSet<>(earliest.values())) {
      Set<String> seen = new HashSet<>();
      earliest.forEach((name, at) -> {
        if (at <= t) {
          seen.add(name);
        }
      });
      if (holds(quorum, seen)) {
        return new Verdict(null, names, t);
      }
    }
    return new Verdict(new Failure("log.quorum-not-met", "the witnesses' cosignatures do not meet the policy's quorum"),
        names, null);
  }

  /** FORMATS §8.4 steps 2 and 3 without the clock: origin, every known signature, every known cosignature. */
  private Signatures verifySignatures(Checkpoint checkpoint) {
    boolean originIsLog = false;
    for (Log log : logs) {
      if (log.key().name().equals(checkpoint.origin())) {
        originIsLog = true;
      }
    }
    if (!originIsLog) {
      return refused("log.origin-unknown", "the checkpoint's origin is not the key name of a log of the policy");
    }
    byte[] note = checkpoint.noteBytes();
    boolean logSigned = false;
    Map<String, Long> earliest = new HashMap<>();
    long latest = 0;
    for (Checkpoint.SignatureLine line : checkpoint.signatures()) {
      for (Log log : logs) {
        if (log.key().matches(line.name(), line.keyId())) {
          if (!log.key().verify(note, line.signature())) {
            return refused("log.signature-invalid", "the signature of log key '" + line.name() + "' does not verify");
          }
          if (line.name().equals(checkpoint.origin())) {
            logSigned = true;
          }
        }
      }
      for (Witness w : witnesses) {
        if (w.key().matches(line.name(), line.keyId())) {
          byte[] sig = line.signature();
          if (sig.length != 8 + Ed25519.SIGNATURE_BYTES) {
            return refused("log.cosignature-invalid", "the cosignature of witness " + w.name() + " is not a timestamp and a signature");
          }
          long t = 0;
          for (int i = 0; i < 8; i++) {
            t = (t << 8) | (sig[i] & 0xff);
          }
          if (t < 0) {
            return refused("log.cosignature-invalid", "the cosignature of witness " + w.name() + " has a timestamp above 2^63-1");
          }
          if (!w.key().verify(checkpoint.cosignedMessage(t), java.util.Arrays.copyOfRange(sig, 8, sig.length))) {
            return refused("log.cosignature-invalid", "the cosignature of witness " + w.name() + " does not verify");
          }
          earliest.merge(w.name(), t, Math::min);
          latest = Math.max(latest, t);
        }
      }
    }
    if (!logSigned) {
      return refused("log.checkpoint-unsigned", "the checkpoint carries no signature of the policy's log for its origin");
    }
    return new Signatures(null, Map.copyOf(earliest), latest);
  }

  private static Signatures refused(String rule, String message) {
    return new Signatures(new Failure(rule, message), Map.of(), 0);
  }

  /** Whether {@code name} (a witness or group) has witnessed, given the witnesses that cosigned. */
  private boolean holds(String name, Set<String> cosigned) {
    Group g = groups.get(name);
    if (g == null) {
      return cosigned.contains(name);
    }
    int n = 0;
    for (String m : g.members()) {
      if (holds(m, cosigned)) {
        n++;
      }
    }
    return n >= g.threshold();
  }

  private static Verdict failed(String rule, String message) {
    return new Verdict(new Failure(rule, message), List.of(), null);
  }
}
