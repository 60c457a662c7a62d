package dev.hallmark.bench;

import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.testing.EngineDifferential;

/**
 * The bench-time differential run (issue 11): BouncyCastle and AWS-LC fed the same randomly mutated
 * signatures, keys and messages, 100,000 cases by default (the suite runs 5,000). Exit 1 on any
 * disagreement.
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.hallmark.bench.EngineDifferentialRun [CASES] [SEED]
 * }</pre>
 */
public final class EngineDifferentialRun {
  private EngineDifferentialRun() {}

  public static void main(String[] args) {
    long cases = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    long t0 = System.nanoTime();
    EngineDifferential.Report r =
        EngineDifferential.run(CryptoEngine.bouncyCastle(), CryptoEngine.awsLc(), seed, cases);
    System.out.println("seed " + seed + ", " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + r);
    System.exit(r.disagreementCount() == 0 ? 0 : 1);
  }
}
