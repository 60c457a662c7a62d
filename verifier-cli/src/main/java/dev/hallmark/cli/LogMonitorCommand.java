package dev.hallmark.cli;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.Tile;
import dev.hallmark.attestation.tlog.TiledTree;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.TokenSignature;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hallmark log monitor}: follows the issuer's transparency log (FORMATS §8.5) from the
 * checkpoint stored in {@code --state}: verifies the log's new checkpoint against the trust
 * root's log policy, proves it consistent with the stored one, and lists every new entry with the
 * verdict on its token's signature. Exit 0: every new entry verified; 1: an entry did not, or the
 * run failed; 2: the log is inconsistent (both checkpoints printed: proof that it misbehaves).
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "List the log's new entries since the last run, one JSON line each, after verifying its checkpoint",
      "against the trust root's log policy and its consistency with the checkpoint stored in --state.",
      "Exit status: 0 every new entry verified; 1 an entry's token did not verify, or the run failed;",
      "2 the log is inconsistent with the stored checkpoint (a misbehaving log: both are printed)."
    })
final class LogMonitorCommand implements Callable<Integer> {
  /** Exit status when the log proved itself inconsistent. */
  static final int INCONSISTENT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--trust-root", required = true, paramLabel = "<url-or-file>", description = "The issuer URL or a trust-root file; it must carry a log policy.")
  String trustRoot;

  @Option(names = "--state", required = true, paramLabel = "<dir>", description = "The folder that keeps the last verified checkpoint (created if missing; one per log).")
  Path stateDir;

  @Option(names = "--repository", paramLabel = "<owner/name>", description = "List only this repository's entries (repeatable); entries that fail are listed whatever their repository.")
  List<String> repositories = new ArrayList<>();

  @Option(names = "--log-url", paramLabel = "<url>", description = "The log's URL prefix (default: the policy's log URL, else <issuer>/log).")
  String logUrl;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Time-out of each fetch (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = CryptoOption.NAME, paramLabel = CryptoOption.LABEL, description = CryptoOption.HELP
      + " Default: native where it loads, else bc with one line on stderr.")
  String crypto;

  /** The engine of the entries' token signatures: bulk work, so AWS-LC unless told otherwise. */
  private dev.hallmark.attestation.crypto.CryptoEngine engine = dev.hallmark.attestation.crypto.CryptoEngine.bouncyCastle();

  /** The clock judging cosignature times (FORMATS §8.4 step 3); tests replace it. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    dev.hallmark.attestation.crypto.CryptoEngine forced = CryptoOption.forced(crypto);
    engine = forced != null ? forced : dev.hallmark.attestation.crypto.CryptoEngine.inBackground(
        () -> dev.hallmark.attestation.crypto.CryptoEngine.awsLcOrBouncyCastle(line -> err.println("hallmark: " + line)));
    OnlineOptions options = TrustRootCommand.options(timeoutSeconds);
    TrustRoot root = OnlineTrustRootSource.parse(trustRoot, options).load();
    if (root.log() == null) {
      throw new IllegalArgumentException("the trust root of " + Text.safe(root.issuer()) + " carries no log policy: there is no log to monitor");
    }
    LogPolicy policy = root.log().policy();
    RemoteLog log = RemoteLog.at(logUrl != null ? logUrl : defaultLogUrl(root), options);
    try (MonitorState state = MonitorState.open(stateDir)) {
      Checkpoint stored = state.load();
      Checkpoint current = log.checkpoint();
      LogPolicy.Verdict verdict = policy.verify(current, clock.instant().getEpochSecond());
      if (!verdict.ok()) {
        throw new IllegalStateException("the checkpoint of " + Text.safe(log.prefix()) + " is refused by the trust root's log policy: "
            + verdict.failure().rule() + ": " + verdict.failure().message());
      }
      if (stored != null && !stored.origin().equals(current.origin())) {
        throw new IllegalStateException("the state folder holds a checkpoint of the log " + Text.safe(stored.origin())
            + ", not of " + Text.safe(current.origin()) + "; use one --state folder per log");
      }
      long from = stored == null ? 0 : stored.size();
      if (stored != null && current.size() < stored.size()) {
        // An older checkpoint (a cache, a replica behind) is no fault if the stored tree extends it.
        TiledTree storedTree = TiledTree.open(log, stored.size(), stored.rootHash());
        if (!Merkle.verifyConsistency(current.size(), stored.size(), current.rootHash(), stored.rootHash(),
            storedTree.consistencyProof(current.size(), stored.size()))) {
          return inconsistent(err, state, stored, current, log);
        }
        err.println("hallmark: note: the log served a checkpoint of tree " + current.size() + ", older than the stored tree "
            + stored.size() + " and consistent with it; nothing new");
        return Hallmark.OK;
      }
      if (stored != null && current.size() == stored.size()
          && !java.security.MessageDigest.isEqual(current.rootHash(), stored.rootHash())) {
        // Two signed roots for one size prove the fork alone, whatever the tiles say.
        return inconsistent(err, state, stored, current, log);
      }
      TiledTree tree = TiledTree.open(log, current.size(), current.rootHash());
      if (stored != null && !Merkle.verifyConsistency(stored.size(), current.size(), stored.rootHash(), current.rootHash(),
          tree.consistencyProof(stored.size(), current.size()))) {
        return inconsistent(err, state, stored, current, log);
      }
      int failed = list(out, root, tree, from, current.size());
      state.store(current);
      out.flush();
      if (failed > 0) {
        err.println("hallmark: " + failed + " of the log's new entries did not verify against the trust root");
        return Hallmark.FAILED;
      }
      return Hallmark.OK;
    }
  }

  /** The policy's one log URL, else FORMATS §8.1's {@code <issuer>/log}; several URLs need --log-url. */
  private static String defaultLogUrl(TrustRoot root) {
    Set<String> urls = new LinkedHashSet<>();
    for (LogPolicy.Log l : root.log().policy().logs()) {
      if (l.url() != null) {
        urls.add(l.url());
      }
    }
    if (urls.size() > 1) {
      throw new IllegalArgumentException("the log policy names " + urls.size() + " log URLs; choose one with --log-url");
    }
    return urls.isEmpty() ? root.issuer() + "/log" : urls.iterator().next();
  }

  /** The loud stop: one line, then both signed checkpoints, which together prove the log forked. */
  private static int inconsistent(PrintWriter err, MonitorState state, Checkpoint stored, Checkpoint current, RemoteLog log) {
    err.println("hallmark: THE LOG IS INCONSISTENT: its checkpoint of tree " + current.size() + " and the stored checkpoint of tree "
        + stored.size() + " cannot both be true; the log is misbehaving: keep both checkpoints below as proof (docs/monitoring.md)");
    err.println("--- stored checkpoint (" + Text.safe(state.checkpointFile().toString()) + ")");
    err.print(stored.signedText());
    err.println("--- checkpoint served by " + Text.safe(log.prefix()) + "/checkpoint");
    err.print(current.signedText());
    err.println("---");
    err.flush();
    return INCONSISTENT;
  }

  /** Lists entries {@code from} to {@code to}, a bundle at a time, tokens verified in parallel; returns how many failed. */
  private int list(PrintWriter out, TrustRoot root, TiledTree tree, long from, long to) {
    int failed = 0;
    for (long b = from >>> Tile.HEIGHT; from < to && b <= (to - 1) >>> Tile.HEIGHT; b++) {
      List<byte[]> bundle = tree.bundle(b);
      long start = b << Tile.HEIGHT;
      int lo = (int) Math.max(0, from - start);
      int hi = (int) Math.min(bundle.size(), to - start);
      List<Map<String, Object>> lines =
          IntStream.range(lo, hi).parallel().mapToObj(i -> entryLine(root, engine, start + i, bundle.get(i))).toList();
      for (Map<String, Object> line : lines) {
        boolean ok = Boolean.TRUE.equals(line.get("verified"));
        if (!ok) {
          failed++;
        } else if (!repositories.isEmpty() && !repositories.contains(line.get("repository"))) {
          continue;
        }
        out.println(new String(StrictJson.write(line, true), StandardCharsets.US_ASCII));
      }
    }
    return failed;
  }

  /**
   * One entry's line: the token's identity claims when its signature verifies with the trust-root
   * key its {@code kid} names (no clock: an old entry's token has long expired), else the reason.
   */
  static Map<String, Object> entryLine(TrustRoot root, dev.hallmark.attestation.crypto.CryptoEngine engine, long index,
      byte[] entry) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("index", index);
    for (String name : List.of("repository", "ref", "sha", "workflow", "run_id", "job_id", "job_name", "iat", "kid")) {
      line.put(name, null);
    }
    line.put("verified", false);
    line.put("error", null);
    for (byte c : entry) {
      if (c < 0x21 || c > 0x7e) {
        line.put("error", "the entry is not a token: it holds bytes other than printable ASCII");
        return line;
      }
    }
    CompactJws jws;
    try {
      jws = CompactJws.parse(new String(entry, StandardCharsets.US_ASCII));
    } catch (AttestationException e) {
      line.put("error", "the entry is not a token: " + e.getMessage());
      return line;
    }
    if (jws.header().get("kid") instanceof String kid) {
      line.put("kid", kid);
    }
    TokenSignature.Outcome signed = TokenSignature.verify(root, jws, engine);
    if (!signed.ok()) {
      line.put("error", signed.failure());
      return line;
    }
    try {
      JsonObject claims = jws.claims();
      if (!root.issuer().equals(claims.requireString("iss"))) {
        line.put("error", "token issuer is not the trust root's issuer");
        return line;
      }
      for (String name : List.of("repository", "ref", "sha", "workflow", "run_id", "job_id", "job_name")) {
        line.put(name, claims.requireString(name));
      }
      line.put("iat", claims.requireTime("iat"));
    } catch (AttestationException e) {
      for (String name : List.of("repository", "ref", "sha", "workflow", "run_id", "job_id", "job_name", "iat")) {
        line.put(name, null);
      }
      line.put("error", "token claim " + e.getMessage());
      return line;
    }
    line.put("verified", true);
    return line;
  }
}
