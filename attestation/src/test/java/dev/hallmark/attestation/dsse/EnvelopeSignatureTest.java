package dev.hallmark.attestation.dsse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** One DSSE signature: optional keyid (empty is present), copied bytes. */
class EnvelopeSignatureTest {

  @Test
  void signatureBytesAreCopiedInAndOut() {
    byte[] sig = {1, 2};
    EnvelopeSignature s = new EnvelopeSignature("k", sig);
    sig[0] = 9;
    assertEquals(1, s.sig()[0]);
    s.sig()[1] = 9;
    assertEquals(2, s.sig()[1]);
  }

  @Test
  void absentAndEmptyKeyidDiffer() {
    assertNotEquals(new EnvelopeSignature(null, new byte[] {1}), new EnvelopeSignature("", new byte[] {1}));
    assertEquals(new EnvelopeSignature(null, new byte[] {1}), new EnvelopeSignature(null, new byte[] {1}));
    assertEquals(
        new EnvelopeSignature("k", new byte[] {1}).hashCode(),
        new EnvelopeSignature("k", new byte[] {1}).hashCode());
    assertNotEquals(new EnvelopeSignature("k", new byte[] {1}), new EnvelopeSignature("k", new byte[] {2}));
  }

  @Test
  void requiresSig() {
    assertThrows(NullPointerException.class, () -> new EnvelopeSignature("k", null));
  }
}
