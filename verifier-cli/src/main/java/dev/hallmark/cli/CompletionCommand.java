package dev.hallmark.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hallmark completion bash|zsh}: picocli's generated completion script for the whole
 * command tree this command sits in. zsh runs the same script through its bash completion
 * compatibility ({@code bashcompinit}), as picocli documents; the script loads it itself.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for every hallmark command and flag.",
      "bash:  source <(hallmark completion bash)   (or save it under /etc/bash_completion.d/)",
      "zsh:   source <(hallmark completion zsh)    (the same script, through zsh's bash completion"
          + " compatibility: it runs 'autoload -U +X bashcompinit && bashcompinit' itself)"
    })
public final class CompletionCommand implements Callable<Integer> {
  /** The shells the script supports. */
  enum Shell {
    bash,
    zsh
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), root));
    spec.commandLine().getOut().flush();
    return Hallmark.OK;
  }
}
