package dev.hallmark.attestation.dsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** FORMATS §4: PAE per DSSE v1. */
class PaeTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void matchesDsseSpecTestVector() {
    // DSSE protocol.md, "Test vector".
    assertArrayEquals(
        utf8("DSSEv1 29 http://example.com/HelloWorld 11 hello world"),
        Pae.encode("http://example.com/HelloWorld", utf8("hello world")));
  }

  @Test
  void encodesInTotoPayloadType() {
    assertArrayEquals(
        utf8("DSSEv1 28 application/vnd.in-toto+json 2 {}"),
        Pae.encode("application/vnd.in-toto+json", utf8("{}")));
  }

  @Test
  void multibyteTypeCountsBytesNotCharacters() {
    // "é" is 1 character and 2 bytes; "😀" is 2 UTF-16 units and 4 bytes.
    assertArrayEquals(utf8("DSSEv1 3 té 1 x"), Pae.encode("té", utf8("x")));
    assertArrayEquals(utf8("DSSEv1 4 😀 0 "), Pae.encode("😀", new byte[0]));
  }

  @Test
  void bodyLengthCountsBytesAndBodyIsCopiedVerbatim() {
    byte[] body = {0, (byte) 0xff, ' ', '\n', (byte) 0xc3};
    byte[] expected = concat(utf8("DSSEv1 1 t 5 "), body);
    assertArrayEquals(expected, Pae.encode("t", body));
  }

  @Test
  void emptyTypeAndBody() {
    assertArrayEquals(utf8("DSSEv1 0  0 "), Pae.encode("", new byte[0]));
  }

  @Test
  void lengthPrefixesSeparateTypeFromBody() {
    // Without lengths, ("a b", "c") and ("a", "b c") would sign the same bytes.
    assertFalse(Arrays.equals(Pae.encode("a b", utf8("c")), Pae.encode("a", utf8("b c"))));
  }

  @Test
  void largeBodyLengthIsDecimal() {
    byte[] body = new byte[123456];
    byte[] pae = Pae.encode("t", body);
    assertArrayEquals(utf8("DSSEv1 1 t 123456 "), Arrays.copyOf(pae, pae.length - body.length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
