package dev.hallmark.orchestrator.log;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How {@code serve} and {@code run} configure the log's witnesses: either {@code --witness <vkey>
 * <url>} (repeatable) with {@code --quorum N|none}, or a whole tlog-policy file
 * ({@code --log-policy}); and how long an attestation waits for the quorum ({@code --log-timeout}).
 *
 * <pre>{@code
 * LogSettings s = LogSettings.of(List.of(new LogSettings.Witness(vkey, "https://w1.example")), "1", null, Duration.ofSeconds(30));
 * LogPolicy policy = s.policy(logKey.vkey(), issuer.logUrl());
 * }</pre>
 */
public record LogSettings(List<Witness> witnesses, String quorum, Path policyFile, Duration timeout) {
  /** Issue 12: the step's call fails after 30 s without a quorum. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** How long one add-checkpoint request may take. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** One {@code --witness <vkey> <url>}. */
  public record Witness(String vkey, String url) {
    public Witness {
      requireNonNull(vkey, "vkey");
      requireNonNull(url, "url");
    }
  }

  public LogSettings {
    witnesses = List.copyOf(witnesses);
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > 3600) {
      throw bad("--log-timeout must be between 1 and 3600 seconds");
    }
    if (policyFile != null && (!witnesses.isEmpty() || quorum != null)) {
      throw bad("--log-policy replaces --witness and --quorum; give one or the other");
    }
    if (quorum != null && !quorum.equals("none")) {
      if (!quorum.matches("[1-9][0-9]{0,3}") || Integer.parseInt(quorum) > witnesses.size()) {
        throw bad("--quorum must be none or a number from 1 to the number of --witness (" + witnesses.size()
            + "), not " + quorum);
      }
    }
  }

  /** No witnesses, {@code quorum none}, the default time-out: what {@code hallmark run} uses. */
  public static LogSettings defaults() {
    return new LogSettings(List.of(), null, null, DEFAULT_TIMEOUT);
  }

  /**
   * The policy the trust root publishes. From flags: the log line (this log's vkey and URL), one
   * {@code witness} line per {@code --witness} (named by its key's name), and the quorum ({@code
   * none} without witnesses; all of them unless {@code --quorum} says otherwise). From a file: the
   * file as it is, which must name this log's key.
   */
  public LogPolicy policy(NoteKey logKey, String logUrl) {
    if (policyFile != null) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(policyFile);
      } catch (IOException e) {
        throw bad("cannot read --log-policy " + policyFile);
      }
      LogPolicy p = parse(bytes, "--log-policy " + policyFile);
      if (p.logs().stream().noneMatch(l -> l.key().toString().equals(logKey.toString()))) {
        throw bad("--log-policy " + policyFile + " has no log line with this orchestrator's log key " + logKey);
      }
      for (LogPolicy.Witness w : p.witnesses()) {
        if (w.url() == null) {
          throw bad("--log-policy " + policyFile + ": witness " + w.name() + " has no URL to ask");
        }
        checkUrl(w.url(), "witness " + w.name());
      }
      return p;
    }
    StringBuilder text = new StringBuilder("log ").append(logKey).append(' ').append(logUrl).append('\n');
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Witness w : witnesses) {
      NoteKey key;
      try {
        key = NoteKey.parse(w.vkey());
      } catch (AttestationException e) {
        throw bad("--witness " + w.vkey() + ": " + e.getMessage());
      }
      if (key.type() != NoteKey.TYPE_COSIGNATURE_V1) {
        throw bad("--witness " + w.vkey() + " is not a cosignature/v1 (type 0x04) key");
      }
      checkUrl(w.url(), "--witness " + key.name());
      if (!seen.add(key.name())) {
        throw bad("two --witness keys are named " + key.name());
      }
      names.add(key.name());
      text.append("witness ").append(key.name()).append(' ').append(key).append(' ').append(w.url()).append('\n');
    }
    if (names.isEmpty() || "none".equals(quorum)) {
      text.append("quorum none\n");
    } else {
      int k = quorum == null ? names.size() : Integer.parseInt(quorum);
      text.append("group witnesses ").append(k).append(' ').append(String.join(" ", names)).append('\n');
      text.append("quorum witnesses\n");
    }
    return parse(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "the log policy");
  }

  /** One client per witness of {@code policy}. */
  public static List<WitnessClient> clients(LogPolicy policy, HttpClient http) {
    List<WitnessClient> out = new ArrayList<>();
    for (LogPolicy.Witness w : policy.witnesses()) {
      out.add(new WitnessClient(w.name(), w.key(), w.url(), http, REQUEST_TIMEOUT));
    }
    return out;
  }

  private static LogPolicy parse(byte[] bytes, String what) {
    try {
      return LogPolicy.parse(bytes);
    } catch (AttestationException e) {
      throw bad(what + ": " + e.getMessage());
    }
  }

  private static void checkUrl(String url, String what) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw bad(what + ": " + url + " is not a URL");
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw bad(what + ": " + url + " is not an http(s) URL");
    }
  }

  private static OrchestratorException bad(String message) {
    return new OrchestratorException(Code.INVALID_INPUT, message);
  }
}
