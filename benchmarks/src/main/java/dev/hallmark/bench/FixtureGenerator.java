package dev.hallmark.bench;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Writes signed fixture bundles for benchmarks and demos:
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.hallmark.bench.FixtureGenerator \
 *     --out /tmp/fixtures --count 10000 [--artifact-bytes 1024] [--issuer URL] \
 *     [--attest FILE]... [--seed S] [--threads N]
 * }</pre>
 *
 * <p>It writes {@code DIR/trust-root.json} and, for each {@code i} below {@code --count}, the
 * artifact {@code artifact-<i>.tgz} (deterministic content: the same {@code i} and size always
 * give the same bytes) and its bundle {@code artifact-<i>.tgz.hallmark.json}, signed by the real
 * {@code AttestationSigner} over a FORMATS §3 statement, in parallel ({@code --threads}, default
 * the number of cores). {@code --attest FILE} also signs a bundle for an existing file (written to
 * {@code DIR/<file name>.hallmark.json}). Existing files of the same names are replaced. The issuer
 * key derives from {@code --seed} and {@code --issuer}, so later runs match an earlier trust root.
 * A failed write deletes its file, and the first bundle is verified against the written trust
 * root before the generator reports success. Errors are one line on stderr, exit status 1.
 */
public final class FixtureGenerator {
  static final String TRUST_ROOT_FILE = "trust-root.json";
  private static final int MAX_COUNT = 10_000_000;
  private static final long MAX_ARTIFACT_BYTES = 1L << 40;
  private static final int CHUNK = 1 << 20;
  private static final long SELF_CHECK_HASH_LIMIT = 64L << 20;

  private static final String USAGE =
      "usage: FixtureGenerator --out DIR (--count N | --attest FILE...) [--artifact-bytes B]"
          + " [--issuer URL] [--seed S] [--threads N] [--log-batch K]";

  /** A usage or input error: one line for the user. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** The parsed command line. */
  record Options(
      Path out, int count, long artifactBytes, String issuer, String seed, int threads, List<Path> attest, int logBatch) {}

  private FixtureGenerator() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return;
    }
    try {
      Options options = parse(args);
      long start = System.nanoTime();
      int written = generate(options);
      long ms = (System.nanoTime() - start) / 1_000_000;
      out.println(
          "wrote " + written + " bundle(s) and " + TRUST_ROOT_FILE + " to " + options.out() + " in " + ms + " ms");
    } catch (Failure | AttestationException e) {
      err.println("fixture-generator: " + oneLine(e.getMessage()));
      System.exit(1);
    } catch (UncheckedIOException e) {
      err.println("fixture-generator: " + describe(e.getCause()));
      System.exit(1);
    } catch (RuntimeException | OutOfMemoryError e) {
      err.println("fixture-generator: unexpected error: " + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()));
      System.exit(1);
    }
  }

  static Options parse(String[] args) {
    Path out = null;
    Integer count = null;
    long artifactBytes = 1024;
    String issuer = BenchIssuer.DEFAULT_ISSUER;
    String seed = BenchIssuer.DEFAULT_SEED;
    int threads = Runtime.getRuntime().availableProcessors();
    List<Path> attest = new ArrayList<>();
    int logBatch = 0;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      String value;
      int eq = name.indexOf('=');
      if (name.startsWith("--") && eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (!name.startsWith("--")) {
          throw new Failure("unexpected argument '" + name + "'; " + USAGE);
        }
        if (i + 1 >= args.length) {
          throw new Failure(name + " needs a value; " + USAGE);
        }
        value = args[++i];
      }
      switch (name) {
        case "--out" -> out = Path.of(nonEmpty(name, value));
        case "--count" -> count = (int) number(name, value, 0, MAX_COUNT);
        case "--artifact-bytes" -> artifactBytes = number(name, value, 0, MAX_ARTIFACT_BYTES);
        case "--issuer" -> issuer = issuerUrl(value);
        case "--seed" -> seed = nonEmpty(name, value);
        case "--threads" -> threads = (int) number(name, value, 1, 256);
        case "--attest" -> attest.add(Path.of(nonEmpty(name, value)));
        case "--log-batch" -> logBatch = (int) number(name, value, 1, 1_000_000);
        default -> throw new Failure("unknown option '" + name + "'; " + USAGE);
      }
    }
    if (out == null) {
      throw new Failure("--out is required; " + USAGE);
    }
    if ((count == null || count == 0) && attest.isEmpty()) {
      throw new Failure("--count (at least 1) or --attest is required; " + USAGE);
    }
    if (logBatch > 0 && !attest.isEmpty()) {
      throw new Failure("--log-batch logs the --count bundles; it cannot be combined with --attest");
    }
    return new Options(out, count == null ? 0 : count, artifactBytes, issuer, seed, threads, List.copyOf(attest), logBatch);
  }

  /** Writes everything; returns the number of bundles written. */
  static int generate(Options o) {
    for (Path file : o.attest()) {
      if (!Files.isRegularFile(file)) {
        throw new Failure(file + " is not a readable regular file");
      }
    }
    Path dir = o.out();
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new Failure(dir + " exists and is not a directory");
    } catch (IOException e) {
      throw new Failure("cannot create " + dir + ": " + describe(e));
    }
    BenchIssuer issuer = BenchIssuer.derive(o.issuer(), o.seed());
    byte[] rootBytes = issuer.trustRootBytes();
    Bundle[] signed = o.logBatch() > 0 ? new Bundle[o.count()] : null;
    if (signed == null) {
      writeAtomically(dir.resolve(TRUST_ROOT_FILE), rootBytes);
    }

    if (o.count() > 0) {
      ForkJoinPool pool = new ForkJoinPool(o.threads());
      try {
        pool.submit(
                () -> IntStream.range(0, o.count()).parallel().forEach(i -> {
                  Bundle b = writeOne(issuer, dir, i, o.artifactBytes(), signed == null);
                  if (signed != null) {
                    signed[i] = b;
                  }
                }))
            .get();
        if (signed != null) {
          rootBytes = writeLogged(issuer, o, signed, pool);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure("interrupted");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw new Failure("generating fixtures failed: " + describe(cause));
      } finally {
        pool.shutdownNow();
      }
    }
    Path firstBundle = null;
    Path firstArtifact = null;
    long index = o.count(); // attested files get jobs of their own, after the generated ones
    for (Path file : o.attest()) {
      String name = file.getFileName().toString();
      byte[] digest = Sha256.of(file, done -> {});
      Bundle bundle = issuer.attest(index++, name, Sha256.hex(digest));
      Path bundlePath = dir.resolve(name + Bundle.FILE_SUFFIX);
      write(bundlePath, bundle.toJsonBytes());
      if (firstBundle == null) {
        firstBundle = bundlePath;
        firstArtifact = file;
      }
    }
    if (o.count() > 0) {
      firstArtifact = dir.resolve(artifactName(0));
      firstBundle = dir.resolve(artifactName(0) + Bundle.FILE_SUFFIX);
    }
    selfCheck(rootBytes, firstBundle, firstArtifact);
    return o.count() + o.attest().size();
  }

  static String artifactName(int i) {
    return "artifact-" + i + ".tgz";
  }

  /** Writes artifact {@code i} and signs its bundle; writes the bundle too when {@code writeBundle}. */
  private static Bundle writeOne(BenchIssuer issuer, Path dir, int i, long size, boolean writeBundle) {
    String name = artifactName(i);
    Path artifact = dir.resolve(name);
    byte[] digest = writeArtifact(artifact, i, size);
    Bundle bundle = issuer.attest(i, name, Sha256.hex(digest));
    if (writeBundle) {
      write(dir.resolve(name + Bundle.FILE_SUFFIX), bundle.toJsonBytes());
    }
    return bundle;
  }

  /**
   * {@code --log-batch K}: logs every token in index order (K entries per checkpoint, each
   * checkpoint cosigned by two witnesses), writes each bundle with its {@code logProof}, the log
   * ({@code DIR/log/checkpoint} and {@code DIR/log/tile/…}, for {@code hallmark log monitor} over a
   * loopback server) and the trust root with its {@code log} member; returns the trust root's bytes.
   */
  private static byte[] writeLogged(BenchIssuer issuer, Options o, Bundle[] signed, ForkJoinPool pool)
      throws InterruptedException, ExecutionException {
    List<byte[]> tokens = new ArrayList<>(signed.length);
    for (Bundle b : signed) {
      tokens.add(b.identityToken().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    BenchLog log = BenchLog.build(issuer.issuer(), o.seed(), tokens, o.logBatch(), issuer.issuedAt());
    String[] proofs = new String[signed.length];
    for (int i = 0; i < signed.length; i++) {
      proofs[i] = log.proof(i);
    }
    Path dir = o.out();
    pool.submit(() -> IntStream.range(0, signed.length).parallel().forEach(i ->
        write(dir.resolve(artifactName(i) + Bundle.FILE_SUFFIX), signed[i].withLogProof(proofs[i]).toJsonBytes()))).get();
    Path logDir = dir.resolve("log");
    for (Map.Entry<String, byte[]> tile : log.tiles().entrySet()) {
      Path file = logDir.resolve(tile.getKey());
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new Failure("cannot create " + file.getParent() + ": " + describe(e));
      }
      write(file, tile.getValue());
    }
    writeAtomically(logDir.resolve("checkpoint"), log.latestCheckpoint().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] rootBytes = issuer.trustRootBytes(log.trustRootMember());
    writeAtomically(dir.resolve(TRUST_ROOT_FILE), rootBytes);
    return rootBytes;
  }

  /** Deterministic bytes for artifact {@code i}, hashed as they are written; returns SHA-256. */
  static byte[] writeArtifact(Path target, int i, long size) {
    SplittableRandom random = new SplittableRandom(0x4841_4c4c_4d41_524bL ^ i);
    MessageDigest md = Sha256.newDigest();
    try {
      try (OutputStream os = Files.newOutputStream(target)) {
        byte[] buf = new byte[(int) Math.min(size, CHUNK)];
        long left = size;
        while (left > 0) {
          int n = (int) Math.min(left, buf.length);
          random.nextBytes(buf);
          md.update(buf, 0, n);
          os.write(buf, 0, n);
          left -= n;
        }
      }
      return md.digest();
    } catch (IOException e) {
      deleteQuietly(target);
      throw new Failure("cannot write " + target + ": " + describe(e));
    }
  }

  /**
   * Writes in place: creating a file is the slow part on some disks, and a second name per file
   * (write, then rename) doubles it. A failed write deletes what it wrote.
   */
  static void write(Path target, byte[] bytes) {
    try {
      Files.write(target, bytes);
    } catch (IOException e) {
      deleteQuietly(target);
      throw new Failure("cannot write " + target + ": " + describe(e));
    }
  }

  /** The trust root is written to a temporary name and renamed: never seen half-written. */
  static void writeAtomically(Path target, byte[] bytes) {
    Path tmp = temporary(target);
    try {
      Files.write(tmp, bytes);
      move(tmp, target);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new Failure("cannot write " + target + ": " + describe(e));
    }
  }

  private static Path temporary(Path target) {
    return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // The write already failed; that is the error the user sees.
    }
  }

  /** Verifies one written bundle against the written trust root, as the CLI will. */
  private static void selfCheck(byte[] rootBytes, Path bundle, Path artifact) {
    VerificationPolicy.Builder policy =
        VerificationPolicy.builder(TrustRootSource.of(TrustRoot.parse(rootBytes)));
    long size;
    try {
      size = Files.size(artifact);
    } catch (IOException e) {
      throw new Failure("cannot read back " + artifact + ": " + describe(e));
    }
    // A large artifact is not hashed twice: its digest was computed while writing or attesting it.
    if (size <= SELF_CHECK_HASH_LIMIT) {
      policy.artifact(artifact);
    } else {
      policy.withoutArtifactUnsafe();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(bundle);
    } catch (IOException e) {
      throw new Failure("cannot read back " + bundle + ": " + describe(e));
    }
    VerificationResult result = new Verifier().verify(bytes, policy.build());
    if (!result.isVerified()) {
      throw new Failure(
          "self-check failed: " + bundle + " does not verify: " + result.failure().check().wireName()
              + ": " + result.failure().message());
    }
  }

  private static long number(String option, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new Failure(option + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }
    if (n < min || n > max) {
      throw new Failure(option + " must be from " + min + " to " + max + ", not " + n);
    }
    return n;
  }

  private static String nonEmpty(String option, String value) {
    if (value.isEmpty()) {
      throw new Failure(option + " must not be empty");
    }
    return value;
  }

  private static String issuerUrl(String value) {
    try {
      URI uri = new URI(value);
      if (!uri.isAbsolute() || uri.getHost() == null
          || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
        throw new Failure("--issuer must be an absolute http(s) URL, not '" + value + "'");
      }
      return value;
    } catch (URISyntaxException e) {
      throw new Failure("--issuer must be an absolute http(s) URL, not '" + value + "'");
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof NoSuchFileException n) {
      return "no such file or directory: " + n.getFile();
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason() + (f.getFile() == null ? "" : ": " + f.getFile());
    }
    return e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String s = message.strip();
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).replaceAll("\\p{Cntrl}", "?");
  }
}
