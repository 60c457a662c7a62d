package dev.hallmark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The "did you mean" of a usage error: the flag or command nearest to one that does not exist.
 * picocli's own suggestions list every option sharing the first two letters ({@code --repo} gives
 * {@code --repository} and {@code --ref}), which is a list to read, not an answer.
 */
final class Suggestion {
  private Suggestion() {}

  /** The nearest names (joined by " or ") to the first unmatched argument, or {@code null}. */
  static String forUnmatched(CommandLine.UnmatchedArgumentException ex) {
    return forUnmatched(ex.getCommandLine(), ex.getUnmatched());
  }

  /**
   * For an error picocli raised before it reached the unmatched arguments (a required option
   * missing because its name was mistyped: {@code --dta} for {@code --data}): {@code (unknown
   * option '--dta': did you mean --data?)}, or {@code null}.
   */
  static String forMissing(CommandLine.MissingParameterException ex) {
    CommandLine cl = ex.getCommandLine();
    List<String> unmatched = cl == null ? List.of() : cl.getUnmatchedArguments();
    if (unmatched.isEmpty() || !unmatched.get(0).startsWith("-")) {
      return null;
    }
    String nearest = forUnmatched(cl, unmatched);
    return nearest == null ? null : "unknown option '" + unmatched.get(0) + "': did you mean " + nearest + "?";
  }

  private static String forUnmatched(CommandLine cl, List<String> unmatched) {
    if (unmatched == null || unmatched.isEmpty() || cl == null) {
      return null;
    }
    String arg = unmatched.get(0);
    CommandSpec spec = cl.getCommandSpec();
    List<String> candidates = new ArrayList<>();
    if (arg.startsWith("-")) {
      int eq = arg.indexOf('=');
      arg = eq > 0 ? arg.substring(0, eq) : arg;
      for (OptionSpec o : spec.options()) {
        if (!o.hidden()) {
          candidates.addAll(List.of(o.names()));
        }
      }
    } else {
      spec.subcommands().forEach((name, sub) -> {
        if (!sub.getCommandSpec().usageMessage().hidden()) {
          candidates.add(name);
        }
      });
    }
    return nearest(arg, candidates);
  }

  /**
   * In order: the same name but for case and {@code _} for {@code -} ({@code --trust_root}); the
   * names it abbreviates ({@code --repo}); the names fewest edits away (a typo: {@code --bundel}),
   * if that is at most a quarter of its length (at least 2). {@code null} when nothing is near.
   */
  static String nearest(String given, List<String> candidates) {
    if (given.length() > 200) {
      return null; // nothing is near, and the distance table would be large
    }
    String g = normal(given);
    for (String c : candidates) {
      if (normal(c).equals(g)) {
        return c;
      }
    }
    List<String> best = new ArrayList<>();
    if (g.length() >= 4) {
      for (String c : candidates) {
        if (normal(c).startsWith(g)) {
          best.add(c);
        }
      }
    }
    if (best.isEmpty()) {
      int limit = Math.max(2, g.length() / 4);
      int min = Integer.MAX_VALUE;
      for (String c : candidates) {
        int d = distance(g, normal(c));
        if (d <= limit && d < min) {
          best.clear();
          min = d;
        }
        if (d <= limit && d == min) {
          best.add(c);
        }
      }
    }
    if (best.isEmpty() || best.size() > 3) {
      return null;
    }
    return String.join(" or ", best);
  }

  private static String normal(String s) {
    return s.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
