package dev.hallmark.bench;

import dev.hallmark.attestation.bundle.Bundle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One attestation signed by the real {@code AttestationSigner} (ARCHITECTURE: "one key generation
 * and two signatures: thousands per second per core before storage"): statement built from the
 * build context, ephemeral key, identity token, DSSE signature, bundle JSON. This is also the
 * per-bundle cost of {@link FixtureGenerator} before it writes files.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar SignBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignBenchmark {
  private BenchIssuer issuer;
  private String sha256;
  private long index;

  @Setup(Level.Trial)
  public void setUp() {
    issuer = BenchIssuer.derive(BenchIssuer.DEFAULT_ISSUER, BenchIssuer.DEFAULT_SEED);
    sha256 = "3ff3ffd6e3b21f356993931940ee6a54845ad246ec4f8413feb5a2200d1e7284";
  }

  /** Statement, ephemeral key, token, DSSE signature and the bundle's stored JSON form. */
  @Benchmark
  public byte[] signBundle() {
    Bundle bundle = issuer.attest(index++, "artifact.tgz", sha256);
    return bundle.toJsonBytes();
  }
}
