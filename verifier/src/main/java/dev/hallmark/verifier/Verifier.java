package dev.hallmark.verifier;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.crypto.DerSignature;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.dsse.EnvelopeSignature;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.token.IdentityClaims;
import dev.hallmark.attestation.trustroot.TrustKey;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The verification pipeline of FORMATS §6: ten checks in order, stopping at the first failure.
 * Bad input of any kind is a failed check with a one-line message, never an exception. Thread
 * safe: one instance may verify many bundles at once.
 *
 * <pre>{@code
 * Verifier verifier = new Verifier();
 * VerificationResult result = verifier.verify(Files.readAllBytes(bundlePath), policy);
 * System.exit(result.isVerified() ? 0 : 1);
 * }</pre>
 */
public final class Verifier {
  /** FORMATS §2: a token may be issued at most 300 s in the future. */
  static final long MAX_CLOCK_SKEW_SECONDS = 300;

  /** From this size on, an artifact is hashed on a second thread while checks 1 to 8 run. */
  static final long EARLY_HASH_BYTES = 16L << 20;

  private static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  private static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  private static final List<String> STRING_CLAIMS =
      List.of(
          "iss", "sub", "jti", "repository", "ref", "sha", "workflow", "event_name", "run_id",
          "run_attempt", "job_id", "job_name", "runner_environment", "payload_sha256");

  private final CryptoEngine engine;
  private final LongConsumer hashProgress;

  /**
   * A verifier on BouncyCastle that hashes artifacts silently: no native code, ready in
   * milliseconds. A long-lived process verifying many bundles wants {@link #Verifier(CryptoEngine)}
   * with {@link CryptoEngine#awsLcOrBouncyCastle}.
   */
  public Verifier() {
    this(CryptoEngine.bouncyCastle(), done -> {});
  }

  /** A verifier on BouncyCastle that reports the bytes hashed so far while hashing an artifact. */
  public Verifier(LongConsumer hashProgress) {
    this(CryptoEngine.bouncyCastle(), hashProgress);
  }

  /**
   * A verifier whose ECDSA (and SHA-256 of large artifacts) runs on {@code engine}; parsing and
   * every rule of FORMATS §6 are the same whatever the engine.
   */
  public Verifier(CryptoEngine engine) {
    this(engine, done -> {});
  }

  public Verifier(CryptoEngine engine, LongConsumer hashProgress) {
    this.engine = requireNonNull(engine, "engine");
    this.hashProgress = requireNonNull(hashProgress, "hashProgress");
  }

  /** The engine under this verifier's cryptography. */
  public CryptoEngine engine() {
    return engine;
  }

  /**
   * Starts a daemon thread that initialises what every first verification pays for once (the JCA
   * digest, the JSON parser, the curve arithmetic), so a one-shot command line overlaps it with
   * reading its inputs. Nothing is shared with later verifications but classes and BouncyCastle's
   * tables for the base point. Optional: verification is correct without it.
   */
  public static void warmUpInBackground() {
    Thread t =
        new Thread(
            () -> {
              try {
                Sha256.of(new byte[1]);
                StrictJson.parse(new byte[] {'{', '"', 'a', '"', ':', '[', '1', ']', '}'}, 16);
                P256PublicKey.warmUp();
              } catch (RuntimeException e) {
                // A warm-up that fails costs only its own time.
              }
            },
            "hallmark-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Verifies bundle bytes against a policy. */
  public VerificationResult verify(byte[] bundleBytes, VerificationPolicy policy) {
    return verify(() -> bundleBytes, policy);
  }

  /**
   * Verifies the bundle that {@code bundle} reads; a failure to read it (an exception with a
   * one-line message) fails the {@code bundle} check.
   */
  public VerificationResult verify(Supplier<byte[]> bundle, VerificationPolicy policy) {
    return new Run(policy).run(bundle);
  }

  /**
   * FORMATS §2 (revision 2): claims whose value breaks the table's form fail {@code token}: {@code
   * sha} 40 lowercase hex, {@code payload_sha256} 64 lowercase hex, {@code run_id} and {@code
   * run_attempt} plain decimal.
   */
  private static void checkClaimForms(JsonObject claims) throws Failed {
    if (!Hex.isLowerHex(claims.requireString("sha"), 40)) {
      throw new Failed("token claim 'sha' is not 40 lowercase hex digits");
    }
    if (!Hex.isLowerHex(claims.requireString("payload_sha256"), 64)) {
      throw new Failed("token claim 'payload_sha256' is not 64 lowercase hex digits");
    }
    for (String name : List.of("run_id", "run_attempt")) {
      if (!isDecimal(claims.requireString(name))) {
        throw new Failed("token claim '" + name + "' is not a plain decimal number");
      }
    }
  }

  /** FORMATS conventions: ASCII digits, no sign, no leading zero unless the number is 0. */
  static boolean isDecimal(String s) {
    if (s.isEmpty() || (s.length() > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** FORMATS §7: a --log-policy file that cannot be read or is not a valid policy fails trust-root. */
  private static dev.hallmark.attestation.tlog.LogPolicy readLogPolicy(Path file) throws Failed {
    byte[] bytes;
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      bytes = in.readNBytes(dev.hallmark.attestation.tlog.LogPolicy.MAX_BYTES + 1);
    } catch (java.io.IOException | RuntimeException e) {
      throw new Failed("cannot read the log policy " + file);
    }
    try {
      return dev.hallmark.attestation.tlog.LogPolicy.parse(bytes);
    } catch (AttestationException e) {
      throw new Failed("invalid log policy " + file + ": " + e.getMessage());
    }
  }

  /** A signal that a check failed; carries its one-line message. */
  private static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;
    /** The stable code of the rule that failed, where the check names one. */
    final String rule;

    Failed(String message) {
      this(null, message);
    }

    Failed(String rule, String message) {
      super(message, null, false, false);
      this.rule = rule;
    }
  }

  /** One verification: the state the checks hand on to each other. */
  private final class Run {
    private final VerificationPolicy policy;
    private final List<CheckOutcome> outcomes = new ArrayList<>(Check.values().length);
    private Identity identity;
    private List<VerifiedSubject> subjects;
    private ArtifactDigest artifactDigest;
    private LogEntry logEntry;
    private TrustKey tokenKey;
    private long tokenIat;
    /** The large artifact's SHA-256 being computed on a second thread, or null. */
    private java.util.concurrent.CompletableFuture<byte[]> earlyDigest;
    private volatile boolean abandoned;

    private Bundle bundle;
    private TrustRoot trustRoot;
    private JsonObject claims;
    private P256PublicKey publicKey;
    private JsonObject statement;

    Run(VerificationPolicy policy) {
      this.policy = requireNonNull(policy, "policy");
    }

    VerificationResult run(Supplier<byte[]> source) {
      startHashingEarly();
      try {
        pass(Check.BUNDLE, checkBundle(source));
        pass(Check.TRUST_ROOT, checkTrustRoot());
        pass(Check.TOKEN, checkToken());
        pass(Check.KEY_BINDING, checkKeyBinding());
        pass(Check.SIGNATURE, checkSignature());
        pass(Check.STATEMENT, checkStatement());
        pass(Check.BUILD_CONTEXT, checkBuildContext());
        pass(Check.LOG, checkLog());
        pass(Check.ARTIFACT, checkArtifact());
        pass(Check.POLICY, checkPolicy());
      } catch (Failed f) {
        Check current = Check.values()[outcomes.size()];
        outcomes.add(new CheckOutcome(current, false, f.getMessage(), f.rule));
      } catch (RuntimeException e) {
        // Fail closed: an unexpected error fails the check that was running.
        Check current = Check.values()[outcomes.size()];
        outcomes.add(
            new CheckOutcome(current, false, "unexpected error: " + e.getClass().getSimpleName()));
      }
      // Done: a hash still running (a check before artifact failed) stops at its next chunk.
      abandoned = true;
      return new VerificationResult(
          outcomes, identity, subjects, artifactDigest, logEntry, policy.expectations());
    }

    /**
     * A large artifact's SHA-256 is independent of checks 1 to 8, so on a machine with a second
     * core it starts now, on a daemon thread, and overlaps them (a one-shot verification of 1 GiB
     * spends ~150 ms on the JVM and the bundle that otherwise come before the hash). The verdict and
     * its order are the same: {@link #checkArtifact} waits for the digest, and an unreadable file
     * still fails that check and no earlier one.
     */
    private void startHashingEarly() {
      Path path = policy.artifact();
      if (path == null) {
        return;
      }
      try {
        // One stat (an audit asks this of every artifact), then the processor count.
        java.nio.file.attribute.BasicFileAttributes a =
            java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        if (!a.isRegularFile() || a.size() < EARLY_HASH_BYTES) {
          return;
        }
      } catch (java.io.IOException | SecurityException e) {
        return; // checkArtifact reports it, in its turn
      }
      if (Runtime.getRuntime().availableProcessors() < 2) {
        return;
      }
      java.util.concurrent.CompletableFuture<byte[]> f = new java.util.concurrent.CompletableFuture<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  f.complete(Sha256.of(path, done -> {
                    if (abandoned) {
                      throw new java.util.concurrent.CancellationException();
                    }
                    hashProgress.accept(done);
                  }, engine));
                } catch (RuntimeException e) {
                  f.completeExceptionally(e);
                }
              },
              "hallmark-artifact-hash");
      t.setDaemon(true);
      t.start();
      earlyDigest = f;
    }

    /** The artifact's digest: the early hash's, else hashed now; an {@code AttestationException} if unreadable. */
    private byte[] artifactSha256(Path path) {
      if (earlyDigest == null) {
        return Sha256.of(path, hashProgress, engine);
      }
      try {
        return earlyDigest.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
    }

    private void pass(Check check, String message) {
      outcomes.add(new CheckOutcome(check, true, message));
    }

    // 1 ---------------------------------------------------------------- bundle
    private String checkBundle(Supplier<byte[]> source) throws Failed {
      byte[] bytes;
      try {
        bytes = source.get();
      } catch (RuntimeException e) {
        throw new Failed(e.getMessage() == null ? "cannot read the bundle" : e.getMessage());
      }
      if (bytes == null) {
        throw new Failed("cannot read the bundle");
      }
      try {
        bundle = Bundle.parse(bytes);
      } catch (AttestationException e) {
        throw new Failed("invalid bundle: " + e.getMessage());
      }
      return "bundle is well-formed (" + bytes.length + " bytes)";
    }

    // 2 ---------------------------------------------------------------- trust-root
    private String checkTrustRoot() throws Failed {
      try {
        trustRoot = policy.trustRoot().load();
      } catch (TrustRootException e) {
        throw new Failed(e.getMessage());
      } catch (AttestationException e) {
        throw new Failed(e.getMessage());
      }
      if (trustRoot == null) {
        throw new Failed("no trust root was loaded");
      }
      if (policy.logPolicy() != null) {
        // FORMATS §7: --log-policy replaces the policy text; since stays the trust root's, else 0.
        trustRoot = trustRoot.withLog(new dev.hallmark.attestation.trustroot.TrustRootLog(
            readLogPolicy(policy.logPolicy()), trustRoot.log() == null ? 0 : trustRoot.log().since()));
      }
      return "issuer " + trustRoot.issuer() + " with " + trustRoot.keys().size() + " usable key(s)"
          + (trustRoot.log() == null ? "" : " and a log policy (quorum " + trustRoot.log().policy().quorum() + ")");
    }

    // 3 ---------------------------------------------------------------- token
    private String checkToken() throws Failed {
      CompactJws jws;
      try {
        jws = CompactJws.parse(bundle.identityToken());
      } catch (AttestationException e) {
        throw new Failed(e.getMessage());
      }
      // FORMATS §2: alg, headers, typ, kid and signature, shared with the log monitor.
      TokenSignature.Outcome signed = TokenSignature.verify(trustRoot, jws, engine);
      if (!signed.ok()) {
        throw new Failed(signed.failure());
      }
      TrustKey key = signed.key();
      String kidString = key.kid();
      try {
        claims = jws.claims();
      } catch (AttestationException e) {
        throw new Failed(e.getMessage());
      }
      try {
        for (String name : STRING_CLAIMS) {
          claims.requireString(name);
        }
        checkClaimForms(claims);
        long iat = claims.requireTime("iat");
        claims.requireTime("nbf"); // FORMATS §2: a number, not compared with the clock
        long exp = claims.requireTime("exp");
        String iss = claims.requireString("iss");
        if (!trustRoot.issuer().equals(iss)) {
          // Both issuers named: the usual cause is a trust root for another server, or an issuer URL
          // given without its path (…/oidc).
          throw new Failed(
              "token issuer '" + iss + "' is not the trust root's issuer '" + trustRoot.issuer() + "'");
        }
        checkAudience(claims.get("aud"));
        long lifetime = exp - iat;
        if (lifetime <= 0 || lifetime > IdentityClaims.MAX_LIFETIME.getSeconds()) {
          throw new Failed("token lifetime exp - iat = " + lifetime + " s is outside (0, 3600]");
        }
        long now = policy.clock().instant().getEpochSecond();
        if (iat > now + MAX_CLOCK_SKEW_SECONDS) {
          throw new Failed("token iat is more than " + MAX_CLOCK_SKEW_SECONDS + " s in the future");
        }
        if (!key.issuedWithinPeriod(iat)) {
          throw new Failed("token iat falls outside the nbf/exp period of key '" + kidString + "'");
        }
        tokenKey = key;
        tokenIat = iat;
        Object cnf = claims.get("cnf");
        if (cnf != null && !(cnf instanceof JsonObject)) {
          throw new Failed("token claim 'cnf' is not an object");
        }
      } catch (AttestationException e) {
        throw new Failed("token claim " + e.getMessage());
      }
      identity =
          new Identity(
              claims.requireString("repository"),
              claims.requireString("ref"),
              claims.requireString("sha"),
              claims.requireString("workflow"),
              claims.requireString("run_id"),
              claims.requireString("job_id"),
              claims.requireString("iss"));
      return "identity token signed by key '" + kidString + "' of " + trustRoot.issuer();
    }

    private void checkAudience(Object aud) throws Failed {
      if (aud instanceof String s) {
        if (s.equals(IdentityClaims.ATTESTATION_AUDIENCE)) {
          return;
        }
      } else if (aud instanceof List<?> list) {
        boolean found = false;
        for (Object a : list) {
          if (!(a instanceof String)) {
            throw new Failed("token claim 'aud' holds a non-string");
          }
          found |= a.equals(IdentityClaims.ATTESTATION_AUDIENCE);
        }
        if (found) {
          return;
        }
      } else if (aud == null) {
        throw new Failed("token claim 'aud' is missing");
      } else {
        throw new Failed("token claim 'aud' is not a string or an array");
      }
      throw new Failed("token audience is not " + IdentityClaims.ATTESTATION_AUDIENCE);
    }

    // 4 ---------------------------------------------------------------- key-binding
    private String checkKeyBinding() throws Failed {
      try {
        publicKey = P256PublicKey.fromJwk(bundle.publicKey());
      } catch (AttestationException e) {
        throw new Failed("publicKey: " + e.getMessage());
      }
      Object cnf = claims.get("cnf");
      if (!(cnf instanceof JsonObject cnfObject)) {
        throw new Failed("token has no cnf claim");
      }
      Object jkt = cnfObject.get("jkt");
      if (!(jkt instanceof String jktString)) {
        throw new Failed(jkt == null ? "token cnf has no jkt" : "token cnf.jkt is not a string");
      }
      if (!jktString.equals(publicKey.thumbprint())) {
        throw new Failed("publicKey thumbprint is not the token's cnf.jkt");
      }
      String payloadSha256 = Sha256.hex(Sha256.of(bundle.dsseEnvelope().payloadUnsafe()));
      if (!payloadSha256.equals(claims.requireString("payload_sha256"))) {
        throw new Failed("SHA-256 of the envelope payload is not the token's payload_sha256");
      }
      return "publicKey matches cnf.jkt and the payload matches payload_sha256";
    }

    // 5 ---------------------------------------------------------------- signature
    private String checkSignature() throws Failed {
      Envelope envelope = bundle.dsseEnvelope();
      if (!Envelope.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
        throw new Failed("payloadType is not " + Envelope.IN_TOTO_PAYLOAD_TYPE);
      }
      if (envelope.signatures().size() != 1) {
        throw new Failed("envelope has " + envelope.signatures().size() + " signatures, not exactly one");
      }
      EnvelopeSignature sig = envelope.signatures().get(0);
      if (sig.keyid() != null && !sig.keyid().equals(publicKey.thumbprint())) {
        throw new Failed("signature keyid is not the publicKey's thumbprint");
      }
      boolean ok;
      try {
        DerSignature.decode(sig.sig());
        ok = engine.verifyDer(publicKey, Pae.encode(envelope.payloadType(), envelope.payloadUnsafe()), sig.sig());
      } catch (AttestationException e) {
        throw new Failed("signature: " + e.getMessage());
      }
      if (!ok) {
        throw new Failed("DSSE signature over PAE does not verify with the publicKey");
      }
      return "DSSE signature over PAE verifies with the publicKey";
    }

    // 6 ---------------------------------------------------------------- statement
    private String checkStatement() throws Failed {
      List<VerifiedSubject> found = new ArrayList<>();
      try {
        // FORMATS §4: parse the verified payload bytes, never a re-encoding.
        statement =
            StrictJson.parseObject(bundle.dsseEnvelope().payloadUnsafe(), StrictJson.BUNDLE_LIMIT);
        if (!STATEMENT_TYPE.equals(statement.requireString("_type"))) {
          throw new Failed("statement _type is not " + STATEMENT_TYPE);
        }
        if (!PREDICATE_TYPE.equals(statement.requireString("predicateType"))) {
          throw new Failed("statement predicateType is not " + PREDICATE_TYPE);
        }
        statement.requireObject("predicate");
        List<Object> subjectList = statement.requireArray("subject");
        if (subjectList.isEmpty()) {
          throw new Failed("statement has no subject");
        }
        int i = 0;
        for (Object item : subjectList) {
          if (!(item instanceof JsonObject s)) {
            throw new Failed("statement subject[" + i + "] is not an object");
          }
          String name = s.requireString("name");
          Subject.checkSubjectName(name);
          String sha256 = s.requireObject("digest").requireString("sha256");
          if (!Hex.isLowerHex(sha256, 64)) {
            throw new Failed("statement subject[" + i + "] sha256 is not 64 lowercase hex");
          }
          found.add(new VerifiedSubject(name, sha256));
          i++;
        }
      } catch (AttestationException e) {
        throw new Failed("statement: " + e.getMessage());
      }
      subjects = found;
      return "in-toto Statement v1 with SLSA provenance v1, " + found.size() + " subject(s)";
    }

    // 7 ---------------------------------------------------------------- build-context
    private String checkBuildContext() throws Failed {
      Object predicate = statement.get("predicate");
      Object buildDefinition = at(predicate, "buildDefinition");
      Object external = at(buildDefinition, "externalParameters");
      Object workflow = at(external, "workflow");
      Object internal = at(buildDefinition, "internalParameters");
      Object deps = at(buildDefinition, "resolvedDependencies");
      Object firstDep = deps instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
      Object builder = at(at(predicate, "runDetails"), "builder");
      same("externalParameters.workflow.repository", at(workflow, "repository"), "repository");
      same("externalParameters.workflow.ref", at(workflow, "ref"), "ref");
      same("externalParameters.workflow.path", at(workflow, "path"), "workflow");
      same("externalParameters.event", at(external, "event"), "event_name");
      same("internalParameters.jobName", at(internal, "jobName"), "job_name");
      same("resolvedDependencies[0].digest.gitCommit", at(at(firstDep, "digest"), "gitCommit"), "sha");
      same("internalParameters.runId", at(internal, "runId"), "run_id");
      same("internalParameters.runAttempt", at(internal, "runAttempt"), "run_attempt");
      same("internalParameters.jobId", at(internal, "jobId"), "job_id");
      String builderId = claims.requireString("iss") + "/runner/" + claims.requireString("runner_environment");
      if (!builderId.equals(at(builder, "id"))) {
        throw new Failed("runDetails.builder.id is not " + builderId);
      }
      return "statement's build context equals the token's claims";
    }

    private void same(String statementField, Object statementValue, String claim) throws Failed {
      Object claimValue = claims.get(claim);
      if (!(statementValue instanceof String) || !statementValue.equals(claimValue)) {
        throw new Failed(
            statementValue == null
                ? "statement " + statementField + " is missing"
                : "statement " + statementField + " does not equal the token's " + claim);
      }
    }

    // 8 ---------------------------------------------------------------- log
    private String checkLog() throws Failed {
      long now = policy.clock().instant().getEpochSecond();
      LogCheck.Outcome o = LogCheck.verify(trustRoot.log(), tokenKey, tokenIat, bundle.identityToken(), bundle.logProof(), now);
      if (!o.ok()) {
        throw new Failed(o.rule(), o.message());
      }
      logEntry = o.entry();
      return o.message();
    }

    // 8 ---------------------------------------------------------------- artifact
    private String checkArtifact() throws Failed {
      if (policy.artifactDigest() != null) {
        return checkArtifactDigest(policy.artifactDigest());
      }
      Path path = policy.artifact();
      if (path == null) {
        return "no artifact given: nothing was asked of this check";
      }
      byte[] digest;
      try {
        digest = artifactSha256(path);
      } catch (AttestationException e) {
        throw new Failed("artifact " + path + " is not a readable regular file");
      }
      String hex = Sha256.hex(digest);
      artifactDigest = new ArtifactDigest(path.toString(), hex);
      String fileName = path.getFileName() == null ? "" : path.getFileName().toString();
      for (VerifiedSubject s : subjects) {
        if (MessageDigest.isEqual(
            hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            s.sha256().getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
          if (policy.artifactMustBeNamed() && !fileName.equals(fileNameOf(s.name()))) {
            continue;
          }
          return "artifact sha256:" + hex + " matches subject '" + s.name() + "'";
        }
      }
      if (policy.artifactMustBeNamed()) {
        throw new Failed("artifact " + fileName + " (sha256:" + hex + ") matches no subject of that name");
      }
      throw new Failed("artifact sha256:" + hex + " matches no subject's digest");
    }

    /** FORMATS §7 {@code --digest}: the digest stands for the artifact; nothing is hashed. */
    private String checkArtifactDigest(String hex) throws Failed {
      artifactDigest = new ArtifactDigest(null, hex);
      for (VerifiedSubject s : subjects) {
        if (MessageDigest.isEqual(
            hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            s.sha256().getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
          return "subject '" + s.name() + "' has digest sha256:" + hex + " (given by --digest)";
        }
      }
      throw new Failed("no subject has digest sha256:" + hex + " (given by --digest)");
    }

    // 9 ---------------------------------------------------------------- policy
    private String checkPolicy() throws Failed {
      Map<String, String> expected = policy.expectations();
      if (expected.isEmpty()) {
        return "no expectation given: nothing was asked of this check";
      }
      for (Map.Entry<String, String> e : expected.entrySet()) {
        String actual = claims.requireString(e.getKey());
        if (!e.getValue().equals(actual)) {
          throw new Failed(
              "expected " + e.getKey() + " '" + e.getValue() + "' but the bundle says '" + actual + "'"
                  + hint(e.getKey(), e.getValue(), actual));
        }
      }
      return String.join(", ", expected.keySet()) + " as expected";
    }
  }

  /**
   * A hint for the two expectations people most often write short: a ref without {@code refs/…}
   * and an abbreviated commit. The comparison stays exact; only the message helps.
   */
  static String hint(String claim, String expected, String actual) {
    if (claim.equals("ref") && !expected.startsWith("refs/")) {
      String suggestion = actual.endsWith("/" + expected) ? actual : "refs/heads/" + expected;
      return " (refs are full names: did you mean " + suggestion + "?)";
    }
    if (claim.equals("sha")
        && expected.length() < 40
        && !expected.isEmpty()
        && Hex.isLowerHex(expected, expected.length())
        && actual.startsWith(expected)) {
      return " (an abbreviated commit never matches: give the full 40-hex commit)";
    }
    return "";
  }

  private static String fileNameOf(String subjectName) {
    try {
      return Subject.fileName(subjectName);
    } catch (AttestationException e) {
      return null;
    }
  }

  private static Object at(Object node, String member) {
    return node instanceof JsonObject o ? o.get(member) : null;
  }
}
