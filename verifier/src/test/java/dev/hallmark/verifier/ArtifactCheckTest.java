package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.policyFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.testing.BundleForge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FORMATS §6 check 8, {@code artifact}: when an artifact is given, its SHA-256 must equal a
 * subject's digest, and it must be a readable regular file. The bundle is valid in every case.
 */
class ArtifactCheckTest {
  @TempDir Path dir;

  @Test
  void acceptsMatchingArtifact() throws IOException {
    BundleForge f = BundleForge.valid();
    Path artifact = write("app-1.2.3.tgz", BundleForge.artifactBytes());
    VerificationResult r = verify(f, artifact);
    assertVerified(r);
    assertEquals(Sha256.hex(Sha256.of(BundleForge.artifactBytes())), r.artifact().sha256());
    assertEquals(artifact.toString(), r.artifact().path());
  }

  @Test
  void rejectsNonMatchingArtifact() throws IOException {
    BundleForge f = BundleForge.valid();
    byte[] other = "app-1.2.3 contents, backdoored\n".getBytes(StandardCharsets.UTF_8);
    VerificationResult r = verify(f, write("app-1.2.3.tgz", other));
    assertFailsAt(Check.ARTIFACT, r);
    // FORMATS §7: the digest was computed, so it is reported even though it matched nothing.
    assertEquals(Sha256.hex(Sha256.of(other)), r.artifact().sha256());
  }

  @Test
  void rejectsEmptyArtifact() throws IOException {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.ARTIFACT, verify(f, write("app-1.2.3.tgz", new byte[0])));
  }

  @Test
  void rejectsDirectoryAsArtifact() throws IOException {
    BundleForge f = BundleForge.valid();
    Path folder = Files.createDirectory(dir.resolve("app-1.2.3.tgz"));
    VerificationResult r = verify(f, folder);
    assertFailsAt(Check.ARTIFACT, r);
    assertNull(r.artifact());
  }

  @Test
  void rejectsMissingArtifact() {
    BundleForge f = BundleForge.valid();
    VerificationResult r = verify(f, dir.resolve("absent.tgz"));
    assertFailsAt(Check.ARTIFACT, r);
    assertNull(r.artifact());
  }

  @Test
  void acceptsArtifactMatchingSecondSubject() throws IOException {
    BundleForge f = BundleForge.valid();
    byte[] second = "lib-2.0.jar contents\n".getBytes(StandardCharsets.UTF_8);
    f.statement.put(
        "subject",
        List.of(
            BundleForge.subject("app-1.2.3.tgz", Sha256.hex(Sha256.of(BundleForge.artifactBytes()))),
            BundleForge.subject("lib-2.0.jar", Sha256.hex(Sha256.of(second)))));
    assertVerified(verify(f, write("lib-2.0.jar", second)));
  }

  /** Without the audit naming rule, the file's name plays no part: only its digest counts. */
  @Test
  void acceptsMatchingArtifactUnderAnotherName() throws IOException {
    BundleForge f = BundleForge.valid();
    assertVerified(verify(f, write("renamed.bin", BundleForge.artifactBytes())));
  }

  @Test
  void rejectsArtifactNamedOtherwiseWhenNameMustMatch() throws IOException {
    BundleForge f = BundleForge.valid();
    Path artifact = write("renamed.bin", BundleForge.artifactBytes());
    VerificationPolicy policy = policyFor(f).artifactNamedBySubject(artifact).build();
    assertFailsAt(Check.ARTIFACT, ForgeVerification.verify(f.bytes(), policy));
  }

  @Test
  void acceptsArtifactNamedBySubjectLastPathSegment() throws IOException {
    BundleForge f = BundleForge.valid();
    f.statement.put(
        "subject",
        List.of(BundleForge.subject("dist/app-1.2.3.tgz", Sha256.hex(Sha256.of(BundleForge.artifactBytes())))));
    Path artifact = write("app-1.2.3.tgz", BundleForge.artifactBytes());
    VerificationPolicy policy = policyFor(f).artifactNamedBySubject(artifact).build();
    VerificationResult r = ForgeVerification.verify(f.bytes(), policy);
    assertVerified(r);
    assertNotNull(r.artifact());
  }

  // ------------------------------------------------------------ --digest (FORMATS §7)

  @Test
  void acceptsDigestOfASubject() {
    BundleForge f = BundleForge.valid();
    String hex = Sha256.hex(Sha256.of(BundleForge.artifactBytes()));
    VerificationResult r = ForgeVerification.verify(f.bytes(), policyFor(f).artifactDigest(hex).build());
    assertVerified(r);
    // FORMATS §7: an artifact that is not a file has no path.
    assertEquals(new ArtifactDigest(null, hex), r.artifact());
    assertEquals(
        "subject 'app-1.2.3.tgz' has digest sha256:" + hex + " (given by --digest)",
        r.checks().get(Check.ARTIFACT.ordinal()).message());
  }

  @Test
  void rejectsDigestOfNoSubject() {
    BundleForge f = BundleForge.valid();
    String other = Sha256.hex(Sha256.of("another image".getBytes(StandardCharsets.UTF_8)));
    VerificationResult r = ForgeVerification.verify(f.bytes(), policyFor(f).artifactDigest(other).build());
    assertFailsAt(Check.ARTIFACT, r);
    assertEquals(new ArtifactDigest(null, other), r.artifact());
  }

  /** The digest stands for the artifact: a file beside it plays no part, so none is read. */
  @Test
  void acceptsDigestOfSecondSubject() {
    BundleForge f = BundleForge.valid();
    byte[] second = "lib-2.0.jar contents\n".getBytes(StandardCharsets.UTF_8);
    f.statement.put(
        "subject",
        List.of(
            BundleForge.subject("app-1.2.3.tgz", Sha256.hex(Sha256.of(BundleForge.artifactBytes()))),
            BundleForge.subject("lib-2.0.jar", Sha256.hex(Sha256.of(second)))));
    VerificationResult r =
        ForgeVerification.verify(f.bytes(), policyFor(f).artifactDigest(Sha256.hex(Sha256.of(second))).build());
    assertVerified(r);
  }

  // ------------------------------------------------------------ large artifacts, hashed beside checks 1-8

  /**
   * From {@link Verifier#EARLY_HASH_BYTES} on, the artifact is hashed on a second thread while the
   * other checks run: the digest, the path, the verdict and the progress reports are the same.
   */
  @Test
  void acceptsLargeArtifactHashedBesideTheOtherChecks() throws IOException {
    byte[] content = largeContent(1);
    BundleForge f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("big.bin", Sha256.hex(Sha256.of(content)))));
    Path artifact = write("big.bin", content);
    java.util.concurrent.atomic.AtomicLong lastProgress = new java.util.concurrent.atomic.AtomicLong();
    Verifier verifier = new Verifier(EngineUnderTest.verifier().engine(), lastProgress::set);
    VerificationResult r = verifier.verify(f.bytes(), policyFor(f).artifact(artifact).build());
    assertVerified(r);
    assertEquals(new ArtifactDigest(artifact.toString(), Sha256.hex(Sha256.of(content))), r.artifact());
    assertEquals(content.length, lastProgress.get());
  }

  @Test
  void rejectsLargeNonMatchingArtifactWithItsDigest() throws IOException {
    byte[] content = largeContent(2);
    BundleForge f = BundleForge.valid();
    VerificationResult r = verify(f, write("app-1.2.3.tgz", content));
    assertFailsAt(Check.ARTIFACT, r);
    assertEquals(Sha256.hex(Sha256.of(content)), r.artifact().sha256());
  }

  /** A hash started early does not move a failure: a bad bundle still fails {@code bundle}, with no digest. */
  @Test
  void largeArtifactLeavesAnEarlierFailureFirst() throws IOException {
    BundleForge f = BundleForge.valid();
    Path artifact = write("app-1.2.3.tgz", largeContent(3));
    VerificationResult r =
        ForgeVerification.verify("{}".getBytes(StandardCharsets.UTF_8), policyFor(f).artifact(artifact).build());
    assertFailsAt(Check.BUNDLE, r);
    assertNull(r.artifact());
  }

  private static byte[] largeContent(int seed) {
    byte[] b = new byte[(int) Verifier.EARLY_HASH_BYTES + 4097];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static VerificationResult verify(BundleForge f, Path artifact) {
    return ForgeVerification.verify(f.bytes(), policyFor(f).artifact(artifact).build());
  }
}
