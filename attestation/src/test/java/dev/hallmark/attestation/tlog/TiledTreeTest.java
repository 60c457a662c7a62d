package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Tiles written by {@link TileWriter} and read by {@link TiledTree} agree with {@link Merkle.Tree}
 * for every tree size from 0 to 600, and a reader that serves a wrong tile is caught.
 */
class TiledTreeTest {
  private static final int MAX = 600;
  private static final List<byte[]> ENTRIES = entries(MAX);
  private static final List<byte[]> LEAVES = ENTRIES.stream().map(Merkle::leafHash).toList();
  private static final Merkle.Tree MERKLE = new Merkle.Tree(LEAVES);

  private static List<byte[]> entries(int n) {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(("entry " + i).getBytes(StandardCharsets.US_ASCII));
    }
    return l;
  }

  /** The tiles of a tree, as a store that keeps the latest bytes of each path. */
  static Map<String, byte[]> store(List<TileWriter.Output> outputs) {
    Map<String, byte[]> m = new HashMap<>();
    for (TileWriter.Output o : outputs) {
      m.put(o.tile().path(), o.bytes());
    }
    return m;
  }

  static TileReader reader(Map<String, byte[]> store) {
    return tile -> {
      byte[] b = store.get(tile.path());
      if (b == null) {
        throw new IllegalStateException("no " + tile.path());
      }
      return b;
    };
  }

  private static void assertSameHashes(List<byte[]> expected, List<byte[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), what + " hash " + i);
    }
  }

  @Test
  void tilesOfEverySizeUpTo600GiveMerkleTreesRootsAndProofs() {
    for (int size = 0; size <= MAX; size++) {
      Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, size)));
      byte[] root = MERKLE.root(size);
      TiledTree tree = TiledTree.open(reader(store), size, root);
      // Boundaries of tiles and powers of two, and a stride; every point for a few sizes.
      TreeSet<Integer> points = new TreeSet<>(List.of(0, 1, 2, 3, 127, 128, 129, 255, 256, 257, 511, 512, 513, size / 2, size - 1, size));
      for (int p = 0; p <= size; p += 41) {
        points.add(p);
      }
      if (size == 1 || size == 256 || size == 257 || size == 513 || size == MAX) {
        for (int p = 0; p <= size; p++) {
          points.add(p);
        }
      }
      for (int m : points) {
        if (m < 0 || m > size) {
          continue;
        }
        assertArrayEquals(MERKLE.root(m), tree.root(m), "root " + m + " of " + size);
        List<byte[]> consistency = tree.consistencyProof(m, size);
        assertSameHashes(MERKLE.consistencyProof(m, size), consistency, "consistency " + m + "→" + size);
        assertTrue(Merkle.verifyConsistency(m, size, MERKLE.root(m), root, consistency), "consistency " + m + "→" + size);
        if (m < size) {
          List<byte[]> inclusion = tree.inclusionProof(m, size);
          assertSameHashes(MERKLE.inclusionProof(m, size), inclusion, "inclusion " + m + " in " + size);
          assertTrue(Merkle.verifyInclusion(m, size, LEAVES.get(m), inclusion, root), "inclusion " + m + " in " + size);
        }
      }
      List<byte[]> all = tree.entries(0, size);
      assertEquals(size, all.size());
      for (int i = 0; i < size; i++) {
        assertArrayEquals(ENTRIES.get(i), all.get(i), "entry " + i + " of " + size);
      }
    }
  }

  @Test
  void aTreeOf70000HasTheTilesTheSpecLists() {
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < 70_000; i++) {
      entries.add(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
    }
    List<String> paths = TileWriter.forTree(entries).stream().map(o -> o.tile().path()).toList();
    // 273 full level-0 tiles, one partial of width 112, one full level-1 tile, a partial level-1
    // tile of width 17 and a partial level-2 tile of width 1; as many entry bundles as level-0 tiles.
    assertEquals(273 + 1 + 1 + 1 + 1 + 274, paths.size(), paths.toString());
    assertEquals(273, paths.stream().filter(p -> p.startsWith("tile/0/") && !p.contains(".p/")).count());
    assertEquals(273, paths.stream().filter(p -> p.startsWith("tile/entries/") && !p.contains(".p/")).count());
    assertTrue(paths.contains("tile/0/273.p/112"));
    assertTrue(paths.contains("tile/entries/273.p/112"));
    assertTrue(paths.contains("tile/1/000"));
    assertTrue(paths.contains("tile/1/001.p/17"));
    assertTrue(paths.contains("tile/2/000.p/1"));
    assertTrue(paths.contains("tile/0/272"));
  }

  @Test
  void aTreeOf256IsOneFullTileAndAPartialLevel1TileOfWidth1() {
    List<String> paths = TileWriter.forTree(ENTRIES.subList(0, 256)).stream().map(o -> o.tile().path()).toList();
    assertEquals(List.of("tile/entries/000", "tile/0/000", "tile/1/000.p/1"), paths);
  }

  @Test
  void appendingInBatchesPublishesWhatOneWriteWouldAndEveryBatchsPartials() {
    Random random = new Random(7);
    TileWriter writer = TileWriter.empty();
    Map<String, byte[]> store = new HashMap<>();
    int at = 0;
    while (at < MAX) {
      int n = Math.min(MAX - at, random.nextInt(90));
      List<TileWriter.Output> out = writer.append(ENTRIES.subList(at, at + n));
      at += n;
      store.putAll(store(out));
      assertEquals(at, writer.size());
      assertArrayEquals(MERKLE.root(at), writer.root(), "root after " + at);
      // Each checkpoint size must be readable from what was published so far.
      TiledTree tree = TiledTree.open(reader(store), at, MERKLE.root(at));
      assertEquals(at, tree.entries(0, at).size());
    }
    Map<String, byte[]> whole = store(TileWriter.forTree(ENTRIES));
    for (Map.Entry<String, byte[]> e : whole.entrySet()) {
      assertArrayEquals(e.getValue(), store.get(e.getKey()), e.getKey());
    }
  }

  @Test
  void resumingFromPublishedTilesContinuesTheSameTree() {
    for (int split : new int[] {0, 1, 255, 256, 300, 512, 599}) {
      Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, split)));
      TileWriter resumed = TileWriter.resume(reader(store), split, MERKLE.root(split));
      store.putAll(store(resumed.append(ENTRIES.subList(split, MAX))));
      assertArrayEquals(MERKLE.root(MAX), resumed.root(), "resumed at " + split);
      Map<String, byte[]> whole = store(TileWriter.forTree(ENTRIES));
      for (Map.Entry<String, byte[]> e : whole.entrySet()) {
        assertArrayEquals(e.getValue(), store.get(e.getKey()), split + ": " + e.getKey());
      }
    }
  }

  @Test
  void rejectsPartialTilesThatDoNotHashToTheRoot() {
    Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, 300)));
    store.get("tile/0/001.p/44")[5] ^= 1;
    assertThrows(AttestationException.class, () -> TiledTree.open(reader(store), 300, MERKLE.root(300)));
  }

  @Test
  void rejectsARootThatIsNotTheTilesRoot() {
    Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, 300)));
    assertThrows(AttestationException.class, () -> TiledTree.open(reader(store), 300, MERKLE.root(299)));
  }

  @Test
  void rejectsAForgedFullTileBeforeUsingItsHashes() {
    Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, 600)));
    store.get("tile/0/001")[40] ^= 1;
    TiledTree tree = TiledTree.open(reader(store), 600, MERKLE.root(600));
    // Entry 300's proof and the root of 300 need level-0 tile 1; entries of bundle 0 do not.
    assertThrows(AttestationException.class, () -> tree.inclusionProof(300, 600));
    assertThrows(AttestationException.class, () -> tree.root(300));
    assertEquals(256, tree.entries(0, 256).size());
  }

  @Test
  void rejectsForgedEntryBundlesFullAndPartial() {
    Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, 300)));
    store.put("tile/entries/000", EntryBundle.encode(entries(257).subList(1, 257)));
    List<byte[]> other = new ArrayList<>(ENTRIES.subList(256, 300));
    other.set(3, "forged".getBytes(StandardCharsets.US_ASCII));
    store.put("tile/entries/001.p/44", EntryBundle.encode(other));
    TiledTree tree = TiledTree.open(reader(store), 300, MERKLE.root(300));
    assertThrows(AttestationException.class, () -> tree.bundle(0));
    assertThrows(AttestationException.class, () -> tree.bundle(1));
  }

  @Test
  void rejectsATileOfTheWrongLength() {
    Map<String, byte[]> store = store(TileWriter.forTree(ENTRIES.subList(0, 300)));
    store.put("tile/0/001.p/44", java.util.Arrays.copyOf(store.get("tile/0/001.p/44"), 43 * 32));
    assertThrows(AttestationException.class, () -> TiledTree.open(reader(store), 300, MERKLE.root(300)));
  }

  @Test
  void refusesToAppendAnEntryLongerThan65535Bytes() {
    TileWriter w = TileWriter.empty();
    assertThrows(AttestationException.class, () -> w.append(List.of(new byte[] {1}, new byte[65_536])));
    assertEquals(0, w.size());
  }
}
