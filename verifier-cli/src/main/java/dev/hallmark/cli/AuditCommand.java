package dev.hallmark.cli;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.CheckOutcome;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hallmark audit}: verifies every {@code *.hallmark.json} under a folder, in parallel,
 * streaming the folder (at most a few bundles per thread are in memory at once).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Verify every *.hallmark.json under a folder against a trust root, in parallel.",
      "A bundle X.hallmark.json is checked against the file X beside it when present (X must be named by a subject).",
      "Exit status 0 only when every bundle verifies; an empty folder is an error."
    })
final class AuditCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<dir>", description = "The folder to audit (searched recursively).")
  Path dir;

  @Option(names = "--trust-root", required = true, paramLabel = "<url-or-file>", description = "The issuer URL or a trust-root file, loaded once.")
  String trustRoot;

  @Option(names = "--json", description = "Print one JSON object per bundle (JSON Lines), then a summary object.")
  boolean json;

  @Option(names = "--require-artifacts", description = "Fail a bundle whose artifact is not beside it.")
  boolean requireArtifacts;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
  Integer threads;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Time-out for fetching an online trust root (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = CryptoOption.NAME, paramLabel = CryptoOption.LABEL, description = CryptoOption.HELP + " Default: native where it loads, else bc with one line on stderr.")
  String crypto;

  @CommandLine.Mixin Expectations expect = new Expectations();

  private final AtomicLong withArtifact = new AtomicLong();
  private final AtomicLong withoutArtifact = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isDirectory(dir)) {
      return fatal(out, err, Text.safe(dir.toString()) + " is not a directory");
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1 || n > 256) {
      return fatal(out, err, "--threads must be from 1 to 256");
    }
    // Bulk work: AWS-LC unless forced, its ~400 ms class initialisation on a second thread while
    // the trust root and the first bundles are read; BouncyCastle with one line where it cannot load.
    CryptoEngine engine;
    try {
      engine = CryptoOption.forced(crypto);
    } catch (IllegalArgumentException e) {
      return fatal(out, err, e.getMessage());
    }
    if (engine == null) {
      engine = CryptoEngine.inBackground(() -> CryptoEngine.awsLcOrBouncyCastle(line -> err.println("hallmark: " + line)));
    }
    // Loaded once: every bundle is judged against the same keys.
    TrustRoot root;
    try {
      root = OnlineTrustRootSource.parse(trustRoot, TrustRootCommand.options(timeoutSeconds)).load();
    } catch (RuntimeException e) {
      return fatal(out, err, Hallmark.messageOf(e));
    }

    TrustRootSource loaded = TrustRootSource.of(root);
    Verifier verifier = new Verifier(engine);

    ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "audit");
      t.setDaemon(true);
      return t;
    });
    Semaphore inFlight = new Semaphore(n * 4);
    String walkError = null;
    // Files.find hands over the attributes the walk has already read: no second stat per entry
    // (a symbolic link is still followed, as Files.isRegularFile did).
    try (Stream<Path> files =
        Files.find(
            dir,
            Integer.MAX_VALUE,
            (p, a) ->
                p.getFileName().toString().endsWith(Bundle.FILE_SUFFIX)
                    && (a.isRegularFile() || (a.isSymbolicLink() && Files.isRegularFile(p))))) {
      Iterator<Path> it = files.iterator();
      while (it.hasNext()) {
        Path bundlePath = it.next();
        inFlight.acquire();
        pool.execute(
            () -> {
              try {
                report(out, bundlePath, verifyOne(verifier, loaded, bundlePath));
              } finally {
                inFlight.release();
              }
            });
      }
    } catch (IOException | UncheckedIOException e) {
      walkError = "cannot read " + dir + ": " + Hallmark.messageOf(e instanceof UncheckedIOException u ? u.getCause() : e);
    } finally {
      pool.shutdown();
      pool.awaitTermination(365, TimeUnit.DAYS);
    }
    long total = withArtifact.get() + withoutArtifact.get() + failed.get();
    if (walkError != null) {
      return fatal(out, err, Text.safe(walkError));
    }
    if (total == 0) {
      return fatal(out, err, "no *" + Bundle.FILE_SUFFIX + " bundle under " + Text.safe(dir.toString()));
    }
    if (json) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("verifiedWithArtifact", withArtifact.get());
      summary.put("verifiedWithoutArtifact", withoutArtifact.get());
      summary.put("failed", failed.get());
      summary.put("total", total);
      out.println(new String(StrictJson.write(Map.of("summary", summary), true), StandardCharsets.US_ASCII));
    } else {
      out.println("audit of " + Text.safe(dir.toString()) + " against issuer " + Text.safe(root.issuer()));
      out.printf("  %-26s %8d%n", "verified with artifact", withArtifact.get());
      out.printf("  %-26s %8d%n", "verified without artifact", withoutArtifact.get());
      out.printf("  %-26s %8d%n", "failed", failed.get());
      out.printf("  %-26s %8d%n", "total", total);
      if (expect.isEmpty()) {
        out.println(
            "warning: no --repository, --ref, --workflow or --sha was given: bundles of any repository and ref of this issuer passed");
      }
      out.println(failed.get() == 0 ? "AUDIT PASSED" : "AUDIT FAILED: " + failed.get() + " bundle(s) did not verify");
    }
    out.flush();
    return failed.get() == 0 ? Hallmark.OK : Hallmark.FAILED;
  }

  /** One line on stderr; with {@code --json} also one {@code {"error": …}} line, so a reader gets JSON. */
  private int fatal(PrintWriter out, PrintWriter err, String message) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("error", message);
      out.println(new String(StrictJson.write(m, true), StandardCharsets.US_ASCII));
      out.flush();
    }
    err.println("hallmark: " + Text.oneLine(message));
    return Hallmark.FAILED;
  }

  /** One bundle's row. */
  private record Row(VerificationResult result, Path artifact, String missingArtifact) {
    boolean verified() {
      return result.isVerified() && missingArtifact == null;
    }
  }

  private Row verifyOne(Verifier verifier, TrustRootSource root, Path bundlePath) {
    String name = bundlePath.getFileName().toString();
    Path artifact = bundlePath.resolveSibling(name.substring(0, name.length() - Bundle.FILE_SUFFIX.length()));
    VerificationPolicy.Builder policy = VerificationPolicy.builder(root);
    expect.applyTo(policy);
    boolean hasArtifact = Files.isRegularFile(artifact);
    if (hasArtifact) {
      policy.artifactNamedBySubject(artifact);
    } else {
      policy.withoutArtifactUnsafe();
    }
    VerificationResult result = verifier.verify(() -> BundleInput.readFile(bundlePath), policy.build());
    String missing =
        !hasArtifact && requireArtifacts && result.isVerified()
            ? "artifact " + artifact.getFileName() + " is not beside the bundle (--require-artifacts)"
            : null;
    return new Row(result, hasArtifact ? artifact : null, missing);
  }

  private void report(PrintWriter out, Path bundlePath, Row row) {
    if (row.verified()) {
      (row.artifact() != null ? withArtifact : withoutArtifact).incrementAndGet();
    } else {
      failed.incrementAndGet();
    }
    String failedCheck = null;
    String message = null;
    if (!row.result().isVerified()) {
      CheckOutcome f = row.result().failure();
      failedCheck = f.check().wireName();
      message = f.message();
    } else if (row.missingArtifact() != null) {
      failedCheck = "artifact";
      message = row.missingArtifact();
    }
    if (json) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("bundle", bundlePath.toString());
      line.put("verified", row.verified());
      line.put("failedCheck", failedCheck);
      line.put("message", message);
      line.put("artifact", row.artifact() == null ? null : row.artifact().toString());
      String text = new String(StrictJson.write(line, true), StandardCharsets.US_ASCII);
      synchronized (out) {
        out.println(text);
      }
    } else if (failedCheck != null) {
      String text = "FAIL  " + Text.safe(bundlePath.toString()) + "  " + failedCheck + ": " + Text.safe(message);
      synchronized (out) {
        out.println(text);
      }
    }
  }
}
