package dev.hallmark.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hallmark log}: commands that read a transparency log (FORMATS §8). */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = "Watch the issuer's transparency log (see docs/monitoring.md).",
    subcommands = {LogMonitorCommand.class})
final class LogCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: monitor");
  }
}
