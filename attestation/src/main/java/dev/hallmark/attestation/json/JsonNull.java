package dev.hallmark.attestation.json;

/** The JSON literal {@code null} in a parsed tree, distinct from an absent member. */
public enum JsonNull {
  INSTANCE;

  @Override
  public String toString() {
    return "null";
  }
}
