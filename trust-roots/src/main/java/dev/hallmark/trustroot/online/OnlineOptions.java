package dev.hallmark.trustroot.online;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How online trust roots and remote documents are fetched: the one time-out that covers every fetch
 * of an operation together (FORMATS §1, default 10 s) and the {@link Connector} that moves the
 * bytes. Immutable. The URL rules, size bounds and redirect refusal are not options.
 *
 * <pre>{@code
 * OnlineOptions options = OnlineOptions.builder().timeout(Duration.ofSeconds(5)).build();
 * URI issuer = URI.create("https://ci.example.com/oidc");
 * TrustRoot root = OnlineTrustRootSource.of(issuer, options).load();
 * }</pre>
 */
public final class OnlineOptions {
  /** FORMATS §1: the default time-out for both fetches together. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final OnlineOptions DEFAULTS = builder().build();

  private final Duration timeout;
  private final Connector connector;

  private OnlineOptions(Builder b) {
    this.timeout = b.timeout;
    this.connector = b.connector;
  }

  /** A 10 s time-out and {@link Connector#httpClient()}. */
  public static OnlineOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The time-out for all fetches of one operation together. */
  public Duration timeout() {
    return timeout;
  }

  public Connector connector() {
    return connector;
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder().timeout(timeout).connector(connector);
  }

  @Override
  public String toString() {
    return "OnlineOptions[timeout=" + timeout + "]";
  }

  /** Builds {@link OnlineOptions}; unset values take their defaults. */
  public static final class Builder {
    private Duration timeout = DEFAULT_TIMEOUT;
    private Connector connector = Connector.httpClient();

    private Builder() {}

    /** The time-out for all fetches together; must be positive. */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("time-out must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder connector(Connector connector) {
      this.connector = requireNonNull(connector, "connector");
      return this;
    }

    public OnlineOptions build() {
      return new OnlineOptions(this);
    }
  }
}
