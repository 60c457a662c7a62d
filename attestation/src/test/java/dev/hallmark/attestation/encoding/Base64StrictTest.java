package dev.hallmark.attestation.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS conventions: canonical b64 (padded, RFC 4648 §4) and b64url (unpadded, §5). */
class Base64StrictTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void assertEncodingError(Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(Code.ENCODING, ex.code());
  }

  // ------------------------------------------------------------------ standard

  @Test
  void decodesCanonicalStd() {
    assertArrayEquals(new byte[0], Base64Strict.decodeStd(""));
    assertArrayEquals(ascii("A"), Base64Strict.decodeStd("QQ=="));
    assertArrayEquals(ascii("AB"), Base64Strict.decodeStd("QUI="));
    assertArrayEquals(ascii("ABC"), Base64Strict.decodeStd("QUJD"));
    assertArrayEquals(ascii("foobar"), Base64Strict.decodeStd("Zm9vYmFy"));
    assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff, (byte) 0xbf}, Base64Strict.decodeStd("+/+/"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QQ", "QQ=", "QUI", "Zm9vYg", "Zm9vYmE"})
  void stdRejectsMissingPadding(String s) {
    assertEncodingError(() -> Base64Strict.decodeStd(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QQ===", "QUI==", "QUJD=", "QUJD====", "=", "==", "====", "QQ==QQ=="})
  void stdRejectsExtraOrMisplacedPadding(String s) {
    assertEncodingError(() -> Base64Strict.decodeStd(s));
  }

  @Test
  void stdRejectsNonZeroPadBits() {
    assertArrayEquals(ascii("A"), Base64Strict.decodeStd("QQ=="));
    assertEncodingError(() -> Base64Strict.decodeStd("QR=="));
    assertEncodingError(() -> Base64Strict.decodeStd("QX=="));
    assertArrayEquals(ascii("AB"), Base64Strict.decodeStd("QUI="));
    assertEncodingError(() -> Base64Strict.decodeStd("QUJ="));
    assertEncodingError(() -> Base64Strict.decodeStd("QUL="));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QUJD\n", "QUJD\r\n", " QUJD", "QUJD ", "QU JD", "QU\tJD", "Zm9v\nYmFy", "QQ==\n"})
  void stdRejectsWhitespaceAndLineBreaks(String s) {
    assertEncodingError(() -> Base64Strict.decodeStd(s));
  }

  @Test
  void stdRejectsMimeLineBreaksEvery76Characters() {
    byte[] data = new byte[100];
    String mime = java.util.Base64.getMimeEncoder().encodeToString(data);
    assertEquals(true, mime.contains("\r\n"));
    assertEncodingError(() -> Base64Strict.decodeStd(mime));
    assertArrayEquals(data, Base64Strict.decodeStd(java.util.Base64.getEncoder().encodeToString(data)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-_-_", "+_+_", "-/+/", "QQ-=", "ab_c"})
  void stdRejectsUrlAlphabet(String s) {
    assertEncodingError(() -> Base64Strict.decodeStd(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QUJ\u00e9", "QUJ\u0000", "QU.D", "QU*D", "\u0661\u0662\u0663\u0664"})
  void stdRejectsCharactersOutsideTheAlphabet(String s) {
    assertEncodingError(() -> Base64Strict.decodeStd(s));
  }

  // ------------------------------------------------------------------ url

  @Test
  void decodesCanonicalUrl() {
    assertArrayEquals(new byte[0], Base64Strict.decodeUrl(""));
    assertArrayEquals(ascii("A"), Base64Strict.decodeUrl("QQ"));
    assertArrayEquals(ascii("AB"), Base64Strict.decodeUrl("QUI"));
    assertArrayEquals(ascii("ABC"), Base64Strict.decodeUrl("QUJD"));
    assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff, (byte) 0xbf}, Base64Strict.decodeUrl("-_-_"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QQ==", "QQ=", "QUI=", "QUJD=", "=", "QQ==QQ"})
  void urlRejectsPadding(String s) {
    assertEncodingError(() -> Base64Strict.decodeUrl(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+/+/", "-/-_", "QU+D", "ab/c"})
  void urlRejectsStdAlphabet(String s) {
    assertEncodingError(() -> Base64Strict.decodeUrl(s));
  }

  @Test
  void urlRejectsNonZeroPadBits() {
    assertArrayEquals(ascii("A"), Base64Strict.decodeUrl("QQ"));
    assertEncodingError(() -> Base64Strict.decodeUrl("QR"));
    assertArrayEquals(ascii("AB"), Base64Strict.decodeUrl("QUI"));
    assertEncodingError(() -> Base64Strict.decodeUrl("QUJ"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QUJD\n", " QUJD", "QU JD", "QUJD\r\n", "QU\tJD"})
  void urlRejectsWhitespaceAndLineBreaks(String s) {
    assertEncodingError(() -> Base64Strict.decodeUrl(s));
  }

  @Test
  void urlRejectsImpossibleLength() {
    // One character carries only 6 bits: no byte string encodes to it.
    assertEncodingError(() -> Base64Strict.decodeUrl("Q"));
    assertEncodingError(() -> Base64Strict.decodeUrl("QUJDQ"));
  }

  // ------------------------------------------------------------------ encoding

  @Test
  void encodesPaddedStdAndUnpaddedUrl() {
    byte[] b = {(byte) 0xfb, (byte) 0xff};
    assertEquals("+/8=", Base64Strict.encodeStd(b));
    assertEquals("-_8", Base64Strict.encodeUrl(b));
  }

  @Test
  void everyLengthRoundTripsInBothAlphabets() {
    Random random = new Random(7);
    for (int len = 0; len <= 70; len++) {
      byte[] b = new byte[len];
      random.nextBytes(b);
      assertArrayEquals(b, Base64Strict.decodeStd(Base64Strict.encodeStd(b)));
      assertArrayEquals(b, Base64Strict.decodeUrl(Base64Strict.encodeUrl(b)));
    }
  }

  @Test
  void urlAcceptsOnlyZeroPadBitsInLastCharacterOf32Bytes() {
    // A 32-byte value is 43 characters; the last one holds 4 data bits and 2 pad bits, so of the
    // 64 possible last characters exactly the 16 with zero pad bits are canonical.
    byte[] b = new byte[32];
    new Random(1).nextBytes(b);
    String prefix = Base64Strict.encodeUrl(b).substring(0, 42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 64; i++) {
      String s = prefix + alphabet.charAt(i);
      if (i % 4 == 0) {
        assertEquals(s, Base64Strict.encodeUrl(Base64Strict.decodeUrl(s)));
      } else {
        assertEncodingError(() -> Base64Strict.decodeUrl(s));
      }
    }
  }
}
