package dev.hallmark.orchestrator;

import dev.hallmark.cli.CompletionCommand;
import dev.hallmark.cli.Hallmark;
import dev.hallmark.orchestrator.http.HttpLimits;
import dev.hallmark.orchestrator.intake.IntakeCredential;
import dev.hallmark.orchestrator.intake.PushIntake;
import dev.hallmark.orchestrator.keys.IssuerKeyStore;
import dev.hallmark.orchestrator.runner.GitWorkflowSource;
import dev.hallmark.orchestrator.runner.LogLimits;
import dev.hallmark.orchestrator.runner.Runner;
import dev.hallmark.orchestrator.runner.Sandbox;
import dev.hallmark.orchestrator.runner.SdkJar;
import dev.hallmark.orchestrator.secret.DeclaredSecrets;
import dev.hallmark.orchestrator.store.Store;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

/**
 * The whole {@code hallmark}: the verifier's commands (verify-attestation, audit, trust-root, log) and the
 * orchestrator's ({@code serve}, {@code run}, {@code repo add|list}, {@code secret set|list|remove}, {@code keys rotate|revoke},
 * {@code witness key|serve}), plus
 * {@code completion} and {@code help}; one line on error, never a stack trace.
 */
@Command(name = "hallmark", mixinStandardHelpOptions = true, subcommands = {OrchestratorMain.Serve.class, OrchestratorMain.Run.class, OrchestratorMain.Keys.class,
    OrchestratorMain.Repo.class, SecretCommand.class, WitnessCommand.class},
    description = "Hallmark: run pipelines that sign SLSA provenance, and verify what they signed.")
public final class OrchestratorMain implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    try {
      OperatorLog.configure(args, System.getenv()); // before anything makes a logger
    } catch (OrchestratorException e) {
      System.err.println("hallmark: " + e.getMessage());
      System.exit(1);
    }
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    // The annotation's subcommands (the orchestrator's own) are built first; the help lists the
    // verifier's commands first, so they are moved behind them.
    CommandLine cl = new CommandLine(new OrchestratorMain());
    java.util.Map<String, CommandLine> own = new java.util.LinkedHashMap<>(cl.getSubcommands());
    own.keySet().forEach(cl.getCommandSpec()::removeSubcommand);
    Hallmark.addCommands(cl);
    own.forEach(cl::addSubcommand);
    cl.addSubcommand(new CompletionCommand());
    cl.addSubcommand(new CommandLine.HelpCommand());
    // Every command answers as the verifier's do (and the verifier's exactly as from its own jar):
    // a bad flag or argument, or a failure, is one 'hallmark: <reason>' line and exit 1.
    return Hallmark.configure(cl);
  }

  @Override
  public void run() {
    // No command: the usage (the whole tree) on stderr, and a failure, so a script notices.
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the orchestrator service.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default 0).")
    int port = 0;

    @Option(names = "--data", required = true, description = "Data folder (keys, database).")
    Path data;

    @CommandLine.Mixin DatabaseFlags database;

    @Option(names = "--public-url", description = "Public base URL (default http://<bind>:<port>).")
    String publicUrl;

    @Option(names = "--bind", description = "Address to listen on (default 127.0.0.1).")
    String bind = "127.0.0.1";

    @Option(names = "--parallel", description = "Jobs of a run that may run at once (default 2).")
    int parallel = 2;

    @Option(names = "--attest-rate", paramLabel = "N", description = "Issuer signatures (attestations and step tokens) a job may ask for per second "
        + "(a token bucket with a burst of 2N; default 1000).")
    int attestRate = 1000;

    @Option(names = "--unsafe-no-sandbox", description = "Run jobs without the bubblewrap sandbox (only where every "
        + "workflow author is trusted); every run records it and its page says so.")
    boolean unsafeNoSandbox;

    @Option(names = "--compile-timeout", paramLabel = "SECONDS", description = "How long one workflow may take to "
        + "compile, 1 to 3600 (default 120).")
    int compileTimeout = 120;

    @Option(names = "--log-limit-bytes", paramLabel = "N", description = "Bytes of output stored per job "
        + "(default 67108864 = 64 MiB); past it the log is cut with a marker line and the job fails.")
    long logLimitBytes = LogLimits.DEFAULT_BYTES;

    @Option(names = "--log-limit-lines", paramLabel = "N", description = "Lines of output stored per job "
        + "(default 1000000); past it the log is cut with a marker line and the job fails.")
    long logLimitLines = LogLimits.DEFAULT_LINES;

    @Option(names = "--http-header-timeout", paramLabel = "S", description = "Seconds a client has to send "
        + "a request head, from its first byte (default 10).")
    int headerTimeout = 10;

    @Option(names = "--http-body-timeout", paramLabel = "S", description = "Seconds a client has to send "
        + "a request body, from the end of its head (default 30).")
    int bodyTimeout = 30;

    @Option(names = "--http-idle-timeout", paramLabel = "S", description = "Seconds a connection may stay "
        + "silent (default 30).")
    int idleTimeout = 30;

    @Option(names = "--max-connections-per-address", paramLabel = "N", description = "Connections one client "
        + "address may hold (default 64).")
    int maxPerAddress = 64;

    @Option(names = "--max-connections", paramLabel = "N", description = "Connections all clients may hold "
        + "together (default 1024).")
    int maxConnections = 1024;

    @Option(names = "--witness", arity = "2", paramLabel = "VKEY URL", description = "A witness of the log: its "
        + "cosignature/v1 vkey and its tlog-witness URL prefix (repeatable). Checkpoints are published only once "
        + "cosigned to the quorum.")
    java.util.List<String> witness = new java.util.ArrayList<>();

    @Option(names = "--quorum", paramLabel = "N|none", description = "How many --witness must cosign each checkpoint "
        + "(default: all of them; none without --witness).")
    String quorum;

    @Option(names = "--log-policy", paramLabel = "FILE", description = "A c2sp.org/tlog-policy file naming this log's "
        + "key, the witnesses (with URLs) and the quorum; replaces --witness and --quorum.")
    Path logPolicy;

    @Option(names = "--log-timeout", paramLabel = "SECONDS", description = "How long an attestation waits for a "
        + "checkpoint cosigned to the quorum before the step's call fails, 1 to 3600 (default 30).")
    int logTimeout = 30;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "What serve logs on stderr: trace, debug, info, "
        + "warn, error or off (default info, or $HALLMARK_LOG_LEVEL).")
    String logLevel;

    @Override
    public Integer call() throws UnknownHostException, InterruptedException {
      if (logLevel != null) {
        OperatorLog.level("--log-level", logLevel); // before anything logs (slf4j-simple reads it once)
      }
      // Before anything listens: without a working sandbox serve does not start (unless told).
      checkCompileTimeout(compileTimeout);
      LogLimits logLimits = new LogLimits(logLimitBytes, logLimitLines);
      HttpLimits http = new HttpLimits(seconds("--http-header-timeout", headerTimeout),
          seconds("--http-body-timeout", bodyTimeout), seconds("--http-idle-timeout", idleTimeout),
          maxPerAddress, maxConnections);
      // Made after --log-level is applied: slf4j-simple reads the level when the first logger is made.
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OrchestratorMain.class.getPackageName() + ".Serve");
      Sandbox sandbox = unsafeNoSandbox ? Sandbox.unsafeNone() : Sandbox.probe();
      var config = Orchestrator.Config.defaults(data).withPort(port).withPublicUrl(publicUrl)
          .withRate(checkRate(attestRate), 2.0 * attestRate).withHttpLimits(http)
          .withLog(logSettings(witness, quorum, logPolicy, logTimeout));
      config = config.withBind(InetAddress.getByName(bind));
      var out = spec.commandLine().getOut();
      Orchestrator o = startAsRecordedIssuer(config, database.database(data), out);
      int interrupted = o.failInterrupted();
      if (interrupted > 0) {
        out.println("marked " + interrupted + " interrupted job(s) failed: " + Orchestrator.RESTART_REASON);
      }
      IntakeCredential credential = IntakeCredential.loadOrCreate(data, new SecureRandom());
      out.println((credential.isNew() ? "created the intake credential in " : "intake credential: ") + credential.file()
          + " (send it as Authorization: Bearer with POST /api/v1/events/push)");
      Runner runner = new Runner(o, new Runner.Settings(SdkJar.locate(data), data.resolve("work"), parallel,
          DeclaredSecrets.in(data), line -> { }, logLimits).withCompileCache(data.resolve("compile-cache")),
          sandbox.hiding(data), java.time.Duration.ofSeconds(compileTimeout));
      if (!sandbox.isEnabled()) {
        out.println("warning: jobs run WITHOUT a sandbox (--unsafe-no-sandbox); every run records it");
        log.warn("sandbox.off reason=\"--unsafe-no-sandbox\"");
      } else {
        log.info("sandbox.on");
      }
      // One run at a time, in arrival order; each run's jobs use up to --parallel.
      ExecutorService runs = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hallmark-runs");
        t.setDaemon(true);
        return t;
      });
      o.onPush(new PushIntake(o.store(), credential, runner, runs, line -> {
        out.println(line); // one line per run start and end
        out.flush();
      }));
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        // SIGTERM/SIGINT: no job process outlives the orchestrator (its capability would be dead
        // anyway); the jobs are failed by the restart sweep if their threads cannot record it.
        log.info("serve.stop issuer={}", o.issuerUrl());
        runs.shutdownNow();
        runner.close();
        o.close();
        stop.countDown();
      }));
      if (o.signingEngineNote() != null) {
        spec.commandLine().getErr().println("hallmark: " + o.signingEngineNote());
        spec.commandLine().getErr().flush();
      }
      log.info("serve.start url={} public_url={} issuer={} sandbox={}", o.localUrl(), o.url(), o.issuerUrl(),
          sandbox.isEnabled() ? "on" : "off");
      out.println("hallmark orchestrator listening on " + o.localUrl()
          + (o.url().equals(o.localUrl()) ? "" : " (public URL " + o.url() + ")") + " (issuer " + o.issuerUrl() + ")");
      out.flush();
      stop.await();
      return 0;
    }
  }

  /**
   * The issuer is part of every signature (issue 9): the data folder's recorded issuer wins over
   * the flags, or the flags that would change it are refused before anything is touched; a first
   * start records the issuer it runs as.
   */
  static Orchestrator startAsRecordedIssuer(Orchestrator.Config flags, java.io.PrintWriter out) {
    return startAsRecordedIssuer(flags, dev.hallmark.orchestrator.store.Database.embedded(flags.dataDir()), out);
  }

  static Orchestrator startAsRecordedIssuer(Orchestrator.Config flags, dev.hallmark.orchestrator.store.Database database,
      java.io.PrintWriter out) {
    if (flags.publicUrl() != null) {
      RecordedIssuer.checkPublicUrl(flags.publicUrl());
    }
    java.util.Optional<RecordedIssuer> recorded = RecordedIssuer.read(flags.dataDir());
    if (recorded.isPresent()) {
      return Orchestrator.start(recorded.get().admit(flags), database);
    }
    Orchestrator o = Orchestrator.start(flags, database);
    try {
      new RecordedIssuer(o.issuerUrl(), flags.publicUrl() == null ? RecordedIssuer.Origin.LISTEN_ADDRESS
          : RecordedIssuer.Origin.PUBLIC_URL).write(flags.dataDir());
      if (!o.store().runs(1).isEmpty()) {
        // A folder an older serve used: its bundles name the issuer of the start that signed them.
        out.println("recorded issuer " + o.issuerUrl() + " in " + flags.dataDir().resolve(RecordedIssuer.FILE)
            + " for this data folder, which has runs from before issuers were recorded (see docs/orchestrator.md#moving-an-issuer)");
      }
    } catch (RuntimeException e) {
      o.close();
      throw e;
    }
    return o;
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run the workflows of a folder's current commit with an embedded orchestrator and write "
          + "bundles, artifacts and trust-root.json into --out.")
  static final class Run implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", paramLabel = "DIR", description = "A git work tree, or a plain folder (snapshotted).")
    Path dir;

    @Option(names = "--ref", description = "The ref to attest (default: the current branch, or refs/heads/main for a plain folder).")
    String ref;

    @Option(names = "--out", description = "Output folder (default ./hallmark-out).")
    Path out = Path.of("hallmark-out");

    @Option(names = "--data", description = "Data folder kept across runs: issuer keys and identity, runs, "
        + "declared secrets (default ${XDG_DATA_HOME:-~/.local/share}/hallmark/run).")
    Path data;

    @Option(names = "--attest-rate", paramLabel = "N", description = "Issuer signatures (attestations and step tokens) a job may ask for per second "
        + "(a token bucket with a burst of 2N; default 1000).")
    int attestRate = 1000;

    @Option(names = "--unsafe-no-sandbox", description = "Run jobs without the bubblewrap sandbox (only where every "
        + "workflow author is trusted).")
    boolean unsafeNoSandbox;

    @Option(names = "--compile-timeout", paramLabel = "SECONDS", description = "How long one workflow may take to "
        + "compile, 1 to 3600 (default 120).")
    int compileTimeout = 120;

    @Option(names = "--log-limit-bytes", paramLabel = "N", description = "Bytes of output stored per job "
        + "(default 67108864 = 64 MiB); past it the log is cut with a marker line and the job fails.")
    long logLimitBytes = LogLimits.DEFAULT_BYTES;

    @Option(names = "--log-limit-lines", paramLabel = "N", description = "Lines of output stored per job "
        + "(default 1000000); past it the log is cut with a marker line and the job fails.")
    long logLimitLines = LogLimits.DEFAULT_LINES;

    @Option(names = "--witness", arity = "2", paramLabel = "VKEY URL", description = "A witness of the log: its "
        + "cosignature/v1 vkey and its tlog-witness URL prefix (repeatable). Checkpoints are published only once "
        + "cosigned to the quorum.")
    java.util.List<String> witness = new java.util.ArrayList<>();

    @Option(names = "--quorum", paramLabel = "N|none", description = "How many --witness must cosign each checkpoint "
        + "(default: all of them; none without --witness).")
    String quorum;

    @Option(names = "--log-policy", paramLabel = "FILE", description = "A c2sp.org/tlog-policy file naming this log's "
        + "key, the witnesses (with URLs) and the quorum; replaces --witness and --quorum.")
    Path logPolicy;

    @Option(names = "--log-timeout", paramLabel = "SECONDS", description = "How long an attestation waits for a "
        + "checkpoint cosigned to the quorum before the step's call fails, 1 to 3600 (default 30).")
    int logTimeout = 30;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "What run logs on stderr: trace, debug, info, "
        + "warn, error or off (default warn, or $HALLMARK_LOG_LEVEL).")
    String logLevel;

    @Override
    public Integer call() {
      if (logLevel != null) {
        OperatorLog.level("--log-level", logLevel);
      }
      checkCompileTimeout(compileTimeout);
      Path d = data != null ? data : LocalRun.defaultDataDir();
      var result = new LocalRun(dir, ref, out, d, spec.commandLine().getOut())
          .attestRate(checkRate(attestRate)).unsafeNoSandbox(unsafeNoSandbox)
          .compileTimeout(java.time.Duration.ofSeconds(compileTimeout))
          .verifier(LocalRun.verifierCommand(System.getenv()))
          .logLimits(new LogLimits(logLimitBytes, logLimitLines))
          .log(logSettings(witness, quorum, logPolicy, logTimeout))
          .execute();
      return result.succeeded() ? 0 : 1;
    }
  }

  @Command(name = "repo", mixinStandardHelpOptions = true, subcommands = {Repo.Add.class, Repo.ListRepos.class},
      description = "Register repositories whose push events serve accepts.")
  static final class Repo {
    @Command(name = "add", mixinStandardHelpOptions = true,
        description = "Register a local git repository under a name such as acme/app.")
    static final class Add implements Callable<Integer> {
      @Spec CommandLine.Model.CommandSpec spec;

      @CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "owner/name, e.g. acme/app.")
      String name;

      @CommandLine.Parameters(index = "1", paramLabel = "PATH", description = "The repository's folder (work tree or bare).")
      Path path;

      @Option(names = "--data", required = true, description = "Data folder.")
      Path data;

      @CommandLine.Mixin DatabaseFlags database;

      @Override
      public Integer call() {
        PushIntake.checkRepositoryName(name);
        Path abs = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
          throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT, abs + " is not a folder");
        }
        if (!GitWorkflowSource.isRepositoryRoot(abs)) {
          throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT, abs + " is not the top of a git repository");
        }
        Orchestrator.createDataDir(data);
        try (Store store = database.database(data).open(Clock.systemUTC())) {
          store.addRepository(name, abs.toString(), "file://" + abs);
        }
        spec.commandLine().getOut().println("registered " + name + " (file://" + abs + ")");
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered repositories.")
    static final class ListRepos implements Callable<Integer> {
      @Spec CommandLine.Model.CommandSpec spec;

      @Option(names = "--data", required = true, description = "Data folder.")
      Path data;

      @CommandLine.Mixin DatabaseFlags database;

      @Override
      public Integer call() {
        Orchestrator.createDataDir(data);
        try (Store store = database.database(data).open(Clock.systemUTC())) {
          for (Store.RepositoryRecord r : store.repositories()) {
            spec.commandLine().getOut().println(r.name() + "\t" + r.cloneUrl());
          }
        }
        return 0;
      }
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, subcommands = {Keys.Rotate.class, Keys.Revoke.class},
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

    @Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Revoke an issuer key from a moment on: its tokens verify only with a log proof witnessed "
            + "before --at (FORMATS §8.4). A running serve publishes the change at once.")
    static final class Revoke implements Callable<Integer> {
      @Spec CommandLine.Model.CommandSpec spec;

      @CommandLine.Parameters(index = "0", paramLabel = "KID", description = "The key's kid.")
      String kid;

      @Option(names = "--at", required = true, paramLabel = "TIME",
          description = "When the key became untrusted: RFC 3339 (2026-12-03T14:05:09Z) or seconds since the epoch.")
      String at;

      @Option(names = "--data", required = true, description = "Data folder.")
      Path data;

      @Override
      public Integer call() {
        long when = parseTime(at);
        if (!java.nio.file.Files.isDirectory(Orchestrator.keysDir(data))) {
          throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT, data + " holds no issuer keys");
        }
        IssuerKeyStore keys = IssuerKeyStore.open(Orchestrator.keysDir(data), Clock.systemUTC(), new SecureRandom());
        boolean rotated = keys.revoke(kid, when);
        var out = spec.commandLine().getOut();
        out.println("revoked " + kid + " at " + java.time.Instant.ofEpochSecond(when) + " (revokedAt " + when + ")");
        if (rotated) {
          out.println("it was the signing key: new signing key " + keys.signingKey().kid());
        }
        return 0;
      }
    }
  }

  /** RFC 3339 (UTC or with an offset) or decimal seconds since the epoch; FORMATS: 0 to 2^53−1. */
  static long parseTime(String s) {
    long t;
    if (s.matches("0|[1-9][0-9]{0,15}")) {
      t = Long.parseLong(s);
    } else {
      try {
        t = java.time.OffsetDateTime.parse(s).toEpochSecond();
      } catch (java.time.format.DateTimeParseException e) {
        throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT,
            "--at must be an RFC 3339 time such as 2026-12-03T14:05:09Z or seconds since the epoch, not " + s);
      }
    }
    if (t < 0 || t > (1L << 53) - 1) {
      throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT, "--at is out of range: " + s);
    }
    return t;
  }

  /** The log flags of serve and run. */
  static dev.hallmark.orchestrator.log.LogSettings logSettings(java.util.List<String> witnessPairs, String quorum,
      Path policy, int timeoutSeconds) {
    java.util.List<dev.hallmark.orchestrator.log.LogSettings.Witness> ws = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < witnessPairs.size(); i += 2) {
      ws.add(new dev.hallmark.orchestrator.log.LogSettings.Witness(witnessPairs.get(i), witnessPairs.get(i + 1)));
    }
    return new dev.hallmark.orchestrator.log.LogSettings(ws, quorum, policy, java.time.Duration.ofSeconds(
        seconds("--log-timeout", timeoutSeconds).toSeconds()));
  }

  /** 1 s to 1 h. */
  static int checkCompileTimeout(int seconds) {
    if (seconds < 1 || seconds > 3600) {
      throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT,
          "--compile-timeout must be between 1 and 3600 seconds, not " + seconds);
    }
    return seconds;
  }

  /** 1 to 3,600 seconds. */
  static java.time.Duration seconds(String flag, int value) {
    if (value < 1 || value > 3600) {
      throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT,
          flag + " must be between 1 and 3600 seconds, not " + value);
    }
    return java.time.Duration.ofSeconds(value);
  }

  /** 1 to 1,000,000 attestations per second and job. */
  static int checkRate(int rate) {
    if (rate < 1 || rate > 1_000_000) {
      throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT,
          "--attest-rate must be between 1 and 1000000, not " + rate);
    }
    return rate;
  }
}
