package dev.hallmark.orchestrator;

import dev.hallmark.orchestrator.keys.IssuerKeyStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hallmark serve} and {@code hallmark keys rotate}: one line on error, never a stack trace. */
@Command(name = "hallmark", mixinStandardHelpOptions = true, subcommands = {OrchestratorMain.Serve.class, OrchestratorMain.Keys.class},
    description = "The Hallmark orchestrator.")
public final class OrchestratorMain {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new OrchestratorMain());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      line.getErr().println("hallmark: " + m);
      return 1;
    });
    return cl;
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the orchestrator service.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default 0).")
    int port = 0;

    @Option(names = "--data", required = true, description = "Data folder (keys, database).")
    Path data;

    @Option(names = "--public-url", description = "Public base URL (default http://<bind>:<port>).")
    String publicUrl;

    @Option(names = "--bind", description = "Address to listen on (default 127.0.0.1).")
    String bind = "127.0.0.1";

    @Override
    public Integer call() throws UnknownHostException, InterruptedException {
      var config = Orchestrator.Config.defaults(data).withPort(port).withPublicUrl(publicUrl);
      config = new Orchestrator.Config(config.dataDir(), InetAddress.getByName(bind), config.port(), config.publicUrl(),
          config.ratePerSecond(), config.rateBurst(), config.capabilityHardCap(), config.clock());
      Orchestrator o = Orchestrator.start(config);
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        o.close();
        stop.countDown();
      }));
      spec.commandLine().getOut().println("hallmark orchestrator listening on " + o.url() + " (issuer " + o.issuerUrl() + ")");
      spec.commandLine().getOut().flush();
      stop.await();
      return 0;
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, subcommands = Keys.Rotate.class,
      description = "Manage the issuer keys.")
  static final class Keys {
    @Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Add a new signing key; the old one stays published with exp = now.")
    static final class Rotate implements Callable<Integer> {
      @Spec CommandLine.Model.CommandSpec spec;

      @Option(names = "--data", required = true, description = "Data folder.")
      Path data;

      @Override
      public Integer call() {
        Orchestrator.createDataDir(data);
        IssuerKeyStore keys = IssuerKeyStore.open(Orchestrator.keysDir(data), Clock.systemUTC(), new SecureRandom());
        String kid = keys.rotate();
        spec.commandLine().getOut().println("new signing key " + kid);
        return 0;
      }
    }
  }
}
