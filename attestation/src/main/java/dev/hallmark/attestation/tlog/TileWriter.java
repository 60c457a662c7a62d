package dev.hallmark.attestation.tlog;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The writing side of c2sp.org/tlog-tiles: takes appended entries and says which tiles and entry
 * bundles to publish, with their bytes: every full tile completed by the append, and the new
 * partial tiles of the new tree size (which tlog-tiles requires for every size a checkpoint
 * names). Keeps only the right edge of the tree in memory: under 256 hashes per level and the
 * entries of the partial bundle.
 *
 * <pre>{@code
 * TileWriter writer = TileWriter.empty();            // or resume(reader, size, root) after a restart
 * for (TileWriter.Output o : writer.append(List.of(token1, token2))) {
 *   storage.put(o.tile().path(), o.bytes());
 * }
 * Checkpoint unsigned = Checkpoint.of(origin, writer.size(), writer.root());
 * }</pre>
 *
 * <p>Not thread safe: a log has one sequencer.
 */
public final class TileWriter {
  /** One resource to publish at {@link Tile#path()}. */
  public record Output(Tile tile, byte[] bytes) {
    public Output {
      requireNonNull(tile, "tile");
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  private long size;
  /** Per tile level, the hashes of its partial tile (fewer than 256). */
  private final List<List<byte[]>> edge = new ArrayList<>();
  /** The entries of the partial entry bundle. */
  private final List<byte[]> edgeEntries = new ArrayList<>();

  private TileWriter() {}

  /** A writer for an empty log. */
  public static TileWriter empty() {
    return new TileWriter();
  }

  /**
   * A writer that continues a published tree of {@code size} leaves with root {@code root}, read
   * back through {@code reader} (its partial tiles and partial entry bundle, checked against the
   * root): how a log resumes after a restart.
   */
  public static TileWriter resume(TileReader reader, long size, byte[] root) {
    TiledTree tree = TiledTree.open(reader, size, root);
    TileWriter w = new TileWriter();
    w.size = size;
    for (Tile t : TiledTree.partialTiles(size)) {
      byte[] bytes = reader.read(t);
      List<byte[]> hashes = new ArrayList<>();
      for (int i = 0; i < t.width(); i++) {
        hashes.add(java.util.Arrays.copyOfRange(bytes, i * Merkle.HASH_BYTES, (i + 1) * Merkle.HASH_BYTES));
      }
      while (w.edge.size() < t.level()) {
        w.edge.add(new ArrayList<>());
      }
      w.edge.add(hashes);
    }
    if ((size & 0xff) != 0) {
      w.edgeEntries.addAll(tree.bundle(size >>> Tile.HEIGHT));
    }
    // The hashes just read again must be the ones open() checked: compare the roots.
    if (!java.security.MessageDigest.isEqual(w.root(), root)) {
      throw new dev.hallmark.attestation.AttestationException(
          dev.hallmark.attestation.AttestationException.Code.LOG, "the log's tiles changed while they were read");
    }
    return w;
  }

  /** Every tile and entry bundle of the tree of {@code entries}, full and partial. */
  public static List<Output> forTree(List<byte[]> entries) {
    return empty().append(entries);
  }

  /** The number of entries appended so far. */
  public long size() {
    return size;
  }

  /** The RFC 6962 root hash of the tree so far. */
  public byte[] root() {
    List<byte[][]> partials = new ArrayList<>();
    for (List<byte[]> level : edge) {
      if (!level.isEmpty()) {
        partials.add(level.toArray(new byte[0][]));
      }
    }
    return TiledTree.rootOf(size, partials);
  }

  /**
   * Appends entries (each at most 65,535 bytes; none is appended if one is longer) and returns
   * what to publish for the new size: the full tiles and bundles this append completed, then the
   * partial ones of the new size, each level from 0 up.
   */
  public List<Output> append(List<byte[]> entries) {
    for (byte[] e : entries) {
      EntryBundle.checkLength(e);
    }
    long before = size;
    List<Output> out = new ArrayList<>();
    for (byte[] e : entries) {
      edgeEntries.add(e.clone());
      if (edgeEntries.size() == Tile.FULL_WIDTH) {
        out.add(new Output(Tile.entries(size >>> Tile.HEIGHT, Tile.FULL_WIDTH), EntryBundle.encode(edgeEntries)));
        edgeEntries.clear();
      }
      size++;
      push(0, Merkle.leafHash(e), out);
    }
    for (int level = 0; level < edge.size(); level++) {
      int shift = Tile.HEIGHT * level;
      List<byte[]> hashes = edge.get(level);
      if ((before >>> shift) != (size >>> shift) && !hashes.isEmpty()) {
        out.add(new Output(Tile.hashes(level, (size >>> shift) >>> Tile.HEIGHT, hashes.size()), concat(hashes)));
      }
    }
    if (before != size && !edgeEntries.isEmpty()) {
      out.add(new Output(Tile.entries(size >>> Tile.HEIGHT, edgeEntries.size()), EntryBundle.encode(edgeEntries)));
    }
    return out;
  }

  /** Adds a hash to the partial tile of {@code level}; a tile that fills is published and carried up. */
  private void push(int level, byte[] hash, List<Output> out) {
    while (edge.size() <= level) {
      edge.add(new ArrayList<>());
    }
    List<byte[]> hashes = edge.get(level);
    hashes.add(hash);
    if (hashes.size() == Tile.FULL_WIDTH) {
      byte[][] full = hashes.toArray(new byte[0][]);
      long index = ((size - 1) >>> (Tile.HEIGHT * level)) >>> Tile.HEIGHT;
      out.add(new Output(Tile.hashes(level, index, Tile.FULL_WIDTH), concat(hashes)));
      hashes.clear();
      push(level + 1, TiledTree.perfectRoot(full, 0, Tile.FULL_WIDTH), out);
    }
  }

  private static byte[] concat(List<byte[]> hashes) {
    byte[] b = new byte[hashes.size() * Merkle.HASH_BYTES];
    for (int i = 0; i < hashes.size(); i++) {
      System.arraycopy(hashes.get(i), 0, b, i * Merkle.HASH_BYTES, Merkle.HASH_BYTES);
    }
    return b;
  }
}
