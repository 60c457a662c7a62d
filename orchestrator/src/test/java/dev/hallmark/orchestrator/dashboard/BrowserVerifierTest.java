package dev.hallmark.orchestrator.dashboard;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hallmark.attestation.crypto.DerSignature;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.attestation.testing.BuildContextField;
import dev.hallmark.attestation.testing.LogForge;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.verifier.Check;
import dev.hallmark.verifier.CheckOutcome;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's browser verifier ({@code dashboard/verify.js}) agrees with the Java verifier.
 *
 * <p>First, vectors are forged with {@link BundleForge} (each signed validly except for the one
 * rule under attack) into {@code target/browser-vectors/<id>/}: {@code bundle.json} (the exact
 * bytes), {@code trust-root.json}, and {@code expected.json} holding what the Java {@link Verifier}
 * says about them: {@code failedCheck} (a check of FORMATS §6 1–8, or null), the failed {@code rule}
 * (for the log check), the {@code checks} that passed, the {@code log} entry the log check proved,
 * with the clock the Java verifier used. Every vector must fail the Java verifier at
 * the check it was forged for (or pass, for the genuine ones), so that a vector failing earlier
 * than intended is caught here rather than silently testing nothing.
 *
 * <p>Then {@code node --test src/test/js/*.test.mjs} runs the module's own tests as a subprocess,
 * with {@code HALLMARK_BROWSER_VECTORS} (these vectors), {@code HALLMARK_CONFORMANCE} (the
 * repository's copy of the conformance corpus) and {@code HALLMARK_LOG_CORPUS} (its copy of the log
 * corpus, vectors/log): they must all pass, at least one test per vector and per corpus case.
 */
class BrowserVerifierTest {
  /** The Java verifier's clock for every vector unless one says otherwise: an hour after iat. */
  private static final long NOW = BundleForge.IAT + 3600;

  private static final long MAX_TIME = (1L << 53) - 1;
  private static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
  private static final String MEDIA_TYPE_MEMBER = "\"mediaType\":\"application/vnd.hallmark.bundle.v1+json\"";
  private static final List<String> BROWSER_CHECKS =
      List.of("bundle", "trust-root", "token", "key-binding", "signature", "statement", "build-context", "log");
  /** node --test over a few hundred vectors takes seconds; this bounds a hang. */
  private static final long NODE_TIMEOUT_MINUTES = 5;
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Path moduleDir;
  private static Path vectorsDir;
  private static final List<Vector> VECTORS = new ArrayList<>();
  private static final List<String> MISMATCHES = new ArrayList<>();

  /** One forged case: the bytes, the trust root, the clock, and the check it must fail (or null). */
  private record Vector(String id, String intended, byte[] bundle, byte[] trustRoot, long now) {}

  // ---------------------------------------------------------------------------------- generation

  @BeforeAll
  static void generateVectors() throws IOException {
    moduleDir = moduleDir();
    vectorsDir = moduleDir.resolve("target").resolve("browser-vectors");
    deleteRecursively(vectorsDir);
    Files.createDirectories(vectorsDir);
    genuine();
    bundleCheck();
    trustRootCheck();
    tokenCheck();
    keyBindingCheck();
    signatureCheck();
    statementCheck();
    buildContextCheck();
    logCheck();
    Verifier verifier = new Verifier(dev.hallmark.attestation.crypto.CryptoEngine.bouncyCastle());
    for (Vector v : VECTORS) {
      writeVector(verifier, v);
    }
  }

  @Test
  void javaVerifierFailsEveryVectorAtTheCheckItWasForgedFor() {
    assertTrue(
        MISMATCHES.isEmpty(),
        () -> MISMATCHES.size() + " vector(s) do not fail where intended:\n" + String.join("\n", MISMATCHES));
  }

  @Test
  void vectorsAttackEveryBrowserCheckAtLeastTwice() {
    for (String check : BROWSER_CHECKS) {
      long count = VECTORS.stream().filter(v -> check.equals(v.intended())).count();
      assertTrue(count >= 2, "only " + count + " vector(s) for " + check);
    }
    assertTrue(VECTORS.stream().anyMatch(v -> v.intended() == null), "no genuine vector");
  }

  @Test
  void browserModuleAgreesWithJavaAndTheConformanceCorpus() throws Exception {
    Path conformance = corpusDir("conformance");
    Path logCorpus = corpusDir("log");
    int corpusCases = caseCount(conformance) + caseCount(logCorpus);
    Path jsTests = moduleDir.resolve("src").resolve("test").resolve("js");
    List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=tap"));
    // The test files by name rather than the folder: newer Node versions take glob patterns here.
    try (Stream<Path> files = Files.list(jsTests)) {
      files.filter(p -> p.getFileName().toString().endsWith(".test.mjs"))
          .sorted()
          .forEach(p -> command.add(p.toString()));
    }
    assertTrue(command.size() > 3, "no *.test.mjs file in " + jsTests);

    ProcessBuilder pb = new ProcessBuilder(command).directory(moduleDir.toFile()).redirectErrorStream(true);
    pb.environment().put("HALLMARK_BROWSER_VECTORS", vectorsDir.toString());
    pb.environment().put("HALLMARK_CONFORMANCE", conformance.toString());
    pb.environment().put("HALLMARK_LOG_CORPUS", logCorpus.toString());
    Process node;
    try {
      node = pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run 'node' (Node.js 20 or later must be on the PATH to test dashboard/verify.js): "
              + e.getMessage(),
          e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(node.getInputStream()));
    if (!node.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      fail("node --test did not finish within " + NODE_TIMEOUT_MINUTES + " minutes"
          + "; its output so far:\n" + output.getNow("(unavailable)"));
    }
    String tap = output.get(1, TimeUnit.MINUTES);
    int exit = node.exitValue();
    int pass = tapCount(tap, "pass");
    int failed = tapCount(tap, "fail");
    int minimum = VECTORS.size() + corpusCases;
    String shown = "\n---- node output ----\n" + tap;
    assertEquals(0, failed, () -> "node tests failed" + shown);
    assertEquals(0, exit, () -> "node exited with " + exit + shown);
    assertTrue(pass >= minimum, () -> "expected at least " + minimum + " passing node tests (one per vector and"
        + " corpus case), got " + pass + shown);
  }

  // ---------------------------------------------------------------------------------- vectors: genuine

  private static void genuine() {
    add("valid-genuine", null, BundleForge.valid());
    BundleForge f = BundleForge.valid();
    f.claims.put("aud", List.of("https://ci.test.example", "hallmark:attestation"));
    add("valid-aud-array", null, f);
    f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signDer, null);
    add("valid-keyid-absent", null, f);
    BundleForge hs = BundleForge.valid();
    hs.tokenSigner = input -> BundleForge.b64url(highSRaw(hs.issuerKey.signRaw(input)));
    add("valid-high-s-token-signature", null, hs);
    BundleForge he = BundleForge.valid();
    he.envelopeSigner = signedBy(pae -> highSDer(he.ephemeral.signDer(pae)), he.ephemeral.publicKey().thumbprint());
    add("valid-high-s-envelope-signature", null, he);
    f = BundleForge.valid();
    f.bundleEdit = withMember("x", nest(63));
    add("valid-nesting-64-levels", null, f);
    add("valid-iat-exactly-300s-in-the-future", null, BundleForge.valid(), BundleForge.IAT - 300);
    add("valid-token-expired-long-ago", null, BundleForge.valid(), 2208988800L);
    f = BundleForge.valid();
    add("valid-trailing-whitespace", null, f, concat(f.bytes(), " \n\t\r\n".getBytes(US_ASCII)));
    f = BundleForge.valid();
    f.claims.put("sub", "anything at all: sub is not checked further");
    f.claims.put("custom", Map.of("nested", List.of(1L, "two", 1.5)));
    f.claims.put("nbf", BundleForge.IAT + 86_400); // a number, not compared with the clock
    f.statement.put("comment", "unknown members are ignored");
    f.bundleEdit = withMember("extra", Map.of("any", List.of()));
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("use", "sig");
    jwk.put("kid", "ephemeral");
    f.publicKeyOverride = jwk;
    add("valid-unknown-members", null, f);
    f = BundleForge.valid();
    add("valid-number-of-1000-digits", null, f,
        replaceOnce(f.bytes(), MEDIA_TYPE_MEMBER, MEDIA_TYPE_MEMBER + ",\"n\":" + "7".repeat(1000)));
    f = BundleForge.valid();
    add("valid-member-name-of-50000-characters", null, f,
        replaceOnce(f.bytes(), MEDIA_TYPE_MEMBER, MEDIA_TYPE_MEMBER + ",\"" + "n".repeat(50_000) + "\":1"));
    f = BundleForge.valid();
    add("valid-skipped-keys-in-trust-root", null, f, f.bytes(), trustRoot(BundleForge.ISSUER,
        Map.of("kty", "RSA", "kid", BundleForge.KID, "n", "AQAB", "e", "AQAB"),
        ecJwk("P-384", "not-a-coordinate", "not-a-coordinate", Map.of("kid", BundleForge.KID)),
        ecJwk("P-256", "bad", "bad", Map.of("kid", BundleForge.KID, "alg", "ES384")),
        ecJwk("P-256", "bad", "bad", Map.of("kid", BundleForge.KID, "use", "enc")),
        f.issuerJwk()));
    f = BundleForge.valid();
    f.issuerJwkExtras.put("nbf", BundleForge.IAT);
    f.issuerJwkExtras.put("exp", BundleForge.IAT);
    add("valid-iat-on-both-key-period-bounds", null, f);
    f = farFutureForge(MAX_TIME - 600);
    add("valid-times-up-to-2pow53-minus-1", null, f, MAX_TIME);
    f = farFutureForge(0);
    add("valid-iat-zero", null, f);
    f = BundleForge.valid();
    f.rawStatement = replaceOnce(
        replaceOnce(StrictJson.write(f.statement), "\"app-1.2.3.tgz\"", "\"app-\\u00e9-\\ud83d\\ude00-1.2.3.tgz\""),
        "\"_type\"", "\"\\u005ftype\"");
    add("valid-statement-with-escapes", null, f);
    f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("é".repeat(512), "a".repeat(64))));
    add("valid-subject-name-of-1024-bytes", null, f);
    f = BundleForge.valid();
    f.bundleEdit = withMember("padding", paddingFor(f, StrictJson.BUNDLE_LIMIT));
    byte[] exactly = f.bytes();
    assertEquals(StrictJson.BUNDLE_LIMIT, exactly.length);
    add("valid-bundle-of-exactly-10mib", null, f, exactly);
  }

  // ---------------------------------------------------------------------------------- 1 bundle

  private static void bundleCheck() {
    String b = "bundle";
    BundleForge f = BundleForge.valid();
    add("bundle-duplicate-media-type", b, f, repeatMember(f.bytes(), MEDIA_TYPE_MEMBER));
    f = BundleForge.valid();
    add("bundle-duplicate-key-spelled-with-escape", b, f, replaceOnce(f.bytes(), MEDIA_TYPE_MEMBER,
        MEDIA_TYPE_MEMBER + "," + MEDIA_TYPE_MEMBER.replace("\"mediaType\"", "\"media\\u0054ype\"")));
    f = BundleForge.valid();
    add("bundle-duplicate-key-in-public-key", b, f, repeatMember(f.bytes(), "\"crv\":\"P-256\""));
    f = BundleForge.valid();
    add("bundle-duplicate-keyid", b, f,
        repeatMember(f.bytes(), "\"keyid\":\"" + f.ephemeral.publicKey().thumbprint() + "\""));
    f = BundleForge.valid();
    f.bundleEdit = withMember("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
    add("bundle-wrong-media-type", b, f);
    f = BundleForge.valid();
    f.bundleEdit = removing("mediaType");
    add("bundle-missing-media-type", b, f);
    f = BundleForge.valid();
    f.bundleEdit = removing("verificationMaterial");
    add("bundle-missing-verification-material", b, f);
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      Map<String, Object> m = material(tree);
      m.put("identityToken", List.of(m.get("identityToken")));
      return tree;
    };
    add("bundle-identity-token-not-a-string", b, f);
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      material(tree).put("publicKey", "-----BEGIN PUBLIC KEY-----");
      return tree;
    };
    add("bundle-public-key-not-an-object", b, f);
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      Map<String, Object> env = envelope(tree);
      env.put("signatures", ((List<?>) env.get("signatures")).get(0));
      return tree;
    };
    add("bundle-signatures-not-an-array", b, f);
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      envelope(tree).put("signatures", new ArrayList<>(List.of("MEUCIQ==")));
      return tree;
    };
    add("bundle-signature-entry-not-an-object", b, f);
    f = BundleForge.valid();
    f.bundleEdit = editFirstSignature(s -> s.put("keyid", 7L));
    add("bundle-keyid-a-number", b, f);
    f = BundleForge.valid();
    f.bundleEdit = editFirstSignature(s -> s.put("keyid", null));
    add("bundle-keyid-json-null", b, f);
    f = BundleForge.valid();
    f.bundleEdit = editFirstSignature(s -> s.remove("sig"));
    add("bundle-signature-without-sig", b, f);
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      envelope(tree).remove("payload");
      return tree;
    };
    add("bundle-envelope-without-payload", b, f);
    // Canonical base64 (FORMATS conventions).
    f = forgeWithPayloadLengthMod3(1); // its base64 ends in "=="
    String b64 = Base64Strict.encodeStd(f.statementBytes());
    f.bundleEdit = withPayload(b64.substring(0, b64.length() - 2));
    add("bundle-payload-without-padding", b, f);
    f = forgeWithPayloadLengthMod3(1);
    b64 = Base64Strict.encodeStd(f.statementBytes());
    f.bundleEdit = withPayload(b64.substring(0, b64.length() - 3) + withLowBitSet(b64.charAt(b64.length() - 3), false) + "==");
    add("bundle-payload-with-non-zero-pad-bits", b, f);
    f = BundleForge.valid();
    b64 = Base64Strict.encodeStd(f.statementBytes());
    f.bundleEdit = withPayload(b64.substring(0, 76) + "\r\n" + b64.substring(76));
    add("bundle-payload-with-line-break", b, f);
    f = forgeWhosePayloadEncodingHas('/');
    b64 = Base64Strict.encodeStd(f.statementBytes());
    f.bundleEdit = withPayload(b64.replace('/', '_').replace('+', '-'));
    add("bundle-payload-in-base64url-alphabet", b, f);
    f = BundleForge.valid();
    f.bundleEdit = editFirstSignature(s -> {
      String sig = (String) s.get("sig");
      s.put("sig", sig.endsWith("=") ? sig.replace("=", "") : sig + "=");
    });
    add("bundle-sig-with-wrong-padding", b, f);
    // Strict JSON (FORMATS conventions).
    f = BundleForge.valid();
    add("bundle-byte-order-mark", b, f, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, f.bytes()));
    f = BundleForge.valid();
    add("bundle-trailing-bytes", b, f, concat(f.bytes(), "x".getBytes(US_ASCII)));
    f = BundleForge.valid();
    add("bundle-second-json-value", b, f, concat(f.bytes(), "{}".getBytes(US_ASCII)));
    f = BundleForge.valid();
    f.bundleEdit = withMember("x", nest(64));
    add("bundle-nesting-65-levels", b, f);
    f = BundleForge.valid();
    add("bundle-overlong-utf8", b, f, withRawBytesInNote(f, new byte[] {(byte) 0xC0, (byte) 0xAF}));
    f = BundleForge.valid();
    add("bundle-utf8-encoded-surrogate", b, f, withRawBytesInNote(f, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
    f = BundleForge.valid();
    add("bundle-truncated-utf8", b, f, withRawBytesInNote(f, new byte[] {(byte) 0xE2, (byte) 0x82}));
    f = BundleForge.valid();
    add("bundle-lone-surrogate-escape", b, f, withJsonInNote(f, "\"\\ud800\""));
    f = BundleForge.valid();
    add("bundle-reversed-surrogate-escapes", b, f, withJsonInNote(f, "\"\\udc00\\ud800\""));
    f = BundleForge.valid();
    add("bundle-unescaped-control-character", b, f, withJsonInNote(f, "\"a\tb\""));
    f = BundleForge.valid();
    add("bundle-invalid-escape", b, f, withJsonInNote(f, "\"\\x41\""));
    f = BundleForge.valid();
    add("bundle-leading-zero-number", b, f, withJsonInNote(f, "01"));
    f = BundleForge.valid();
    add("bundle-nan", b, f, withJsonInNote(f, "NaN"));
    f = BundleForge.valid();
    add("bundle-single-quoted-string", b, f, withJsonInNote(f, "'x'"));
    f = BundleForge.valid();
    add("bundle-trailing-comma", b, f, withJsonInNote(f, "[1,]"));
    f = BundleForge.valid();
    add("bundle-number-of-1001-digits", b, f, withJsonInNote(f, "7".repeat(1001)));
    f = BundleForge.valid();
    add("bundle-member-name-of-50001-characters", b, f,
        replaceOnce(f.bytes(), MEDIA_TYPE_MEMBER, MEDIA_TYPE_MEMBER + ",\"" + "n".repeat(50_001) + "\":1"));
    f = BundleForge.valid();
    byte[] array = concat(concat("[".getBytes(US_ASCII), f.bytes()), "]".getBytes(US_ASCII));
    add("bundle-top-level-array", b, f, array);
    f = BundleForge.valid();
    add("bundle-not-json", b, f, "hallmark bundle".getBytes(US_ASCII));
    f = BundleForge.valid();
    add("bundle-empty-file", b, f, new byte[0]);
    f = BundleForge.valid();
    f.bundleEdit = withMember("padding", paddingFor(f, StrictJson.BUNDLE_LIMIT + 1));
    byte[] over = f.bytes();
    assertEquals(StrictJson.BUNDLE_LIMIT + 1, over.length);
    add("bundle-over-10mib", b, f, over);
  }

  // ---------------------------------------------------------------------------------- 2 trust-root

  private static void trustRootCheck() {
    String t = "trust-root";
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.put("d", BundleForge.b64url(f.issuerKey.scalar()));
    add("trust-root-private-d", t, f);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("qi", "AQAB");
    add("trust-root-private-qi", t, f);
    f = BundleForge.valid();
    Map<String, Object> secret = new LinkedHashMap<>();
    secret.put("kty", "oct");
    secret.put("k", "c2VjcmV0");
    secret.put("kid", "hmac-1");
    add("trust-root-private-k-on-a-skipped-key", t, f, f.bytes(), trustRoot(BundleForge.ISSUER, f.issuerJwk(), secret));
    f = BundleForge.valid();
    Map<String, Object> twin = new LinkedHashMap<>(P256PrivateKey.generate(RANDOM).publicKey().toJwk());
    twin.put("kid", BundleForge.KID);
    add("trust-root-two-usable-keys-with-one-kid", t, f, f.bytes(), trustRoot(BundleForge.ISSUER, f.issuerJwk(), twin));
    f = BundleForge.valid();
    Map<String, Object> offCurve = f.issuerJwk();
    offCurve.put("y", offCurve.get("x"));
    add("trust-root-key-off-the-curve", t, f, f.bytes(), trustRoot(BundleForge.ISSUER, offCurve));
    f = BundleForge.valid();
    Map<String, Object> longX = f.issuerJwk();
    longX.put("x", BundleForge.b64url(concat(new byte[1], Base64Strict.decodeUrl((String) longX.get("x")))));
    add("trust-root-key-x-of-33-bytes", t, f, f.bytes(), trustRoot(BundleForge.ISSUER, longX));
    f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", "2030-01-01");
    add("trust-root-key-exp-a-string", t, f);
    f = BundleForge.valid();
    add("trust-root-key-exp-with-fraction", t, f, f.bytes(), replaceOnce(f.trustRootBytes(), "1893456000", "1893456000.0"));
    f = BundleForge.valid();
    add("trust-root-key-nbf-with-exponent", t, f, f.bytes(), replaceOnce(f.trustRootBytes(), "1767225600", "1.7672256E9"));
    f = BundleForge.valid();
    f.issuerJwkExtras.put("nbf", -1L);
    add("trust-root-key-nbf-negative", t, f);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("alg", null);
    add("trust-root-key-alg-json-null", t, f);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("kid", 7L);
    add("trust-root-key-kid-a-number", t, f);
    f = BundleForge.valid();
    add("trust-root-not-json", t, f, f.bytes(), "issuer: x".getBytes(UTF_8));
    f = BundleForge.valid();
    byte[] compact = StrictJson.write(Map.of("issuer", BundleForge.ISSUER, "jwks", Map.of("keys", List.of(f.issuerJwk()))));
    add("trust-root-duplicate-member", t, f, f.bytes(),
        repeatMember(compact, "\"issuer\":\"" + BundleForge.ISSUER + "\""));
    f = BundleForge.valid();
    add("trust-root-empty-issuer", t, f, f.bytes(), trustRoot("", f.issuerJwk()));
    f = BundleForge.valid();
    add("trust-root-keys-not-an-array", t, f, f.bytes(),
        StrictJson.write(Map.of("issuer", BundleForge.ISSUER, "jwks", Map.of("keys", f.issuerJwk()))));
    f = BundleForge.valid();
    add("trust-root-key-not-an-object", t, f, f.bytes(), trustRoot(BundleForge.ISSUER, "not a key"));
    f = BundleForge.valid();
    add("trust-root-without-jwks", t, f, f.bytes(), StrictJson.write(Map.of("issuer", BundleForge.ISSUER)));
    f = BundleForge.valid();
    add("trust-root-byte-order-mark", t, f, f.bytes(), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, f.trustRootBytes()));
  }

  // ---------------------------------------------------------------------------------- 3 token

  private static void tokenCheck() {
    String t = "token";
    BundleForge f = BundleForge.valid();
    f.header.put("alg", "none");
    f.tokenSigner = input -> "";
    add("token-alg-none", t, f);
    f = BundleForge.valid();
    f.header.put("alg", "none");
    add("token-alg-none-with-valid-es256-signature", t, f);
    BundleForge hmac = BundleForge.valid();
    hmac.header.put("alg", "HS256");
    hmac.tokenSigner = input -> BundleForge.b64url(hmacSha256(StrictJson.write(hmac.issuerJwk()), input));
    add("token-hs256-keyed-with-the-issuer-jwk", t, hmac);
    f = BundleForge.valid();
    f.header.put("alg", "ES384");
    add("token-alg-es384-label", t, f);
    f = BundleForge.valid();
    f.header.remove("alg");
    add("token-alg-missing", t, f);
    f = BundleForge.valid();
    f.header.put("alg", List.of("ES256"));
    add("token-alg-an-array", t, f);
    f = BundleForge.valid();
    f.header.put("jku", "https://attacker.example/jwks.json");
    add("token-jku-header", t, f);
    BundleForge jwkHeader = BundleForge.valid();
    P256PrivateKey attacker = P256PrivateKey.generate(RANDOM);
    jwkHeader.header.put("jwk", attacker.publicKey().toJwk());
    jwkHeader.tokenSigner = input -> BundleForge.b64url(attacker.signRaw(input));
    add("token-jwk-header-with-attacker-key", t, jwkHeader);
    f = BundleForge.valid();
    f.header.put("crit", List.of("exp"));
    add("token-crit-header", t, f);
    f = BundleForge.valid();
    f.headerJsonEdit = json -> replaceOnce(json, "{", "{\"x5u\":null,");
    add("token-x5u-header-null", t, f);
    f = BundleForge.valid();
    f.header.put("typ", "JWT");
    add("token-typ-jwt", t, f);
    f = BundleForge.valid();
    f.header.remove("typ");
    add("token-typ-missing", t, f);
    f = BundleForge.valid();
    f.header.put("typ", "HALLMARK-ATTESTATION+JWT");
    add("token-typ-in-upper-case", t, f);
    f = BundleForge.valid();
    f.header.put("kid", "test-2025-12");
    add("token-kid-unknown", t, f);
    f = BundleForge.valid();
    f.header.remove("kid");
    add("token-kid-missing", t, f);
    f = BundleForge.valid();
    f.header.put("kid", 202601L);
    add("token-kid-a-number", t, f);
    f = BundleForge.valid();
    f.header.put("kid", BundleForge.KID.toUpperCase(Locale.ROOT));
    add("token-kid-in-upper-case", t, f);
    BundleForge foreign = BundleForge.valid();
    P256PrivateKey other = P256PrivateKey.generate(RANDOM);
    foreign.tokenSigner = input -> BundleForge.b64url(other.signRaw(input));
    add("token-foreign-signer-under-the-right-kid", t, foreign);
    BundleForge der = BundleForge.valid();
    der.tokenSigner = input -> BundleForge.b64url(der.issuerKey.signDer(input));
    add("token-der-signature", t, der);
    BundleForge rZero = BundleForge.valid();
    rZero.tokenSigner = input -> {
      byte[] raw = rZero.issuerKey.signRaw(input);
      Arrays.fill(raw, 0, 32, (byte) 0);
      return BundleForge.b64url(raw);
    };
    add("token-signature-r-zero", t, rZero);
    BundleForge sN = BundleForge.valid();
    sN.tokenSigner = input -> {
      byte[] raw = sN.issuerKey.signRaw(input);
      System.arraycopy(fixed(N, 32), 0, raw, 32, 32);
      return BundleForge.b64url(raw);
    };
    add("token-signature-s-equal-to-n", t, sN);
    BundleForge trailing = BundleForge.valid();
    trailing.tokenSigner = input -> BundleForge.b64url(Arrays.copyOf(trailing.issuerKey.signRaw(input), 65));
    add("token-signature-of-65-bytes", t, trailing);
    BundleForge padBits = BundleForge.valid();
    padBits.tokenSigner = input -> withNonZeroPadBits(BundleForge.b64url(padBits.issuerKey.signRaw(input)));
    add("token-signature-with-non-zero-pad-bits", t, padBits);
    BundleForge otherInput = BundleForge.valid();
    otherInput.tokenSigner = input -> BundleForge.b64url(otherInput.issuerKey.signRaw("eyJ.eyJ".getBytes(US_ASCII)));
    add("token-signature-over-another-signing-input", t, otherInput);
    for (String defect : List.of("two-parts", "four-parts", "padded-signature", "trailing-space", "empty")) {
      BundleForge g = BundleForge.valid();
      String token = g.token();
      String[] parts = token.split("\\.");
      String bad =
          switch (defect) {
            case "two-parts" -> parts[0] + "." + parts[1];
            case "four-parts" -> token + "." + parts[2];
            case "padded-signature" -> token + "==";
            case "trailing-space" -> token + " ";
            default -> "";
          };
      g.bundleEdit = tree -> {
        material(tree).put("identityToken", bad);
        return tree;
      };
      add("token-compact-jws-" + defect, t, g);
    }
    f = BundleForge.valid();
    f.headerJsonEdit = json -> repeatMember(json, "\"typ\":\"hallmark-attestation+jwt\"");
    add("token-header-duplicate-key", t, f);
    f = BundleForge.valid();
    f.claimsJsonEdit = json -> repeatMember(json, "\"iss\":\"" + BundleForge.ISSUER + "\"");
    add("token-claims-duplicate-key", t, f);
    f = BundleForge.valid();
    f.claimsJsonEdit = json -> "iss=https://ci.test.example/oidc".getBytes(US_ASCII);
    add("token-claims-not-json", t, f);
    f = BundleForge.valid();
    f.claimsJsonEdit = json -> concat(concat(new byte[] {'['}, json), new byte[] {']'});
    add("token-claims-a-json-array", t, f);
    f = BundleForge.valid();
    f.claims.put("x", nest(64));
    add("token-claims-nested-65-levels", t, f);
    f = BundleForge.valid();
    f.claims.put("padding", "p".repeat(CompactJws.MAX_TOKEN_LENGTH));
    add("token-longer-than-64kib", t, f);
    f = BundleForge.valid();
    f.claims.put("iss", "https://attacker.example/oidc");
    add("token-iss-mismatch", t, f);
    f = BundleForge.valid();
    f.claims.put("iss", BundleForge.ISSUER + "/");
    add("token-iss-with-trailing-slash", t, f);
    f = BundleForge.valid();
    add("token-trust-root-of-another-issuer", t, f, f.bytes(), trustRoot("https://other.example/oidc", f.issuerJwk()));
    f = BundleForge.valid();
    f.claims.put("aud", "hallmark:step");
    add("token-aud-wrong", t, f);
    f = BundleForge.valid();
    f.claims.put("aud", "Hallmark:Attestation");
    add("token-aud-in-other-case", t, f);
    f = BundleForge.valid();
    f.claims.put("aud", List.of("hallmark:step", "https://ci.test.example"));
    add("token-aud-array-without-the-audience", t, f);
    f = BundleForge.valid();
    f.claims.put("aud", List.of());
    add("token-aud-empty-array", t, f);
    f = BundleForge.valid();
    f.claims.put("aud", List.of("hallmark:attestation", 42L));
    add("token-aud-array-with-a-non-string", t, f);
    add("token-iat-301s-in-the-future", t, BundleForge.valid(), BundleForge.IAT - 301);
    for (String spelling : List.of("1777377600.0", "1.7773776e9", "1777377600E0")) {
      BundleForge g = BundleForge.valid();
      g.claimsJsonEdit = json -> replaceOnce(json, "\"iat\":" + BundleForge.IAT, "\"iat\":" + spelling);
      add("token-iat-spelled-" + spelling.replace('.', '_').toLowerCase(Locale.ROOT), t, g);
    }
    f = BundleForge.valid();
    f.issuerJwkExtras.remove("nbf");
    f.claims.put("iat", -1L);
    f.claims.put("nbf", -1L);
    f.claims.put("exp", 599L);
    add("token-iat-negative", t, f);
    f = farFutureForge(MAX_TIME + 1);
    add("token-iat-2pow53", t, f, MAX_TIME + 3600);
    f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT + 3601);
    add("token-lifetime-3601s", t, f);
    f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT);
    add("token-lifetime-zero", t, f);
    f = BundleForge.valid();
    f.claims.put("exp", BundleForge.IAT - 1);
    add("token-lifetime-negative", t, f);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("nbf", BundleForge.IAT + 1);
    add("token-issued-before-key-nbf", t, f);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", BundleForge.IAT - 1);
    add("token-from-a-retired-key", t, f);
    for (String claim : List.of("iss", "sub", "aud", "iat", "nbf", "exp", "jti", "repository", "ref", "sha",
        "workflow", "event_name", "run_id", "run_attempt", "job_id", "job_name", "runner_environment",
        "payload_sha256")) {
      BundleForge missing = BundleForge.valid();
      missing.autoPayloadSha256 = !claim.equals("payload_sha256");
      missing.claims.remove(claim);
      add("token-claim-missing-" + claim, t, missing);
      BundleForge mistyped = BundleForge.valid();
      mistyped.autoPayloadSha256 = !claim.equals("payload_sha256");
      Object value = mistyped.claims.getOrDefault(claim, "x");
      mistyped.claims.put(claim, value instanceof Long l ? Long.toString(l) : (Object) 42L);
      add("token-claim-mistyped-" + claim, t, mistyped);
      BundleForge nulled = BundleForge.valid();
      nulled.autoPayloadSha256 = !claim.equals("payload_sha256");
      nulled.claims.put(claim, null);
      add("token-claim-json-null-" + claim, t, nulled);
    }
    for (String shape : List.of("string", "array", "null")) {
      BundleForge g = BundleForge.valid();
      g.autoJkt = false;
      String jkt = g.ephemeral.publicKey().thumbprint();
      g.claims.put("cnf", switch (shape) {
        case "string" -> jkt;
        case "array" -> List.of(Map.of("jkt", jkt));
        default -> null;
      });
      add("token-cnf-" + shape, t, g);
    }
    f = BundleForge.valid();
    f.issuerJwkExtras.put("alg", "ES384"); // the only key is skipped: no usable key
    add("token-no-usable-key-for-the-kid", t, f);
    f = BundleForge.valid();
    add("token-trust-root-with-no-key", t, f, f.bytes(), trustRoot(BundleForge.ISSUER));
  }

  // ---------------------------------------------------------------------------------- 4 key-binding

  private static void keyBindingCheck() {
    String k = "key-binding";
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    add("key-binding-cnf-missing", k, f);
    f = BundleForge.valid();
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jwk", f.ephemeral.publicKey().toJwk()));
    add("key-binding-cnf-without-jkt", k, f);
    f = BundleForge.valid();
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jkt", List.of(f.ephemeral.publicKey().thumbprint())));
    add("key-binding-jkt-not-a-string", k, f);
    f = BundleForge.valid();
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jkt", P256PrivateKey.generate(RANDOM).publicKey().thumbprint()));
    add("key-binding-jkt-of-another-key", k, f);
    for (String spelling : List.of("padded", "hex", "upper-case")) {
      BundleForge g = BundleForge.valid();
      g.autoJkt = false;
      String jkt = g.ephemeral.publicKey().thumbprint();
      g.claims.put("cnf", Map.of("jkt", switch (spelling) {
        case "padded" -> jkt + "=";
        case "hex" -> Sha256.hex(Base64Strict.decodeUrl(jkt));
        default -> jkt.toUpperCase(Locale.ROOT);
      }));
      add("key-binding-jkt-" + spelling, k, g);
    }
    f = BundleForge.valid();
    P256PrivateKey attacker = P256PrivateKey.generate(RANDOM);
    f.publicKeyOverride = new LinkedHashMap<>(attacker.publicKey().toJwk());
    f.envelopeSigner = signedBy(attacker::signDer, attacker.publicKey().thumbprint());
    add("key-binding-public-key-swapped-for-attacker-key", k, f);
    f = BundleForge.valid();
    BundleForge other = BundleForge.valid();
    other.statement.put("subject", List.of(BundleForge.subject("evil.tgz", "0".repeat(64))));
    f.autoPayloadSha256 = false;
    f.claims.put("payload_sha256", Sha256.hex(Sha256.of(other.statementBytes())));
    add("key-binding-payload-sha256-of-another-statement", k, f);
    f = BundleForge.valid();
    f.autoPayloadSha256 = false;
    f.claims.put("payload_sha256", Sha256.hex(Sha256.of(StrictJson.writePretty(f.statement))));
    add("key-binding-payload-sha256-of-a-re-encoding", k, f);
    f = BundleForge.valid();
    f.autoPayloadSha256 = false;
    f.claims.put("payload_sha256", Sha256.hex(Sha256.of(f.statementBytes())).toUpperCase(Locale.ROOT));
    // FORMATS revision 2: payload_sha256 is 64 lowercase hex, a claim form that token checks.
    add("token-payload-sha256-upper-case", "token", f);
    for (String member : List.of("d", "k", "oth")) {
      BundleForge g = BundleForge.valid();
      Map<String, Object> jwk = new LinkedHashMap<>(g.ephemeral.publicKey().toJwk());
      jwk.put(member, member.equals("d") ? BundleForge.b64url(g.ephemeral.scalar()) : "AQAB");
      g.publicKeyOverride = jwk; // same thumbprint: cnf.jkt still matches
      add("key-binding-public-key-private-" + member, k, g);
    }
    f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    byte[] y = Base64Strict.decodeUrl((String) jwk.get("y"));
    y[31] ^= 1;
    jwk.put("y", BundleForge.b64url(y));
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-off-the-curve", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    byte[] ff = new byte[32];
    Arrays.fill(ff, (byte) 0xFF);
    jwk.put("x", BundleForge.b64url(ff));
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-x-not-below-p", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", jwk.get("y"));
    jwk.put("y", jwk.get("x"));
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-x-equals-y", k, f);
    f = p384Bound();
    add("key-binding-public-key-on-p384", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("crv", "P-384");
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-p256-key-labelled-p384", k, f);
    f = BundleForge.valid();
    f.ephemeral = keyWhoseXStartsWithZero();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", BundleForge.b64url(Arrays.copyOfRange(Base64Strict.decodeUrl((String) jwk.get("x")), 1, 32)));
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-x-of-31-bytes", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", BundleForge.b64url(concat(new byte[1], Base64Strict.decodeUrl((String) jwk.get("x")))));
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-x-of-33-bytes", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", jwk.get("x") + "=");
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-x-with-padding", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", withNonZeroPadBits((String) jwk.get("x")));
    f.publicKeyOverride = jwk;
    add("key-binding-public-key-x-with-non-zero-pad-bits", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("y", ((String) jwk.get("y")).replace('A', '+').replace('B', '/'));
    if (jwk.get("y").equals(f.ephemeral.publicKey().y())) {
      jwk.put("y", "+" + ((String) jwk.get("y")).substring(1));
    }
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-y-in-standard-alphabet", k, f);
    for (String member : List.of("kty", "crv", "x", "y")) {
      BundleForge g = BundleForge.valid();
      Map<String, Object> partial = new LinkedHashMap<>(g.ephemeral.publicKey().toJwk());
      partial.remove(member);
      g.publicKeyOverride = partial;
      add("key-binding-public-key-without-" + member, k, g);
    }
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("kty", "RSA");
    bindTo(f, jwk, f.ephemeral::signDer);
    add("key-binding-public-key-kty-rsa", k, f);
    f = BundleForge.valid();
    jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", 5L);
    f.publicKeyOverride = jwk;
    add("key-binding-public-key-x-a-number", k, f);
  }

  // ---------------------------------------------------------------------------------- 5 signature

  private static void signatureCheck() {
    String s = "signature";
    BundleForge f = BundleForge.valid();
    f.payloadType = "application/json";
    add("signature-payload-type-wrong", s, f);
    f = BundleForge.valid();
    f.payloadType = "application/vnd.in-toto+JSON";
    add("signature-payload-type-in-other-case", s, f);
    f = BundleForge.valid();
    f.envelopeSigner = pae -> new ArrayList<>();
    add("signature-zero-signatures", s, f);
    BundleForge two = BundleForge.valid();
    String keyid = two.ephemeral.publicKey().thumbprint();
    two.envelopeSigner = pae -> {
      List<Object> sigs = new ArrayList<>(signedBy(two.ephemeral::signDer, keyid).apply(pae));
      sigs.addAll(signedBy(d -> highSDer(two.ephemeral.signDer(d)), keyid).apply(pae));
      return sigs;
    };
    add("signature-two-valid-signatures", s, two);
    BundleForge beside = BundleForge.valid();
    P256PrivateKey foreign = P256PrivateKey.generate(RANDOM);
    beside.envelopeSigner = pae -> {
      List<Object> sigs = new ArrayList<>(signedBy(foreign::signDer, foreign.publicKey().thumbprint()).apply(pae));
      sigs.addAll(signedBy(beside.ephemeral::signDer, beside.ephemeral.publicKey().thumbprint()).apply(pae));
      return sigs;
    };
    add("signature-valid-one-beside-a-foreign-one", s, beside);
    f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signDer, P256PrivateKey.generate(RANDOM).publicKey().thumbprint());
    add("signature-keyid-of-another-key", s, f);
    f = BundleForge.valid();
    f.envelopeSigner = signedBy(f.ephemeral::signDer, "");
    add("signature-keyid-empty", s, f);
    BundleForge raw = BundleForge.valid();
    raw.envelopeSigner = signedBy(pae -> raw.ephemeral.signDer(raw.statementBytes()), raw.ephemeral.publicKey().thumbprint());
    add("signature-over-the-raw-payload", s, raw);
    BundleForge otherType = BundleForge.valid();
    otherType.envelopeSigner = signedBy(
        pae -> otherType.ephemeral.signDer(Pae.encode("application/json", otherType.statementBytes())),
        otherType.ephemeral.publicKey().thumbprint());
    add("signature-over-pae-of-another-payload-type", s, otherType);
    f = BundleForge.valid();
    f.envelopeSigner = signedBy(foreign::signDer, f.ephemeral.publicKey().thumbprint());
    add("signature-foreign-signer-under-the-right-keyid", s, f);
    BundleForge tampered = BundleForge.valid();
    byte[] original = tampered.statementBytes();
    byte[] changed = original.clone();
    changed[new String(original, UTF_8).indexOf("app-1.2.3.tgz")] = 'b';
    tampered.rawStatement = changed;
    tampered.envelopeSigner = signedBy(
        pae -> tampered.ephemeral.signDer(Pae.encode(BundleForge.PAYLOAD_TYPE, original)),
        tampered.ephemeral.publicKey().thumbprint());
    add("signature-payload-changed-after-signing", s, tampered);
    f = BundleForge.valid();
    f.envelopeSigner = signedBy(pae -> new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}, null);
    add("signature-der-r-and-s-zero", s, f);
    BundleForge rs = BundleForge.valid();
    rs.envelopeSigner = signedBy(rs.ephemeral::signRaw, rs.ephemeral.publicKey().thumbprint());
    add("signature-raw-r-s-instead-of-der", s, rs);
    BundleForge rN = BundleForge.valid();
    rN.envelopeSigner = signedBy(pae -> DerSignature.encode(N, DerSignature.decode(rN.ephemeral.signDer(pae))[1]), null);
    add("signature-der-r-equal-to-n", s, rN);
    BundleForge sPlusN = BundleForge.valid();
    sPlusN.envelopeSigner = signedBy(pae -> {
      BigInteger[] v = DerSignature.decode(sPlusN.ephemeral.signDer(pae));
      return DerSignature.encode(v[0], v[1].add(N));
    }, null);
    add("signature-der-s-plus-n", s, sPlusN);
    BundleForge longForm = BundleForge.valid();
    longForm.envelopeSigner = signedBy(pae -> {
      byte[] d = longForm.ephemeral.signDer(pae);
      byte[] ber = new byte[d.length + 1];
      ber[0] = 0x30;
      ber[1] = (byte) 0x81;
      System.arraycopy(d, 1, ber, 2, d.length - 1);
      return ber;
    }, null);
    add("signature-der-long-form-length", s, longForm);
    BundleForge trailing = BundleForge.valid();
    trailing.envelopeSigner = signedBy(pae -> {
      byte[] d = trailing.ephemeral.signDer(pae);
      byte[] more = Arrays.copyOf(d, d.length + 1);
      more[1] = (byte) (more[1] + 1);
      return more;
    }, null);
    add("signature-der-trailing-byte-inside-the-sequence", s, trailing);
    BundleForge nonMinimal = forgeWhoseRHasTopBit(false);
    nonMinimal.envelopeSigner = signedBy(pae -> nonMinimalR(nonMinimal.ephemeral.signDer(pae)), null);
    add("signature-der-non-minimal-integer", s, nonMinimal);
    BundleForge negative = forgeWhoseRHasTopBit(true);
    negative.envelopeSigner = signedBy(pae -> negativeR(negative.ephemeral.signDer(pae)), null);
    add("signature-der-negative-integer", s, negative);
    f = BundleForge.valid();
    f.envelopeSigner = signedBy(pae -> new byte[0], null);
    add("signature-empty-sig", s, f);
  }

  // ---------------------------------------------------------------------------------- 6 statement

  private static void statementCheck() {
    String st = "statement";
    String digest = "a".repeat(64);
    BundleForge f = BundleForge.valid();
    f.statement.remove("predicate");
    add("statement-without-predicate", st, f);
    f = BundleForge.valid();
    f.statement.put("predicate", "{}");
    add("statement-predicate-a-string", st, f);
    f = BundleForge.valid();
    f.statement.put("_type", "https://in-toto.io/Statement/v0.1");
    add("statement-wrong-type", st, f);
    f = BundleForge.valid();
    f.statement.remove("_type");
    add("statement-without-type", st, f);
    f = BundleForge.valid();
    f.statement.put("predicateType", "https://slsa.dev/provenance/v0.2");
    add("statement-wrong-predicate-type", st, f);
    f = BundleForge.valid();
    f.statement.put("subject", List.of());
    add("statement-empty-subject-array", st, f);
    f = BundleForge.valid();
    f.statement.remove("subject");
    add("statement-without-subject", st, f);
    f = BundleForge.valid();
    f.statement.put("subject", BundleForge.subject("app.tgz", digest));
    add("statement-subject-an-object", st, f);
    f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", digest), "app2.tgz"));
    add("statement-subject-entry-a-string", st, f);
    f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", "ABCDEF" + "0".repeat(58))));
    add("statement-digest-upper-case", st, f);
    f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", "a".repeat(63))));
    add("statement-digest-of-63-characters", st, f);
    f = BundleForge.valid();
    f.statement.put("subject", List.of(BundleForge.subject("app.tgz", "g".repeat(64))));
    add("statement-digest-not-hex", st, f);
    f = BundleForge.valid();
    Map<String, Object> subject = BundleForge.subject("app.tgz", digest);
    subject.put("digest", Map.of("sha512", "b".repeat(128)));
    f.statement.put("subject", List.of(subject));
    add("statement-digest-without-sha256", st, f);
    f = BundleForge.valid();
    subject = BundleForge.subject("app.tgz", digest);
    subject.put("digest", Map.of("sha256", List.of(digest)));
    f.statement.put("subject", List.of(subject));
    add("statement-sha256-an-array", st, f);
    f = BundleForge.valid();
    subject = BundleForge.subject("app.tgz", digest);
    subject.remove("name");
    f.statement.put("subject", List.of(subject));
    add("statement-subject-without-name", st, f);
    for (Map.Entry<String, String> name : Map.of(
            "empty", "",
            "nel", "app\u0085.tgz",
            "bidi", "app\u202Egzt.exe",
            "newline", "app\n.tgz",
            "1025-bytes", "é".repeat(512) + "x")
        .entrySet()) {
      BundleForge g = BundleForge.valid();
      g.statement.put("subject", List.of(BundleForge.subject(name.getValue(), digest)));
      add("statement-subject-name-" + name.getKey(), st, g);
    }
    f = BundleForge.valid();
    f.rawStatement = "not json".getBytes(US_ASCII);
    add("statement-not-json", st, f);
    f = BundleForge.valid();
    f.rawStatement = repeatMember(StrictJson.write(f.statement), "\"_type\":\"https://in-toto.io/Statement/v1\"");
    add("statement-duplicate-key", st, f);
    f = BundleForge.valid();
    f.rawStatement = concat(concat("[".getBytes(US_ASCII), StrictJson.write(f.statement)), "]".getBytes(US_ASCII));
    add("statement-top-level-array", st, f);
    f = BundleForge.valid();
    f.statement.put("x", nest(64));
    add("statement-nesting-65-levels", st, f);
    f = BundleForge.valid();
    f.rawStatement = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, StrictJson.write(f.statement));
    add("statement-byte-order-mark", st, f);
    f = BundleForge.valid();
    f.statement.put("comment", "@@");
    f.rawStatement = replaceOnce(StrictJson.write(f.statement), "\"@@\"", "\"\\udfff\"");
    add("statement-lone-surrogate-escape", st, f);
  }

  // ---------------------------------------------------------------------------------- 7 build-context

  private static void buildContextCheck() {
    String bc = "build-context";
    for (BuildContextField field : BuildContextField.values()) {
      BundleForge f = BundleForge.valid();
      Map<String, Object> parent = field.parent(f);
      parent.put(field.leaf(), parent.get(field.leaf()) + "x");
      add("build-context-" + field.id() + "-differs", bc, f);
      f = BundleForge.valid();
      field.parent(f).remove(field.leaf());
      add("build-context-" + field.id() + "-missing", bc, f);
      f = BundleForge.valid();
      parent = field.parent(f);
      parent.put(field.leaf(), List.of(parent.get(field.leaf())));
      add("build-context-" + field.id() + "-not-a-string", bc, f);
      f = BundleForge.valid();
      f.claims.put(field.claim, field.differentValue((String) f.claims.get(field.claim)));
      add("build-context-claim-" + field.claim + "-differs", bc, f);
    }
    BundleForge f = BundleForge.valid();
    Map<String, Object> workflow = f.statementAt("predicate", "buildDefinition", "externalParameters", "workflow");
    workflow.put("ref", ((String) workflow.get("ref")).toUpperCase(Locale.ROOT));
    add("build-context-ref-in-upper-case", bc, f);
    f = BundleForge.valid();
    workflow = f.statementAt("predicate", "buildDefinition", "externalParameters", "workflow");
    workflow.put("repository", workflow.get("repository") + " ");
    add("build-context-repository-with-trailing-space", bc, f);
    f = BundleForge.valid();
    f.statementAt("predicate", "buildDefinition").put("resolvedDependencies", List.of());
    add("build-context-no-resolved-dependency", bc, f);
    f = BundleForge.valid();
    f.statementAt("predicate", "buildDefinition").put("resolvedDependencies", Map.of("digest", Map.of("gitCommit", BundleForge.SHA)));
    add("build-context-resolved-dependencies-not-an-array", bc, f);
    f = BundleForge.valid();
    f.statementAt("predicate").remove("buildDefinition");
    add("build-context-without-build-definition", bc, f);
  }

  // ---------------------------------------------------------------------------------- 8 log

  /** The log of the log vectors: since is a day before the forge's iat, so every token needs a proof. */
  private static final long SINCE = BundleForge.IAT - 86_400;
  private static final String ORIGIN = "ci.test.example/oidc/log";
  private static final String QUORUM_2 = "group G 2 W1 W2 W3\nquorum G\n";
  private static final LogForge LOG = LogForge.create(ORIGIN, "W1", "W2", "W3");
  private static final BigInteger ED_P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger ED_L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

  /**
   * Vectors for every rule of FORMATS §8.3 and §8.4 (as LogCheckTest has them), the log member of
   * the trust root, and the strict Ed25519 of §8.1: each proof is made by {@link LogForge} and
   * bent in one place only.
   */
  private static void logCheck() {
    String lg = "log";
    Map<String, Long> two = cosigners("W1", BundleForge.IAT + 120, "W2", BundleForge.IAT + 240);
    // Genuine.
    addLogged("valid-log-cosigned-to-quorum", null, logged(p -> p, two), QUORUM_2);
    addLogged("valid-log-quorum-none", null, logged(p -> p, Map.of()), "quorum none\n");
    addLogged("valid-log-witnessed-before-is-the-earliest-quorum", null,
        logged(p -> p, cosigners("W1", BundleForge.IAT + 500, "W2", BundleForge.IAT + 100, "W3", BundleForge.IAT + 300)),
        QUORUM_2);
    addLogged("valid-log-witness-counts-from-its-earliest-cosignature", null,
        logged(p -> withSignature(p, cp -> LOG.cosignature(cp, "W1", BundleForge.IAT + 200)),
            cosigners("W1", BundleForge.IAT + 500, "W2", BundleForge.IAT + 100)), QUORUM_2);
    LogForge stranger = LogForge.create(ORIGIN, "W1");
    addLogged("valid-log-unknown-signature-lines-ignored", null, logged(p -> withSignature(
        withSignature(p, cp -> stranger.cosignature(cp, "W1", BundleForge.IAT)),
        cp -> new Checkpoint.SignatureLine(ORIGIN, LOG.logVkey.keyId() ^ 1, new byte[64])), two), QUORUM_2);
    addLogged("valid-log-extra-line", null,
        logged(p -> p.replace("tlog-proof@v1\n", "tlog-proof@v1\nextra AAEC\n"), two), QUORUM_2);
    addLogged("valid-log-checkpoint-with-extension-line", null, loggedUnder(extensionCheckpoint(two)), QUORUM_2);
    addLogged("valid-log-policy-with-comments-blanks-tabs-and-any", null, logged(p -> p, cosigners("W3", BundleForge.IAT)),
        "# comment\n\n  group G any\tW1 W2 W3  \nquorum G");
    addLogged("valid-log-cosignature-exactly-300s-in-the-future", null,
        logged(p -> p, cosigners("W1", BundleForge.IAT, "W2", NOW + 300)), QUORUM_2);
    BundleForge f = logged(p -> p, two);
    f.issuerJwkExtras.put("revokedAt", BundleForge.IAT + 241);
    addLogged("valid-log-key-revoked-after-the-witnesses-saw-it", null, f, QUORUM_2);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", BundleForge.IAT + 10);
    addLogged("valid-log-key-retired-at-since-needs-no-proof", null, f, QUORUM_2, BundleForge.IAT + 10);
    addLogged("valid-log-only-entry-of-the-tree", null, loggedAlone(two), QUORUM_2);

    // §8.4 step 1 and §8.3: the proof.
    addLogged("log-proof-missing", lg, logged(p -> null, two), QUORUM_2);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", BundleForge.IAT + 20); // valid after since: iat before since does not exempt
    addLogged("log-proof-missing-key-valid-after-since", lg, f, QUORUM_2, BundleForge.IAT + 10);
    f = BundleForge.valid();
    f.issuerJwkExtras.remove("exp");
    addLogged("log-proof-missing-key-without-exp", lg, f, QUORUM_2, BundleForge.IAT + 10);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("exp", BundleForge.IAT + 10);
    f.issuerJwkExtras.put("revokedAt", BundleForge.IAT + 10_000);
    addLogged("log-proof-missing-revoked-key-otherwise-exempt", lg, f, QUORUM_2, BundleForge.IAT + 10);
    Map<String, Function<String, String>> malformed = new LinkedHashMap<>();
    malformed.put("header-v2", p -> p.replace("tlog-proof@v1", "tlog-proof@v2"));
    malformed.put("crlf", p -> p.replace("\n", "\r\n"));
    malformed.put("no-final-newline", p -> p.substring(0, p.length() - 1));
    malformed.put("index-leading-zero", p -> p.replace("index 3\n", "index 03\n"));
    malformed.put("index-above-2pow64", p -> p.replace("index 3\n", "index 18446744073709551616\n"));
    malformed.put("no-index-line", p -> p.replace("index 3\n", ""));
    malformed.put("extra-empty", p -> p.replace("tlog-proof@v1\n", "tlog-proof@v1\nextra \n"));
    malformed.put("extra-not-canonical", p -> p.replace("tlog-proof@v1\n", "tlog-proof@v1\nextra AAF=\n"));
    malformed.put("hash-of-31-bytes", p -> replaceLine(p, 2, Base64Strict.encodeStd(new byte[31])));
    byte[] fb = new byte[32];
    Arrays.fill(fb, (byte) 0xfb);
    malformed.put("hash-in-base64url", p -> replaceLine(p, 2, Base64Strict.encodeStd(fb).replace('+', '-').replace('/', '_')));
    malformed.put("64-hashes", p -> p.replace("index 3\n", "index 3\n" + (Base64Strict.encodeStd(new byte[32]) + "\n").repeat(64)));
    malformed.put("no-empty-line", p -> p.replace("\n\n" + ORIGIN, "\n" + ORIGIN));
    malformed.put("tree-size-leading-zero", p -> p.replace("\n" + ORIGIN + "\n6\n", "\n" + ORIGIN + "\n06\n"));
    malformed.put("root-hash-missing", p -> dropLine(p, p.indexOf("\n" + ORIGIN + "\n6\n") + ORIGIN.length() + 4));
    malformed.put("no-signature-line", p -> p.substring(0, p.indexOf("\u2014 ")));
    malformed.put("signature-line-with-hyphen", p -> p.replace("\u2014 " + ORIGIN, "- " + ORIGIN));
    malformed.put("signature-line-with-two-spaces", p -> p.replace("\u2014 " + ORIGIN + " ", "\u2014 " + ORIGIN + "  "));
    malformed.put("signature-of-4-bytes", p -> withSignature(p, cp -> new Checkpoint.SignatureLine("x.example", 1, new byte[0])));
    // Three lines (the log's, W1's, W2's) and 30 more of unknown keys.
    malformed.put("33-signature-lines", p -> p + ("\u2014 x.example " + Base64Strict.encodeStd(new byte[68]) + "\n").repeat(30));
    malformed.put("c1-control-character", p -> p.replace("\n\n" + ORIGIN, "\n\n" + ORIGIN + "\u0085"));
    malformed.put("larger-than-64kib", p -> p.replace("tlog-proof@v1\n", "tlog-proof@v1\nextra " + "A".repeat(65_536) + "\n"));
    malformed.forEach((name, edit) -> addLogged("log-proof-malformed-" + name, lg, logged(edit, two), QUORUM_2));

    // §8.4 steps 2 and 3: signatures, cosignatures, quorum.
    LogForge other = LogForge.create("elsewhere.example/log");
    addLogged("log-origin-unknown", lg, logged(p -> {
      other.leaves.clear();
      other.leaves.addAll(LOG.leaves);
      return p.substring(0, p.indexOf("\n\n") + 2) + other.checkpoint().signedText();
    }, Map.of()), QUORUM_2);
    addLogged("log-signature-invalid", lg, logged(p -> flipInLine(p, "\u2014 " + ORIGIN + " "), two), QUORUM_2);
    addLogged("log-signature-s-plus-l", lg, logged(p -> editSignature(p, "\u2014 " + ORIGIN + " ", BrowserVerifierTest::sPlusL), two), QUORUM_2);
    addLogged("log-checkpoint-unsigned", lg, logged(p -> dropLine(p, p.indexOf("\u2014 " + ORIGIN + " ")), two), QUORUM_2);
    addLogged("log-cosignature-invalid-quorum-holds-without-it", lg,
        logged(p -> flipInLine(p, "\u2014 w3.witness.test "), cosigners("W1", BundleForge.IAT, "W2", BundleForge.IAT, "W3", BundleForge.IAT)),
        QUORUM_2);
    addLogged("log-cosignature-timestamp-above-2pow63", lg, logged(p -> p, cosigners("W1", BundleForge.IAT, "W2", -1L)), QUORUM_2);
    addLogged("log-cosignature-without-timestamp", lg,
        logged(p -> editSignature(p, "\u2014 w2.witness.test ", sig -> Arrays.copyOfRange(sig, 8, sig.length)), two), QUORUM_2);
    addLogged("log-cosignature-s-plus-l", lg,
        logged(p -> editSignature(p, "\u2014 w2.witness.test ", BrowserVerifierTest::sPlusL), two), QUORUM_2);
    addLogged("log-cosignature-301s-in-the-future", lg, logged(p -> p, cosigners("W1", BundleForge.IAT, "W2", NOW + 301)), QUORUM_2);
    addLogged("log-quorum-not-met", lg, logged(p -> p, cosigners("W1", BundleForge.IAT)), QUORUM_2);
    addLogged("log-quorum-of-a-witness-not-met", lg, logged(p -> p, cosigners("W1", BundleForge.IAT)), "quorum W2\n");

    // §8.4 step 4: the inclusion proof.
    addLogged("log-index-out-of-range", lg, logged(p -> p.replace("index 3\n", "index 6\n"), two), QUORUM_2);
    addLogged("log-inclusion-proof-of-another-entry", lg, logged(p -> p.replace("index 3\n", "index 2\n"), two), QUORUM_2);
    addLogged("log-inclusion-proof-too-short", lg, logged(p -> dropLine(p, p.indexOf("index 3\n") + 8), two), QUORUM_2);
    addLogged("log-inclusion-proof-too-long", lg,
        logged(p -> p.replace("index 3\n", "index 3\n" + Base64Strict.encodeStd(new byte[32]) + "\n"), two), QUORUM_2);

    // §8.4 step 5: revocation.
    f = logged(p -> p, two);
    f.issuerJwkExtras.put("revokedAt", BundleForge.IAT + 240); // witnessedBefore must be < revokedAt
    addLogged("log-key-revoked-before-the-witnesses-saw-it", lg, f, QUORUM_2);
    f = logged(p -> p, Map.of());
    f.issuerJwkExtras.put("revokedAt", BundleForge.IAT + 10_000);
    addLogged("log-key-revoked-under-quorum-none", lg, f, "quorum none\n");
    f = BundleForge.valid();
    f.issuerJwkExtras.put("revokedAt", BundleForge.IAT + 10_000);
    add("log-key-revoked-and-no-log-member", lg, f); // no policy at all: a revoked key's tokens fail

    // §8.1: strict Ed25519 (FORMATS: S < L, canonical decodable A and R, cofactorless). A witness
    // W4 whose key is of small order signs with R = [a]B and S = a (valid for the cofactorless
    // equation when [k]A is the identity): FORMATS refuses encodings, not orders, so both verifiers
    // accept it (the quorum holds either way); a non-canonical or undecodable key fails.
    byte[] identity = new byte[32];
    identity[0] = 1;
    strangeWitness("valid-log-ed25519-witness-key-of-small-order-identity", identity, 1, null);
    strangeWitness("valid-log-ed25519-witness-key-of-order-8",
        littleEndian32(new BigInteger("7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7", 16)), 8, null);
    strangeWitness("valid-log-ed25519-witness-key-of-order-2", littleEndian32(ED_P.subtract(BigInteger.ONE)), 2, null);
    strangeWitness("log-ed25519-witness-key-identity-not-canonical", littleEndian32(ED_P.add(BigInteger.ONE)), 1, "log");
    byte[] signed = identity.clone();
    signed[31] |= (byte) 0x80; // x = 0 with the sign bit set
    strangeWitness("log-ed25519-witness-key-x-zero-with-sign-bit", signed, 1, "log");
    strangeWitness("log-ed25519-witness-key-that-does-not-decode", undecodable(), 1, "log");

    // The trust root's log member (FORMATS §1, §8.2) and revokedAt.
    String t = "trust-root";
    f = BundleForge.valid();
    add(t + "-log-member-not-an-object", t, f, f.bytes(), rootWithLogMember(f, "quorum none"));
    add(t + "-log-member-null", t, f, f.bytes(), rootWithLogMember(f, null));
    add(t + "-log-since-missing", t, f, f.bytes(), rootWithLogMember(f, Map.of("policy", LOG.policy("quorum none\n"))));
    add(t + "-log-since-negative", t, f, f.bytes(), rootWithLogMember(f, Map.of("policy", LOG.policy("quorum none\n"), "since", -1L)));
    add(t + "-log-policy-not-a-string", t, f, f.bytes(), rootWithLogMember(f, Map.of("policy", List.of(), "since", SINCE)));
    Map<String, String> policies = new LinkedHashMap<>();
    policies.put("no-quorum", LOG.policy(""));
    policies.put("two-quorums", LOG.policy("quorum W1\nquorum W2\n"));
    policies.put("no-log-line", LOG.policy("quorum none\n").substring(LOG.policy("").indexOf('\n') + 1));
    policies.put("quorum-before-its-witness", "quorum W1\n" + LOG.policy(""));
    policies.put("threshold-above-members", LOG.policy("group G 4 W1 W2 W3\nquorum G\n"));
    policies.put("threshold-zero", LOG.policy("group G 0 W1 W2\nquorum G\n"));
    policies.put("member-listed-twice", LOG.policy("group G 1 W1 W2\ngroup H 1 W1 W3\nquorum H\n"));
    policies.put("witness-named-none", LOG.policy("quorum none\n").replace("witness W1 ", "witness none "));
    policies.put("key-id-in-upper-case", upperCaseKeyId(LOG.policy("quorum none\n")));
    policies.put("key-id-wrong", LOG.policy("quorum none\n").replace(LOG.logVkey.toString(),
        ORIGIN + "+00000000+" + LOG.logVkey.toString().substring(ORIGIN.length() + 10)));
    policies.put("witness-key-of-type-1", LOG.policy("quorum none\n").replace(LOG.witnessVkeys.get("W1").toString(),
        NoteKey.of("w1.witness.test", NoteKey.TYPE_ED25519, LOG.witnessVkeys.get("W1").publicKey()).toString()));
    policies.put("same-key-twice", LOG.policy("quorum none\n") + "witness W9 " + NoteKey.of("w9.witness.test",
        NoteKey.TYPE_COSIGNATURE_V1, LOG.logVkey.publicKey()) + "\n");
    policies.put("carriage-return", LOG.policy("quorum none\r\n"));
    policies.put("unknown-keyword", LOG.policy("quorum none\nwitnesses 2\n"));
    policies.forEach((name, text) ->
        add(t + "-log-policy-" + name, t, BundleForge.valid(), BundleForge.valid().bytes(), withLog(BundleForge.valid(), text, SINCE)));
    f = BundleForge.valid();
    f.issuerJwkExtras.put("revokedAt", "2026-05-01");
    add(t + "-key-revoked-at-a-string", t, f);
    f = BundleForge.valid();
    f.issuerJwkExtras.put("revokedAt", 1.5);
    add(t + "-key-revoked-at-with-fraction", t, f);
    f = BundleForge.valid();
    add(t + "-issuer-with-query", t, f, f.bytes(), trustRoot(BundleForge.ISSUER + "?x=1", f.issuerJwk()));

    // FORMATS §5: a logProof that is not a string fails bundle, log policy or not.
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      material(tree).put("logProof", 41L);
      return tree;
    };
    add("bundle-log-proof-a-number", "bundle", f);
    f = BundleForge.valid();
    f.bundleEdit = tree -> {
      material(tree).put("logProof", null);
      return tree;
    };
    add("bundle-log-proof-json-null", "bundle", f);
  }

  /** An ordered map of witness names to cosignature times. */
  private static Map<String, Long> cosigners(Object... nameTime) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nameTime.length; i += 2) {
      m.put((String) nameTime[i], (Long) nameTime[i + 1]);
    }
    return m;
  }

  /** A bundle whose token is entry 3 of 6 of {@link #LOG}, with a proof that {@code edit} may bend (null: none). */
  private static BundleForge logged(Function<String, String> edit, Map<String, Long> cosigners) {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = tree -> {
      Map<String, Object> m = material(tree);
      LOG.leaves.clear();
      for (int i = 0; i < 3; i++) {
        LOG.append("entry " + i);
      }
      int index = LOG.append((String) m.get("identityToken"));
      LOG.append("entry 4");
      LOG.append("entry 5");
      String proof = edit.apply(LOG.proof(index, cosigners));
      if (proof != null) {
        m.put("logProof", proof);
      }
      return tree;
    };
    return f;
  }

  /** A bundle whose token is the only entry of the log. */
  private static BundleForge loggedAlone(Map<String, Long> cosigners) {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = tree -> {
      LOG.leaves.clear();
      int index = LOG.append((String) material(tree).get("identityToken"));
      material(tree).put("logProof", LOG.proof(index, cosigners));
      return tree;
    };
    return f;
  }

  /** A bundle logged as entry 3 of 6 under a checkpoint that {@code checkpoint} makes from the tree. */
  private static BundleForge loggedUnder(Function<byte[], Checkpoint> checkpoint) {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = tree -> {
      Map<String, Object> m = material(tree);
      LOG.leaves.clear();
      for (int i = 0; i < 3; i++) {
        LOG.append("entry " + i);
      }
      int index = LOG.append((String) m.get("identityToken"));
      LOG.append("entry 4");
      LOG.append("entry 5");
      m.put("logProof", LOG.proof(index, checkpoint.apply(new Merkle.Tree(LOG.leaves).root(LOG.leaves.size()))));
      return tree;
    };
    return f;
  }

  /** The tree's checkpoint with an extension line, signed by the log and cosigned as given. */
  private static Function<byte[], Checkpoint> extensionCheckpoint(Map<String, Long> cosigners) {
    return root -> {
      Checkpoint cp = new Checkpoint(ORIGIN, LOG.leaves.size(), root, List.of("extension line"), List.of());
      cp = cp.withSignature(new Checkpoint.SignatureLine(ORIGIN, LOG.logVkey.keyId(), Ed25519.sign(LOG.logKey, cp.noteBytes())));
      for (Map.Entry<String, Long> e : cosigners.entrySet()) {
        cp = LOG.cosign(cp, e.getKey(), e.getValue());
      }
      return cp;
    };
  }

  private static void addLogged(String id, String intended, BundleForge f, String policyRest) {
    addLogged(id, intended, f, policyRest, SINCE);
  }

  private static void addLogged(String id, String intended, BundleForge f, String policyRest, long since) {
    add(id, intended, f, f.bytes(), withLog(f, LOG.policy(policyRest), since));
  }

  /** The forge's trust root with a log member of {@code policy} and {@code since}. */
  private static byte[] withLog(BundleForge f, String policy, long since) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", BundleForge.ISSUER);
    root.put("jwks", Map.of("keys", List.of(f.issuerJwk())));
    root.put("log", Map.of("policy", policy, "since", since));
    return StrictJson.writePretty(root);
  }

  private static byte[] rootWithLogMember(BundleForge f, Object log) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", BundleForge.ISSUER);
    root.put("jwks", Map.of("keys", List.of(f.issuerJwk())));
    root.put("log", log);
    return StrictJson.writePretty(root);
  }

  /**
   * A vector whose policy adds witness W4 with the 32 bytes {@code key} (quorum: W1 and W2 hold
   * it without W4), and whose proof carries a W4 cosignature R = [a]B, S = a, valid for the
   * cofactorless equation when {@code [k]key} is the identity: the signer is searched until k is
   * a multiple of {@code order}.
   */
  private static void strangeWitness(String id, byte[] key, int order, String intended) {
    NoteKey w4 = NoteKey.of("w4.witness.test", NoteKey.TYPE_COSIGNATURE_V1, key);
    BundleForge f = logged(p -> withSignature(p, cp -> smallOrderCosignature(cp, w4, order)),
        cosigners("W1", BundleForge.IAT, "W2", BundleForge.IAT));
    String policy = LOG.policy("witness W4 " + w4 + "\ngroup G 2 W1 W2 W4\nquorum G\n");
    add(id, intended, f, f.bytes(), withLog(f, policy, SINCE));
  }

  private static Checkpoint.SignatureLine smallOrderCosignature(Checkpoint cp, NoteKey w4, int order) {
    long time = BundleForge.IAT;
    byte[] message = cp.cosignedMessage(time);
    for (int seed = 1; ; seed++) {
      byte[] sk = new byte[32];
      sk[0] = (byte) seed;
      sk[1] = (byte) (seed >> 8);
      byte[] r = Ed25519.publicKey(sk);
      BigInteger k = littleEndian(sha512(r, w4.publicKey(), message)).mod(ED_L);
      if (k.mod(BigInteger.valueOf(order)).signum() != 0) {
        continue;
      }
      byte[] h = sha512(sk);
      byte[] s = Arrays.copyOf(h, 32);
      s[0] &= (byte) 248;
      s[31] &= 127;
      s[31] |= 64;
      byte[] sig = new byte[8 + 64];
      for (int i = 0; i < 8; i++) {
        sig[i] = (byte) (time >>> (56 - 8 * i));
      }
      System.arraycopy(r, 0, sig, 8, 32);
      System.arraycopy(littleEndian32(littleEndian(s).mod(ED_L)), 0, sig, 40, 32);
      return new Checkpoint.SignatureLine(w4.name(), w4.keyId(), sig);
    }
  }

  /** A canonical y below p with no x: (y² − 1) / (d y² + 1) is not a square. */
  private static byte[] undecodable() {
    for (int y = 2; ; y++) {
      byte[] b = littleEndian32(BigInteger.valueOf(y));
      if (!Ed25519.decodes(b)) {
        return b;
      }
    }
  }

  private static byte[] sha512(byte[]... parts) {
    try {
      java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-512");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger littleEndian(byte[] b) {
    byte[] be = new byte[b.length + 1];
    for (int i = 0; i < b.length; i++) {
      be[b.length - i] = b[i];
    }
    return new BigInteger(be);
  }

  private static byte[] littleEndian32(BigInteger v) {
    byte[] out = new byte[32];
    byte[] be = v.toByteArray();
    for (int i = 0; i < 32 && i < be.length; i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  /** The signature bytes (after the key ID) with S, their last 32 bytes, raised by L. */
  private static byte[] sPlusL(byte[] sig) {
    int at = sig.length - 32;
    byte[] out = sig.clone();
    System.arraycopy(littleEndian32(littleEndian(Arrays.copyOfRange(sig, at, sig.length)).add(ED_L)), 0, out, at, 32);
    return out;
  }

  /** The proof with a signature line added to its checkpoint. */
  private static String withSignature(String proof, Function<Checkpoint, Checkpoint.SignatureLine> line) {
    int at = proof.indexOf("\n\n") + 2;
    Checkpoint cp = Checkpoint.parseSigned(proof.substring(at));
    return proof.substring(0, at) + cp.withSignature(line.apply(cp)).signedText();
  }

  /** Flips one bit of the signature on the line that starts with {@code prefix}. */
  private static String flipInLine(String proof, String prefix) {
    return editSignature(proof, prefix, sig -> {
      byte[] b = sig.clone();
      b[b.length - 1] ^= 1;
      return b;
    });
  }

  /** Replaces the bytes after the key ID on the line that starts with {@code prefix}. */
  private static String editSignature(String proof, String prefix, UnaryOperator<byte[]> edit) {
    int start = proof.indexOf(prefix);
    int sig = start + prefix.length();
    int end = proof.indexOf('\n', sig);
    byte[] b = Base64Strict.decodeStd(proof.substring(sig, end));
    byte[] edited = edit.apply(Arrays.copyOfRange(b, 4, b.length));
    byte[] out = Arrays.copyOf(b, 4 + edited.length);
    System.arraycopy(edited, 0, out, 4, edited.length);
    return proof.substring(0, sig) + Base64Strict.encodeStd(out) + proof.substring(end);
  }

  /** The proof without the line that starts at {@code start}. */
  private static String dropLine(String proof, int start) {
    int end = proof.indexOf('\n', start) + 1;
    return proof.substring(0, start) + proof.substring(end);
  }

  /** The proof with its line {@code index} (0 = the header) replaced. */
  private static String replaceLine(String proof, int index, String line) {
    String[] lines = proof.split("\n", -1);
    lines[index] = line;
    return String.join("\n", lines);
  }

  /** The policy with the log's key ID in upper case (a key ID with a letter is found first). */
  private static String upperCaseKeyId(String policy) {
    String id = String.format("%08x", LOG.logVkey.keyId());
    if (id.chars().noneMatch(Character::isLetter)) {
      id = String.format("%08x", LOG.witnessVkeys.get("W1").keyId());
    }
    return policy.replace("+" + id + "+", "+" + id.toUpperCase(Locale.ROOT) + "+");
  }

  // ---------------------------------------------------------------------------------- recording

  private static void add(String id, String intended, BundleForge f) {
    add(id, intended, f, f.bytes());
  }

  private static void add(String id, String intended, BundleForge f, long now) {
    VECTORS.add(new Vector(id, intended, f.bytes(), f.trustRootBytes(), now));
  }

  private static void add(String id, String intended, BundleForge f, byte[] bundle) {
    add(id, intended, f, bundle, f.trustRootBytes());
  }

  private static void add(String id, String intended, BundleForge f, byte[] bundle, byte[] trustRoot) {
    VECTORS.add(new Vector(id, intended, bundle, trustRoot, NOW));
  }

  /** The second engine (AWS-LC where it loads) every vector is also verified with. */
  private static final Verifier NATIVE_VERIFIER =
      new Verifier(dev.hallmark.attestation.crypto.CryptoEngine.awsLcOrBouncyCastle(line -> {}));

  /** Writes one vector's folder, verifying it with the Java verifier to record the expectation. */
  private static void writeVector(Verifier verifier, Vector v) throws IOException {
    if (!v.id().matches("[a-z0-9][a-z0-9_-]*") || Files.exists(vectorsDir.resolve(v.id()))) {
      throw new IllegalStateException("bad or repeated vector id: " + v.id());
    }
    Path dir = Files.createDirectories(vectorsDir.resolve(v.id()));
    Files.write(dir.resolve("bundle.json"), v.bundle());
    Files.write(dir.resolve("trust-root.json"), v.trustRoot());
    VerificationPolicy policy =
        VerificationPolicy.builder(TrustRootSource.file(dir.resolve("trust-root.json")))
            .clock(Clock.fixed(Instant.ofEpochSecond(v.now()), ZoneOffset.UTC))
            .withoutArtifactUnsafe()
            .build();
    VerificationResult result = verifier.verify(v.bundle(), policy);
    // Issue 11: the vectors run through both engines; their verdicts must be the same.
    VerificationResult native_ = NATIVE_VERIFIER.verify(v.bundle(), policy);
    if (!java.util.Objects.equals(result.toJson(), native_.toJson())) {
      MISMATCHES.add(v.id() + ": BouncyCastle says " + result.failedCheck() + ", "
          + NATIVE_VERIFIER.engine().id() + " says " + native_.failedCheck());
    }
    Check failed = result.failedCheck();
    // The browser runs checks 1–8 only: a failure of artifact or policy is not one of its failures.
    String failedCheck = failed != null && failed.ordinal() <= Check.LOG.ordinal() ? failed.wireName() : null;
    List<String> passed = new ArrayList<>();
    for (CheckOutcome o : result.checks()) {
      if (o.ok() && o.check().ordinal() <= Check.LOG.ordinal()) {
        passed.add(o.check().wireName());
      }
    }
    String javaMessage = result.failure() == null ? null : result.failure().message();
    if (!java.util.Objects.equals(v.intended(), failedCheck)) {
      MISMATCHES.add(v.id() + ": forged to fail at " + v.intended() + ", the Java verifier says " + failedCheck
          + (javaMessage == null ? "" : " (" + javaMessage + ")"));
    }
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("id", v.id());
    expected.put("failedCheck", failedCheck);
    expected.put("checks", passed);
    expected.put("nowEpochSeconds", v.now());
    expected.put("javaMessage", javaMessage);
    // The rule of a failed check that names its rules (log.quorum-not-met, …), and what the log
    // check proved: the browser must find the same.
    expected.put("rule", failedCheck == null ? null : result.failure().rule());
    expected.put("log", result.log() == null ? null : result.log().toJson());
    Files.write(dir.resolve("expected.json"), StrictJson.writePretty(expected, true));
  }

  // ---------------------------------------------------------------------------------- forging helpers

  private static UnaryOperator<Map<String, Object>> withMember(String name, Object value) {
    return tree -> {
      tree.put(name, value);
      return tree;
    };
  }

  private static UnaryOperator<Map<String, Object>> removing(String name) {
    return tree -> {
      tree.remove(name);
      return tree;
    };
  }

  private static UnaryOperator<Map<String, Object>> withPayload(String b64) {
    return tree -> {
      envelope(tree).put("payload", b64);
      return tree;
    };
  }

  @SuppressWarnings("unchecked")
  private static UnaryOperator<Map<String, Object>> editFirstSignature(Consumer<Map<String, Object>> edit) {
    return tree -> {
      edit.accept((Map<String, Object>) ((List<Object>) envelope(tree).get("signatures")).get(0));
      return tree;
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> material(Map<String, Object> tree) {
    return (Map<String, Object>) tree.get("verificationMaterial");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> envelope(Map<String, Object> tree) {
    return (Map<String, Object>) tree.get("dsseEnvelope");
  }

  /** The envelope signed by {@code sign}, with {@code keyid} (absent when null). */
  private static Function<byte[], List<Object>> signedBy(Function<byte[], byte[]> sign, String keyid) {
    return pae -> {
      Map<String, Object> s = new LinkedHashMap<>();
      if (keyid != null) {
        s.put("keyid", keyid);
      }
      s.put("sig", Base64Strict.encodeStd(sign.apply(pae)));
      return new ArrayList<>(List.of(s));
    };
  }

  /**
   * Binds cnf.jkt to {@code jwk} exactly as written and signs the envelope with {@code sign},
   * without a keyid: only the validity of {@code jwk} is left to fail.
   */
  private static void bindTo(BundleForge f, Map<String, Object> jwk, Function<byte[], byte[]> sign) {
    f.publicKeyOverride = jwk;
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jkt", BundleForge.thumbprint(jwk)));
    f.envelopeSigner = signedBy(sign, null);
  }

  /** A key-binding vector whose publicKey is a real P-384 key that signed the envelope. */
  private static BundleForge p384Bound() {
    try {
      BundleForge f = BundleForge.valid();
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
      KeyPair pair = gen.generateKeyPair();
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      Map<String, Object> jwk = new LinkedHashMap<>();
      jwk.put("kty", "EC");
      jwk.put("crv", "P-384");
      jwk.put("x", BundleForge.b64url(fixed(pub.getW().getAffineX(), 48)));
      jwk.put("y", BundleForge.b64url(fixed(pub.getW().getAffineY(), 48)));
      bindTo(f, jwk, pae -> {
        try {
          Signature signer = Signature.getInstance("SHA256withECDSA");
          signer.initSign(pair.getPrivate());
          signer.update(pae);
          return signer.sign();
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
      return f;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** iat = nbf = {@code iat}, exp = iat + 600, the issuer key without a period. */
  private static BundleForge farFutureForge(long iat) {
    BundleForge f = BundleForge.valid();
    f.issuerJwkExtras.remove("nbf");
    f.issuerJwkExtras.remove("exp");
    f.claims.put("iat", iat);
    f.claims.put("nbf", iat);
    f.claims.put("exp", iat + 600);
    return f;
  }

  private static P256PrivateKey keyWhoseXStartsWithZero() {
    while (true) {
      P256PrivateKey k = P256PrivateKey.generate(RANDOM);
      if (Base64Strict.decodeUrl(k.publicKey().x())[0] == 0) {
        return k;
      }
    }
  }

  /** A forge whose DSSE signature's r has (or lacks) its top bit, by varying an ignored member. */
  private static BundleForge forgeWhoseRHasTopBit(boolean topBit) {
    BundleForge f = BundleForge.valid();
    for (int i = 0; ; i++) {
      byte[] pae = Pae.encode(f.payloadType, f.statementBytes());
      BigInteger r = DerSignature.decode(f.ephemeral.signDer(pae))[0];
      if ((r.bitLength() == 256) == topBit) {
        return f;
      }
      f.statement.put("comment", "attempt " + i);
    }
  }

  /** The same (r, s) with a redundant 0x00 before r (whose top bit is clear): BER, not DER. */
  private static byte[] nonMinimalR(byte[] der) {
    int rLen = der[3];
    byte[] out = new byte[der.length + 1];
    out[0] = 0x30;
    out[1] = (byte) (der[1] + 1);
    out[2] = 0x02;
    out[3] = (byte) (rLen + 1);
    out[4] = 0;
    System.arraycopy(der, 4, out, 5, der.length - 4);
    return out;
  }

  /** The same bytes of r without the 0x00 its top bit needs: a negative DER integer. */
  private static byte[] negativeR(byte[] der) {
    int rLen = der[3];
    if (der[4] != 0) {
      throw new IllegalStateException("r was expected to carry a leading zero");
    }
    byte[] out = new byte[der.length - 1];
    out[0] = 0x30;
    out[1] = (byte) (der[1] - 1);
    out[2] = 0x02;
    out[3] = (byte) (rLen - 1);
    System.arraycopy(der, 5, out, 4, der.length - 5);
    return out;
  }

  /** (r, n − s) as DER: a valid, malleated ECDSA signature. */
  private static byte[] highSDer(byte[] der) {
    BigInteger[] rs = DerSignature.decode(der);
    return DerSignature.encode(rs[0], N.subtract(rs[1]));
  }

  /** (r, n − s) as JWS r‖s. */
  private static byte[] highSRaw(byte[] raw) {
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
    return DerSignature.toRaw(r, N.subtract(s));
  }

  private static byte[] hmacSha256(byte[] key, byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets the lowest bit of the last character: a pad bit for 32-, 64- and 65-byte values. */
  private static String withNonZeroPadBits(String b64url) {
    return b64url.substring(0, b64url.length() - 1) + withLowBitSet(b64url.charAt(b64url.length() - 1), true);
  }

  private static char withLowBitSet(char c, boolean url) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (url ? "-_" : "+/");
    return alphabet.charAt(alphabet.indexOf(c) | 1);
  }

  private static Map<String, Object> ecJwk(String crv, String x, String y, Map<String, Object> extras) {
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "EC");
    jwk.put("crv", crv);
    jwk.put("x", x);
    jwk.put("y", y);
    jwk.putAll(extras);
    return jwk;
  }

  private static byte[] trustRoot(String issuer, Object... keys) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("issuer", issuer);
    root.put("jwks", Map.of("keys", List.of(keys)));
    return StrictJson.writePretty(root);
  }

  /** A padding string that makes the forge's bundle exactly {@code total} bytes long. */
  private static String paddingFor(BundleForge f, int total) {
    f.bundleEdit = withMember("padding", "");
    return "p".repeat(total - f.bytes().length);
  }

  /** A forge whose statement (with an ignored member) has a length ≡ {@code mod} (mod 3). */
  private static BundleForge forgeWithPayloadLengthMod3(int mod) {
    BundleForge f = BundleForge.valid();
    String filler = "";
    f.statement.put("comment", filler);
    while (f.statementBytes().length % 3 != mod) {
      filler += "x";
      f.statement.put("comment", filler);
    }
    return f;
  }

  /** A forge whose payload's base64 holds {@code c}, so that a base64url spelling differs. */
  private static BundleForge forgeWhosePayloadEncodingHas(char c) {
    BundleForge f = BundleForge.valid();
    String filler = "???";
    f.statement.put("comment", filler);
    while (Base64Strict.encodeStd(f.statementBytes()).indexOf(c) < 0) {
      filler = " " + filler;
      f.statement.put("comment", filler);
    }
    return f;
  }

  /** The forge's bundle with an ignored member "note" whose value is {@code json}, written raw. */
  private static byte[] withJsonInNote(BundleForge f, String json) {
    f.bundleEdit = withMember("note", "@@");
    return replaceOnce(f.bytes(), "\"@@\"", json);
  }

  /** The forge's bundle with an ignored string member whose content is {@code raw} bytes. */
  private static byte[] withRawBytesInNote(BundleForge f, byte[] raw) {
    f.bundleEdit = withMember("note", "@@");
    byte[] bytes = f.bytes();
    byte[] marker = "\"@@\"".getBytes(US_ASCII);
    int at = indexOf(bytes, marker);
    return concat(concat(Arrays.copyOf(bytes, at + 1), raw), Arrays.copyOfRange(bytes, at + 3, bytes.length));
  }

  /** {@code json} with its single occurrence of {@code target} replaced (fails when not single). */
  private static byte[] replaceOnce(byte[] json, String target, String replacement) {
    String s = new String(json, UTF_8);
    int at = s.indexOf(target);
    if (at < 0 || s.indexOf(target, at + 1) >= 0) {
      throw new IllegalStateException("expected exactly one occurrence of " + target);
    }
    return (s.substring(0, at) + replacement + s.substring(at + target.length())).getBytes(UTF_8);
  }

  private static byte[] repeatMember(byte[] json, String member) {
    return replaceOnce(json, member, member + "," + member);
  }

  /** {@code levels} nested JSON arrays: {@code nest(1)} is {@code []}. */
  private static List<Object> nest(int levels) {
    List<Object> inner = new ArrayList<>();
    for (int i = 1; i < levels; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(inner);
      inner = outer;
    }
    return inner;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not found");
  }

  private static byte[] fixed(BigInteger v, int length) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[length];
    int n = Math.min(b.length, length);
    System.arraycopy(b, b.length - n, out, length - n, n);
    return out;
  }

  // ---------------------------------------------------------------------------------- paths and processes

  /** The orchestrator module's folder: the parent of target/, where test classes are compiled. */
  private static Path moduleDir() {
    try {
      Path testClasses =
          Path.of(BrowserVerifierTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return testClasses.getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A corpus of the repository's vectors folder (conformance, log), found as the verifier's ConformanceTest finds it. */
  private static Path corpusDir(String name) {
    String vectors = System.getProperty("hallmark.vectors.dir");
    Path dir =
        vectors != null && !vectors.isBlank()
            ? Path.of(vectors, name)
            : moduleDir.resolve("..").resolve("vectors").resolve(name);
    dir = dir.toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), name + " corpus missing: " + dir);
    return dir;
  }

  private static int caseCount(Path corpus) throws IOException {
    return StrictJson.parseObject(Files.readAllBytes(corpus.resolve("manifest.json")), StrictJson.BUNDLE_LIMIT)
        .requireArray("cases")
        .size();
  }

  private static String readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toString(UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The number on TAP's summary line {@code # pass N} (or {@code # fail N}); -1 when absent. */
  private static int tapCount(String tap, String what) {
    Matcher m = Pattern.compile("(?m)^# " + what + " (\\d+)\\s*$").matcher(tap);
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
