package dev.hallmark.orchestrator.runner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replaces every known secret (the job capability, tokens minted for the job, declared secrets)
 * with {@code ***}. Secrets can be added while the job runs (a token is added before the step
 * receives it). Masking prevents accidents; it cannot stop a step that encodes a secret on purpose.
 *
 * <pre>{@code
 * LogMasker m = new LogMasker();
 * m.add(capability.reveal());
 * String safe = m.mask(line);
 * }</pre>
 */
public final class LogMasker {
  public static final String MASK = "***";
  /** Shorter values would mask ordinary words; nothing the orchestrator mints is this short. */
  static final int MIN_SECRET_LENGTH = 8;

  private final List<String> secrets = new CopyOnWriteArrayList<>();
  private volatile int longest;

  public void add(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH || secrets.contains(secret)) {
      return;
    }
    secrets.add(secret);
    // Longest first, so a secret that contains another is masked whole.
    secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
    longest = Math.max(longest, secret.length());
  }

  /** The length of the longest secret: how much of an unfinished line must be held back. */
  int longest() {
    return longest;
  }

  public String mask(String text) {
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }
}
