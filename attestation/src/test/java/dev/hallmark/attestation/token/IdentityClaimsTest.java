package dev.hallmark.attestation.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** FORMATS §2: what the orchestrator mints a token from. */
class IdentityClaimsTest {

  private static IdentityClaims claims(Duration lifetime) {
    return new IdentityClaims(
        "https://ci.example.com/oidc", "acme/app", "refs/heads/main",
        "9580c31a6421584ba9b2f7c1382c530ba235d8b3", ".hallmark/workflows/Release.java", "push",
        "42", "1", "job-7", "publish", "embedded", Instant.ofEpochSecond(1777377600L), lifetime);
  }

  @Test
  void subjectIsRepoAndRef() {
    assertEquals("repo:acme/app:ref:refs/heads/main", claims(IdentityClaims.DEFAULT_LIFETIME).subject());
  }

  @Test
  void constantsMatchFormats() {
    assertEquals(600, IdentityClaims.DEFAULT_LIFETIME.getSeconds());
    assertEquals(3600, IdentityClaims.MAX_LIFETIME.getSeconds());
    assertEquals("hallmark:attestation", IdentityClaims.ATTESTATION_AUDIENCE);
    assertEquals("hallmark-attestation+jwt", IdentityClaims.ATTESTATION_TYPE);
  }

  @Test
  void acceptsLifetimeUpTo3600Seconds() {
    claims(Duration.ofSeconds(1));
    claims(Duration.ofSeconds(3600));
  }

  @Test
  void rejectsLifetimeOver3600Seconds() {
    assertThrows(IllegalArgumentException.class, () -> claims(Duration.ofSeconds(3601)));
    assertThrows(IllegalArgumentException.class, () -> claims(Duration.ofSeconds(3600).plusNanos(1)));
  }

  @Test
  void rejectsZeroOrNegativeLifetime() {
    assertThrows(IllegalArgumentException.class, () -> claims(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> claims(Duration.ofSeconds(-600)));
  }

  @Test
  void rejectsNullMembers() {
    assertThrows(NullPointerException.class, () -> claims(null));
    assertThrows(
        NullPointerException.class,
        () ->
            new IdentityClaims(
                null, "acme/app", "refs/heads/main", "s", "w", "push", "42", "1", "j", "n",
                "embedded", Instant.EPOCH, IdentityClaims.DEFAULT_LIFETIME));
  }
}
