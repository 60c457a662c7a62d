package dev.hallmark.orchestrator.attest;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;

/**
 * One subject of an attestation request, with the path the job's SDK hashed it from: relative to
 * the job's workspace, or null for a subject attested by digest. The path never reaches the
 * statement; it tells {@code hallmark run} which workspace file to copy into its output folder,
 * and nothing more: the copy re-checks it (inside the workspace, no symbolic link, the attested
 * digest) because the job chose it.
 *
 * <pre>{@code
 * RequestedSubject r = new RequestedSubject(Subject.of("app.tgz", sha256), "dist/app.tgz");
 * }</pre>
 */
public record RequestedSubject(Subject subject, String path) {
  /** Longest path accepted in a request (a longer one is refused with 400). */
  public static final int MAX_PATH_LENGTH = 4096;

  public RequestedSubject {
    requireNonNull(subject, "subject");
    if (path != null && (path.isEmpty() || path.length() > MAX_PATH_LENGTH || path.indexOf('\0') >= 0)) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'path' must be 1 to " + MAX_PATH_LENGTH + " characters without NUL");
    }
  }

  /** True when the job attested a file of its workspace (not a digest it was given). */
  public boolean isFile() {
    return path != null;
  }
}
