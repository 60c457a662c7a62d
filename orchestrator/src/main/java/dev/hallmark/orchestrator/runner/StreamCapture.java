package dev.hallmark.orchestrator.runner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;

/**
 * One output stream of a child process, read on a thread of its own into a bounded buffer, so that
 * waiting for the process (with its deadline) never waits on a read, and a process printing without
 * end costs a bounded amount of memory. {@link #head} keeps the start and reports an overflow (the
 * caller kills the process); {@link #tail} keeps only the last bytes (for a reason line).
 *
 * <pre>{@code
 * StreamCapture out = StreamCapture.head(p.getInputStream(), 1 << 20, () -> Runner.killTree(p.toHandle()));
 * StreamCapture err = StreamCapture.tail(p.getErrorStream(), 4096);
 * boolean exited = p.waitFor(60, TimeUnit.SECONDS);   // never blocked by a full pipe
 * out.awaitEnd(Duration.ofSeconds(1));                 // a background child may hold the pipe open
 * byte[] printed = out.bytes();
 * }</pre>
 */
final class StreamCapture extends Thread {
  private final InputStream in;
  private final int limit;
  private final boolean keepHead;
  private final Runnable onOverflow;
  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private byte[] ring;
  private long total;
  private volatile boolean overflowed;

  private StreamCapture(InputStream in, int limit, boolean keepHead, Runnable onOverflow) {
    super("hallmark-capture");
    setDaemon(true);
    this.in = in;
    this.limit = limit;
    this.keepHead = keepHead;
    this.onOverflow = onOverflow;
    this.ring = keepHead ? null : new byte[limit];
  }

  /** Keeps at most {@code limit} bytes; one byte more runs {@code onOverflow} once and stops reading. */
  static StreamCapture head(InputStream in, int limit, Runnable onOverflow) {
    StreamCapture c = new StreamCapture(in, limit, true, onOverflow);
    c.start();
    return c;
  }

  /** Reads to the end, keeping only the last {@code limit} bytes. */
  static StreamCapture tail(InputStream in, int limit) {
    StreamCapture c = new StreamCapture(in, limit, false, () -> {});
    c.start();
    return c;
  }

  @Override
  public void run() {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (this) {
          if (keepHead) {
            if (head.size() + n > limit) {
              overflowed = true;
              break;
            }
            head.write(buf, 0, n);
          } else {
            append(buf, n);
          }
        }
      }
    } catch (IOException e) {
      // the pipe was closed under us (the process was killed): what was read stays
    }
    if (overflowed) {
      onOverflow.run();
    }
  }

  private void append(byte[] buf, int n) {
    int off = 0;
    while (off < n) {
      int pos = (int) (total % limit);
      int len = Math.min(n - off, limit - pos);
      System.arraycopy(buf, off, ring, pos, len);
      off += len;
      total += len;
    }
  }

  /** True once the stream passed its limit (head mode). */
  boolean overflowed() {
    return overflowed;
  }

  /**
   * Waits at most {@code max} for the end of the stream; a background child still holding the pipe
   * open after that is not waited for (its output is cut off there).
   */
  void awaitEnd(Duration max) throws InterruptedException {
    join(Math.max(1, max.toMillis()));
  }

  /** What was read so far (the kept head, or the last bytes in order). */
  synchronized byte[] bytes() {
    if (keepHead) {
      return head.toByteArray();
    }
    if (total <= limit) {
      return Arrays.copyOf(ring, (int) total);
    }
    int start = (int) (total % limit);
    byte[] out = new byte[limit];
    System.arraycopy(ring, start, out, 0, limit - start);
    System.arraycopy(ring, 0, out, limit - start, start);
    return out;
  }
}
