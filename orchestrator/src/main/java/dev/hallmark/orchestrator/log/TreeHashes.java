package dev.hallmark.orchestrator.log;

import dev.hallmark.attestation.tlog.Merkle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log's Merkle tree in memory (RFC 6962 §2.1): every complete subtree's hash, level by level
 * (level k holds the hashes of the aligned subtrees of 2^k leaves), so that roots, inclusion and
 * consistency proofs, and tlog-tiles tiles cost O(log² n) hashes, never a walk over all leaves. It
 * is derived data: after a start it is rebuilt from the stored leaf hashes.
 *
 * <p>Not thread-safe: the log's integrator appends; readers hold the log's lock.
 */
final class TreeHashes {
  private static final int CHUNK_HASHES = 4096;
  private static final int H = Merkle.HASH_BYTES;

  /** levels.get(k): the complete subtree hashes of level k, in chunks of CHUNK_HASHES hashes. */
  private final List<Level> levels = new ArrayList<>();
  private long size;

  private static final class Level {
    final List<byte[]> chunks = new ArrayList<>();
    long count;

    void add(byte[] hash) {
      int at = (int) (count % CHUNK_HASHES);
      if (at == 0) {
        chunks.add(new byte[CHUNK_HASHES * H]);
      }
      System.arraycopy(hash, 0, chunks.get(chunks.size() - 1), at * H, H);
      count++;
    }

    byte[] get(long i) {
      byte[] chunk = chunks.get((int) (i / CHUNK_HASHES));
      int at = (int) (i % CHUNK_HASHES) * H;
      return Arrays.copyOfRange(chunk, at, at + H);
    }
  }

  long size() {
    return size;
  }

  /** Appends a leaf hash, completing every subtree it closes. */
  void append(byte[] leafHash) {
    if (leafHash.length != H) {
      throw new IllegalArgumentException("a leaf hash is 32 bytes");
    }
    byte[] h = leafHash;
    int level = 0;
    while (true) {
      if (levels.size() == level) {
        levels.add(new Level());
      }
      Level l = levels.get(level);
      l.add(h);
      if ((l.count & 1) == 1) {
        break;
      }
      h = Merkle.nodeHash(l.get(l.count - 2), l.get(l.count - 1));
      level++;
    }
    size++;
  }

  /** The hash of the complete subtree of 2^level leaves starting at leaf {@code index << level}. */
  byte[] node(int level, long index) {
    return levels.get(level).get(index);
  }

  /** MTH(D[0:n]). */
  byte[] root(long n) {
    check(n);
    return n == 0 ? Merkle.emptyRoot() : hash(0, n);
  }

  /** PATH(index, D[0:n]), RFC 6962 §2.1.1. */
  List<byte[]> inclusionProof(long index, long n) {
    check(n);
    if (index < 0 || index >= n) {
      throw new IllegalArgumentException("index " + index + " is outside a tree of " + n);
    }
    List<byte[]> out = new ArrayList<>();
    path(index, 0, n, out);
    return out;
  }

  /** PROOF(m, D[0:n]), RFC 6962 §2.1.2; empty when m is 0 or n. */
  List<byte[]> consistencyProof(long m, long n) {
    check(n);
    if (m < 0 || m > n) {
      throw new IllegalArgumentException("size " + m + " is larger than " + n);
    }
    List<byte[]> out = new ArrayList<>();
    if (m > 0 && m < n) {
      subproof(m, 0, n, true, out);
    }
    return out;
  }

  /**
   * The tlog-tiles tile at tile level {@code tileLevel}, index {@code index}, {@code width} hashes
   * wide: the hashes of tree level 8·tileLevel from {@code index·256}.
   */
  byte[] tile(int tileLevel, long index, int width) {
    int level = 8 * tileLevel;
    byte[] out = new byte[width * H];
    for (int i = 0; i < width; i++) {
      System.arraycopy(node(level, index * 256 + i), 0, out, i * H, H);
    }
    return out;
  }

  private void check(long n) {
    if (n < 0 || n > size) {
      throw new IllegalArgumentException("tree size " + n + " is larger than the tree's " + size);
    }
  }

  /** MTH(D[from:to]); every range the RFC's recursion reaches starts aligned to its left part. */
  private byte[] hash(long from, long to) {
    long n = to - from;
    if (Long.bitCount(n) == 1 && from % n == 0) {
      return node(Long.numberOfTrailingZeros(n), from / n);
    }
    long k = split(n);
    return Merkle.nodeHash(hash(from, from + k), hash(from + k, to));
  }

  private void path(long m, long from, long to, List<byte[]> out) {
    if (to - from <= 1) {
      return;
    }
    long k = split(to - from);
    if (m < k) {
      path(m, from, from + k, out);
      out.add(hash(from + k, to));
    } else {
      path(m - k, from + k, to, out);
      out.add(hash(from, from + k));
    }
  }

  private void subproof(long m, long from, long to, boolean complete, List<byte[]> out) {
    long n = to - from;
    if (m == n) {
      if (!complete) {
        out.add(hash(from, to));
      }
      return;
    }
    long k = split(n);
    if (m <= k) {
      subproof(m, from, from + k, complete, out);
      out.add(hash(from + k, to));
    } else {
      subproof(m - k, from + k, to, false, out);
      out.add(hash(from, from + k));
    }
  }

  /** The largest power of two smaller than n (n ≥ 2). */
  private static long split(long n) {
    return Long.highestOneBit(n - 1);
  }
}
