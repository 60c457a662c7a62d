package dev.hallmark.orchestrator;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.intake.PushIntake;
import dev.hallmark.orchestrator.secret.DeclaredSecrets;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hallmark secret set|list|remove}: the declared secrets of a repository, kept in the data
 * folder ({@link DeclaredSecrets}), which its jobs read with {@code ctx.secret(NAME)}. No command
 * ever prints a value.
 */
@Command(name = "secret", mixinStandardHelpOptions = true,
    subcommands = {SecretCommand.Set.class, SecretCommand.ListNames.class, SecretCommand.Remove.class},
    description = "Declare secrets that a repository's jobs read with ctx.secret(NAME).")
final class SecretCommand {

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Declare or replace a secret of a repository. The value comes from --from-file or standard input"
          + " (not echoed on a terminal); exactly one trailing newline is removed.")
  static final class Set implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO", description = "The repository, owner/name (e.g. acme/app).")
    String repository;

    @Parameters(index = "1", paramLabel = "NAME", description = "The secret's name: A-Z 0-9 _, no digit first (e.g. DEPLOY_TOKEN).")
    String name;

    @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE instead of standard input.")
    Path fromFile;

    @Option(names = "--data", required = true, description = "Data folder.")
    Path data;

    @Override
    public Integer call() {
      // Checked before the value is read, so nobody types a value for a name that is refused.
      PushIntake.checkRepositoryName(repository);
      DeclaredSecrets.checkName(name);
      byte[] value = fromFile != null ? readFile(fromFile) : readStandardInput(name, repository);
      try {
        Orchestrator.createDataDir(data);
        boolean added = DeclaredSecrets.in(data).set(repository, name, value);
        spec.commandLine().getOut().println((added ? "declared " : "replaced ") + name + " for " + repository);
        return 0;
      } finally {
        Arrays.fill(value, (byte) 0);
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a repository's secret names, one a line (never values).")
  static final class ListNames implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO", description = "The repository, owner/name.")
    String repository;

    @Option(names = "--data", required = true, description = "Data folder.")
    Path data;

    @Override
    public Integer call() {
      for (String n : DeclaredSecrets.in(data).names(repository)) {
        spec.commandLine().getOut().println(n);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a secret of a repository.")
  static final class Remove implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO", description = "The repository, owner/name.")
    String repository;

    @Parameters(index = "1", paramLabel = "NAME", description = "The secret's name.")
    String name;

    @Option(names = "--data", required = true, description = "Data folder.")
    Path data;

    @Override
    public Integer call() {
      DeclaredSecrets.in(data).remove(repository, name);
      spec.commandLine().getOut().println("removed " + name + " of " + repository);
      return 0;
    }
  }

  /** At most one byte more than a value plus its newline may be: enough to tell "too long". */
  private static final int READ_LIMIT = DeclaredSecrets.MAX_VALUE_BYTES + 2;

  static byte[] readFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return withoutOneNewline(readBounded(in));
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /** On a terminal: a prompt, and the value is not echoed. Otherwise: all of standard input. */
  static byte[] readStandardInput(String name, String repository) {
    Console console = System.console();
    if (console != null) {
      char[] typed = console.readPassword("value of %s for %s (not echoed): ", name, repository);
      if (typed == null) {
        throw new OrchestratorException(Code.INVALID_INPUT, "no value was typed");
      }
      ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(typed));
      Arrays.fill(typed, '\0');
      byte[] value = new byte[b.remaining()];
      b.get(value);
      Arrays.fill(b.array(), (byte) 0);
      return value;
    }
    try {
      return withoutOneNewline(readBounded(System.in));
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot read standard input: " + e.getClass().getSimpleName());
    }
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while (out.size() < READ_LIMIT && (n = in.read(buf, 0, Math.min(buf.length, READ_LIMIT - out.size()))) >= 0) {
      out.write(buf, 0, n);
    }
    Arrays.fill(buf, (byte) 0);
    return out.toByteArray();
  }

  /** {@code echo value | hallmark secret set …} adds one newline, which is not part of the value. */
  static byte[] withoutOneNewline(byte[] b) {
    if (b.length > 0 && b[b.length - 1] == '\n') {
      byte[] shorter = Arrays.copyOf(b, b.length - 1);
      Arrays.fill(b, (byte) 0);
      return shorter;
    }
    return b;
  }

  private SecretCommand() {}
}
