package dev.hallmark.bench;

import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole FORMATS §6 pipeline on one bundle, in process, warm, one thread: bytes in, a {@link
 * VerificationResult} out, the trust root preloaded ({@code TrustRootSource.of}) and no artifact.
 * Target: at least 3,000 verifications a second (ARCHITECTURE "Performance, where it counts").
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar VerifyBenchmark -f 1 -wi 3 -i 5 -w 1s -r 2s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VerifyBenchmark {
  private Verifier verifier;
  private VerificationPolicy policy;
  private byte[] bundleBytes;

  @Setup(Level.Trial)
  public void setUp() {
    SampleBundle sample = SampleBundle.create();
    // The in-process figure is a long-lived verifier's: AWS-LC where it loads (issue 11);
    // -Dhallmark.bench.crypto=bc measures BouncyCastle instead.
    verifier =
        new Verifier(
            "bc".equals(System.getProperty("hallmark.bench.crypto"))
                ? dev.hallmark.attestation.crypto.CryptoEngine.bouncyCastle()
                : dev.hallmark.attestation.crypto.CryptoEngine.awsLcOrBouncyCastle(line -> System.err.println("bench: " + line)));
    policy = sample.policy;
    bundleBytes = sample.bundleBytes;
  }

  @Benchmark
  public VerificationResult verify() {
    return verifier.verify(bundleBytes, policy);
  }

  /** A benchmark of a failing verification would measure nothing useful: check the last one. */
  @TearDown(Level.Trial)
  public void checkStillVerifies() {
    if (!verifier.verify(bundleBytes, policy).isVerified()) {
      throw new IllegalStateException("the sample bundle stopped verifying");
    }
  }
}
