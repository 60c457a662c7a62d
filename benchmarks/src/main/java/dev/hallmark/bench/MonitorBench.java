package dev.hallmark.bench;

import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.tlog.Tile;
import dev.hallmark.attestation.tlog.TileWriter;
import dev.hallmark.attestation.tlog.TiledTree;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.verifier.TokenSignature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What {@code hallmark log monitor} does per entry, from a local log and without HTTP or output:
 * reads a tile tree that {@link TileWriter} wrote from real tokens, authenticates every entry
 * bundle against the root, and verifies every token's signature on AWS-LC (the monitor's engine;
 * BouncyCastle where AWS-LC cannot load, said on stderr), a bundle at a time on every core as the
 * monitor does. Prints entries per second (target: 50,000, issue 12: above the machine's ES256
 * ceiling, see docs/performance.md). Asserts nothing. {@code scripts/bench} also measures the
 * whole command over loopback HTTP.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.hallmark.bench.MonitorBench 20000 3
 * }</pre>
 */
public final class MonitorBench {
  private MonitorBench() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    BenchIssuer issuer = BenchIssuer.derive(BenchIssuer.DEFAULT_ISSUER, BenchIssuer.DEFAULT_SEED);
    TrustRoot root = TrustRoot.parse(issuer.trustRootBytes());
    CryptoEngine engine = CryptoEngine.awsLcOrBouncyCastle(line -> System.err.println("monitor-bench: " + line));
    List<byte[]> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String sha = Hex.encode(Sha256.of(("artifact " + i).getBytes(StandardCharsets.UTF_8)));
      entries.add(issuer.attest(i, "artifact-" + i + ".tgz", sha).identityToken().getBytes(StandardCharsets.US_ASCII));
    }
    TileWriter writer = TileWriter.empty();
    Map<String, byte[]> files = new HashMap<>();
    for (TileWriter.Output o : writer.append(entries)) {
      files.put(o.tile().path(), o.bytes());
    }
    byte[] rootHash = writer.root();
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      TiledTree tree = TiledTree.open(tile -> files.get(tile.path()), count, rootHash);
      long verified = 0;
      for (long b = 0; b <= (count - 1) >>> Tile.HEIGHT; b++) {
        List<byte[]> bundle = tree.bundle(b);
        verified += IntStream.range(0, bundle.size()).parallel()
            .filter(i -> TokenSignature.verify(root, CompactJws.parse(new String(bundle.get(i), StandardCharsets.US_ASCII)), engine).ok())
            .count();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (verified != count) {
        throw new IllegalStateException(verified + " of " + count + " entries verified");
      }
      System.out.printf("monitor: %d entries verified in %.2f s: %.0f entries/s on %d cores (%s)%n",
          count, seconds, count / seconds, Runtime.getRuntime().availableProcessors(), engine.id());
    }
  }
}
