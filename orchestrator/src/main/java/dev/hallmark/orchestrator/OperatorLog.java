package dev.hallmark.orchestrator;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * The operator's log: SLF4J bound to slf4j-simple (stderr, one line per event; the format is in
 * {@code simplelogger.properties}). slf4j-simple reads its settings once, when the first logger is
 * made, so the level is set here before any: {@link #configure} first thing in {@code main}, then
 * {@link #level} from {@code serve}'s and {@code run}'s {@code --log-level}, before they start
 * anything that logs.
 *
 * <p>Defaults: {@code serve} and {@code witness serve} log at INFO; the other commands of the
 * orchestrator at WARN (their output is their answer); the verifier's commands never log (they
 * are CLI tools with their own one-line errors), whatever {@value #ENV} says.
 */
final class OperatorLog {
  /** The environment variable that sets the level of every orchestrator command. */
  static final String ENV = "HALLMARK_LOG_LEVEL";
  static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
  private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  /**
   * Libraries that log through SLF4J and tell an operator nothing at INFO (Jetty's banner,
   * HikariCP's "Starting...", the drivers): kept at WARN unless the operator asks for even less.
   */
  private static final List<String> LIBRARY_LEVELS = List.of("org.eclipse.jetty", "com.zaxxer.hikari", "org.sqlite",
      "org.postgresql").stream().map(p -> "org.slf4j.simpleLogger.log." + p).toList();
  /** The verifier's commands (dev.hallmark.cli.Hallmark): never a log line. */
  private static final List<String> VERIFIER_COMMANDS = List.of("verify-attestation", "audit", "trust-root", "log");

  private OperatorLog() {}

  /** The default level for {@code args}' command, or {@value #ENV}'s; timestamps in UTC. */
  static void configure(String[] args, Map<String, String> env) {
    // ISO-8601 in UTC: slf4j-simple formats with the process's zone. Nothing else reads it (every
    // time the orchestrator writes is an Instant or epoch seconds).
    TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    String command = args.length > 0 ? args[0] : "";
    if (VERIFIER_COMMANDS.contains(command)) {
      System.setProperty(DEFAULT_LEVEL, "off");
      LIBRARY_LEVELS.forEach(k -> System.setProperty(k, "off"));
      return;
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      level(ENV, fromEnv);
      return;
    }
    boolean service = command.equals("serve") || (command.equals("witness") && args.length > 1 && args[1].equals("serve"));
    level(ENV, service ? "info" : "warn");
  }

  /** Sets the level ({@code what} names the flag or variable in the error); before any logger exists. */
  static void level(String what, String level) {
    String l = level.strip().toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(l)) {
      throw new OrchestratorException(Code.INVALID_INPUT, what + " must be one of " + String.join(", ", LEVELS)
          + ", not " + level);
    }
    System.setProperty(DEFAULT_LEVEL, l);
    // The libraries stay at WARN unless the operator asks for even less.
    String library = l.equals("error") || l.equals("off") ? l : "warn";
    LIBRARY_LEVELS.forEach(k -> System.setProperty(k, library));
  }
}
