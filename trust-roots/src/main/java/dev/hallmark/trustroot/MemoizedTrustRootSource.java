package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.trustroot.TrustRoot;

/**
 * {@link TrustRootSource#memoized()}: loads the delegate once under a lock and replays the outcome.
 * A failure is replayed too, as the same exception (immutable: no stack trace, no suppression), so
 * that one unreachable issuer fails a whole audit once, not once per bundle. Exceptions other than
 * {@link TrustRootException} are programming errors, not outcomes, and are not remembered.
 */
final class MemoizedTrustRootSource implements TrustRootSource {
  private final TrustRootSource delegate;
  private final Object lock = new Object();

  /** Either a {@link TrustRoot} or a {@link TrustRootException}, written once. */
  private volatile Object outcome;

  MemoizedTrustRootSource(TrustRootSource delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  @Override
  public TrustRoot load() {
    Object o = outcome;
    if (o == null) {
      synchronized (lock) {
        o = outcome;
        if (o == null) {
          try {
            o = requireNonNull(delegate.load(), "trust root");
          } catch (TrustRootException e) {
            o = e;
          }
          outcome = o;
        }
      }
    }
    if (o instanceof TrustRootException e) {
      throw e;
    }
    return (TrustRoot) o;
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public TrustRootSource memoized() {
    return this;
  }

  @Override
  public String toString() {
    return "TrustRootSource[" + describe() + ", memoized]";
  }
}
