package dev.hallmark.trustroot;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.trustroot.TrustRoot;

/** {@link TrustRootSource#of(TrustRoot)}: already loaded, so memoizing adds nothing. */
final class PreloadedTrustRootSource implements TrustRootSource {
  private final TrustRoot trustRoot;

  PreloadedTrustRootSource(TrustRoot trustRoot) {
    this.trustRoot = requireNonNull(trustRoot, "trustRoot");
  }

  @Override
  public TrustRoot load() {
    return trustRoot;
  }

  @Override
  public String describe() {
    return "trust root of issuer " + trustRoot.issuer();
  }

  @Override
  public TrustRootSource memoized() {
    return this;
  }

  @Override
  public String toString() {
    return "TrustRootSource[" + describe() + "]";
  }
}
