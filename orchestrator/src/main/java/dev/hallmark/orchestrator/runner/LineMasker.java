package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns a stream of chunks into masked lines. Masking works on complete lines, so a secret split
 * across read chunks is whole when it is masked. A line longer than {@link #maxLine} is emitted in
 * pieces, each only after masking the whole held text and keeping back its last
 * {@code longest secret - 1} characters, so a secret split across the cut is still masked when its
 * newline (or the end) arrives. A line longer than {@link #maxLineTotal} is cut there: the rest, up
 * to its newline, is dropped, and so is the held-back tail (it may be the start of a secret whose end
 * is never seen), and {@link #LINE_CUT} follows as a line of its own.
 */
final class LineMasker {
  static final String LINE_CUT = "[hallmark] line truncated: longer than %d characters";

  private final LogMasker masker;
  private final Consumer<String> sink;
  private final int maxLine;
  private final long maxLineTotal;
  private final StringBuilder held = new StringBuilder();
  /** Characters of the current line so far, emitted pieces included. */
  private long lineLength;
  /** The current line was cut: drop up to its newline. */
  private boolean dropping;

  LineMasker(LogMasker masker, Consumer<String> sink, int maxLine) {
    this(masker, sink, maxLine, Long.MAX_VALUE);
  }

  LineMasker(LogMasker masker, Consumer<String> sink, int maxLine, long maxLineTotal) {
    this.masker = requireNonNull(masker, "masker");
    this.sink = requireNonNull(sink, "sink");
    this.maxLine = maxLine;
    this.maxLineTotal = maxLineTotal;
  }

  /** Feeds a chunk; emits every line it completes. */
  void accept(CharSequence chunk) {
    for (int i = 0; i < chunk.length(); i++) {
      char c = chunk.charAt(i);
      if (c == '\n') {
        if (dropping) {
          dropping = false;
        } else {
          int end = held.length();
          if (end > 0 && held.charAt(end - 1) == '\r') {
            held.setLength(end - 1);
          }
          sink.accept(masker.mask(held.toString()));
          held.setLength(0);
        }
        lineLength = 0;
      } else if (!dropping) {
        if (++lineLength > maxLineTotal) {
          cut();
        } else {
          held.append(c);
          if (held.length() >= maxLine) {
            flushLong();
          }
        }
      }
    }
  }

  private void cut() {
    String masked = masker.mask(held.toString());
    int keep = Math.max(0, masker.longest() - 1);
    if (masked.length() > keep) {
      sink.accept(masked.substring(0, masked.length() - keep));
    }
    sink.accept(String.format(java.util.Locale.ROOT, LINE_CUT, maxLineTotal));
    held.setLength(0);
    dropping = true;
  }

  private void flushLong() {
    String masked = masker.mask(held.toString());
    int keep = Math.max(0, masker.longest() - 1);
    int cut = masked.length() - keep;
    if (cut <= 0) {
      return; // hold it: it may still become a secret
    }
    sink.accept(masked.substring(0, cut));
    held.setLength(0);
    held.append(masked, cut, masked.length());
  }

  /** At the end of the stream: the unfinished last line, masked. */
  void finish() {
    if (held.length() > 0) {
      sink.accept(masker.mask(held.toString()));
      held.setLength(0);
    }
    dropping = false;
    lineLength = 0;
  }

  /** Reads {@code in} (UTF-8; the decoder carries split characters across reads) to its end. */
  void pump(InputStream in) throws IOException {
    pump(in, () -> false);
  }

  /**
   * Reads {@code in} to its end, or until {@code stop} holds after a chunk; then the held text is
   * dropped, not emitted (the caller stopped wanting lines).
   */
  void pump(InputStream in, java.util.function.BooleanSupplier stop) throws IOException {
    Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
    char[] buf = new char[8192];
    int n;
    while ((n = r.read(buf)) >= 0) {
      accept(java.nio.CharBuffer.wrap(buf, 0, n));
      if (stop.getAsBoolean()) {
        held.setLength(0);
        return;
      }
    }
    finish();
  }
}
