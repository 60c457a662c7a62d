package dev.hallmark.attestation.tlog;

import dev.hallmark.attestation.crypto.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 6962 Merkle tree of FORMATS §8.1: leaf hash {@code SHA-256(0x00 ‖ entry)}, interior
 * node {@code SHA-256(0x01 ‖ left ‖ right)}; proofs verified as RFC 9162 §2.1.3.2 and §2.1.4.2
 * say. Sizes and indexes are unsigned 64-bit values.
 *
 * <pre>{@code
 * byte[] leaf = Merkle.leafHash(tokenBytes);
 * boolean included = Merkle.verifyInclusion(index, size, leaf, proof, checkpoint.rootHash());
 * }</pre>
 */
public final class Merkle {
  /** Bytes of every hash. */
  public static final int HASH_BYTES = 32;

  private Merkle() {}

  /**
   * One digest per thread: an audit hashes ~15 nodes per bundle, and a JCA look-up per hash cost
   * more than the hashing (digest() resets the instance for the next call).
   */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

  public static byte[] leafHash(byte[] entry) {
    MessageDigest d = DIGEST.get();
    d.update((byte) 0x00);
    d.update(entry);
    return d.digest();
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest d = DIGEST.get();
    d.update((byte) 0x01);
    d.update(left);
    d.update(right);
    return d.digest();
  }

  /** The root of an empty tree: SHA-256 of nothing. */
  public static byte[] emptyRoot() {
    return Sha256.of(new byte[0]);
  }

  /**
   * RFC 9162 §2.1.3.2: true when {@code proof} leads from {@code leafHash} at {@code index} to
   * {@code root} in a tree of {@code size} leaves, with exactly the length that index and size imply.
   */
  public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    if (Long.compareUnsigned(index, size) >= 0) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * RFC 9162 §2.1.4.2: true when {@code proof} shows that the tree of {@code first} leaves with
   * root {@code firstRoot} is a prefix of the tree of {@code second} leaves with root {@code secondRoot}.
   */
  public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
    if (Long.compareUnsigned(first, second) > 0) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (first == 0) {
      return proof.isEmpty();
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if ((first & (first - 1)) == 0) {
      path.add(0, firstRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (int i = 1; i < path.size(); i++) {
      byte[] c = path.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
  }

  /** The number of hashes an inclusion proof of {@code index} in a tree of {@code size} holds. */
  public static int inclusionProofLength(long index, long size) {
    if (Long.compareUnsigned(index, size) >= 0) {
      throw new IllegalArgumentException("index " + Long.toUnsignedString(index) + " outside a tree of " + Long.toUnsignedString(size));
    }
    // The walk of RFC 9162 §2.1.3.2, counting the hashes it consumes.
    long fn = index;
    long sn = size - 1;
    int n = 0;
    while (sn != 0) {
      n++;
      if ((fn & 1) == 0 && fn == sn) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return n;
  }

  /** Tree-building over leaf hashes held in memory: roots and proofs (RFC 6962 §2.1). */
  public static final class Tree {
    private final List<byte[]> leaves;

    public Tree(List<byte[]> leafHashes) {
      this.leaves = leafHashes;
    }

    /** MTH of the first {@code size} leaves. */
    public byte[] root(long size) {
      return size == 0 ? emptyRoot() : hash(0, (int) size);
    }

    /** PATH(index, D[0:size]). */
    public List<byte[]> inclusionProof(long index, long size) {
      List<byte[]> out = new ArrayList<>();
      path((int) index, 0, (int) size, out);
      return out;
    }

    /** PROOF(first, D[0:second]). */
    public List<byte[]> consistencyProof(long first, long second) {
      List<byte[]> out = new ArrayList<>();
      if (first > 0 && first < second) {
        subproof((int) first, 0, (int) second, true, out);
      }
      return out;
    }

    private byte[] hash(int from, int to) {
      if (to - from == 1) {
        return leaves.get(from);
      }
      int k = split(to - from);
      return nodeHash(hash(from, from + k), hash(from + k, to));
    }

    private void path(int m, int from, int to, List<byte[]> out) {
      if (to - from <= 1) {
        return;
      }
      int k = split(to - from);
      if (m < k) {
        path(m, from, from + k, out);
        out.add(hash(from + k, to));
      } else {
        path(m - k, from + k, to, out);
        out.add(hash(from, from + k));
      }
    }

    private void subproof(int m, int from, int to, boolean complete, List<byte[]> out) {
      int n = to - from;
      if (m == n) {
        if (!complete) {
          out.add(hash(from, to));
        }
        return;
      }
      int k = split(n);
      if (m <= k) {
        subproof(m, from, from + k, complete, out);
        out.add(hash(from + k, to));
      } else {
        subproof(m - k, from + k, to, false, out);
        out.add(hash(from, from + k));
      }
    }

    /** The largest power of two smaller than n (n ≥ 2). */
    private static int split(int n) {
      return Integer.highestOneBit(n - 1);
    }
  }
}
