package dev.hallmark.orchestrator;

import static java.util.Objects.requireNonNull;


import dev.hallmark.orchestrator.attest.Attestor;
import dev.hallmark.orchestrator.attest.RateLimiter;
import dev.hallmark.orchestrator.events.RunEvents;
import dev.hallmark.orchestrator.http.ApiServer;
import dev.hallmark.orchestrator.http.HttpLimits;
import dev.hallmark.orchestrator.intake.PushHandler;
import dev.hallmark.orchestrator.jobs.Capability;
import dev.hallmark.orchestrator.jobs.JobCapabilities;
import dev.hallmark.orchestrator.keys.IssuerKeyStore;
import dev.hallmark.orchestrator.log.LogKey;
import dev.hallmark.orchestrator.log.LogSettings;
import dev.hallmark.orchestrator.log.TransparencyLog;
import dev.hallmark.orchestrator.oidc.Issuer;
import dev.hallmark.orchestrator.runner.RunLedger;
import dev.hallmark.orchestrator.store.Database;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.NewRun;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * One running orchestrator: key folder, store, issuer and HTTP API over a data folder. The in-process
 * methods ({@link #registerRepository}, {@link #createRun}, {@link #createJob}, {@link #startJob},
 * {@link #finishJob}, {@link #appendLog}) are what the runner calls; none of them is reachable
 * over HTTP.
 *
 * <pre>{@code
 * try (Orchestrator o = Orchestrator.start(Orchestrator.Config.defaults(dataDir))) {
 *   o.registerRepository("acme/app", "/src/app", "file:///src/app");
 *   RunRecord run = o.createRun(new NewRun("acme/app", "refs/heads/main", sha, "push", path));
 *   JobRecord job = o.createJob(run.id(), "publish");
 *   Capability cap = o.startJob(job.id(), Duration.ofMinutes(30));
 * }
 * }</pre>
 */
public final class Orchestrator implements AutoCloseable, RunLedger {

  /** Where and how to run. {@code publicUrl} null means {@code http://<bind>:<port>}. */
  public record Config(Path dataDir, InetAddress bind, int port, String publicUrl, double ratePerSecond,
      double rateBurst, Duration capabilityHardCap, Clock clock, String issuerUrl, HttpLimits http,
      LogSettings log) {
    public Config {
      requireNonNull(dataDir, "dataDir");
      requireNonNull(http, "http");
      requireNonNull(log, "log");
      requireNonNull(bind, "bind");
      requireNonNull(capabilityHardCap, "capabilityHardCap");
      requireNonNull(clock, "clock");
      if (port < 0 || port > 65535) {
        throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT, "port " + port + " is out of range");
      }
    }

    public static Config defaults(Path dataDir) {
      return new Config(dataDir, InetAddress.getLoopbackAddress(), 0, null, 1000, 2000,
          JobCapabilities.DEFAULT_HARD_CAP, Clock.systemUTC(), null, HttpLimits.defaults(), LogSettings.defaults());
    }

    public Config withPort(int p) {
      return new Config(dataDir, bind, p, publicUrl, ratePerSecond, rateBurst, capabilityHardCap, clock, issuerUrl, http, log);
    }

    public Config withPublicUrl(String url) {
      return new Config(dataDir, bind, port, url, ratePerSecond, rateBurst, capabilityHardCap, clock, issuerUrl, http, log);
    }

    public Config withRate(double perSecond, double burst) {
      return new Config(dataDir, bind, port, publicUrl, perSecond, burst, capabilityHardCap, clock, issuerUrl, http, log);
    }

    public Config withClock(Clock c) {
      return new Config(dataDir, bind, port, publicUrl, ratePerSecond, rateBurst, capabilityHardCap, c, issuerUrl, http, log);
    }

    /** A fixed {@code iss} independent of the listening port (null: {@code <public URL>/oidc}). */
    public Config withIssuerUrl(String url) {
      return new Config(dataDir, bind, port, publicUrl, ratePerSecond, rateBurst, capabilityHardCap, clock, url, http, log);
    }

    /** Time-outs and connection limits of the HTTP server. */
    public Config withHttpLimits(HttpLimits limits) {
      return new Config(dataDir, bind, port, publicUrl, ratePerSecond, rateBurst, capabilityHardCap, clock, issuerUrl, limits, log);
    }

    /** The log's witnesses, quorum and time-out. */
    public Config withLog(LogSettings l) {
      return new Config(dataDir, bind, port, publicUrl, ratePerSecond, rateBurst, capabilityHardCap, clock, issuerUrl, http, l);
    }

    public Config withBind(InetAddress b) {
      return new Config(dataDir, b, port, publicUrl, ratePerSecond, rateBurst, capabilityHardCap, clock, issuerUrl, http, log);
    }
  }

  private final String localUrl;
  private final Store store;
  private final IssuerKeyStore keys;
  private final Issuer issuer;
  private final JobCapabilities capabilities;
  private final ApiServer server;
  private final RateLimiter rateLimiter;
  private final TransparencyLog log;
  private java.nio.channels.FileChannel lock;

  /** Why signing fell back to BouncyCastle (AWS-LC could not load); null when it did not. */
  private String signingEngineNote;

  /** One line for the log when AWS-LC could not load and signing runs on BouncyCastle; else null. */
  public String signingEngineNote() {
    return signingEngineNote;
  }

  private Orchestrator(Store store, IssuerKeyStore keys, Issuer issuer, JobCapabilities capabilities,
      ApiServer server, RateLimiter rateLimiter, String localUrl, TransparencyLog log) {
    this.log = log;
    this.localUrl = localUrl;
    this.store = store;
    this.keys = keys;
    this.issuer = issuer;
    this.capabilities = capabilities;
    this.server = server;
    this.rateLimiter = rateLimiter;
  }

  /** Opens the data folder (0700), the keys and the store, and starts the HTTP API. */
  public static Orchestrator start(Config config) {
    return start(config, Database.embedded(config.dataDir()));
  }

  /** As {@link #start(Config)}, with the state in {@code database} (keys stay in the data folder). */
  public static Orchestrator start(Config config, Database database) {
    SecureRandom random = new SecureRandom();
    createDataDir(config.dataDir());
    java.nio.channels.FileChannel lock = lockDataDir(config.dataDir());
    try {
      Orchestrator o = start(config, database, random);
      o.lock = lock;
      return o;
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
  }

  /**
   * One orchestrator per data folder: {@link #failInterrupted} may only fail jobs no live process
   * runs. Held until {@link #close}; the kernel drops it when the process dies (SIGKILL included).
   */
  private static java.nio.channels.FileChannel lockDataDir(Path dataDir) {
    Path file = dataDir.resolve("orchestrator.lock");
    java.nio.channels.FileChannel ch = null;
    try {
      ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE);
      if (ch.tryLock() == null) {
        throw new java.nio.channels.OverlappingFileLockException();
      }
      return ch;
    } catch (java.nio.channels.OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new OrchestratorException(OrchestratorException.Code.CONFLICT,
          "the data folder " + dataDir + " is in use by another orchestrator");
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UncheckedIOException("cannot lock the data folder " + dataDir, e);
    }
  }

  private static void closeQuietly(java.nio.channels.FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // releasing the lock is all closing does
      }
    }
  }

  private static Orchestrator start(Config config, Database database, SecureRandom random) {
    // The database first: one it cannot reach leaves no keys behind.
    Store store = database.open(config.clock());
    TransparencyLog log = null;
    try {
      IssuerKeyStore keys = IssuerKeyStore.open(keysDir(config.dataDir()), config.clock(), random);
      // Bind first: with port 0 the public URL needs the port the kernel chose.
      java.net.ServerSocket probe = null;
      int port = config.port();
      if (port == 0) {
        probe = new java.net.ServerSocket(0, 1, config.bind());
        port = probe.getLocalPort();
        probe.close();
      }
      String host = config.bind().getHostAddress();
      String literal = host.contains(":") ? "[" + host + "]" : host;
      String publicUrl = config.publicUrl() != null ? config.publicUrl() : listenUrl(config.bind(), port);
      // Jobs talk to the listening socket over loopback, never through the public URL (a proxy, a
      // name, or a dead address): the SDK only accepts a loopback literal.
      String local = config.bind().isAnyLocalAddress() ? (config.bind() instanceof java.net.Inet6Address ? "[::1]" : "127.0.0.1")
          : literal;
      String localUrl = "http://" + local + ":" + port;
      String issuerUrl = config.issuerUrl() != null ? config.issuerUrl() : Issuer.issuerUrlFor(publicUrl);
      if (issuerUrl.endsWith("/")) {
        issuerUrl = issuerUrl.substring(0, issuerUrl.length() - 1);
      }
      LogKey logKey = startLog(keys, keysDir(config.dataDir()), issuerUrl, config.clock(), random);
      var policy = config.log().policy(logKey.vkey(), issuerUrl + "/log");
      log = TransparencyLog.start(store, logKey, policy,
          LogSettings.clients(policy, java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()),
          config.log().timeout(), config.clock());
      Issuer issuer = new Issuer(publicUrl, config.issuerUrl(), keys, policy.text(), logKey.since());
      JobCapabilities caps = new JobCapabilities(store, config.clock(), random, config.capabilityHardCap());
      // Signing is bulk work: AWS-LC where it loads (~600 ms, once, before the API listens), else
      // BouncyCastle and one line, which serve prints (signingEngineNote).
      String[] note = {null};
      dev.hallmark.attestation.crypto.CryptoEngine engine =
          dev.hallmark.attestation.crypto.CryptoEngine.awsLcOrBouncyCastle(line -> note[0] = line);
      Attestor attestor = new Attestor(store, issuer, config.clock(), random, log, engine);
      RateLimiter limiter = new RateLimiter(config.ratePerSecond(), config.rateBurst());
      ApiServer server = new ApiServer(new InetSocketAddress(config.bind(), port), store, issuer, caps, attestor,
          limiter, config.clock(), config.http(), log);
      server.start();
      Orchestrator o = new Orchestrator(store, keys, issuer, caps, server, limiter, localUrl, log);
      o.signingEngineNote = note[0];
      return o;
    } catch (IOException e) {
      if (log != null) {
        log.close();
      }
      store.close();
      throw new OrchestratorException(OrchestratorException.Code.START_FAILED,
          "cannot listen on " + config.bind().getHostAddress() + ":" + config.port() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (log != null) {
        log.close();
      }
      store.close();
      throw e;
    }
  }

  /**
   * The log key, created on the first start with the log; FORMATS §8.2: the log starts with a key
   * rotation at {@code since} (skipped for a fresh data folder, whose only key is from now on).
   */
  private static LogKey startLog(IssuerKeyStore keys, Path keysDir, String issuerUrl, Clock clock, SecureRandom random) {
    long now = clock.instant().getEpochSecond();
    long since = keys.createdFirstKey() ? Math.min(now, keys.signingKeyNbf()) : now;
    LogKey key = LogKey.openOrCreate(keysDir, LogKey.originFor(issuerUrl), since, random);
    keys.startLogAt(key.since());
    return key;
  }

  /** {@code http://<bind>:<port>}: the public URL when no {@code --public-url} is given. */
  static String listenUrl(InetAddress bind, int port) {
    String host = bind.getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public static Path keysDir(Path dataDir) {
    return dataDir.resolve("keys");
  }

  public static void createDataDir(Path dir) {
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data folder " + dir, e);
    }
  }

  /** The public URL (what the issuer and the dashboard's links are based on). */
  public String url() {
    return issuer.publicUrl();
  }

  /** Where the listening socket is reached on this machine: what job JVMs are given. */
  public String localUrl() {
    return localUrl;
  }

  public String issuerUrl() {
    return issuer.issuerUrl();
  }

  public int port() {
    return server.port();
  }

  public IssuerKeyStore keys() {
    return keys;
  }

  public Store store() {
    return store;
  }

  /** The transparency log every attestation is appended to. */
  public TransparencyLog log() {
    return log;
  }

  public void registerRepository(String name, String path, String cloneUrl) {
    store.registerRepository(name, path, cloneUrl);
  }

  /** Why {@link #failInterrupted} failed a job or run. */
  public static final String RESTART_REASON = "orchestrator restarted while the job was running";

  /**
   * Crash recovery, called by {@code serve} and {@code run} right after start: jobs and runs a
   * previous process left pending or running are failed with {@link #RESTART_REASON} (their
   * capabilities die with them). Kills nothing: this process owns none of their processes.
   * Returns how many jobs it failed.
   */
  public int failInterrupted() {
    int jobs = store.failInterrupted(RESTART_REASON);
    RunEvents.interruptedFailed(jobs, RESTART_REASON);
    return jobs;
  }

  /** Enables {@code POST /api/v1/events/push}. */
  public void onPush(PushHandler handler) {
    server.onPush(handler);
  }

  public RunRecord createRun(NewRun run) {
    RunRecord created = store.createRun(run);
    RunEvents.runCreated(created);
    return created;
  }

  public JobRecord createJob(long runId, String name) {
    JobRecord job = store.createJob(runId, name);
    RunEvents.jobCreated(job);
    return job;
  }

  /** Starts the job and issues its one capability (valid until job end, {@code timeout} or the hard cap). */
  public Capability startJob(String jobId, Duration timeout) {
    Capability cap = capabilities.start(jobId, timeout);
    RunEvents.jobStarted(jobId);
    return cap;
  }

  public void finishJob(String jobId, String status, String reason) {
    capabilities.finish(jobId, status, reason);
    rateLimiter.forget(jobId);
    RunEvents.jobFinished(jobId, status, reason);
  }

  @Override
  public void finishRun(long runId, String status, String reason) {
    store.finishRun(runId, status, reason);
    RunEvents.runFinished(runId, status, reason);
  }

  @Override
  public void markUnsandboxed(long runId) {
    store.markUnsandboxed(runId);
  }

  /** Called with (job id, token) for every step token minted, before the step receives it. */
  public void onTokenMinted(java.util.function.BiConsumer<String, String> listener) {
    server.onTokenMinted(listener);
  }

  /** Called after each attestation is stored, with the subjects as the job asked (paths included). */
  public void onAttested(ApiServer.AttestationListener listener) {
    server.onAttested(listener);
  }

  public byte[] trustRootFile() {
    return issuer.trustRootFile();
  }

  public void appendLog(String jobId, String stream, List<String> maskedLines) {
    store.appendLog(jobId, stream, maskedLines);
  }

  @Override
  public void close() {
    try {
      server.close();
      log.close();
      store.close();
    } finally {
      closeQuietly(lock);
    }
  }
}
