package dev.hallmark.attestation.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** FORMATS conventions: hex is lowercase. */
class HexTest {

  @Test
  void encodesLowercase() {
    assertEquals("", Hex.encode(new byte[0]));
    assertEquals("00017f80abcdefff", Hex.encode(new byte[] {0, 1, 0x7f, (byte) 0x80, (byte) 0xab, (byte) 0xcd, (byte) 0xef, (byte) 0xff}));
  }

  @Test
  void encodesEveryByteAsTwoDigits() {
    for (int i = 0; i < 256; i++) {
      assertEquals(String.format("%02x", i), Hex.encode(new byte[] {(byte) i}));
    }
  }

  @Test
  void isLowerHexAcceptsExactLengthLowercase() {
    assertTrue(Hex.isLowerHex("0123456789abcdef", 16));
    assertTrue(Hex.isLowerHex("", 0));
    assertTrue(Hex.isLowerHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 64));
  }

  @Test
  void isLowerHexRejectsUppercase() {
    assertFalse(Hex.isLowerHex("0123456789ABCDEF", 16));
    assertFalse(Hex.isLowerHex("0123456789abcdeF", 16));
  }

  @Test
  void isLowerHexRejectsWrongLength() {
    assertFalse(Hex.isLowerHex("abc", 4));
    assertFalse(Hex.isLowerHex("abcde", 4));
  }

  @Test
  void isLowerHexRejectsNonHexCharacters() {
    assertFalse(Hex.isLowerHex("abcg", 4));
    assertFalse(Hex.isLowerHex("ab c", 4));
    assertFalse(Hex.isLowerHex("ab/c", 4)); // '/' sits just below '0'
    assertFalse(Hex.isLowerHex("ab:c", 4)); // ':' sits just above '9'
    assertFalse(Hex.isLowerHex("ab`c", 4)); // '`' sits just below 'a'
    assertFalse(Hex.isLowerHex("abc\u0661", 4)); // a non-ASCII digit
  }

  @Test
  void isLowerHexRejectsNull() {
    assertFalse(Hex.isLowerHex(null, 0));
  }
}
