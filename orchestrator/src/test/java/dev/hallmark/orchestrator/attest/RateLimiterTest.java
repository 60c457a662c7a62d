package dev.hallmark.orchestrator.attest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-job token bucket, on a clock the test steps (no sleeps). */
class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advanceMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void aJobGetsItsBurstAndThenIsRefused() {
    RateLimiter limiter = new RateLimiter(10, 5, now::get);
    for (int i = 0; i < 5; i++) {
      assertTrue(limiter.tryAcquire("job-a"), "attestation " + i);
    }
    assertFalse(limiter.tryAcquire("job-a"));
  }

  @Test
  void tokensComeBackAtTheRateAndNeverBeyondTheBurst() {
    RateLimiter limiter = new RateLimiter(10, 5, now::get);
    for (int i = 0; i < 5; i++) {
      limiter.tryAcquire("job-a");
    }
    advanceMillis(99); // 0.99 of a token at 10/s
    assertFalse(limiter.tryAcquire("job-a"));
    advanceMillis(2);
    assertTrue(limiter.tryAcquire("job-a"));
    assertFalse(limiter.tryAcquire("job-a"));

    advanceMillis(60_000); // a long pause refills to the burst, not to 600 tokens
    for (int i = 0; i < 5; i++) {
      assertTrue(limiter.tryAcquire("job-a"), "attestation " + i);
    }
    assertFalse(limiter.tryAcquire("job-a"));
  }

  @Test
  void oneJobSpendingItsBucketDoesNotSlowAnother() {
    RateLimiter limiter = new RateLimiter(10, 2, now::get);
    assertTrue(limiter.tryAcquire("job-a"));
    assertTrue(limiter.tryAcquire("job-a"));
    assertFalse(limiter.tryAcquire("job-a"));
    assertTrue(limiter.tryAcquire("job-b"));
  }

  @Test
  void aForgottenJobStartsAgainFromAFullBucket() {
    RateLimiter limiter = new RateLimiter(10, 1, now::get);
    assertTrue(limiter.tryAcquire("job-a"));
    assertFalse(limiter.tryAcquire("job-a"));
    limiter.forget("job-a");
    assertTrue(limiter.tryAcquire("job-a"));
  }

  @Test
  void rejectsANonPositiveRateOrABurstBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 5, now::get));
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(10, 0.5, now::get));
  }
}
