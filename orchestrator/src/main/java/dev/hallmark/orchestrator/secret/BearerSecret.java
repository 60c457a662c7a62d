package dev.hallmark.orchestrator.secret;

import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Base64Strict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The orchestrator's bearer secrets (job capabilities {@code hmcap_…}, the intake credential
 * {@code hmint_…}): a type prefix and 32 random bytes in unpadded base64url, stored only as the
 * SHA-256 of the value, and compared hash to hash in constant time. One place for all three rules,
 * so the two kinds cannot drift apart.
 *
 * <pre>{@code
 * String value = BearerSecret.generate("hmcap_", random);
 * byte[] stored = BearerSecret.hash(value);
 * boolean ok = BearerSecret.matches(BearerSecret.fromAuthorization(header), stored);
 * }</pre>
 */
public final class BearerSecret {
  public static final int RANDOM_BYTES = 32;
  /** Characters of the base64url part: 32 bytes without padding. */
  public static final int ENCODED_LENGTH = 43;

  private BearerSecret() {}

  /** {@code prefix} + 32 fresh random bytes in base64url. */
  public static String generate(String prefix, SecureRandom random) {
    byte[] raw = new byte[RANDOM_BYTES];
    random.nextBytes(raw);
    return prefix + Base64Strict.encodeUrl(raw);
  }

  /** The stored form: SHA-256 of the value's UTF-8 bytes. */
  public static byte[] hash(String value) {
    return Sha256.of(value.getBytes(StandardCharsets.UTF_8));
  }

  /** True when {@code value} is {@code prefix} plus exactly {@link #ENCODED_LENGTH} characters. */
  public static boolean hasShape(String value, String prefix) {
    return value != null && value.length() == prefix.length() + ENCODED_LENGTH && value.startsWith(prefix);
  }

  /** Constant-time comparison of the presented value's hash with the stored hash. */
  public static boolean matches(String presented, byte[] storedHash) {
    return presented != null && storedHash != null && MessageDigest.isEqual(hash(presented), storedHash);
  }

  /** The value of an {@code Authorization: Bearer <value>} header, or null for any other shape. */
  public static String fromAuthorization(String header) {
    return header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).strip() : null;
  }
}
