package dev.hallmark.orchestrator.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.tlog.Merkle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The incremental tree against the attestation module's reference tree and proof verifiers. */
class TreeHashesTest {
  private static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Merkle.leafHash(("entry " + i).getBytes(StandardCharsets.US_ASCII)));
    }
    return out;
  }

  @Test
  void rootsAndProofsMatchTheReferenceTreeAndVerify() {
    List<byte[]> leaves = leaves(300);
    TreeHashes tree = new TreeHashes();
    Merkle.Tree reference = new Merkle.Tree(leaves);
    assertArrayEquals(Merkle.emptyRoot(), tree.root(0));
    for (int n = 1; n <= leaves.size(); n++) {
      tree.append(leaves.get(n - 1));
      byte[] root = tree.root(n);
      assertArrayEquals(reference.root(n), root, "root of " + n);
      for (int i = 0; i < n; i += Math.max(1, n / 7)) {
        List<byte[]> proof = tree.inclusionProof(i, n);
        assertTrue(Merkle.verifyInclusion(i, n, leaves.get(i), proof, root), "inclusion " + i + " of " + n);
      }
      for (int m = 1; m < n; m += Math.max(1, n / 5)) {
        List<byte[]> proof = tree.consistencyProof(m, n);
        assertTrue(Merkle.verifyConsistency(m, n, reference.root(m), root, proof), "consistency " + m + " to " + n);
      }
    }
  }

  @Test
  void tilesHoldTheHashesOfTheirLevel() {
    List<byte[]> leaves = leaves(70_000 % 1000 + 512);
    TreeHashes tree = new TreeHashes();
    leaves.forEach(tree::append);
    byte[] tile = tree.tile(0, 1, 256);
    assertEquals(8192, tile.length);
    for (int i = 0; i < 256; i++) {
      assertArrayEquals(leaves.get(256 + i), java.util.Arrays.copyOfRange(tile, 32 * i, 32 * i + 32));
    }
    // A level-1 tile's hashes are the roots of full level-0 tiles.
    byte[] level1 = tree.tile(1, 0, 2);
    assertArrayEquals(new Merkle.Tree(leaves.subList(0, 256)).root(256), java.util.Arrays.copyOfRange(level1, 0, 32));
    assertArrayEquals(new Merkle.Tree(leaves.subList(256, 512)).root(256), java.util.Arrays.copyOfRange(level1, 32, 64));
  }

}
