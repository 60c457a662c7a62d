package dev.hallmark.cli;

import dev.hallmark.attestation.tlog.LogPolicy;
import dev.hallmark.attestation.trustroot.TrustKey;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.attestation.trustroot.TrustRootLog;
import dev.hallmark.trustroot.Location;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootExport;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hallmark trust-root export|show}. */
@Command(
    name = "trust-root",
    mixinStandardHelpOptions = true,
    description = "Export an online issuer's keys to an offline trust-root file, or show a trust root.",
    subcommands = {TrustRootCommand.Export.class, TrustRootCommand.Show.class})
final class TrustRootCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: export or show");
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Fetch an issuer's discovery document and JWKS and write the offline trust-root file.")
  static final class Export implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--issuer", required = true, paramLabel = "<url>", description = "The issuer URL, e.g. https://ci.example.com/oidc.")
    String issuer;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "<file>",
        description = "Where to write the trust-root file (written atomically); - writes it to stdout (a file named - is ./-).")
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Time-out for both fetches together (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      URI uri = parseUrl(issuer);
      TrustRoot root = OnlineTrustRootSource.of(uri, options(timeoutSeconds)).load();
      if (out.toString().equals("-")) {
        // The document alone, byte for byte the file's content: stdout is meant for a pipe.
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(new String(root.toFileBytes(), StandardCharsets.UTF_8));
        stdout.flush();
        return Hallmark.OK;
      }
      TrustRootExport.write(root, out);
      spec.commandLine()
          .getOut()
          .println("wrote " + Text.safe(out.toString()) + ": issuer " + Text.safe(root.issuer()) + ", " + root.keys().size() + " usable key(s)");
      return Hallmark.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a trust root's issuer, keys and transparency-log policy.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<file-or-url>", description = "A trust-root file or an issuer URL.")
    String source;

    @Option(names = "--json", description = "Print the trust-root file form as JSON.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Time-out for online fetches (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      TrustRoot root = OnlineTrustRootSource.parse(source, options(timeoutSeconds)).load();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(new String(root.toFileBytes(), StandardCharsets.UTF_8));
        return Hallmark.OK;
      }
      out.println("issuer: " + Text.safe(root.issuer()));
      out.println("usable keys: " + root.keys().size());
      for (TrustKey k : root.keys()) {
        out.println(
            "  kid "
                + Text.safe(k.kid() == null ? "(none)" : k.kid())
                + "  ES256 P-256  thumbprint "
                + k.publicKey().thumbprint()
                + "  issued tokens from "
                + (k.nbf() == null ? "any time" : Instant.ofEpochSecond(k.nbf()).toString())
                + " to "
                + (k.exp() == null ? "any time" : Instant.ofEpochSecond(k.exp()).toString())
                + (k.revokedAt() == null ? "" : "  REVOKED from " + Instant.ofEpochSecond(k.revokedAt())));
      }
      int skipped = root.jwks().requireArray("keys").size() - root.keys().size();
      if (skipped > 0) {
        out.println("skipped keys (another type, curve, alg or use): " + skipped);
      }
      printLog(out, root.log());
      return Hallmark.OK;
    }

    /** The transparency log (FORMATS §8.2): since when bundles must carry a proof, and the policy. */
    private static void printLog(PrintWriter out, TrustRootLog log) {
      if (log == null) {
        out.println("transparency log: none (bundles are not checked against a log)");
        return;
      }
      out.println("transparency log: required for tokens issued from " + Instant.ofEpochSecond(log.since()));
      for (LogPolicy.Log l : log.policy().logs()) {
        out.println("  log " + Text.safe(l.key().name()) + (l.url() == null ? "" : "  " + Text.safe(l.url())));
      }
      for (LogPolicy.Witness w : log.policy().witnesses()) {
        out.println("  witness " + Text.safe(w.name()) + (w.url() == null ? "" : "  " + Text.safe(w.url())));
      }
      for (LogPolicy.Group g : log.policy().groups()) {
        out.println("  group " + Text.safe(g.name()) + ": " + g.threshold() + " of " + Text.safe(String.join(", ", g.members())));
      }
      out.println("  quorum " + Text.safe(log.policy().quorum()));
    }
  }

  static OnlineOptions options(int timeoutSeconds) {
    if (timeoutSeconds <= 0 || timeoutSeconds > 3600) {
      throw new TrustRootException(TrustRootException.Code.INVALID, "--timeout must be from 1 to 3600 seconds");
    }
    return OnlineOptions.builder().timeout(Duration.ofSeconds(timeoutSeconds)).build();
  }

  static URI parseUrl(String url) {
    // An http(s) URL reads as --trust-root's does (an upper-case scheme as the lower-case one);
    // anything else is left to the online rules, which refuse it with their own message.
    try {
      Location where = Location.parse(url, "issuer");
      if (where.url() != null) {
        return where.url();
      }
    } catch (TrustRootException e) {
      if (e.code() == TrustRootException.Code.INSECURE_URL) {
        throw e;
      }
    }
    try {
      return new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the issuer URL is not a valid URL");
    }
  }
}
