package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.CLOCK;
import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.policyFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.intoto.BuildContext;
import dev.hallmark.attestation.intoto.HallmarkProvenance;
import dev.hallmark.attestation.intoto.Subject;
import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.sign.AttestationSigner;
import dev.hallmark.attestation.sign.IssuerKey;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.token.IdentityClaims;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pipeline as a whole: a bundle from the real signer verifies, results keep FORMATS §6 order
 * and stop at the first failure, and {@link VerificationResult#toJson()} is the §7 object with its
 * null rules.
 */
class VerifierTest {
  private static final String ISSUER = "https://ci.example.com/oidc";
  private static final String SHA = "9580c31a6421584ba9b2f7c1382c530ba235d8b3";
  private static final String WORKFLOW = ".hallmark/workflows/Release.java";
  private static final Instant ISSUED = Instant.parse("2026-04-28T12:00:00Z");

  @TempDir Path dir;

  // ------------------------------------------------------------ round trips

  @Test
  void bundleFromRealSignerVerifiesWithAllNineChecks() throws IOException {
    SecureRandom random = new SecureRandom();
    IssuerKey issuer = new IssuerKey("hallmark-2026-04", P256PrivateKey.generate(random));
    byte[] app = "app-1.2.3 tarball\n".getBytes(StandardCharsets.UTF_8);
    byte[] lib = "lib-1.2.3 jar\n".getBytes(StandardCharsets.UTF_8);
    String appSha = Sha256.hex(Sha256.of(app));
    String libSha = Sha256.hex(Sha256.of(lib));
    BuildContext ctx =
        new BuildContext(
            "acme/app", "refs/heads/main", WORKFLOW, "push", "42", "1", "job-7", "publish",
            "https://git.example.com/acme/app.git", SHA, ISSUER, "embedded",
            "https://ci.example.com/runs/42/attempts/1/jobs/job-7",
            ISSUED.minusSeconds(300), ISSUED);
    byte[] statement =
        HallmarkProvenance.build(
                ctx,
                List.of(
                    Subject.of("app-1.2.3.tgz", appSha).toDescriptor(),
                    Subject.of("lib-1.2.3.jar", libSha).toDescriptor()))
            .toJsonBytes();
    IdentityClaims claims =
        new IdentityClaims(
            ISSUER, "acme/app", "refs/heads/main", SHA, WORKFLOW, "push", "42", "1", "job-7",
            "publish", "embedded", ISSUED, IdentityClaims.DEFAULT_LIFETIME);
    Bundle bundle = new AttestationSigner(random).sign(statement, issuer, claims);

    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", ISSUER);
    root.put("jwks", Map.of("keys", List.of(issuer.publicJwk())));
    Path artifact = Files.write(dir.resolve("lib-1.2.3.jar"), lib);
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.of(TrustRoot.parse(StrictJson.write(root))))
            .artifact(artifact)
            .expectRepository("acme/app")
            .expectRef("refs/heads/main")
            .expectWorkflow(WORKFLOW)
            .expectSha(SHA)
            .clock(Clock.fixed(ISSUED.plusSeconds(3600), ZoneOffset.UTC))
            .build();

    VerificationResult r = EngineUnderTest.verifier().verify(bundle.toJsonBytes(), policy);

    assertVerified(r);
    assertEquals(
        new Identity("acme/app", "refs/heads/main", SHA, WORKFLOW, "42", "job-7", ISSUER), r.identity());
    assertEquals(
        List.of(new VerifiedSubject("app-1.2.3.tgz", appSha), new VerifiedSubject("lib-1.2.3.jar", libSha)),
        r.subjects());
    assertEquals(new ArtifactDigest(artifact.toString(), libSha), r.artifact());
    assertEquals(
        List.of("repository", "ref", "workflow", "sha"), List.copyOf(r.policy().keySet()));
    assertEquals(SHA, r.policy().get("sha"));
  }

  @Test
  void forgeDefaultBundleVerifies() {
    VerificationResult r = ForgeVerification.verify(BundleForge.valid());
    assertVerified(r);
    assertNotNull(r.identity());
    assertEquals(1, r.subjects().size());
    assertNull(r.artifact()); // no artifact was given
    assertTrue(r.policy().isEmpty());
    // §7: artifact and policy pass with a message (saying nothing was asked of them).
    for (CheckOutcome o : r.checks()) {
      assertFalse(o.message().isBlank(), o.check().wireName());
    }
  }

  @Test
  void checksAreTheTenOfSection6InOrder() {
    List<String> expected =
        List.of(
            "bundle", "trust-root", "token", "key-binding", "signature", "statement",
            "build-context", "log", "artifact", "policy");
    List<String> names = new ArrayList<>();
    for (Check c : Check.values()) {
      names.add(c.wireName());
      assertEquals(c, Check.fromWireName(c.wireName()));
    }
    assertEquals(expected, names);
    assertNull(Check.fromWireName("Bundle"));

    List<String> ran = new ArrayList<>();
    for (CheckOutcome o : ForgeVerification.verify(BundleForge.valid()).checks()) {
      ran.add(o.check().wireName());
    }
    assertEquals(expected, ran);
  }

  // ------------------------------------------------------------ one failure per check

  /** A result failing at {@code check}, with the artifact given whenever the check allows. */
  private VerificationResult failingAt(Check check) throws IOException {
    BundleForge f = BundleForge.valid();
    Path artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    VerificationPolicy.Builder policy = policyFor(f);
    switch (check) {
      case BUNDLE -> f.bundleEdit = b -> {
        b.put("mediaType", "application/json");
        return b;
      };
      case TRUST_ROOT -> policy =
          VerificationPolicy.builder(TrustRootSource.file(dir.resolve("absent.json"))).clock(CLOCK);
      case TOKEN -> f.header.put("alg", "none");
      case KEY_BINDING -> f.autoJkt = false;
      case SIGNATURE -> f.envelopeSigner = pae -> new ArrayList<>();
      case STATEMENT -> f.statement.put("_type", "https://in-toto.io/Statement/v0.1");
      case BUILD_CONTEXT -> f.statementAt("predicate", "buildDefinition", "internalParameters").put("jobName", "other");
      case LOG -> { // a revoked key, and no log policy to date its token: FORMATS §8.4 step 5
        f.issuerJwkExtras.put("revokedAt", BundleForge.IAT + 1);
        policy = policyFor(f);
      }
      case ARTIFACT -> artifact = Files.write(dir.resolve("other.tgz"), new byte[] {1, 2, 3});
      case POLICY -> policy.expectRepository("acme/other");
    }
    return ForgeVerification.verify(f.bytes(), policy.artifact(artifact).build());
  }

  @ParameterizedTest
  @EnumSource(Check.class)
  void failingResultEndsAtTheFailingCheckAfterPassingOnes(Check check) throws IOException {
    assertFailsAt(check, failingAt(check));
  }

  @ParameterizedTest
  @EnumSource(Check.class)
  void toJsonOfFailureFollowsSection7NullRules(Check check) throws IOException {
    VerificationResult r = failingAt(check);
    Map<String, Object> json = r.toJson();
    assertSection7Shape(json);
    assertEquals(false, json.get("verified"));
    assertEquals(check.wireName(), json.get("failedCheck"));
    List<?> checks = (List<?>) json.get("checks");
    assertEquals(check.ordinal() + 1, checks.size());
    for (int i = 0; i < checks.size(); i++) {
      Map<?, ?> c = (Map<?, ?>) checks.get(i);
      assertEquals(Check.values()[i].wireName(), c.get("name"));
      assertEquals(i < check.ordinal(), c.get("ok"));
    }
    // identity once token passed, subjects once statement passed, artifact once it was hashed.
    assertEquals(check.compareTo(Check.TOKEN) <= 0, json.get("identity") == null, "identity");
    assertEquals(check.compareTo(Check.STATEMENT) <= 0, json.get("subjects") == null, "subjects");
    assertEquals(check.compareTo(Check.ARTIFACT) < 0, json.get("artifact") == null, "artifact");
    assertEquals(check == Check.POLICY ? Map.of("repository", "acme/other") : Map.of(), json.get("policy"));
  }

  @Test
  void toJsonOfVerifiedResultHasSection7Members() throws IOException {
    Path artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    BundleForge f = BundleForge.valid();
    VerificationResult r =
        ForgeVerification.verify(f.bytes(), policyFor(f).artifact(artifact).expectRef("refs/heads/main").build());
    Map<String, Object> json = r.toJson();
    assertSection7Shape(json);
    assertEquals(true, json.get("verified"));
    assertTrue(json.containsKey("failedCheck"));
    assertNull(json.get("failedCheck"));
    assertEquals(10, ((List<?>) json.get("checks")).size());
    assertTrue(json.containsKey("log"));
    assertNull(json.get("log"), "no log policy applies: log is null");

    Map<?, ?> identity = (Map<?, ?>) json.get("identity");
    assertEquals(
        List.of("repository", "ref", "sha", "workflow", "run_id", "job_id", "issuer"),
        List.copyOf(identity.keySet()));
    assertEquals("acme/app", identity.get("repository"));
    assertEquals("42", identity.get("run_id"));
    assertEquals("job-7", identity.get("job_id"));
    assertEquals(BundleForge.ISSUER, identity.get("issuer"));

    Map<?, ?> subject = (Map<?, ?>) ((List<?>) json.get("subjects")).get(0);
    assertEquals(List.of("name", "digest"), List.copyOf(subject.keySet()));
    String sha = Sha256.hex(Sha256.of(BundleForge.artifactBytes()));
    assertEquals(Map.of("sha256", sha), subject.get("digest"));

    Map<?, ?> art = (Map<?, ?>) json.get("artifact");
    assertEquals(List.of("path", "sha256"), List.copyOf(art.keySet()));
    assertEquals(sha, art.get("sha256"));
    assertEquals(artifact.toString(), art.get("path"));
    assertEquals(Map.of("ref", "refs/heads/main"), json.get("policy"));
  }

  @Test
  void toJsonWithoutArtifactHasNullArtifactAndEmptyPolicy() {
    Map<String, Object> json = ForgeVerification.verify(BundleForge.valid()).toJson();
    assertSection7Shape(json);
    assertTrue(json.containsKey("artifact"));
    assertNull(json.get("artifact"));
    assertEquals(Map.of(), json.get("policy"));
  }

  @Test
  void usageErrorHoldsOnlyTheBlockedStage() {
    VerificationResult r =
        VerificationResult.usageError(Check.ARTIFACT, "no artifact given", Map.of("ref", "refs/heads/main"));
    Map<String, Object> json = r.toJson();
    assertSection7Shape(json);
    assertEquals("artifact", json.get("failedCheck"));
    assertEquals(1, ((List<?>) json.get("checks")).size());
    assertNull(json.get("identity"));
    assertNull(json.get("subjects"));
    assertNull(json.get("artifact"));
    assertEquals(Check.ARTIFACT, r.failedCheck());
    assertFalse(r.isVerified());
  }

  /**
   * The §7 members, in order, and nothing else; the object survives the strict codec (it is
   * JSON, with null members present rather than absent).
   */
  private static void assertSection7Shape(Map<String, Object> json) {
    assertEquals(
        List.of("verified", "failedCheck", "checks", "identity", "subjects", "artifact", "log", "policy"),
        List.copyOf(json.keySet()));
    for (Object c : (List<?>) json.get("checks")) {
      assertEquals(List.of("name", "ok", "message"), List.copyOf(((Map<?, ?>) c).keySet()));
    }
    JsonObject reparsed = StrictJson.parseObject(StrictJson.write(json), StrictJson.BUNDLE_LIMIT);
    for (String member : List.of("failedCheck", "identity", "subjects", "artifact")) {
      assertEquals(json.get(member) == null, reparsed.get(member) == JsonNull.INSTANCE, member);
    }
  }

  // ------------------------------------------------------------ the Verifier itself

  @Test
  void failsBundleWhenSourceYieldsNull() {
    BundleForge f = BundleForge.valid();
    VerificationResult r = EngineUnderTest.verifier().verify(() -> null, policyFor(f).withoutArtifactUnsafe().build());
    assertFailsAt(Check.BUNDLE, r);
  }

  @Test
  void reportsHashingProgressUpToTheArtifactSize() throws IOException {
    Path artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    BundleForge f = BundleForge.valid();
    AtomicLong done = new AtomicLong(-1);
    VerificationResult r = new Verifier(done::set).verify(f.bytes(), policyFor(f).artifact(artifact).build());
    assertVerified(r);
    assertEquals(BundleForge.artifactBytes().length, done.get());
  }

  @Test
  void oneVerifierVerifiesManyBundlesConcurrently() {
    Verifier verifier = EngineUnderTest.verifier();
    List<BundleForge> forges = IntStream.range(0, 16).mapToObj(i -> BundleForge.valid()).toList();
    List<byte[]> bundles = forges.stream().map(BundleForge::bytes).toList();
    boolean allVerified =
        IntStream.range(0, 16)
            .parallel()
            .allMatch(
                i ->
                    verifier
                        .verify(bundles.get(i), policyFor(forges.get(i)).withoutArtifactUnsafe().build())
                        .isVerified());
    assertTrue(allVerified);
  }

  @Test
  void resultIsImmutable() {
    VerificationResult r = ForgeVerification.verify(BundleForge.valid());
    assertThrows(UnsupportedOperationException.class, () -> r.checks().clear());
    assertThrows(UnsupportedOperationException.class, () -> r.subjects().clear());
    assertThrows(UnsupportedOperationException.class, () -> r.policy().put("ref", "x"));
  }

  @Test
  void rejectsNullPolicy() {
    assertThrows(NullPointerException.class, () -> EngineUnderTest.verifier().verify(new byte[0], null));
  }
}
