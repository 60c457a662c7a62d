package dev.hallmark.cli;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.crypto.CryptoEngine;

/**
 * {@code --crypto bc|native}: forces an engine, for diagnosis. Without it each command chooses by
 * its workload: {@code verify-attestation} (one bundle) BouncyCastle, whose start is fast; {@code
 * audit} AWS-LC, loaded on a second thread while the first bundles are read.
 */
final class CryptoOption {
  static final String NAME = "--crypto";
  static final String LABEL = "bc|native";
  static final String HELP =
      "Force the cryptography engine: bc (BouncyCastle, portable) or native (AWS-LC; fails where this platform lacks it).";

  private CryptoOption() {}

  /**
   * The forced engine, or {@code null} when {@code value} is {@code null}; an {@link
   * IllegalArgumentException} with a one-line message for a bad value or an engine that cannot load.
   */
  static CryptoEngine forced(String value) {
    if (value == null) {
      return null;
    }
    switch (value) {
      case "bc":
        return CryptoEngine.bouncyCastle();
      case "native":
        try {
          return CryptoEngine.awsLc();
        } catch (AttestationException e) {
          throw new IllegalArgumentException("--crypto native: " + e.getMessage());
        }
      default:
        throw new IllegalArgumentException("--crypto must be bc or native, not '" + Text.safe(value) + "'");
    }
  }
}
