package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.AttestationException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entry bundles: uint16 big-endian length-prefixed entries, exactly as many as the tile's width. */
class EntryBundleTest {
  @Test
  void entriesAreBigEndianLengthPrefixed() {
    byte[] b = EntryBundle.encode(List.of(new byte[] {'a', 'b'}, new byte[0], new byte[300]));
    assertEquals("000261620000012c", HexFormat.of().formatHex(b, 0, 8));
    assertEquals(2 + 2 + 2 + 2 + 300, b.length);
    List<byte[]> back = EntryBundle.parse(b, 3);
    assertArrayEquals(new byte[] {'a', 'b'}, back.get(0));
    assertEquals(0, back.get(1).length);
    assertEquals(300, back.get(2).length);
  }

  @Test
  void anEntryOf65535BytesFitsAndOneMoreDoesNot() {
    byte[] max = new byte[65_535];
    assertEquals(65_535, EntryBundle.parse(EntryBundle.encode(List.of(max)), 1).get(0).length);
    assertThrows(AttestationException.class, () -> EntryBundle.encode(List.of(new byte[65_536])));
  }

  @Test
  void rejectsABundleWithOtherThanItsCount() {
    byte[] two = EntryBundle.encode(List.of(new byte[] {1}, new byte[] {2}));
    assertThrows(AttestationException.class, () -> EntryBundle.parse(two, 1));
    assertThrows(AttestationException.class, () -> EntryBundle.parse(two, 3));
  }

  @Test
  void rejectsTruncatedBundles() {
    byte[] one = EntryBundle.encode(List.of(new byte[] {1, 2, 3}));
    assertThrows(AttestationException.class, () -> EntryBundle.parse(java.util.Arrays.copyOf(one, 4), 1));
    assertThrows(AttestationException.class, () -> EntryBundle.parse(new byte[] {0}, 1));
  }
}
