import static dev.hallmark.sdk.Hallmark.*;

import dev.hallmark.sdk.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Attestation benchmark (scripts/bench-attest): one job, one step; inside the running job, 16
 * threads share N calls of ctx.attestProvenance(Subject.ofDigest("bench-<i>", sha256("<i>"))).
 * N comes from the file bench-count in the workspace (default 50,000), the thread count from
 * bench-threads (default 16). A 429 (the per-job rate limit) is counted and retried after
 * bench-retry-ms (default 2) so that every subject is finally acknowledged; any other refusal is an
 * error. Prints one line starting with "BENCH " that scripts/bench-attest parses.
 */
public class Bench {
  public static void main(String[] args) {
    workflow("bench")
        .on(push().branches("main"))
        .job(job("bench")
            .timeout(Duration.ofMinutes(60))
            .step("attest", Bench::run))
        .main(args);
  }

  static int intFile(Path ws, String name, int dflt) {
    try {
      Path p = ws.resolve(name);
      return Files.exists(p) ? Integer.parseInt(Files.readString(p).strip()) : dflt;
    } catch (Exception e) {
      return dflt;
    }
  }

  static void run(StepContext ctx) throws Exception {
    Path ws = ctx.workspace();
    int n = intFile(ws, "bench-count", 50_000);
    int threads = intFile(ws, "bench-threads", 16);
    int retryMs = intFile(ws, "bench-retry-ms", 2);
    long[] okLatency = new long[n];      // ns of the acknowledged request alone
    long[] e2eLatency = new long[n];     // ns from the first attempt to the acknowledgement (429 waits included)
    Arrays.fill(okLatency, -1);
    AtomicInteger next = new AtomicInteger();
    AtomicLong rateLimited = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    String[] firstError = new String[1];
    CountDownLatch start = new CountDownLatch(1);
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      ts[t] = new Thread(() -> {
        MessageDigest md;
        try {
          md = MessageDigest.getInstance("SHA-256");
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        HexFormat hex = HexFormat.of();
        for (int i; (i = next.getAndIncrement()) < n; ) {
          String digest = hex.formatHex(md.digest(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)));
          Subject s = Subject.ofDigest("bench-" + i, digest);
          long first = System.nanoTime();
          while (true) {
            long t0 = System.nanoTime();
            try {
              ctx.attestProvenance(s);
              long t1 = System.nanoTime();
              okLatency[i] = t1 - t0;
              e2eLatency[i] = t1 - first;
              acked.incrementAndGet();
              break;
            } catch (OrchestratorException e) {
              if (e.status() == 429) {
                rateLimited.incrementAndGet();
                try {
                  Thread.sleep(retryMs);
                } catch (InterruptedException ie) {
                  return;
                }
                continue;
              }
              errors.incrementAndGet();
              synchronized (firstError) {
                if (firstError[0] == null) {
                  firstError[0] = e.getMessage();
                }
              }
              break;
            } catch (RuntimeException e) {
              errors.incrementAndGet();
              synchronized (firstError) {
                if (firstError[0] == null) {
                  firstError[0] = e.toString();
                }
              }
              break;
            }
          }
        }
      }, "bench-" + t);
      ts[t].start();
    }
    long wallStartMs = System.currentTimeMillis();
    long w0 = System.nanoTime();
    start.countDown();
    for (Thread t : ts) {
      t.join();
    }
    long w1 = System.nanoTime();
    long wallEndMs = System.currentTimeMillis();
    long[] ok = Arrays.stream(okLatency).filter(v -> v >= 0).sorted().toArray();
    long[] e2e = new long[ok.length];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (okLatency[i] >= 0) {
        e2e[k++] = e2eLatency[i];
      }
    }
    Arrays.sort(e2e);
    double secs = (w1 - w0) / 1e9;
    System.out.printf(java.util.Locale.ROOT,
        "BENCH count=%d acked=%d threads=%d wall_s=%.3f rate_per_s=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
            + " e2e_p50_ms=%.2f e2e_p99_ms=%.2f e2e_max_ms=%.2f rate_limited_429=%d errors=%d start_epoch_ms=%d end_epoch_ms=%d%n",
        n, acked.get(), threads, secs, acked.get() / secs, pct(ok, 50), pct(ok, 99), pct(ok, 100),
        pct(e2e, 50), pct(e2e, 99), pct(e2e, 100), rateLimited.get(), errors.get(), wallStartMs, wallEndMs);
    if (firstError[0] != null) {
      System.out.println("BENCH first_error=" + firstError[0]);
    }
    System.out.flush();
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }
}
