package dev.hallmark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The JMH benchmarks' work measured by the thread's CPU time as well as by the wall clock. On a
 * machine shared with other work, wall-clock figures fall with the load, while CPU time per
 * operation moves far less (shared caches and the hypervisor still leave it some 20% of noise);
 * {@code scripts/bench} prints both, so a loaded machine cannot pass for a slow verifier (or the
 * reverse). It calls the very methods JMH runs
 * ({@link VerifyBenchmark}, {@link ComponentBenchmark}, {@link NimbusBaselineBenchmark}, {@link
 * SignBenchmark}, {@link EcdsaFreshKeyBenchmark}).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.hallmark.bench.CpuTime [SECONDS [REGEX [ROUNDS]]]
 * # prints one line per operation whose name REGEX finds: <name> <CPU us/op> <wall us/op>, the
 * # medians of ROUNDS measurements of SECONDS each, the operations taking turns
 * }</pre>
 */
public final class CpuTime {
  private CpuTime() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 1 ? args[1] : "");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      System.err.println("CpuTime: this JVM cannot measure thread CPU time");
      System.exit(1);
    }
    VerifyBenchmark verify = new VerifyBenchmark();
    verify.setUp();
    ComponentBenchmark parts = new ComponentBenchmark();
    parts.setUp();
    NimbusBaselineBenchmark nimbus = new NimbusBaselineBenchmark();
    nimbus.setUp();
    EcdsaFreshKeyBenchmark ecdsa = new EcdsaFreshKeyBenchmark();
    ecdsa.setUp();
    SignBenchmark sign = new SignBenchmark();
    sign.setUp();

    Map<String, Callable<Object>> ops = new LinkedHashMap<>();
    ops.put("VerifyBenchmark.verify", verify::verify);
    ops.put("ComponentBenchmark.bundleStrictJson", parts::bundleStrictJson);
    ops.put("ComponentBenchmark.bundleParse", parts::bundleParse);
    ops.put("ComponentBenchmark.statementStrictJson", parts::statementStrictJson);
    ops.put("ComponentBenchmark.tokenParse", parts::tokenParse);
    ops.put("ComponentBenchmark.tokenClaims", parts::tokenClaims);
    ops.put("ComponentBenchmark.verifyRawPreparedIssuerKey", parts::verifyRawPreparedIssuerKey);
    ops.put("ComponentBenchmark.verifyDerFreshKey", parts::verifyDerFreshKey);
    ops.put("ComponentBenchmark.verifyDerPreparedKey", parts::verifyDerPreparedKey);
    ops.put("ComponentBenchmark.keyFromJwk", parts::keyFromJwk);
    ops.put("ComponentBenchmark.keyFromJwkAndThumbprint", parts::keyFromJwkAndThumbprint);
    ops.put("ComponentBenchmark.sha256Payload", parts::sha256Payload);
    ops.put("ComponentBenchmark.paeEncode", parts::paeEncode);
    ops.put("ComponentBenchmark.tokenAndDsse", parts::tokenAndDsse);
    ops.put("NimbusBaselineBenchmark.token", nimbus::token);
    ops.put("NimbusBaselineBenchmark.dsse", nimbus::dsse);
    ops.put("NimbusBaselineBenchmark.dsseSunEc", nimbus::dsseSunEc);
    ops.put("NimbusBaselineBenchmark.tokenAndDsse", nimbus::tokenAndDsse);
    ops.put("SignBenchmark.signBundle", sign::signBundle);
    ops.put("EcdsaFreshKeyBenchmark.hallmarkVerifyDer", ecdsa::hallmarkVerifyDer);
    ops.put("EcdsaFreshKeyBenchmark.bouncyCastleSigner", ecdsa::bouncyCastleSigner);
    ops.put("EcdsaFreshKeyBenchmark.bouncyCastleSignerPlainCurve", ecdsa::bouncyCastleSignerPlainCurve);
    ops.put("EcdsaFreshKeyBenchmark.splitFixedBasePlusWnaf", ecdsa::splitFixedBasePlusWnaf);

    ops.keySet().removeIf(name -> !only.matcher(name).find());
    long nanos = (long) (seconds * 1e9);
    for (Callable<Object> op : ops.values()) {
      run(op, nanos, threads); // warm-up: each operation once over, before any is measured
    }
    Map<String, double[][]> results = new LinkedHashMap<>();
    for (String name : ops.keySet()) {
      results.put(name, new double[2][rounds]);
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Callable<Object>> e : ops.entrySet()) {
        long[] r = run(e.getValue(), nanos, threads);
        results.get(e.getKey())[0][round] = r[2] / 1e3 / r[0];
        results.get(e.getKey())[1][round] = r[1] / 1e3 / r[0];
      }
    }
    for (Map.Entry<String, double[][]> e : results.entrySet()) {
      System.out.printf("%s %.3f %.3f%n", e.getKey(), median(e.getValue()[0]), median(e.getValue()[1]));
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Runs {@code op} for {@code nanos} of wall time; returns {operations, wall ns, thread CPU ns}. */
  private static long[] run(Callable<Object> op, long nanos, ThreadMXBean threads) throws Exception {
    long ops = 0;
    int sink = 0;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long now = start;
    while (now - start < nanos) {
      for (int i = 0; i < 32; i++) {
        sink += System.identityHashCode(op.call()) & 1;
      }
      ops += 32;
      now = System.nanoTime();
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    if (sink == -1) {
      System.out.print(""); // keeps the results alive
    }
    return new long[] {ops, now - start, cpu};
  }
}
