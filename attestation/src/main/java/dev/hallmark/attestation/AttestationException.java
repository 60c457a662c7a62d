package dev.hallmark.attestation;

/**
 * The one exception type of the attestation module: a stable {@link Code} and a one-line message
 * that names the input, never internals.
 *
 * <pre>{@code
 * try { StrictJson.parse(bytes, StrictJson.BUNDLE_LIMIT); }
 * catch (AttestationException e) { if (e.code() == AttestationException.Code.JSON) ... }
 * }</pre>
 */
public final class AttestationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of input was refused. */
  public enum Code {
    /** Not strict JSON (FORMATS conventions). */
    JSON,
    /** A member is missing or of the wrong type. */
    SHAPE,
    /** Not canonical base64 / base64url / hex. */
    ENCODING,
    /** A public or private key is malformed. */
    KEY,
    /** A signature is malformed or does not verify. */
    SIGNATURE,
    /** A trust root breaks FORMATS §1. */
    TRUST_ROOT,
    /** A statement breaks FORMATS §3. */
    STATEMENT,
    /** A transparency-log text (proof, checkpoint, note, policy, vkey) breaks FORMATS §8. */
    LOG,
    /** Reading a file or stream failed. */
    IO,
    /** A cryptographic engine cannot be loaded on this platform (AWS-LC, {@code --crypto native}). */
    ENGINE
  }

  private final Code code;

  public AttestationException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public AttestationException(Code code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
