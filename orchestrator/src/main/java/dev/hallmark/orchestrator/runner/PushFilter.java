package dev.hallmark.orchestrator.runner;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A workflow's push trigger as {@code --describe} prints it, matched by the orchestrator (the SDK
 * only records it). Patterns are short names: {@code *} is any characters but {@code /}, {@code **}
 * any characters. With neither list given every push matches; otherwise a branch push
 * ({@code refs/heads/<b>}) matches only a branch pattern and a tag push ({@code refs/tags/<t>})
 * only a tag pattern.
 *
 * <pre>{@code
 * new PushFilter(List.of("main", "release/*"), List.of()).matches("refs/heads/release/1.0") // true
 * }</pre>
 */
record PushFilter(List<String> branches, List<String> tags) {
  PushFilter {
    branches = List.copyOf(branches);
    tags = List.copyOf(tags);
  }

  boolean matches(String ref) {
    if (branches.isEmpty() && tags.isEmpty()) {
      return true;
    }
    if (ref.startsWith("refs/heads/")) {
      return anyMatches(branches, ref.substring("refs/heads/".length()));
    }
    if (ref.startsWith("refs/tags/")) {
      return anyMatches(tags, ref.substring("refs/tags/".length()));
    }
    return false;
  }

  private static boolean anyMatches(List<String> patterns, String name) {
    return patterns.stream().anyMatch(p -> glob(p).matcher(name).matches());
  }

  static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      if (pattern.startsWith("**", i)) {
        re.append(".*");
        i += 2;
      } else if (pattern.charAt(i) == '*') {
        re.append("[^/]*");
        i++;
      } else {
        int next = pattern.indexOf('*', i);
        int end = next < 0 ? pattern.length() : next;
        re.append(Pattern.quote(pattern.substring(i, end)));
        i = end;
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
