package dev.hallmark.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hallmark}: the standalone verifier's command line. Every error is one line on stderr and
 * exit status 1 (usage errors too: picocli's default is 2).
 */
@Command(
    name = "hallmark",
    mixinStandardHelpOptions = true,
    versionProvider = Hallmark.Version.class,
    description = "Verify Hallmark provenance bundles, offline or against a live issuer.",
    subcommands = {
      VerifyAttestationCommand.class,
      TrustRootCommand.class,
      AuditCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Hallmark implements Runnable {
  /** Exit status for success. */
  static final int OK = 0;
  /** Exit status for any failure: a failed check, a usage error, an unreadable input. */
  static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Hallmark());
    cli.setOut(out);
    cli.setErr(err);
    cli.setUsageHelpAutoWidth(false);
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // One line, never a stack trace.
          commandLine.getErr().println("hallmark: " + Text.oneLine(messageOf(e)));
          return FAILED;
        });
    cli.setExitCodeExceptionMapper(e -> FAILED);
    int status = cli.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Usage errors: one line (and the §7 object for {@code verify-attestation --json}), status 1. */
  static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      if (cl.getCommand() instanceof VerifyAttestationCommand && java.util.Arrays.asList(args).contains("--json")) {
        VerifyAttestationCommand.printUsageErrorJson(cl.getOut(), ex.getMessage());
      }
      // One line (STYLE: errors), the help hint included.
      cl.getErr().println(
          "hallmark: " + Text.oneLine(ex.getMessage()) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
      return FAILED;
    }
  }

  /** {@code --version}: the jar's Implementation-Version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Hallmark.class.getPackage().getImplementationVersion();
      return new String[] {"hallmark " + (v == null ? "development build" : v)};
    }
  }
}
