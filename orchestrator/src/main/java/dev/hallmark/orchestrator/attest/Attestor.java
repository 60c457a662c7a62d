package dev.hallmark.orchestrator.attest;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.intoto.BuildContext;
import dev.hallmark.attestation.intoto.HallmarkProvenance;
import dev.hallmark.attestation.intoto.ResourceDescriptor;
import dev.hallmark.attestation.intoto.Statement;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.attestation.sign.AttestationSigner;
import dev.hallmark.attestation.token.IdentityClaims;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.oidc.Issuer;
import dev.hallmark.orchestrator.store.JobRecord;
import dev.hallmark.orchestrator.store.RunRecord;
import dev.hallmark.orchestrator.store.Store;
import dev.hallmark.orchestrator.log.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Makes one attestation (ARCHITECTURE flow, step 4): the statement and the token claims come from
 * the orchestrator's own run and job records; the request contributes only the subjects. A fresh
 * ephemeral key per attestation (inside {@link AttestationSigner}); the bundle is stored through
 * the store's group commit, and the returned future completes only once it is on disk.
 *
 * <pre>{@code
 * Attestor attestor = new Attestor(store, issuer, clock, new SecureRandom(), log);
 * Attestor.Result r = attestor.attest(job, List.of(Subject.of("app.tgz", sha256))).join();
 * }</pre>
 */
public final class Attestor {
  /** FORMATS §2 {@code runner_environment} of this orchestrator's jobs. */
  public static final String RUNNER_ENVIRONMENT = "embedded";
  /** The most subjects one attestation may carry. */
  public static final int MAX_SUBJECTS = 256;

  private final Store store;
  private final Issuer issuer;
  private final Clock clock;
  private final AttestationSigner signer;
  private final TransparencyLog log;

  public record Result(String storageKey, String subjectDigest) {}

  /**
   * @param log where every attestation's token is appended before its bundle is stored (FORMATS
   *     §8); the stored bundle carries the proof
   */
  public Attestor(Store store, Issuer issuer, Clock clock, SecureRandom random, TransparencyLog log) {
    this(store, issuer, clock, random, log, dev.hallmark.attestation.crypto.CryptoEngine.bouncyCastle());
  }

  /**
   * As above, with the one-time keys and their DSSE signatures on {@code engine}; issuer tokens are
   * always signed on BouncyCastle (RFC 6979).
   */
  public Attestor(Store store, Issuer issuer, Clock clock, SecureRandom random, TransparencyLog log,
      dev.hallmark.attestation.crypto.CryptoEngine engine) {
    this.log = requireNonNull(log, "log");
    this.store = requireNonNull(store, "store");
    this.issuer = requireNonNull(issuer, "issuer");
    this.clock = requireNonNull(clock, "clock");
    this.signer = new AttestationSigner(requireNonNull(random, "random"), engine);
  }

  /** Signs and durably stores an attestation of {@code subjects} for the running {@code job}. */
  public CompletableFuture<Result> attest(JobRecord job, List<Subject> subjects) {
    if (subjects.isEmpty()) {
      throw new OrchestratorException(Code.INVALID_INPUT, "'subjects' is empty");
    }
    RunRecord run = runOf(job);
    Instant now = clock.instant();
    List<ResourceDescriptor> descriptors = new ArrayList<>(subjects.size());
    for (Subject s : subjects) {
      descriptors.add(s.toDescriptor());
    }
    Bundle bundle;
    try {
      Statement statement = HallmarkProvenance.build(buildContext(run, job, now), descriptors);
      bundle = signer.sign(statement.toJsonBytes(), issuer.keys().signingKey(), claims(run, job, now));
    } catch (AttestationException e) {
      // Only our own records reach here; a failure means a record is unusable, not a bad request.
      throw new OrchestratorException(Code.CONFLICT, "cannot attest for job " + job.id() + ": " + e.getMessage());
    }
    Subject first = subjects.get(0);
    // FORMATS §8: the token is sequenced durably first, then the bundle waits for a published
    // (cosigned to quorum) checkpoint that includes it, and only the bundle with its proof is stored
    // and acknowledged. A failure leaves nothing stored (the entry stays in the log: it is a real
    // token this issuer signed, never handed out).
    return log.append(bundle.identityToken().getBytes(StandardCharsets.US_ASCII)).thenCompose(proof -> {
      byte[] bundleBytes = bundle.withLogProof(proof).toJsonBytes();
      // storageKey = SHA-256 of the stored bundle bytes: content-addressed, so a download can be
      // checked against its key, and unique because every bundle holds a fresh key and jti.
      String storageKey = Sha256.hex(Sha256.of(bundleBytes));
      return store.storeAttestation(storageKey, job.id(), first.name(), first.sha256(), bundleBytes);
    }).thenApply(key -> new Result(key, first.sha256()));
  }

  /** How long {@link #attest} may take at most: the log's quorum time-out and the store's commit. */
  public java.time.Duration maxWait() {
    return log.timeout().plusSeconds(30);
  }

  /** The identity claims of a job, as attestation tokens and step tokens carry them (FORMATS §2). */
  public IdentityClaims claims(RunRecord run, JobRecord job, Instant issuedAt) {
    return new IdentityClaims(issuer.issuerUrl(), run.repository(), run.ref(), run.sha(), run.workflowPath(),
        run.event(), Long.toString(run.id()), Integer.toString(run.attempt()), job.id(), job.name(),
        RUNNER_ENVIRONMENT, issuedAt, IdentityClaims.DEFAULT_LIFETIME);
  }

  public RunRecord runOf(JobRecord job) {
    return store.run(job.runId())
        .orElseThrow(() -> new OrchestratorException(Code.NOT_FOUND, "run " + job.runId() + " does not exist"));
  }

  private BuildContext buildContext(RunRecord run, JobRecord job, Instant now) {
    String runId = Long.toString(run.id());
    String attempt = Integer.toString(run.attempt());
    String invocation = issuer.publicUrl() + "/runs/" + runId + "/attempts/" + attempt + "/jobs/" + job.id();
    Instant started = job.startedAt() != null ? job.startedAt() : now;
    return new BuildContext(run.repository(), run.ref(), run.workflowPath(), run.event(), runId, attempt, job.id(),
        job.name(), run.cloneUrl(), run.sha(), issuer.issuerUrl(), RUNNER_ENVIRONMENT, invocation, started, now);
  }
}
