package dev.hallmark.trustroot.online;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A point in time by which a group of fetches must be done. FORMATS §1 gives the discovery document
 * and the JWK Set one time-out together, so both fetches draw on the same deadline.
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(options.timeout());
 * int limit = StrictJson.DOCUMENT_LIMIT;
 * byte[] discovery = RemoteDocument.fetch(discoveryUrl, limit, deadline, connector);
 * byte[] jwks = RemoteDocument.fetch(jwksUrl, limit, deadline, connector);   // what is left
 * }</pre>
 */
public final class Deadline {
  /** On the monotonic clock: wall-clock steps must not lengthen or shorten the budget. */
  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** A deadline {@code budget} from now; {@code budget} must be positive. */
  public static Deadline after(Duration budget) {
    requireNonNull(budget, "budget");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("time budget must be positive: " + budget);
    }
    long nanos;
    try {
      nanos = budget.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2;
    }
    return new Deadline(System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2));
  }

  /** The time left, {@link Duration#ZERO} once the deadline has passed. */
  public Duration remaining() {
    long left = deadlineNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** Whether no time is left. */
  public boolean isExpired() {
    return deadlineNanos - System.nanoTime() <= 0;
  }

  @Override
  public String toString() {
    return "Deadline[remaining=" + remaining() + "]";
  }
}
