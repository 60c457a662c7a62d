package dev.hallmark.attestation.dsse;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.encoding.Base64Strict;

/**
 * One DSSE signature: an optional {@code keyid} ({@code null} when absent; an empty string is
 * present) and the DER signature bytes.
 *
 * <pre>{@code
 * var s = new EnvelopeSignature(publicKey.thumbprint(), der);
 * }</pre>
 */
public record EnvelopeSignature(String keyid, byte[] sig) {
  public EnvelopeSignature {
    requireNonNull(sig, "sig");
    sig = sig.clone();
  }

  @Override
  public byte[] sig() {
    return sig.clone();
  }

  @Override
  public String toString() {
    return "EnvelopeSignature[keyid=" + keyid + ", sig=" + Base64Strict.encodeStd(sig) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvelopeSignature e
        && java.util.Objects.equals(e.keyid, keyid)
        && java.util.Arrays.equals(e.sig, sig);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(keyid) * 31 + java.util.Arrays.hashCode(sig);
  }
}
