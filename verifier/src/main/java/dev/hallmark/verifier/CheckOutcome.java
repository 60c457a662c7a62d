package dev.hallmark.verifier;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one check: passed or failed, with a one-line message for people.
 *
 * <pre>{@code
 * for (CheckOutcome o : result.checks()) System.out.println(o.check().wireName() + " " + o.ok());
 * }</pre>
 */
public record CheckOutcome(Check check, boolean ok, String message) {
  public CheckOutcome {
    requireNonNull(check, "check");
    requireNonNull(message, "message");
  }
}
