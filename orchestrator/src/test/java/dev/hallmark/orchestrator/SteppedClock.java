package dev.hallmark.orchestrator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move forward: a base clock (fixed, or the system's) plus an offset that {@link
 * #advance} adds to. Capability expiry and the hard cap are judged by the orchestrator's clock, so
 * tests step it instead of sleeping.
 */
public final class SteppedClock extends Clock {
  private final Clock base;
  private final AtomicLong offsetMillis = new AtomicLong();

  private SteppedClock(Clock base) {
    this.base = base;
  }

  /** Stands still at {@code start} until advanced. */
  public static SteppedClock at(Instant start) {
    return new SteppedClock(Clock.fixed(start, ZoneOffset.UTC));
  }

  /** The system clock, plus what {@link #advance} added (for code that also waits in real time). */
  public static SteppedClock ofSystem() {
    return new SteppedClock(Clock.systemUTC());
  }

  public void advance(Duration d) {
    offsetMillis.addAndGet(d.toMillis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return base.instant().plusMillis(offsetMillis.get());
  }
}
