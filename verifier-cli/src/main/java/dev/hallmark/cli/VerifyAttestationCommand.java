package dev.hallmark.cli;

import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.Check;
import dev.hallmark.verifier.CheckOutcome;
import dev.hallmark.verifier.Identity;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hallmark verify-attestation}: FORMATS §7. */
@Command(
    name = "verify-attestation",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a bundle against a trust root (FORMATS.md §6), and optionally the artifact it attests.",
      "Exit status 0 when every check passes, 1 otherwise and on any error."
    })
final class VerifyAttestationCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ARTIFACT",
      description = "The artifact file; its SHA-256 must equal a subject's digest.")
  Path artifact;

  @Option(
      names = "--digest",
      paramLabel = "sha256:<hex>",
      description = "Instead of ARTIFACT: the digest of an artifact that is not a file (an image, a blob elsewhere), sha256: and 64 lowercase hex.")
  String digest;

  @Option(names = "--bundle", paramLabel = "<path-or-url>", description = "The bundle: a file, or an https:// URL (10 MiB at most).")
  String bundle;

  @Option(
      names = "--trust-root",
      paramLabel = "<url-or-file>",
      description = "The issuer URL (online: discovery + JWKS) or a trust-root file (air-gapped).")
  String trustRoot;

  @Option(
      names = "--log-policy",
      paramLabel = "FILE",
      description = "A c2sp.org/tlog-policy file that replaces the trust root's log policy (FORMATS §8.2); since stays the trust root's, or 0.")
  Path logPolicy;

  @CommandLine.Mixin Expectations expect = new Expectations();

  @Option(names = "--json", description = "Print exactly one JSON object (FORMATS §7) on stdout, in failure too.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Time-out for fetching an online trust root (both documents together), and for a bundle URL (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = CryptoOption.NAME, paramLabel = CryptoOption.LABEL, description = CryptoOption.HELP + " Default: bc.")
  String crypto;

  @Override
  public Integer call() {
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * The arguments in their plain, unambiguous form (each option once, as {@code --name value}, at
   * most one artifact), parsed without picocli: building picocli's model costs a release gate's
   * one verification about 80 ms. Returns {@code null} for anything else (help, {@code --x=y},
   * repeats, unknown options, values that look like options), which picocli then judges, with the
   * same errors as ever.
   */
  static VerifyAttestationCommand parsePlain(String[] args) {
    VerifyAttestationCommand c = new VerifyAttestationCommand();
    c.timeoutSeconds = 10;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--json")) {
        if (!seen.add(a)) {
          return null;
        }
        c.json = true;
      } else if (a.startsWith("-")) {
        if (!VALUE_OPTIONS.contains(a) || i + 1 >= args.length || !seen.add(a) || args[i + 1].startsWith("-")) {
          return null;
        }
        String v = args[++i];
        switch (a) {
          case "--bundle" -> c.bundle = v;
          case "--trust-root" -> c.trustRoot = v;
          case "--crypto" -> c.crypto = v;
          case "--digest" -> c.digest = v;
          case "--log-policy" -> {
            try {
              c.logPolicy = Path.of(v);
            } catch (java.nio.file.InvalidPathException e) {
              return null;
            }
          }
          case "--repository" -> c.expect.repository = v;
          case "--ref" -> c.expect.ref = v;
          case "--workflow" -> c.expect.workflow = v;
          case "--sha" -> c.expect.sha = v;
          case "--timeout" -> {
            try {
              c.timeoutSeconds = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
      } else {
        if (c.artifact != null) {
          return null;
        }
        try {
          c.artifact = Path.of(a);
        } catch (java.nio.file.InvalidPathException e) {
          return null;
        }
      }
    }
    return c;
  }

  /** Verifies as the options say, writing to {@code out} and {@code err}; returns the exit status. */
  int run(PrintWriter out, PrintWriter err) {
    Map<String, String> expectations = expectations();
    if (bundle == null) {
      return usageError(out, err, Check.BUNDLE, "missing required option: '--bundle=<path-or-url>'", expectations);
    }
    if (trustRoot == null) {
      return usageError(out, err, Check.TRUST_ROOT, "missing required option: '--trust-root=<url-or-file>'", expectations);
    }
    if (timeoutSeconds <= 0 || timeoutSeconds > 3600) {
      return usageError(out, err, Check.TRUST_ROOT, "--timeout must be from 1 to 3600 seconds", expectations);
    }
    if (digest != null && artifact != null) {
      return usageError(out, err, Check.ARTIFACT, "give ARTIFACT or --digest, not both", expectations);
    }
    if (digest != null && !(digest.startsWith(SHA256) && Hex.isLowerHex(digest.substring(SHA256.length()), 64))) {
      return usageError(out, err, Check.ARTIFACT, "--digest must be sha256: and 64 lowercase hex digits", expectations);
    }
    // One bundle: BouncyCastle unless forced; AWS-LC's ~600 ms load would outweigh its speed.
    CryptoEngine engine;
    try {
      CryptoEngine forced = CryptoOption.forced(crypto);
      engine = forced == null ? CryptoEngine.bouncyCastle() : forced;
    } catch (IllegalArgumentException e) {
      return usageError(out, err, Check.BUNDLE, e.getMessage(), expectations);
    }
    OnlineOptions online = OnlineOptions.builder().timeout(java.time.Duration.ofSeconds(timeoutSeconds)).build();
    VerificationPolicy.Builder policy = VerificationPolicy.builder(trustRootSource(trustRoot, online));
    if (artifact != null) {
      policy.artifact(artifact);
    } else if (digest != null) {
      policy.artifactDigest(digest.substring(SHA256.length()));
    } else {
      policy.withoutArtifactUnsafe();
    }
    if (logPolicy != null) {
      policy.logPolicy(logPolicy);
    }
    expect.applyTo(policy);

    Progress progress = Progress.forArtifact(artifact, err);
    VerificationResult result;
    try {
      result = new Verifier(engine, progress).verify(BundleInput.reader(bundle, online), policy.build());
    } finally {
      progress.finish();
    }
    if (json) {
      printJson(out, result.toJson());
    } else {
      printHuman(out, result);
    }
    return result.isVerified() ? Hallmark.OK : Hallmark.FAILED;
  }

  /** A refused URL fails the trust-root check in order (after the bundle check), not up front. */
  static TrustRootSource trustRootSource(String arg, OnlineOptions online) {
    try {
      return OnlineTrustRootSource.parse(arg, online);
    } catch (TrustRootException e) {
      return new TrustRootSource() {
        @Override
        public TrustRoot load() {
          throw e;
        }

        @Override
        public String describe() {
          return arg;
        }
      };
    }
  }

  private Map<String, String> expectations() {
    return expect.toMap();
  }

  private int usageError(PrintWriter out, PrintWriter err, Check stage, String message, Map<String, String> expectations) {
    if (json) {
      printJson(out, VerificationResult.usageError(stage, message, expectations).toJson());
    }
    err.println("hallmark: " + message);
    return Hallmark.FAILED;
  }

  /** FORMATS §7: the one digest form {@code --digest} takes. */
  private static final String SHA256 = "sha256:";

  /** Options whose next argument is a value, never a flag of ours. */
  private static final java.util.Set<String> VALUE_OPTIONS =
      java.util.Set.of("--bundle", "--trust-root", "--crypto", "--digest", "--log-policy", "--repository", "--ref", "--workflow", "--sha", "--timeout");

  /** Whether {@code --json} stands among the arguments as a flag (not as another option's value). */
  static boolean asksForJson(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--json") && (i == 0 || !VALUE_OPTIONS.contains(args[i - 1]))) {
        return true;
      }
      if (args[i].equals("--")) {
        return false;
      }
    }
    return false;
  }

  /**
   * For parse errors picocli finds before the command runs (FORMATS §7: one object anyway), naming
   * the stage the bad argument blocks: the artifact, the trust root (its source or time-out), or
   * else the bundle. The expectations parsed so far are the policy.
   */
  void printUsageErrorJson(CommandLine.ParameterException ex) {
    Check stage = Check.BUNDLE;
    CommandLine.Model.ArgSpec arg = ex.getArgSpec();
    if (arg == null && ex instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()) {
      arg = missing.getMissing().get(0); // an option given last, without its value
    }
    if (arg instanceof CommandLine.Model.PositionalParamSpec
        || (arg instanceof CommandLine.Model.OptionSpec digestOption && digestOption.longestName().equals("--digest"))) {
      stage = Check.ARTIFACT;
    } else if (arg instanceof CommandLine.Model.OptionSpec option
        && (option.longestName().equals("--trust-root") || option.longestName().equals("--timeout")
            || option.longestName().equals("--log-policy"))) {
      stage = Check.TRUST_ROOT;
    }
    printJson(
        ex.getCommandLine().getOut(),
        VerificationResult.usageError(stage, Text.oneLine(ex.getMessage()), expectations()).toJson());
  }

  static void printJson(PrintWriter out, Map<String, Object> object) {
    // Non-ASCII escaped: the same JSON values, and nothing from a bundle can reach a terminal raw.
    out.println(new String(StrictJson.writePretty(object, true), StandardCharsets.US_ASCII));
    out.flush();
  }

  private void printHuman(PrintWriter out, VerificationResult result) {
    for (CheckOutcome o : result.checks()) {
      out.printf("  %-4s  %-13s  %s%n", o.ok() ? "ok" : "FAIL", o.check().wireName(), Text.safe(o.message()));
    }
    if (result.isVerified()) {
      if (result.policy().isEmpty()) {
        out.println(
            "warning: no --repository, --ref, --workflow or --sha was given: any repository and ref of this issuer would have passed");
      }
      Identity id = result.identity();
      String what =
          result.artifact() == null
              ? result.subjects().size() + " subject(s) (no artifact checked) were"
              : result.artifact().path() == null
                  ? "sha256:" + result.artifact().sha256() + " was"
                  : Text.safe(result.artifact().path()) + " was";
      out.println(
          "VERIFIED: "
              + what
              + " attested by "
              + Text.safe(id.repository())
              + " "
              + Text.safe(id.ref())
              + " @ "
              + Text.safe(id.sha())
              + " ("
              + Text.safe(id.workflow())
              + ", run "
              + Text.safe(id.runId())
              + ", issuer "
              + Text.safe(id.issuer())
              + ")");
    } else {
      CheckOutcome f = result.failure();
      out.println("FAILED: check '" + f.check().wireName() + "' failed: " + Text.safe(f.message()));
    }
    out.flush();
  }
}
