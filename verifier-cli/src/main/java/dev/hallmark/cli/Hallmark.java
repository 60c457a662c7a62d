package dev.hallmark.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hallmark}: the standalone verifier's command line. Every error is one line on stderr and
 * exit status 1 (usage errors too: picocli's default is 2). The orchestrator's {@code hallmark}
 * holds the same commands beside its own, through {@link #addCommands} and {@link #configure}.
 */
@Command(
    name = "hallmark",
    mixinStandardHelpOptions = true,
    versionProvider = Hallmark.Version.class,
    description = "Verify Hallmark provenance bundles, offline or against a live issuer.")
public final class Hallmark implements Runnable {
  /** Exit status for success. */
  static final int OK = 0;
  /** Exit status for any failure: a failed check, a usage error, an unreadable input. */
  static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals(CdsTraining.FLAG)) {
      System.exit(CdsTraining.run());
    }
    if (args.length > 0 && args[0].equals("verify-attestation")) {
      // About 80 ms of one-time set-up, overlapped with building the command and reading inputs.
      dev.hallmark.verifier.Verifier.warmUpInBackground();
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length > 0 && args[0].equals("verify-attestation")) {
      VerifyAttestationCommand plain = VerifyAttestationCommand.parsePlain(args);
      if (plain != null) {
        try {
          return plain.run(out, err);
        } catch (RuntimeException e) {
          err.println("hallmark: " + Text.oneLine(messageOf(e)));
          return FAILED;
        } finally {
          out.flush();
          err.flush();
        }
      }
    }
    CommandLine cli = new CommandLine(new Hallmark());
    // Only the command that runs is built: picocli's reflection over every command's annotations
    // was the largest single cost of a release gate's one verification.
    Object only = args.length == 0 ? null : command(args[0]);
    if (only != null) {
      cli.addSubcommand(only);
    } else {
      addCommands(cli);
      cli.addSubcommand(new CompletionCommand());
      cli.addSubcommand(new CommandLine.HelpCommand());
    }
    cli.setOut(out);
    cli.setErr(err);
    configure(cli);
    int status = cli.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  /**
   * Adds the verifier's commands ({@code verify-attestation}, {@code audit}, {@code trust-root},
   * {@code log}) to
   * a command line that holds others too.
   */
  public static void addCommands(CommandLine cli) {
    cli.addSubcommand(new VerifyAttestationCommand());
    cli.addSubcommand(new AuditCommand());
    cli.addSubcommand(new TrustRootCommand());
    cli.addSubcommand(new LogCommand());
  }

  /**
   * Makes {@code cli} answer as the verifier does, for every command it holds now (so call it once
   * the tree is complete): one {@code hallmark: <reason>} line and status 1 for usage errors (with
   * a "did you mean" for a near-miss flag or command, and the §7 object for {@code
   * verify-attestation --json}) and for failures, never a stack trace; {@code --version} on every
   * command printing the same {@code hallmark <version>}.
   */
  public static CommandLine configure(CommandLine cli) {
    cli.setUsageHelpAutoWidth(false);
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setExecutionExceptionHandler(new Failures());
    cli.setExitCodeExceptionMapper(e -> FAILED);
    versionEverywhere(cli, new Version());
    return cli;
  }

  private static void versionEverywhere(CommandLine cli, CommandLine.IVersionProvider version) {
    CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
    spec.versionProvider(version);
    // picocli's HelpCommand has no --version of its own.
    if (spec.options().stream().noneMatch(CommandLine.Model.OptionSpec::versionHelp)) {
      spec.addOption(
          CommandLine.Model.OptionSpec.builder("-V", "--version")
              .versionHelp(true)
              .description("Print version information and exit.")
              .build());
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      versionEverywhere(sub, version);
    }
  }

  private static Object command(String name) {
    switch (name) {
      case "verify-attestation":
        return new VerifyAttestationCommand();
      case "trust-root":
        return new TrustRootCommand();
      case "audit":
        return new AuditCommand();
      case "log":
        return new LogCommand();
      default:
        return null;
    }
  }

  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  @Override
  public void run() {
    // No command: the usage on stderr, and a failure, so a script that forgot it notices.
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Usage errors: one line (and the §7 object for {@code verify-attestation --json}), status 1. */
  static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      if (cl.getCommand() instanceof VerifyAttestationCommand command && VerifyAttestationCommand.asksForJson(args)) {
        command.printUsageErrorJson(ex);
      }
      String hint = null;
      if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
        String nearest = Suggestion.forUnmatched(unmatched);
        hint = nearest == null ? null : "did you mean " + nearest + "?";
      } else if (ex instanceof CommandLine.MissingParameterException missing) {
        hint = Suggestion.forMissing(missing);
      }
      // One line (STYLE: errors), the help hint included.
      cl.getErr().println(
          "hallmark: "
              + Text.oneLine(ex.getMessage())
              + (hint == null ? "" : " (" + Text.oneLine(hint) + ")")
              + " (see '"
              + cl.getCommandSpec().qualifiedName()
              + " --help')");
      return FAILED;
    }
  }

  /** A command that failed: its message on one line, never a stack trace; status 1. */
  static final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      commandLine.getErr().println("hallmark: " + Text.oneLine(messageOf(e)));
      return FAILED;
    }
  }

  /**
   * {@code --version} on every command: the jar's Implementation-Version, which both jars' manifests
   * carry (the project version), so both print the same line.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Hallmark.class.getPackage().getImplementationVersion();
      return new String[] {"hallmark " + (v == null ? "development build" : v)};
    }
  }
}
