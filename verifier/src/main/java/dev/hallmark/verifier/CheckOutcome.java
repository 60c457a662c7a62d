package dev.hallmark.verifier;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one check: passed or failed, with a one-line message for people and, for a
 * failure, the stable code of the rule that failed where the check names its rules (such as
 * {@code log.quorum-not-met}), so that a test asserts the rule, not the message.
 *
 * <pre>{@code
 * for (CheckOutcome o : result.checks()) System.out.println(o.check().wireName() + " " + o.ok());
 * }</pre>
 */
public record CheckOutcome(Check check, boolean ok, String message, String rule) {
  public CheckOutcome {
    requireNonNull(check, "check");
    requireNonNull(message, "message");
  }

  /** An outcome without a rule code (a pass, or a failure of a check that names no rules yet). */
  public CheckOutcome(Check check, boolean ok, String message) {
    this(check, ok, message, null);
  }
}
