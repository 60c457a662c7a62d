package dev.hallmark.trustroot;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.online.OnlineIssuer;
import dev.hallmark.trustroot.online.OnlineOptions;

/** {@link TrustRootSource#online}: fetches on every load; wrap it in {@link #memoized()}. */
final class OnlineTrustRootSource implements TrustRootSource {
  private final OnlineIssuer issuer;
  private final OnlineOptions options;

  OnlineTrustRootSource(OnlineIssuer issuer, OnlineOptions options) {
    this.issuer = issuer;
    this.options = options;
  }

  @Override
  public TrustRoot load() {
    return issuer.fetch(options);
  }

  @Override
  public String describe() {
    return "issuer " + issuer.issuer();
  }

  @Override
  public String toString() {
    return "TrustRootSource[" + describe() + "]";
  }
}
