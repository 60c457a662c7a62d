package dev.hallmark.orchestrator.repository;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.util.regex.Pattern;

/**
 * The rule for a registered repository's name, {@code owner/name}, shared by push intake, the
 * declared secrets (whose file names it becomes) and the commands: letters, digits, {@code . _ -},
 * each part starting with a letter or digit, so a name is never {@code .}, {@code ..} or an option.
 *
 * <pre>{@code
 * RepositoryName.check("acme/app");     // INVALID_INPUT for "../x", "-x/y", "a/b/c"
 * }</pre>
 */
public final class RepositoryName {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}/[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private RepositoryName() {}

  /** Returns when {@code name} is a valid repository name; {@code INVALID_INPUT} otherwise. */
  public static void check(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new OrchestratorException(Code.INVALID_INPUT,
          "repository name must look like owner/name (letters, digits, '.', '_', '-'), not " + shown(name));
    }
  }

  private static String shown(String s) {
    if (s == null) {
      return "nothing";
    }
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return "'" + (p.length() > 80 ? p.substring(0, 80) + "…" : p) + "'";
  }
}
