package dev.hallmark.bench;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.intoto.BuildContext;
import dev.hallmark.attestation.intoto.HallmarkProvenance;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.sign.AttestationSigner;
import dev.hallmark.attestation.sign.IssuerKey;
import dev.hallmark.attestation.token.IdentityClaims;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fixture issuer: an issuer key derived from a public seed, and the real {@link
 * AttestationSigner} signing realistic statements (FORMATS §3, built by {@link HallmarkProvenance})
 * for subjects. The key is reproducible on purpose (a second run of the generator, or an {@code
 * --attest} run, matches an earlier {@code trust-root.json}), so it protects nothing: trust it in
 * benchmarks and demos only. Thread safe.
 *
 * <pre>{@code
 * BenchIssuer issuer = BenchIssuer.derive("https://ci.example.com/oidc", "hallmark-bench");
 * byte[] root = issuer.trustRootBytes();
 * Bundle bundle = issuer.attest(7, "artifact-7.tgz", sha256Hex);
 * }</pre>
 */
final class BenchIssuer {
  static final String DEFAULT_ISSUER = "https://ci.example.com/oidc";
  static final String DEFAULT_SEED = "hallmark-bench";

  private static final String REPOSITORY = "acme/app";
  private static final String REF = "refs/heads/main";
  private static final String WORKFLOW = ".hallmark/workflows/Release.java";
  private static final String CLONE_URL = "https://git.example.com/acme/app.git";
  private static final String RUNNER_ENVIRONMENT = "embedded";
  /** Realistic grouping: a release run attests a handful of artifacts. */
  private static final int SUBJECTS_PER_RUN = 8;

  private final String issuer;
  private final IssuerKey key;
  private final AttestationSigner signer = new AttestationSigner(new SecureRandom());
  private final Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private BenchIssuer(String issuer, IssuerKey key) {
    this.issuer = issuer;
    this.key = key;
  }

  /** The issuer key is SHA-256(seed ‖ issuer), re-hashed in the rare case it is not below n. */
  static BenchIssuer derive(String issuer, String seed) {
    requireNonNull(issuer, "issuer");
    requireNonNull(seed, "seed");
    byte[] scalar = Sha256.of(("hallmark-bench-issuer\0" + seed + "\0" + issuer).getBytes(StandardCharsets.UTF_8));
    BigInteger p256Order =
        new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    while (new BigInteger(1, scalar).signum() == 0 || new BigInteger(1, scalar).compareTo(p256Order) >= 0) {
      scalar = Sha256.of(scalar);
    }
    P256PrivateKey privateKey = P256PrivateKey.fromScalar(scalar);
    Arrays.fill(scalar, (byte) 0);
    String kid = "bench-" + privateKey.publicKey().thumbprint().substring(0, 8);
    return new BenchIssuer(issuer, new IssuerKey(kid, privateKey));
  }

  String issuer() {
    return issuer;
  }

  String kid() {
    return key.kid();
  }

  /** When this issuer's tokens are issued ({@code iat}), in seconds. */
  long issuedAt() {
    return issuedAt.getEpochSecond();
  }

  /** The trust-root file form (FORMATS §1): {@code {"issuer": …, "jwks": {"keys": [jwk]}}}. */
  byte[] trustRootBytes() {
    return trustRootBytes(null);
  }

  /** The same with a {@code log} member (FORMATS §8.2) when {@code log} is not null. */
  byte[] trustRootBytes(Map<String, Object> log) {
    Map<String, Object> jwks = new LinkedHashMap<>();
    jwks.put("keys", List.of(key.publicJwk()));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", issuer);
    root.put("jwks", jwks);
    if (log != null) {
      root.put("log", log);
    }
    byte[] body = StrictJson.writePretty(root);
    byte[] out = Arrays.copyOf(body, body.length + 1);
    out[body.length] = '\n';
    return out;
  }

  /**
   * Signs a bundle whose only subject is {@code name} with digest {@code sha256Hex}, for run
   * {@code index / 8 + 1} and a job of its own: the statement's build context and the token's
   * claims come from the same record, as in the orchestrator.
   */
  Bundle attest(long index, String name, String sha256Hex) {
    String runId = Long.toString(index / SUBJECTS_PER_RUN + 1);
    String jobId = UUID.nameUUIDFromBytes(("job-" + index).getBytes(StandardCharsets.UTF_8)).toString();
    String gitCommit =
        Hex.encode(Arrays.copyOf(Sha256.of(("commit-" + runId).getBytes(StandardCharsets.UTF_8)), 20));
    Instant finishedOn = issuedAt;
    Instant startedOn = issuedAt.minusSeconds(300);
    BuildContext ctx =
        new BuildContext(
            REPOSITORY, REF, WORKFLOW, "push", runId, "1", jobId, "publish", CLONE_URL, gitCommit,
            issuer, RUNNER_ENVIRONMENT, issuer + "/runs/" + runId + "/attempts/1/jobs/" + jobId,
            startedOn, finishedOn);
    byte[] statement =
        HallmarkProvenance.build(ctx, List.of(Subject.of(name, sha256Hex).toDescriptor())).toJsonBytes();
    IdentityClaims claims =
        new IdentityClaims(
            issuer, REPOSITORY, REF, gitCommit, WORKFLOW, "push", runId, "1", jobId, "publish",
            RUNNER_ENVIRONMENT, issuedAt, IdentityClaims.DEFAULT_LIFETIME);
    return signer.sign(statement, key, claims);
  }
}
