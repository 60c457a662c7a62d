package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.verify;
import static dev.hallmark.verifier.KeyBindingCheckTest.signedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.attestation.crypto.DerSignature;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.testing.BundleForge;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMATS §6 check 5, {@code signature}: the DSSE envelope of §4 (payload type, exactly one
 * signature, keyid, strict DER with r and s in [1, n−1], the signature over PAE). The token and
 * its bindings are valid in every fixture.
 */
class SignatureCheckTest {
  private static final BigInteger N = TokenCheckTest.N;

  // ------------------------------------------------------------ payloadType

  @Test
  void rejectsWrongPayloadType() {
    BundleForge f = BundleForge.valid();
    f.payloadType = "application/json"; // signed over PAE with this type: only the type is wrong
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsPayloadTypeDifferingInCase() {
    BundleForge f = BundleForge.valid();
    f.payloadType = "application/vnd.in-toto+JSON";
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  // ------------------------------------------------------------ number of signatures

  @Test
  void rejectsZeroSignatures() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = pae -> new ArrayList<>();
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsTwoSignaturesBothValid() {
    BundleForge f = BundleForge.valid();
    String keyid = f.ephemeral.publicKey().thumbprint();
    f.envelopeSigner =
        pae -> {
          List<Object> sigs = new ArrayList<>(signedBy(f.ephemeral::signDer, keyid).apply(pae));
          sigs.addAll(signedBy(der -> highS(f.ephemeral.signDer(der)), keyid).apply(pae));
          return sigs;
        };
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsValidSignatureNextToForeignOne() {
    BundleForge f = BundleForge.valid();
    P256PrivateKey other = P256PrivateKey.generate(new SecureRandom());
    f.envelopeSigner =
        pae -> {
          List<Object> sigs =
              new ArrayList<>(signedBy(other::signDer, other.publicKey().thumbprint()).apply(pae));
          sigs.addAll(signedBy(f.ephemeral::signDer, f.ephemeral.publicKey().thumbprint()).apply(pae));
          return sigs;
        };
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  // ------------------------------------------------------------ keyid

  @Test
  void rejectsKeyidMismatch() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signDer, P256PrivateKey.generate(new SecureRandom()).publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /** FORMATS §4: an empty keyid is present, and "" is not the thumbprint. */
  @Test
  void rejectsEmptyKeyidSinceItIsPresent() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signDer, "");
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void acceptsAbsentKeyid() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signDer, null);
    assertVerified(verify(f));
  }

  // ------------------------------------------------------------ what is signed

  @Test
  void rejectsSignatureOverRawPayloadInsteadOfPae() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(pae -> f.ephemeral.signDer(f.statementBytes()), f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsSignatureOverPaeOfAnotherPayloadType() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner =
        signedBy(
            pae -> f.ephemeral.signDer(Pae.encode("application/json", f.statementBytes())),
            f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsForeignSignatureUnderRightKeyid() {
    BundleForge f = BundleForge.valid();
    P256PrivateKey foreign = P256PrivateKey.generate(new SecureRandom());
    f.envelopeSigner = signedBy(foreign::signDer, f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /**
   * One payload byte changed after signing; the token's payload_sha256 follows the tampered bytes,
   * so the binding holds and only the DSSE signature can catch it.
   */
  @Test
  void rejectsTamperedPayload() {
    BundleForge f = BundleForge.valid();
    byte[] original = f.statementBytes();
    byte[] tampered = original.clone();
    int at = new String(original, java.nio.charset.StandardCharsets.UTF_8).indexOf("app-1.2.3.tgz");
    tampered[at] = 'b'; // "bpp-1.2.3.tgz": still a valid statement
    f.rawStatement = tampered;
    String keyid = f.ephemeral.publicKey().thumbprint();
    f.envelopeSigner = signedBy(pae -> f.ephemeral.signDer(Pae.encode(BundleForge.PAYLOAD_TYPE, original)), keyid);
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  // ------------------------------------------------------------ signature encoding

  @Test
  void rejectsDerWithRAndSZero() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(pae -> new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}, f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsRawRsInsteadOfDer() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signRaw, f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsDerWithROfN() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner =
        signedBy(pae -> DerSignature.encode(N, DerSignature.decode(f.ephemeral.signDer(pae))[1]), f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /** r + n is the same residue as r: a lenient verifier that reduces mod n would accept it. */
  @Test
  void rejectsDerWithSPlusN() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner =
        signedBy(
            pae -> {
              BigInteger[] rs = DerSignature.decode(f.ephemeral.signDer(pae));
              return DerSignature.encode(rs[0], rs[1].add(N));
            },
            f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /**
   * Valid (r, s), but BER rather than DER: a redundant leading zero on an r whose top bit is clear
   * (the statement is varied until RFC 6979 gives such an r, so the encoding stays within length
   * bounds and only minimality is broken).
   */
  @Test
  void rejectsDerWithNonMinimalInteger() {
    BundleForge f = BundleForge.valid();
    for (int i = 0; DerSignature.decode(f.ephemeral.signDer(pae(f)))[0].bitLength() > 255; i++) {
      f.statement.put("comment", "attempt " + i);
    }
    f.envelopeSigner = signedBy(pae -> nonMinimalR(f.ephemeral.signDer(pae)), f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /** Valid (r, s), but the sequence length in BER long form (0x81 len). */
  @Test
  void rejectsDerWithLongFormLength() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner =
        signedBy(
            pae -> {
              byte[] der = f.ephemeral.signDer(pae);
              byte[] ber = new byte[der.length + 1];
              ber[0] = 0x30;
              ber[1] = (byte) 0x81;
              System.arraycopy(der, 1, ber, 2, der.length - 1);
              return ber;
            },
            f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /** Valid (r, s) followed by a byte that the sequence length covers. */
  @Test
  void rejectsDerWithTrailingByteInsideSequence() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner =
        signedBy(
            pae -> {
              byte[] der = ForgeVerification.concat(f.ephemeral.signDer(pae), new byte[] {0});
              der[1]++;
              return der;
            },
            f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @Test
  void rejectsDerWithTrailingByteAfterSequence() {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner =
        signedBy(pae -> ForgeVerification.concat(f.ephemeral.signDer(pae), new byte[] {0}), f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 8})
  void rejectsShortOrEmptySig(int length) {
    BundleForge f = BundleForge.valid();
    f.envelopeSigner = signedBy(pae -> Arrays.copyOf(f.ephemeral.signDer(pae), length), f.ephemeral.publicKey().thumbprint());
    assertFailsAt(Check.SIGNATURE, verify(f));
  }

  /**
   * FORMATS §4 bounds r and s to [1, n−1] and nothing more: (r, n − s) is the malleated twin of a
   * valid signature and is itself valid, so it must pass. (Were low-s ever required, FORMATS would
   * change first.)
   */
  @Test
  void acceptsHighSMalleatedSignatureSinceFormatsDoesNotForbidIt() {
    BundleForge f = BundleForge.valid();
    byte[][] seen = new byte[2][];
    f.envelopeSigner =
        signedBy(
            pae -> {
              seen[0] = f.ephemeral.signDer(pae);
              seen[1] = highS(seen[0]);
              return seen[1];
            },
            f.ephemeral.publicKey().thumbprint());
    VerificationResult result = verify(f);
    BigInteger s0 = DerSignature.decode(seen[0])[1];
    BigInteger s1 = DerSignature.decode(seen[1])[1];
    assertEquals(N, s0.add(s1), "the fixture carries (r, n - s)");
    assertVerified(result);
  }

  // ------------------------------------------------------------ helpers

  private static byte[] pae(BundleForge f) {
    return Pae.encode(BundleForge.PAYLOAD_TYPE, f.statementBytes());
  }

  /** The same signature with s replaced by n − s. */
  static byte[] highS(byte[] der) {
    BigInteger[] rs = DerSignature.decode(der);
    return DerSignature.encode(rs[0], N.subtract(rs[1]));
  }

  private static byte[] nonMinimalR(byte[] der) {
    BigInteger[] rs = DerSignature.decode(der);
    byte[] r = rs[0].toByteArray();
    byte[] rPadded = new byte[r.length + 1]; // one more leading zero than needed
    System.arraycopy(r, 0, rPadded, 1, r.length);
    byte[] s = rs[1].toByteArray();
    int len = 2 + rPadded.length + 2 + s.length;
    byte[] out = new byte[2 + len];
    out[0] = 0x30;
    out[1] = (byte) len;
    out[2] = 0x02;
    out[3] = (byte) rPadded.length;
    System.arraycopy(rPadded, 0, out, 4, rPadded.length);
    out[4 + rPadded.length] = 0x02;
    out[5 + rPadded.length] = (byte) s.length;
    System.arraycopy(s, 0, out, 6 + rPadded.length, s.length);
    return out;
  }
}
