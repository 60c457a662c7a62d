package dev.hallmark.orchestrator.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One output stream of a job process: masked lines, within the job's {@link LogBudget}, into the
 * {@link JobLog} (stored in batches of up to 64 lines, and by {@link #flush()} from a timer so a
 * quiet job's last lines are seen) and shown live.
 *
 * <pre>{@code
 * LogPipe out = new LogPipe("stdout", log, budget, p.getInputStream(), pipes);
 * out.start();
 * p.waitFor();
 * out.finish();
 * }</pre>
 */
final class LogPipe extends Thread {
  static final int BATCH = 64;

  private final String stream;
  private final InputStream in;
  private final JobLog log;
  private final LineMasker lines;
  private final LogBudget budget;
  private final Set<LogPipe> active;
  private final List<String> batch = new ArrayList<>();
  private volatile String lastLine;

  /** @param active where the pipe is listed while it reads (the flusher's list) */
  LogPipe(String stream, JobLog log, LogBudget budget, InputStream in, Set<LogPipe> active) {
    super("hallmark-log-" + stream);
    setDaemon(true);
    this.stream = stream;
    this.in = in;
    this.log = log;
    this.budget = budget;
    this.active = active;
    this.lines = new LineMasker(log.masker(), this::line, Runner.MAX_LINE, Runner.MAX_LINE_TOTAL);
  }

  private void line(String masked) {
    switch (budget.admit(masked)) {
      case KEEP -> keep(masked);
      case TRUNCATE -> keep(budget.marker());
      case DROP -> { }
    }
  }

  private void keep(String masked) {
    log.show(masked);
    if (!masked.isBlank()) {
      lastLine = masked;
    }
    boolean full;
    synchronized (batch) {
      batch.add(masked);
      full = batch.size() >= BATCH;
    }
    if (full) {
      flush();
    }
  }

  /** Stores the held lines, in order (the pipe thread and the flusher both call it). */
  void flush() {
    synchronized (batch) {
      if (!batch.isEmpty()) {
        try {
          log.append(stream, List.copyOf(batch));
        } catch (RuntimeException e) {
          // the store is closing: these lines are lost with it, the job is failed on restart
        }
        batch.clear();
      }
    }
  }

  @Override
  public void run() {
    active.add(this);
    try {
      lines.pump(in, budget::isExceeded);
      // Past the budget: still read everything, so a job writing on is never blocked on a full
      // pipe (it runs on to its end and fails there), but neither mask nor keep it.
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      if (!budget.isExceeded()) {
        lines.finish();
      }
    } finally {
      active.remove(this);
      flush();
    }
  }

  /** Waits for the rest of the output; a background child holding the pipe open is cut off. */
  void finish() throws InterruptedException {
    join(5000);
    if (isAlive()) {
      try {
        in.close();
      } catch (IOException e) {
        // closing is all we can do
      }
      join(2000);
    }
  }

  /** The last non-blank line kept, for the reason of a failed job. */
  String lastLine() {
    return lastLine;
  }
}
