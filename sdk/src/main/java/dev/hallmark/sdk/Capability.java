package dev.hallmark.sdk;

import java.util.regex.Pattern;

/**
 * The job capability the orchestrator hands the workflow JVM on standard input. It lives only in
 * this object: never in system properties, the environment, a file, a log line or an exception
 * message; {@link #toString()} is redacted.
 *
 * <pre>{@code
 * Capability cap = Capability.of(input.capability);
 * request.header("Authorization", cap.authorization());
 * }</pre>
 */
final class Capability {
  // hmcap_ then an RFC 6750 b64token, so it can never break out of the Authorization header.
  private static final Pattern FORM = Pattern.compile("hmcap_[A-Za-z0-9._~+/-]{16,512}=*");
  private final String value;

  private Capability(String value) {
    this.value = value;
  }

  /** Checks the form; the message never shows the value. */
  static Capability of(String value) {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException("capability is malformed (expected hmcap_ and 16 to 512 token characters)");
    }
    return new Capability(value);
  }

  /** The {@code Authorization} header value. */
  String authorization() {
    return "Bearer " + value;
  }

  /** For the masker only. */
  String secret() {
    return value;
  }

  @Override
  public String toString() {
    return "Capability[redacted]";
  }
}
