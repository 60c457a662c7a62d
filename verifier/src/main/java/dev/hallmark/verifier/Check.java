package dev.hallmark.verifier;

/**
 * The ten checks of FORMATS §6, in the order they run. {@link #wireName()} is the stable name
 * that appears in {@code --json} output and messages.
 *
 * <pre>{@code
 * if (result.failedCheck() == Check.SIGNATURE) { ... }
 * String name = Check.KEY_BINDING.wireName();   // "key-binding"
 * }</pre>
 */
public enum Check {
  BUNDLE("bundle"),
  TRUST_ROOT("trust-root"),
  TOKEN("token"),
  KEY_BINDING("key-binding"),
  SIGNATURE("signature"),
  STATEMENT("statement"),
  BUILD_CONTEXT("build-context"),
  LOG("log"),
  ARTIFACT("artifact"),
  POLICY("policy");

  private final String wireName;

  Check(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The check with this stable name, or {@code null}. */
  public static Check fromWireName(String name) {
    for (Check c : values()) {
      if (c.wireName.equals(name)) {
        return c;
      }
    }
    return null;
  }
}
