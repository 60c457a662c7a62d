package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.trustroot.TrustRootSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies {@link BundleForge} bundles the way the adversarial tests need: a fixed clock one hour
 * after the forge's {@code iat} (so no test depends on the real time), the forge's own trust root,
 * and no artifact unless a test asks for one. The assertions check the failing {@link Check} and
 * that every check before it passed; they never look at message text (STYLE: tests).
 */
final class ForgeVerification {
  /** One hour after the forge's tokens were issued. */
  static final Instant NOW = Instant.ofEpochSecond(BundleForge.IAT + 3600);

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final Verifier VERIFIER = EngineUnderTest.verifier();

  static String verifierEngineId() {
    return VERIFIER.engine().id();
  }

  private ForgeVerification() {}

  /** A policy builder: the forge's trust root, the fixed clock, nothing else yet. */
  static VerificationPolicy.Builder policyFor(BundleForge forge) {
    return VerificationPolicy.builder(TrustRootSource.of(forge.trustRoot())).clock(CLOCK);
  }

  /** The forge's bundle against its trust root, without an artifact. */
  static VerificationResult verify(BundleForge forge) {
    return verify(forge.bytes(), policyFor(forge).withoutArtifactUnsafe().build());
  }

  /** The forge's bundle against its trust root at {@code clock}, without an artifact. */
  static VerificationResult verifyAt(BundleForge forge, Clock clock) {
    return verify(forge.bytes(), policyFor(forge).clock(clock).withoutArtifactUnsafe().build());
  }

  /** Bundle bytes that are not exactly the forge's, against the forge's trust root. */
  static VerificationResult verify(BundleForge forge, byte[] bundle) {
    return verify(bundle, policyFor(forge).withoutArtifactUnsafe().build());
  }

  static VerificationResult verify(byte[] bundle, VerificationPolicy policy) {
    return VERIFIER.verify(bundle, policy);
  }

  /** All nine checks ran and passed, in FORMATS §6 order. */
  static void assertVerified(VerificationResult result) {
    assertNull(result.failedCheck(), () -> "expected verified, got " + describe(result));
    assertTrue(result.isVerified(), () -> describe(result));
    assertEquals(Check.values().length, result.checks().size(), () -> describe(result));
    for (int i = 0; i < Check.values().length; i++) {
      assertEquals(Check.values()[i], result.checks().get(i).check());
      assertTrue(result.checks().get(i).ok());
    }
  }

  /**
   * Verification stopped at {@code expected}: the checks before it ran in order and passed, it
   * failed, and nothing ran after it.
   */
  static void assertFailsAt(Check expected, VerificationResult result) {
    assertEquals(expected, result.failedCheck(), () -> "wrong failing check: " + describe(result));
    assertFalse(result.isVerified());
    List<CheckOutcome> checks = result.checks();
    assertEquals(expected.ordinal() + 1, checks.size(), () -> describe(result));
    for (int i = 0; i < expected.ordinal(); i++) {
      assertEquals(Check.values()[i], checks.get(i).check(), () -> describe(result));
      assertTrue(checks.get(i).ok(), () -> "an earlier check failed: " + describe(result));
    }
    CheckOutcome last = checks.get(checks.size() - 1);
    assertEquals(expected, last.check());
    assertFalse(last.ok());
  }

  /** The outcomes, for assertion messages only. */
  static String describe(VerificationResult result) {
    List<String> parts = new ArrayList<>();
    for (CheckOutcome o : result.checks()) {
      parts.add(o.check().wireName() + (o.ok() ? " ok" : " FAILED: " + o.message()));
    }
    return String.join("; ", parts);
  }

  /**
   * {@code json} with its single occurrence of {@code target} replaced; fails the test when the
   * target is absent or repeated, so that a fixture edit can never silently do nothing.
   */
  static byte[] replaceOnce(byte[] json, String target, String replacement) {
    String s = new String(json, StandardCharsets.UTF_8);
    int at = s.indexOf(target);
    if (at < 0 || s.indexOf(target, at + 1) >= 0) {
      fail("expected exactly one occurrence of " + target + " in " + s);
    }
    return (s.substring(0, at) + replacement + s.substring(at + target.length()))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** {@code json} with the single member text {@code member} written twice in a row. */
  static byte[] repeatMember(byte[] json, String member) {
    return replaceOnce(json, member, member + "," + member);
  }

  /** {@code levels} nested JSON arrays: {@code nest(1)} is {@code []}, {@code nest(2)} {@code [[]]}. */
  static List<Object> nest(int levels) {
    List<Object> inner = new ArrayList<>();
    for (int i = 1; i < levels; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(inner);
      inner = outer;
    }
    return inner;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
