package dev.hallmark.sdk;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts the workflow when a branch or tag is pushed. Immutable: each call returns a new trigger.
 *
 * <p>Patterns are short names ({@code main}, {@code v1.2.3}), not full refs
 * ({@code refs/heads/main}). With neither branches nor tags given, every push matches; once
 * either list is given, a push matches only when its branch (or tag) matches one of the patterns
 * of its list. The orchestrator does the matching; a pattern may use {@code *} (any characters
 * but {@code /}) and {@code **} (any characters).
 *
 * <pre>{@code
 * push()                               // every push
 * push().branches("main", "release/*") // pushes to those branches only
 * push().tags("v*")                    // tag pushes only
 * }</pre>
 */
public final class PushTrigger implements Trigger {
  private static final int MAX_PATTERN_LENGTH = 255;
  private final List<String> branches;
  private final List<String> tags;

  PushTrigger(List<String> branches, List<String> tags) {
    this.branches = List.copyOf(branches);
    this.tags = List.copyOf(tags);
  }

  /** Adds branch patterns. */
  public PushTrigger branches(String... patterns) {
    return new PushTrigger(add("branch", branches, patterns), tags);
  }

  /** Adds tag patterns. */
  public PushTrigger tags(String... patterns) {
    return new PushTrigger(branches, add("tag", tags, patterns));
  }

  /** The branch patterns, in the order given. */
  public List<String> branchPatterns() {
    return branches;
  }

  /** The tag patterns, in the order given. */
  public List<String> tagPatterns() {
    return tags;
  }

  private static List<String> add(String kind, List<String> existing, String[] patterns) {
    if (patterns == null || patterns.length == 0) {
      throw new WorkflowException("push " + kind + "s() needs at least one pattern");
    }
    List<String> all = new ArrayList<>(existing);
    for (String p : patterns) {
      check(kind, p);
      if (all.contains(p)) {
        throw new WorkflowException("push " + kind + " pattern " + Names.show(p) + " is given twice");
      }
      all.add(p);
    }
    return all;
  }

  private static void check(String kind, String p) {
    if (p == null || p.isEmpty()) {
      throw new WorkflowException("push " + kind + " pattern is empty");
    }
    if (p.length() > MAX_PATTERN_LENGTH) {
      throw new WorkflowException("push " + kind + " pattern " + Names.show(p)
          + " is longer than " + MAX_PATTERN_LENGTH + " characters");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c <= 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\\' || c == ':' || c == '~' || c == '^') {
        throw new WorkflowException("push " + kind + " pattern " + Names.show(p)
            + " holds a character git does not allow in ref names");
      }
    }
    if (p.startsWith("refs/")) {
      throw new WorkflowException("push " + kind + " pattern " + Names.show(p)
          + " must be a short name (like 'main' or 'v1.*'), not a full ref");
    }
  }
}
