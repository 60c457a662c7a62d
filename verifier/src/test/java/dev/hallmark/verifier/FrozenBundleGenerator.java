package dev.hallmark.verifier;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the frozen fixture that {@link FrozenBundleTest} verifies forever: a bundle signed by
 * the real {@link AttestationSigner}, its offline trust root and its artifact, under {@code
 * src/test/resources/dev/hallmark/verifier/frozen/}.
 *
 * <p>The fixture guards against format drift: a change to signing or verifying that breaks
 * bundles already in the wild makes {@link FrozenBundleTest} fail. So do <b>not</b> regenerate
 * it to make that test pass; regenerate only when FORMATS.md deliberately changes the v1 wire
 * format (and then think about the bundles already published). To regenerate, from the
 * repository root:
 *
 * <pre>{@code
 * mvn -q -pl verifier test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/frozen-classpath.txt
 * java -cp "verifier/target/test-classes:verifier/target/classes:$(cat verifier/target/frozen-classpath.txt)" \
 *     dev.hallmark.verifier.FrozenBundleGenerator verifier/src/test/resources/dev/hallmark/verifier/frozen
 * }</pre>
 *
 * <p>then copy the SHA-256 values it prints into {@link FrozenBundleTest}. The trust root and the
 * artifact come out byte for byte the same every time (they depend only on the constants below);
 * the bundle does not, because the signer draws a fresh ephemeral key and {@code jti}.
 *
 * <p>The issuer key is a <b>test key</b>: its scalar is published right here, {@code SHA-256("hallmark
 * frozen bundle test issuer key v1 (test only, never trusted)")}, and it lives under {@code
 * src/test} only. Nothing outside this fixture may trust it.
 */
public final class FrozenBundleGenerator {
  /** TEST KEY, public on purpose: SHA-256 of the phrase above. Never trust it anywhere else. */
  static final String ISSUER_SCALAR_HEX =
      "6aa1377c7227ac2bc3413bff11c3980e817b106583c54553c50ee56144fc36ad";

  static final String KID = "hallmark-frozen-test-v1";
  static final String ISSUER = "https://ci.frozen.example/oidc";
  static final Instant ISSUED_AT = Instant.parse("2026-05-01T12:00:00Z");
  /** The trust root's period for the key: 2026-01-01 to 2036-01-01. */
  static final long KEY_NBF = 1767225600L;
  static final long KEY_EXP = 2082758400L;

  static final String REPOSITORY = "example/widget";
  static final String REF = "refs/tags/v1.0.0";
  static final String WORKFLOW = ".hallmark/workflows/Release.java";
  static final String SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  static final String RUN_ID = "1017";
  static final String JOB_ID = "job-frozen-1";

  static final String ARTIFACT = "widget-1.0.0.txt";
  static final String BUNDLE = ARTIFACT + Bundle.FILE_SUFFIX;
  static final String TRUST_ROOT = "trust-root.json";

  private FrozenBundleGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: FrozenBundleGenerator <output folder>");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    byte[] artifact = artifactBytes();
    Files.write(out.resolve(ARTIFACT), artifact);
    Files.write(out.resolve(TRUST_ROOT), trustRootBytes());
    Files.write(out.resolve(BUNDLE), bundle(artifact).toJsonBytes());
    for (String name : List.of(BUNDLE, TRUST_ROOT, ARTIFACT)) {
      // Printed for FrozenBundleTest's constants; a generator is a command-line entry point.
      System.out.println(name + " " + Sha256.hex(Sha256.of(Files.readAllBytes(out.resolve(name)))));
    }
  }

  static IssuerKey issuerKey() {
    byte[] scalar = new byte[32];
    for (int i = 0; i < 32; i++) {
      scalar[i] = (byte) Integer.parseInt(ISSUER_SCALAR_HEX.substring(2 * i, 2 * i + 2), 16);
    }
    P256PrivateKey key = P256PrivateKey.fromScalar(scalar);
    Arrays.fill(scalar, (byte) 0);
    return new IssuerKey(KID, key);
  }

  static byte[] artifactBytes() {
    return "widget 1.0.0: the frozen Hallmark test artifact\n".getBytes(StandardCharsets.UTF_8);
  }

  /** The offline trust root (FORMATS §1) naming only the test issuer key. */
  static byte[] trustRootBytes() {
    Map<String, Object> jwk = new LinkedHashMap<>(issuerKey().publicJwk());
    jwk.put("nbf", KEY_NBF);
    jwk.put("exp", KEY_EXP);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", ISSUER);
    root.put("jwks", Map.of("keys", List.of(jwk)));
    byte[] body = StrictJson.writePretty(root);
    byte[] file = Arrays.copyOf(body, body.length + 1);
    file[body.length] = '\n';
    return file;
  }

  private static Bundle bundle(byte[] artifact) {
    BuildContext ctx =
        new BuildContext(
            REPOSITORY,
            REF,
            WORKFLOW,
            "push",
            RUN_ID,
            "1",
            JOB_ID,
            "release",
            "https://git.frozen.example/example/widget.git",
            SHA,
            ISSUER,
            "embedded",
            "https://ci.frozen.example/runs/" + RUN_ID + "/attempts/1/jobs/" + JOB_ID,
            ISSUED_AT.minusSeconds(120),
            ISSUED_AT);
    byte[] statement =
        HallmarkProvenance.build(
                ctx, List.of(Subject.of(ARTIFACT, Hex.encode(Sha256.of(artifact))).toDescriptor()))
            .toJsonBytes();
    IdentityClaims claims =
        new IdentityClaims(
            ISSUER, REPOSITORY, REF, SHA, WORKFLOW, "push", RUN_ID, "1", JOB_ID, "release",
            "embedded", ISSUED_AT, IdentityClaims.DEFAULT_LIFETIME);
    return new AttestationSigner(new SecureRandom()).sign(statement, issuerKey(), claims);
  }
}
