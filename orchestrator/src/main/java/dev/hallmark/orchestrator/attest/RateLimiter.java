package dev.hallmark.orchestrator.attest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per job: every issuer signature is public, so attestations are rate-limited per
 * job (ARCHITECTURE security model). Default 1,000/s with a burst of 2,000.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(double perSecond, double burst) {
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
    return buckets.computeIfAbsent(key, k -> new Bucket(burst)).take(perSecond, burst, System.nanoTime());
  }

  /** Forgets a job's bucket once the job ended. */
  public void forget(String key) {
    buckets.remove(key);
  }

  private static final class Bucket {
    private double tokens;
    private long last = System.nanoTime();

    Bucket(double burst) {
      this.tokens = burst;
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
