package dev.hallmark.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Marks the standard exceptions the SDK itself raises for a broken rule or a refused call: a step
 * failing with one of them is reported by its one-line message, without a stack trace, while an
 * exception from the step's own code keeps its trace (it is a bug, and the trace finds it).
 * Callers see only the standard types ({@link IllegalArgumentException},
 * {@link IllegalStateException}, {@link UncheckedIOException}).
 *
 * <pre>{@code
 * throw new Refusal.InvalidState("attestProvenance is only available inside a running job step");
 * }</pre>
 */
interface Refusal {

  /** An argument that breaks an SDK rule. */
  final class InvalidArgument extends IllegalArgumentException implements Refusal {
    private static final long serialVersionUID = 1L;

    InvalidArgument(String message) {
      super(message);
    }
  }

  /** A call the SDK cannot serve in this state, such as attesting outside a running job. */
  final class InvalidState extends IllegalStateException implements Refusal {
    private static final long serialVersionUID = 1L;

    InvalidState(String message) {
      super(message);
    }
  }

  /** A file the SDK had to read and could not. */
  final class Unreadable extends UncheckedIOException implements Refusal {
    private static final long serialVersionUID = 1L;

    Unreadable(String message, IOException cause) {
      super(message, cause);
    }
  }
}
