package dev.hallmark.attestation.tlog;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A log's tree of one size, read from its c2sp.org/tlog-tiles through a {@link TileReader} and
 * authenticated against that size's root hash (from a verified checkpoint): {@link #open} checks
 * that the size's partial tiles hash to the root, and every full tile read later is checked
 * against the hash one level up before any hash of it is used. Roots of smaller trees, inclusion
 * and consistency proofs (RFC 6962 §2.1) and the entries themselves then come from verified tiles
 * only; a reader that lies is caught, never believed.
 *
 * <pre>{@code
 * TiledTree tree = TiledTree.open(reader, newCheckpoint.size(), newCheckpoint.rootHash());
 * List<byte[]> proof = tree.consistencyProof(old.size(), tree.size());
 * boolean consistent = Merkle.verifyConsistency(old.size(), tree.size(), old.rootHash(), tree.root(), proof);
 * List<byte[]> fresh = tree.entries(old.size(), tree.size());
 * }</pre>
 *
 * <p>Not thread safe; sizes and indexes are below 2^63.
 */
public final class TiledTree {
  private final TileReader reader;
  private final long size;
  private final byte[] root;
  /** Verified tiles' hashes, by tile. */
  private final Map<Tile, byte[][]> tiles = new HashMap<>();
  /** Hashes of perfect subtrees computed so far, by (level, index). */
  private final Map<Node, byte[]> nodes = new HashMap<>();

  private record Node(int level, long index) {}

  private TiledTree(TileReader reader, long size, byte[] root) {
    this.reader = reader;
    this.size = size;
    this.root = root;
  }

  /**
   * Reads the partial tiles of a tree of {@code size} leaves and checks that they hash to {@code
   * root}.
   *
   * @throws AttestationException {@link Code#LOG} when a tile has the wrong length or the tiles do
   *     not hash to {@code root}; whatever the reader throws when a tile cannot be read
   */
  public static TiledTree open(TileReader reader, long size, byte[] root) {
    requireNonNull(reader, "reader");
    if (size < 0) {
      throw new IllegalArgumentException("tree size above 2^63-1");
    }
    if (root.length != Merkle.HASH_BYTES) {
      throw new IllegalArgumentException("root hash is not 32 bytes");
    }
    TiledTree tree = new TiledTree(reader, size, root.clone());
    List<byte[][]> partials = new ArrayList<>();
    for (Tile t : partialTiles(size)) {
      byte[][] hashes = tree.readHashes(t);
      tree.tiles.put(t, hashes);
      partials.add(hashes);
    }
    if (!MessageDigest.isEqual(rootOf(size, partials), root)) {
      throw invalid("the log's tiles for tree size " + size + " do not hash to the checkpoint's root hash");
    }
    return tree;
  }

  /** The partial Merkle tiles of a tree of {@code size} leaves, from level 0 up. */
  static List<Tile> partialTiles(long size) {
    List<Tile> out = new ArrayList<>();
    // Java masks shift distances to 6 bits: stop before shifting by 64.
    for (int level = 0; Tile.HEIGHT * level < Long.SIZE && (size >>> (Tile.HEIGHT * level)) > 0; level++) {
      long count = size >>> (Tile.HEIGHT * level);
      int width = (int) (count & 0xff);
      if (width > 0) {
        out.add(Tile.hashes(level, count >>> Tile.HEIGHT, width));
      }
    }
    return out;
  }

  /**
   * RFC 6962's root of a tree of {@code size} leaves from its partial tiles' hashes ({@code
   * partials} in the order of {@link #partialTiles}): the perfect subtrees that size's binary
   * digits name, left (highest level) to right, folded from the right.
   */
  static byte[] rootOf(long size, List<byte[][]> partials) {
    if (size == 0) {
      return Merkle.emptyRoot();
    }
    List<byte[]> subtrees = new ArrayList<>();
    for (int p = partials.size() - 1; p >= 0; p--) {
      byte[][] h = partials.get(p);
      int offset = 0;
      for (int bit = Tile.HEIGHT - 1; bit >= 0; bit--) {
        if ((h.length & (1 << bit)) != 0) {
          subtrees.add(perfectRoot(h, offset, 1 << bit));
          offset += 1 << bit;
        }
      }
    }
    byte[] acc = subtrees.get(subtrees.size() - 1);
    for (int i = subtrees.size() - 2; i >= 0; i--) {
      acc = Merkle.nodeHash(subtrees.get(i), acc);
    }
    return acc;
  }

  /** MTH of {@code count} (a power of two) consecutive hashes from {@code from}. */
  static byte[] perfectRoot(byte[][] hashes, int from, int count) {
    if (count == 1) {
      return hashes[from];
    }
    return Merkle.nodeHash(perfectRoot(hashes, from, count / 2), perfectRoot(hashes, from + count / 2, count / 2));
  }

  public long size() {
    return size;
  }

  /** The root hash this tree was opened with. */
  public byte[] root() {
    return root.clone();
  }

  /** MTH(D[0:n]) for {@code n} ≤ {@link #size()}: the root of an earlier tree of this log. */
  public byte[] root(long n) {
    checkSize(n);
    return n == 0 ? Merkle.emptyRoot() : hash(0, n);
  }

  /** PATH(index, D[0:n]) of RFC 6962 §2.1.1, for {@code index} < {@code n} ≤ {@link #size()}. */
  public List<byte[]> inclusionProof(long index, long n) {
    checkSize(n);
    if (index < 0 || index >= n) {
      throw new IllegalArgumentException("index " + index + " outside a tree of " + n);
    }
    List<byte[]> out = new ArrayList<>();
    path(index, 0, n, out);
    return out;
  }

  /** PROOF(m, D[0:n]) of RFC 6962 §2.1.2, for {@code m} ≤ {@code n} ≤ {@link #size()}. */
  public List<byte[]> consistencyProof(long m, long n) {
    checkSize(n);
    if (m < 0 || m > n) {
      throw new IllegalArgumentException("tree size " + m + " is not between 0 and " + n);
    }
    List<byte[]> out = new ArrayList<>();
    if (m > 0 && m < n) {
      subproof(m, 0, n, true, out);
    }
    return out;
  }

  /** The entries {@code from} (inclusive) to {@code to} (exclusive), each checked against the tree. */
  public List<byte[]> entries(long from, long to) {
    checkSize(to);
    if (from < 0 || from > to) {
      throw new IllegalArgumentException("entries " + from + " to " + to);
    }
    List<byte[]> out = new ArrayList<>();
    for (long b = from >>> Tile.HEIGHT; from < to && b <= (to - 1) >>> Tile.HEIGHT; b++) {
      List<byte[]> bundle = bundle(b);
      long start = b << Tile.HEIGHT;
      int lo = (int) Math.max(0, from - start);
      int hi = (int) Math.min(bundle.size(), to - start);
      out.addAll(bundle.subList(lo, hi));
    }
    return out;
  }

  /**
   * Entry bundle {@code index} of this tree (full, or the partial one at its end), each entry's
   * leaf hash checked against the tree.
   */
  public List<byte[]> bundle(long index) {
    long full = size >>> Tile.HEIGHT;
    int width = index < full ? Tile.FULL_WIDTH : (int) (size & 0xff);
    if (index < 0 || index > full || width == 0) {
      throw new IllegalArgumentException("entry bundle " + index + " outside a tree of " + size);
    }
    Tile tile = Tile.entries(index, width);
    List<byte[]> entries;
    try {
      entries = EntryBundle.parse(reader.read(tile), width);
    } catch (AttestationException e) {
      throw invalid("the log's " + tile.path() + ": " + e.getMessage());
    }
    byte[][] leaves = new byte[width][];
    for (int i = 0; i < width; i++) {
      leaves[i] = Merkle.leafHash(entries.get(i));
    }
    boolean matches;
    if (width == Tile.FULL_WIDTH) {
      matches = MessageDigest.isEqual(perfectRoot(leaves, 0, width), node(Tile.HEIGHT, index));
    } else {
      byte[][] level0 = tiles.get(Tile.hashes(0, index, width));
      matches = true;
      for (int i = 0; i < width; i++) {
        matches &= MessageDigest.isEqual(leaves[i], level0[i]);
      }
    }
    if (!matches) {
      throw invalid("the log's " + tile.path() + " does not hash to the checkpoint's tree");
    }
    return entries;
  }

  private void checkSize(long n) {
    if (n < 0 || n > size) {
      throw new IllegalArgumentException("tree size " + n + " is not between 0 and " + size);
    }
  }

  /** MTH(D[from:to]), by RFC 6962's split, from perfect subtrees. */
  private byte[] hash(long from, long to) {
    long n = to - from;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return node(level, from >>> level);
    }
    long k = Long.highestOneBit(n - 1);
    return Merkle.nodeHash(hash(from, from + k), hash(from + k, to));
  }

  private void path(long m, long from, long to, List<byte[]> out) {
    if (to - from <= 1) {
      return;
    }
    long k = Long.highestOneBit(to - from - 1);
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
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(m, from, from + k, complete, out);
      out.add(hash(from + k, to));
    } else {
      subproof(m - k, from + k, to, false, out);
      out.add(hash(from, from + k));
    }
  }

  /** The hash of the perfect subtree of height {@code level} at {@code index}: a tile's hash, or two children's. */
  private byte[] node(int level, long index) {
    Node key = new Node(level, index);
    byte[] h = nodes.get(key);
    if (h != null) {
      return h;
    }
    if (level % Tile.HEIGHT == 0) {
      int tileLevel = level / Tile.HEIGHT;
      h = tile(tileLevel, index >>> Tile.HEIGHT)[(int) (index & 0xff)];
    } else {
      h = Merkle.nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
    }
    nodes.put(key, h);
    return h;
  }

  /** The verified hashes of Merkle tile {@code index} of {@code level} in this tree. */
  private byte[][] tile(int level, long index) {
    long count = size >>> (Tile.HEIGHT * level);
    if (index < count >>> Tile.HEIGHT) {
      Tile t = Tile.hashes(level, index, Tile.FULL_WIDTH);
      byte[][] hashes = tiles.get(t);
      if (hashes == null) {
        hashes = readHashes(t);
        // A full tile's 256 hashes make one hash of the level above, itself checked the same way
        // up to a partial tile, which open() checked against the root.
        if (!MessageDigest.isEqual(perfectRoot(hashes, 0, Tile.FULL_WIDTH), node(Tile.HEIGHT * (level + 1), index))) {
          throw invalid("the log's " + t.path() + " does not hash to the checkpoint's tree");
        }
        tiles.put(t, hashes);
      }
      return hashes;
    }
    byte[][] partial = tiles.get(Tile.hashes(level, index, (int) (count & 0xff)));
    if (partial == null) {
      throw new IllegalStateException("no tile " + level + "/" + index + " in a tree of " + size);
    }
    return partial;
  }

  private byte[][] readHashes(Tile t) {
    byte[] bytes = reader.read(t);
    if (bytes.length != t.hashBytes()) {
      throw invalid("the log's " + t.path() + " is " + bytes.length + " bytes, not " + t.hashBytes());
    }
    byte[][] hashes = new byte[t.width()][];
    for (int i = 0; i < t.width(); i++) {
      hashes[i] = java.util.Arrays.copyOfRange(bytes, i * Merkle.HASH_BYTES, (i + 1) * Merkle.HASH_BYTES);
    }
    return hashes;
  }

  private static AttestationException invalid(String message) {
    return new AttestationException(Code.LOG, message);
  }
}
