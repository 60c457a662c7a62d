package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.AttestationException;
import org.junit.jupiter.api.Test;

/** Tile paths exactly as c2sp.org/tlog-tiles spells them, and only that spelling read back. */
class TileTest {
  @Test
  void indexIsWrittenInThreeDigitGroupsAsTheSpecsExampleSays() {
    assertEquals("tile/0/x001/x234/067", Tile.hashes(0, 1234067, 256).path());
    assertEquals("tile/0/000", Tile.hashes(0, 0, 256).path());
    assertEquals("tile/2/067", Tile.hashes(2, 67, 256).path());
    assertEquals("tile/1/x001/000", Tile.hashes(1, 1000, 256).path());
    assertEquals("tile/63/999", Tile.hashes(63, 999, 256).path());
    assertEquals("tile/0/x009/x223/x372/x036/x854/x775/807", Tile.hashes(0, Long.MAX_VALUE, 256).path());
  }

  @Test
  void partialTilesAndEntryBundlesCarryTheirWidth() {
    assertEquals("tile/0/273.p/112", Tile.hashes(0, 273, 112).path());
    assertEquals("tile/entries/x001/x234/067", Tile.entries(1234067, 256).path());
    assertEquals("tile/entries/000.p/1", Tile.entries(0, 1).path());
  }

  @Test
  void pathsReadBackToTheirTile() {
    for (Tile t : new Tile[] {
        Tile.hashes(0, 1234067, 256), Tile.hashes(5, 0, 3), Tile.entries(999, 255), Tile.entries(1000, 256),
        Tile.hashes(0, Long.MAX_VALUE, 1)}) {
      assertEquals(t, Tile.parsePath(t.path()));
    }
  }

  @Test
  void rejectsEveryOtherSpelling() {
    for (String bad : new String[] {
        "tile/0/67", "tile/0/0067", "tile/00/000", "tile/64/000", "tile/0/x000/067", "tile/0/001/234",
        "tile/0/x001/x234", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/007", "tile/0/000.p/",
        "tile/entries/000.p/1000", "tile/data/000", "tiles/0/000", "tile/0/x009/x223/x372/x036/x854/x775/808",
        "tile/0/000/", "tile//000", "tile/-1/000", "tile/0/x1/000"}) {
      assertThrows(AttestationException.class, () -> Tile.parsePath(bad), bad);
    }
  }

  @Test
  void rejectsOutOfRangeCoordinates() {
    assertThrows(AttestationException.class, () -> Tile.hashes(64, 0, 1));
    assertThrows(AttestationException.class, () -> Tile.hashes(-1, 0, 1));
    assertThrows(AttestationException.class, () -> Tile.hashes(0, -1, 1));
    assertThrows(AttestationException.class, () -> Tile.hashes(0, 0, 0));
    assertThrows(AttestationException.class, () -> Tile.entries(0, 257));
  }
}
