package dev.hallmark.orchestrator;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.http.HttpLimits;
import dev.hallmark.orchestrator.http.WitnessServer;
import dev.hallmark.orchestrator.witness.Witness;
import dev.hallmark.orchestrator.witness.WitnessKey;
import dev.hallmark.orchestrator.witness.WitnessState;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hallmark witness key|serve}: a c2sp.org/tlog-witness service that cosigns the checkpoints
 * of the logs it is given (docs/witness.md). Its key is its own file, never the orchestrator's.
 */
@Command(name = "witness", mixinStandardHelpOptions = true,
    subcommands = {WitnessCommand.Key.class, WitnessCommand.Serve.class},
    description = "Run a transparency-log witness (c2sp.org/tlog-witness) that cosigns logs' checkpoints.")
final class WitnessCommand {
  /** The start line's prefix; the listen URL follows it. */
  static final String LISTENING = "hallmark witness listening on ";

  @Command(name = "key", mixinStandardHelpOptions = true,
      description = "Create the witness key file if it does not exist (owner-only), and print its verifier key (vkey, type 0x04).")
  static final class Key implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The witness key file.")
    Path key;

    @Option(names = "--name", paramLabel = "NAME", description = "The witness's key name, such as witness1.example.com "
        + "(required to create the file; if given for an existing file, it must match).")
    String name;

    @Override
    public Integer call() {
      WitnessKey k = WitnessKey.loadOrCreate(key, name, new SecureRandom());
      if (k.isNew()) {
        spec.commandLine().getErr().println("created the witness key " + key + " for " + k.name());
      }
      spec.commandLine().getOut().println(k.vkey());
      return 0;
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve tlog-witness add-checkpoint for the given logs, keeping each log's latest cosigned checkpoint in --data.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The witness key file (see 'witness key').")
    Path key;

    @Option(names = "--log", required = true, paramLabel = "VKEY", description = "A log's checkpoint verifier key "
        + "(name+id+key, type 0x01; its name is the log's origin). Repeatable.")
    List<String> logs = new ArrayList<>();

    @Option(names = "--port", paramLabel = "P", description = "Port to listen on; 0 picks a free one (default 0).")
    int port = 0;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default 127.0.0.1).")
    String bind = "127.0.0.1";

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder of the witness's state: "
        + "the latest cosigned checkpoint of each log.")
    Path data;

    @Override
    public Integer call() throws UnknownHostException, InterruptedException {
      if (port < 0 || port > 65535) {
        throw new OrchestratorException(Code.INVALID_INPUT, "--port must be 0 to 65535, not " + port);
      }
      List<NoteKey> logKeys = new ArrayList<>();
      for (String vkey : logs) {
        try {
          logKeys.add(NoteKey.parse(vkey));
        } catch (AttestationException e) {
          throw new OrchestratorException(Code.INVALID_INPUT, "--log " + vkey + ": " + e.getMessage());
        }
      }
      InetAddress address = InetAddress.getByName(bind);
      WitnessKey witnessKey = WitnessKey.load(key);
      WitnessState state = WitnessState.open(data);
      WitnessServer server;
      Witness witness;
      PrintWriter out = spec.commandLine().getOut();
      try {
        witness = new Witness(witnessKey, logKeys, state, Clock.systemUTC());
        server = new WitnessServer(new InetSocketAddress(address, port), witness, HttpLimits.defaults(), line -> {
          synchronized (out) {
            out.println(line);
            out.flush();
          }
        });
        server.start();
      } catch (RuntimeException e) {
        state.close();
        throw e;
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        state.close();
        stop.countDown();
      }));
      String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
      synchronized (out) {
        out.println(LISTENING + "http://" + host + ":" + server.port() + " as " + witnessKey.vkey()
            + " for " + String.join(", ", witness.origins()));
        out.flush();
      }
      stop.await();
      return 0;
    }
  }

  private WitnessCommand() {}
}
