package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6962 trees and RFC 9162 proof verification, exhaustively for small trees. */
class MerkleTest {
  private static List<byte[]> leaves(int n) {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(Merkle.leafHash(("entry " + i).getBytes(StandardCharsets.US_ASCII)));
    }
    return l;
  }

  @Test
  void hashesAreRfc6962s() {
    // RFC 6962 test data: the empty tree and a one-leaf tree of the empty entry.
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HexFormat.of().formatHex(Merkle.emptyRoot()));
    assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        HexFormat.of().formatHex(Merkle.leafHash(new byte[0])));
  }

  @Test
  void everyInclusionProofOfSmallTreesVerifiesAndHasItsImpliedLength() {
    List<byte[]> all = leaves(40);
    Merkle.Tree tree = new Merkle.Tree(all);
    for (int size = 1; size <= 40; size++) {
      byte[] root = tree.root(size);
      for (int i = 0; i < size; i++) {
        List<byte[]> proof = tree.inclusionProof(i, size);
        assertEquals(Merkle.inclusionProofLength(i, size), proof.size(), "length " + i + "/" + size);
        assertTrue(Merkle.verifyInclusion(i, size, all.get(i), proof, root), i + "/" + size);
        assertFalse(Merkle.verifyInclusion(i, size, all.get((i + 1) % 40), proof, root), "other leaf " + i + "/" + size);
        if (!proof.isEmpty()) {
          assertFalse(Merkle.verifyInclusion(i, size, all.get(i), proof.subList(0, proof.size() - 1), root), "short");
          List<byte[]> longer = new ArrayList<>(proof);
          longer.add(root);
          assertFalse(Merkle.verifyInclusion(i, size, all.get(i), longer, root), "long");
        }
      }
      assertFalse(Merkle.verifyInclusion(size, size, all.get(0), List.of(), root), "index = size");
    }
  }

  @Test
  void everyConsistencyProofOfSmallTreesVerifies() {
    List<byte[]> all = leaves(24);
    Merkle.Tree tree = new Merkle.Tree(all);
    for (int n = 1; n <= 24; n++) {
      for (int m = 1; m <= n; m++) {
        List<byte[]> proof = tree.consistencyProof(m, n);
        assertTrue(Merkle.verifyConsistency(m, n, tree.root(m), tree.root(n), proof), m + "->" + n);
        if (m < n) {
          byte[] wrong = tree.root(m).clone();
          wrong[0] ^= 1;
          assertFalse(Merkle.verifyConsistency(m, n, wrong, tree.root(n), proof), "forked " + m + "->" + n);
        }
      }
    }
    assertFalse(Merkle.verifyConsistency(5, 4, tree.root(5), tree.root(4), List.of()));
  }

  @Test
  void rootOfTwoLeavesIsTheirNode() {
    List<byte[]> l = leaves(2);
    assertArrayEquals(Merkle.nodeHash(l.get(0), l.get(1)), new Merkle.Tree(l).root(2));
  }
}
