package dev.hallmark.orchestrator;

import picocli.CommandLine;

/** Test access to the package-private command line. */
public final class OrchestratorMainAccess {
  private OrchestratorMainAccess() {}

  public static CommandLine commandLine() {
    return OrchestratorMain.commandLine();
  }
}
