package dev.hallmark.orchestrator.store;

import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;

/** What starts a run: the runner (or event intake) resolved {@code sha} from the registered repository. */
public record NewRun(String repository, String ref, String sha, String event, String workflowPath) {
  public NewRun {
    for (String[] f : new String[][] {{"repository", repository}, {"ref", ref}, {"event", event}, {"workflowPath", workflowPath}}) {
      if (f[1] == null || f[1].isEmpty()) {
        throw new OrchestratorException(Code.INVALID_INPUT, "run " + f[0] + " is missing");
      }
    }
    if (!Hex.isLowerHex(sha, 40)) {
      throw new OrchestratorException(Code.INVALID_INPUT, "run sha is not 40 lowercase hex characters");
    }
  }
}
