package dev.hallmark.orchestrator.attest;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per job: every issuer signature is public, so attestations are rate-limited per
 * job (ARCHITECTURE security model). Default 1,000/s with a burst of 2,000.
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(1000, 2000);
 * if (!limiter.tryAcquire(job.id())) { ... 429 ... }
 * }</pre>
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(double perSecond, double burst) {
    this(perSecond, burst, System::nanoTime);
  }

  /** As above, reading time from {@code nanoTime} (a monotonic clock in nanoseconds; tests step it). */
  public RateLimiter(double perSecond, double burst, LongSupplier nanoTime) {
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate must be positive and burst at least 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
  }

  public static RateLimiter defaults() {
    return new RateLimiter(1000, 2000);
  }

  /** Takes one token for {@code key}; false when the bucket is empty. */
  public boolean tryAcquire(String key) {
    long now = nanoTime.getAsLong();
    return buckets.computeIfAbsent(key, k -> new Bucket(burst, now)).take(perSecond, burst, now);
  }

  /** Forgets a job's bucket once the job ended. */
  public void forget(String key) {
    buckets.remove(key);
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(double burst, long now) {
      this.tokens = burst;
      this.last = now;
    }

    synchronized boolean take(double perSecond, double burst, long now) {
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
