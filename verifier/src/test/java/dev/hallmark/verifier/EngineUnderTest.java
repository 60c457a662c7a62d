package dev.hallmark.verifier;

import dev.hallmark.attestation.crypto.CryptoEngine;

/**
 * The engine the adversarial and corpus tests verify with: BouncyCastle, or AWS-LC when the build
 * runs them a second time with {@code -Dhallmark.test.crypto=native} (the {@code aws-lc} surefire
 * execution of this module's POM), so both engines pass the same suites.
 */
final class EngineUnderTest {
  static final String ID = System.getProperty("hallmark.test.crypto", "bc");

  static final CryptoEngine ENGINE =
      switch (ID) {
        case "bc" -> CryptoEngine.bouncyCastle();
        case "native" -> CryptoEngine.awsLc();
        default -> throw new IllegalStateException("hallmark.test.crypto must be bc or native, not " + ID);
      };

  private EngineUnderTest() {}

  /** A verifier on the engine under test. */
  static Verifier verifier() {
    return new Verifier(ENGINE);
  }
}
