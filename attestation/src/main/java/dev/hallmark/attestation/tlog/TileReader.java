package dev.hallmark.attestation.tlog;

/**
 * Where a client reads a log's tiles and entry bundles (c2sp.org/tlog-tiles): over HTTP, from
 * files, or from memory. A reader only moves bytes; {@link TiledTree} checks every tile against a
 * checkpoint's root before it uses a hash of it, so a reader need not be trusted.
 *
 * <pre>{@code
 * TileReader files = tile -> Files.readAllBytes(dir.resolve(tile.path()));
 * TiledTree tree = TiledTree.open(files, checkpoint.size(), checkpoint.rootHash());
 * }</pre>
 */
@FunctionalInterface
public interface TileReader {
  /**
   * The bytes of {@code tile}.
   *
   * @throws RuntimeException with a one-line message when the tile cannot be read
   */
  byte[] read(Tile tile);
}
