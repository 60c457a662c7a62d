package dev.hallmark.bench;

import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.verifier.CheckOutcome;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Splits the cold start of one offline verification into its parts, to find what dominates it.
 * Run it on the CLI jar's class path (and, like {@code bin/hallmark}, with a CDS archive):
 *
 * <pre>{@code
 * java -cp verifier-cli/target/hallmark.jar:benchmarks/target/classes dev.hallmark.bench.StartupProbe \
 *     lib ARTIFACT BUNDLE TRUST-ROOT     # the verifier library alone, no command line
 * ... StartupProbe cli ARTIFACT BUNDLE TRUST-ROOT       # dev.hallmark.cli.Hallmark.run, in process
 * ... StartupProbe cli-version                          # Hallmark.run("--version"): the picocli model
 * ... StartupProbe cli-one ARTIFACT BUNDLE TRUST-ROOT   # picocli with verify-attestation alone
 * ... StartupProbe steps ARTIFACT BUNDLE TRUST-ROOT     # each step of a verification, first call
 * ... StartupProbe cli-prewarm ARTIFACT BUNDLE TRUST-ROOT   # cli, with Jackson and BouncyCastle
 *                                                           # warmed on a second thread meanwhile
 * }</pre>
 *
 * <p>It prints to stderr the milliseconds spent inside {@code main}; the rest of the wall time is
 * the JVM starting and stopping. Never part of the test suite.
 */
public final class StartupProbe {
  private StartupProbe() {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    if (args.length == 0) {
      System.err.println("usage: StartupProbe lib|cli ARTIFACT BUNDLE TRUST-ROOT | cli-version");
      System.exit(2);
    }
    int status;
    switch (args[0]) {
      case "lib" -> status = library(args, start);
      case "steps" -> status = steps(args);
      case "cli-prewarm" -> {
        prewarm();
        status = cli(new String[] {
            "verify-attestation", args[1], "--bundle", args[2], "--trust-root", args[3],
            "--repository", "acme/app", "--ref", "refs/heads/main"});
      }
      case "cli" -> status = cli(new String[] {
          "verify-attestation", args[1], "--bundle", args[2], "--trust-root", args[3],
          "--repository", "acme/app", "--ref", "refs/heads/main"});
      case "cli-version" -> status = cli(new String[] {"--version"});
      case "cli-one" -> status = oneCommand(new String[] {
          args[1], "--bundle", args[2], "--trust-root", args[3],
          "--repository", "acme/app", "--ref", "refs/heads/main"});
      default -> {
        System.err.println("StartupProbe: unknown mode " + args[0]);
        status = 2;
      }
    }
    System.err.printf("probe %s: %.1f ms in main%n", args[0], (System.nanoTime() - start) / 1e6);
    System.exit(status);
  }

  private static int library(String[] args, long start) {
    Path artifact = Path.of(args[1]);
    Path bundle = Path.of(args[2]);
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.file(Path.of(args[3])))
            .artifact(artifact)
            .expectRepository("acme/app")
            .expectRef("refs/heads/main")
            .build();
    long policyBuilt = System.nanoTime();
    VerificationResult result =
        new Verifier()
            .verify(
                () -> {
                  try {
                    return Files.readAllBytes(bundle);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                policy);
    long verified = System.nanoTime();
    PrintWriter out = new PrintWriter(System.out, true);
    for (CheckOutcome o : result.checks()) {
      out.printf("  %-4s  %-13s  %s%n", o.ok() ? "ok" : "FAIL", o.check().wireName(), o.message());
    }
    out.flush();
    System.err.printf(
        "probe lib: policy %.1f ms, verify %.1f ms, print %.1f ms%n",
        (policyBuilt - start) / 1e6, (verified - policyBuilt) / 1e6, (System.nanoTime() - verified) / 1e6);
    return result.isVerified() ? 0 : 1;
  }

  /**
   * What a launcher that builds only the command it runs would cost: a picocli {@code CommandLine}
   * over {@code VerifyAttestationCommand} alone (reached by reflection: it is package-private).
   */
  private static int oneCommand(String[] args) throws Exception {
    Class<?> type = Class.forName("dev.hallmark.cli.VerifyAttestationCommand");
    var constructor = type.getDeclaredConstructor();
    constructor.setAccessible(true);
    Class<?> commandLine = Class.forName("picocli.CommandLine");
    Object cli = commandLine.getConstructor(Object.class).newInstance(constructor.newInstance());
    commandLine.getMethod("setOut", PrintWriter.class).invoke(cli, new PrintWriter(System.out, true));
    commandLine.getMethod("setErr", PrintWriter.class).invoke(cli, new PrintWriter(System.err, true));
    return (Integer) commandLine.getMethod("execute", String[].class).invoke(cli, (Object) args);
  }

  /**
   * The steps of one verification done by hand, each timed on its first call in this JVM (class
   * loading and initialisation, interpreter and C1 included): what a one-shot run pays for each.
   */
  private static int steps(String[] args) throws Exception {
    java.util.List<String> lines = new java.util.ArrayList<>();
    long[] t = {System.nanoTime()};
    java.util.List<Long> nanos = new java.util.ArrayList<>();
    java.util.function.Consumer<String> lap = name -> {
      long now = System.nanoTime();
      nanos.add(now - t[0]);
      lines.add(name);
      t[0] = System.nanoTime(); // the bookkeeping above is charged to no step
    };
    lap.accept("(warm-up of this probe's own bookkeeping)");
    byte[] rootBytes = Files.readAllBytes(Path.of(args[3]));
    byte[] bundleBytes = Files.readAllBytes(Path.of(args[2]));
    lap.accept("read the two files");
    var rootJson = dev.hallmark.attestation.json.StrictJson.parseObject(rootBytes, 1 << 20);
    lap.accept("first strict JSON parse (Jackson set-up)");
    dev.hallmark.attestation.crypto.P256PublicKey.fromJwk(
        (dev.hallmark.attestation.json.JsonObject)
            ((java.util.List<?>) rootJson.requireObject("jwks").requireArray("keys")).get(0));
    lap.accept("first JWK -> P256PublicKey (BouncyCastle curve)");
    var root = dev.hallmark.attestation.trustroot.TrustRoot.parse(rootBytes);
    lap.accept("TrustRoot.parse");
    var bundle = dev.hallmark.attestation.bundle.Bundle.parse(bundleBytes);
    lap.accept("Bundle.parse");
    var jws = dev.hallmark.attestation.token.CompactJws.parse(bundle.identityToken());
    var claims = jws.claims();
    lap.accept("CompactJws.parse + claims");
    dev.hallmark.attestation.crypto.Sha256.of(new byte[0]);
    lap.accept("first MessageDigest.getInstance (JCA set-up)");
    var issuer = root.key((String) jws.header().get("kid")).publicKey();
    boolean ok = issuer.verifyRaw(jws.signingInput(), jws.signature());
    lap.accept("token ES256 verifyRaw (issuer key, first use)");
    var key = dev.hallmark.attestation.crypto.P256PublicKey.fromJwk(bundle.publicKey());
    ok &= key.thumbprint().equals(((dev.hallmark.attestation.json.JsonObject) claims.get("cnf")).get("jkt"));
    lap.accept("ephemeral key fromJwk + thumbprint");
    byte[] payload = bundle.dsseEnvelope().payloadUnsafe();
    ok &= dev.hallmark.attestation.crypto.Sha256.hex(dev.hallmark.attestation.crypto.Sha256.of(payload))
        .equals(claims.get("payload_sha256"));
    lap.accept("SHA-256 of the payload");
    ok &= key.verifyDer(
        dev.hallmark.attestation.dsse.Pae.encode(bundle.dsseEnvelope().payloadType(), payload),
        bundle.dsseEnvelope().signatures().get(0).sig());
    lap.accept("DSSE verifyDer (fresh key)");
    dev.hallmark.attestation.json.StrictJson.parseObject(payload, dev.hallmark.attestation.json.StrictJson.BUNDLE_LIMIT);
    lap.accept("statement strict parse");
    dev.hallmark.attestation.crypto.Sha256.of(Path.of(args[1]), done -> {});
    lap.accept("artifact SHA-256 (small file)");
    ok &= issuer.verifyRaw(jws.signingInput(), jws.signature());
    lap.accept("token ES256 again (second call, for contrast)");
    var key2 = dev.hallmark.attestation.crypto.P256PublicKey.fromJwk(bundle.publicKey());
    ok &= key2.verifyDer(
        dev.hallmark.attestation.dsse.Pae.encode(bundle.dsseEnvelope().payloadType(), payload),
        bundle.dsseEnvelope().signatures().get(0).sig());
    lap.accept("DSSE again (second call, for contrast)");
    for (int i = 0; i < lines.size(); i++) {
      System.err.printf("  %-46s %7.1f ms%n", lines.get(i), nanos.get(i) / 1e6);
    }
    return ok ? 0 : 1;
  }

  /**
   * What a CLI could do first thing: on a daemon thread, parse a tiny JSON document and run one
   * ECDSA verification that fails (key = the base point, r = s = 1) so that class initialisation
   * and the first, interpreted, elliptic-curve arithmetic happen on the second core while the
   * main thread builds the picocli model and reads the inputs. Nothing is shared but classes,
   * compiled code and BouncyCastle's tables for G.
   */
  static void prewarm() {
    Thread t =
        new Thread(
            () -> {
              dev.hallmark.attestation.json.StrictJson.parseObject(
                  "{\"a\":[1,\"b\",true,null]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1024);
              byte[] gx = dev.hallmark.attestation.encoding.Base64Strict.decodeUrl("axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY");
              byte[] gy = dev.hallmark.attestation.encoding.Base64Strict.decodeUrl("T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU");
              byte[] rs = new byte[64];
              rs[31] = 1;
              rs[63] = 1;
              dev.hallmark.attestation.crypto.P256PublicKey.fromCoordinates(gx, gy).verifyRaw(rs, rs);
            },
            "prewarm");
    t.setDaemon(true);
    t.start();
  }

  /** Calls {@code dev.hallmark.cli.Hallmark.run(args, out, err)} found on the class path. */
  private static int cli(String[] args) throws Exception {
    Class<?> hallmark = Class.forName("dev.hallmark.cli.Hallmark");
    Method run = hallmark.getMethod("run", String[].class, PrintWriter.class, PrintWriter.class);
    return (Integer)
        run.invoke(
            null,
            Arrays.copyOf(args, args.length),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true));
  }
}
