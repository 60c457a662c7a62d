package dev.hallmark.cli;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.EntryBundle;
import dev.hallmark.attestation.tlog.Tile;
import dev.hallmark.attestation.tlog.TileReader;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.RemoteDocument;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A c2sp.org/tlog-tiles log read over HTTP under the trust-root fetching rules (HTTPS, or HTTP to
 * a literal loopback address; no redirects; 200 only; bounded bodies; a time-out per fetch). What
 * it reads is untrusted: the checkpoint goes to the log policy, the tiles to {@code TiledTree}.
 */
final class RemoteLog implements TileReader {
  /** A checkpoint is a note of a few lines and at most 32 signatures: 64 KiB is ample (FORMATS §8.3's bound). */
  static final int MAX_CHECKPOINT_BYTES = 64 * 1024;

  private final String prefix;
  private final OnlineOptions options;

  private RemoteLog(String prefix, OnlineOptions options) {
    this.prefix = prefix;
    this.options = options;
  }

  /** The log at {@code prefix} (trailing slashes ignored); refused if it is not a URL. */
  static RemoteLog at(String prefix, OnlineOptions options) {
    String p = prefix;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    try {
      URI u = new URI(p + "/checkpoint");
      if (!u.isAbsolute() || u.getRawQuery() != null || u.getRawFragment() != null) {
        throw new IllegalArgumentException("the log URL " + Text.safe(prefix) + " is not an absolute URL without query or fragment");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the log URL " + Text.safe(prefix) + " is not a valid URL");
    }
    return new RemoteLog(p, options);
  }

  String prefix() {
    return prefix;
  }

  /** The log's signed checkpoint, parsed (not yet verified). */
  Checkpoint checkpoint() {
    byte[] bytes = RemoteDocument.fetch(uri("checkpoint"), MAX_CHECKPOINT_BYTES, options);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException("the log's checkpoint at " + prefix + "/checkpoint is not UTF-8");
    }
    try {
      return Checkpoint.parseSigned(text);
    } catch (AttestationException e) {
      throw new IllegalStateException("the log's checkpoint at " + prefix + "/checkpoint is malformed: " + e.getMessage());
    }
  }

  @Override
  public byte[] read(Tile tile) {
    // Bounds: a Merkle tile is its hashes; an entry bundle at most its entries at 65,535 bytes each.
    int max = tile.isEntries() ? tile.width() * (2 + EntryBundle.MAX_ENTRY_BYTES) : tile.hashBytes();
    return RemoteDocument.fetch(uri(tile.path()), max, options);
  }

  private URI uri(String path) {
    return URI.create(prefix + "/" + path);
  }
}
