package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.concat;
import static dev.hallmark.verifier.ForgeVerification.nest;
import static dev.hallmark.verifier.ForgeVerification.policyFor;
import static dev.hallmark.verifier.ForgeVerification.repeatMember;
import static dev.hallmark.verifier.ForgeVerification.replaceOnce;
import static dev.hallmark.verifier.ForgeVerification.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMATS §6 check 1, {@code bundle}: strict JSON (conventions), the 10 MiB bound, the §5 shape,
 * and canonical base64 of the envelope's {@code payload} and {@code sig}. Every fixture is a
 * validly signed bundle broken only in the way the test names.
 */
class BundleCheckTest {
  private static final String MEDIA_TYPE_MEMBER =
      "\"mediaType\":\"application/vnd.hallmark.bundle.v1+json\"";

  // ------------------------------------------------------------ JSON conventions

  @Test
  void rejectsDuplicateKeyAtBundleTopLevel() {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.BUNDLE, verify(f, repeatMember(f.bytes(), MEDIA_TYPE_MEMBER)));
  }

  /** The same member name twice, once spelled with a JSON escape: still a duplicate. */
  @Test
  void rejectsDuplicateKeySpelledWithEscape() {
    BundleForge f = BundleForge.valid();
    String escaped = MEDIA_TYPE_MEMBER.replace("\"mediaType\"", "\"media\\u0054ype\"");
    byte[] bytes = replaceOnce(f.bytes(), MEDIA_TYPE_MEMBER, MEDIA_TYPE_MEMBER + "," + escaped);
    assertFailsAt(Check.BUNDLE, verify(f, bytes));
  }

  @Test
  void rejectsDuplicateKeyInsideVerificationMaterial() {
    BundleForge f = BundleForge.valid();
    String publicKey =
        "\"publicKey\":"
            + new String(StrictJson.write(f.ephemeral.publicKey().toJwk()), StandardCharsets.UTF_8);
    assertFailsAt(Check.BUNDLE, verify(f, repeatMember(f.bytes(), publicKey)));
  }

  @Test
  void rejectsDuplicateKeyInsidePublicKey() {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.BUNDLE, verify(f, repeatMember(f.bytes(), "\"crv\":\"P-256\"")));
  }

  @Test
  void rejectsDuplicateKeyInsideEnvelopeSignature() {
    BundleForge f = BundleForge.valid();
    String keyid = "\"keyid\":\"" + f.ephemeral.publicKey().thumbprint() + "\"";
    assertFailsAt(Check.BUNDLE, verify(f, repeatMember(f.bytes(), keyid)));
  }

  @Test
  void rejectsNesting65LevelsDeep() {
    BundleForge f = BundleForge.valid();
    // The bundle object is level 1, so 64 nested arrays inside it make 65 levels.
    f.bundleEdit = withMember("x", nest(64));
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void acceptsNesting64LevelsDeepInIgnoredUnknownMember() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("x", nest(63));
    assertVerified(verify(f));
  }

  @Test
  void rejectsTrailingBytesAfterTheJson() {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.BUNDLE, verify(f, concat(f.bytes(), "x".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void rejectsSecondJsonValueAfterTheBundle() {
    BundleForge f = BundleForge.valid();
    assertFailsAt(Check.BUNDLE, verify(f, concat(f.bytes(), "{}".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void acceptsTrailingWhitespace() {
    BundleForge f = BundleForge.valid();
    assertVerified(verify(f, concat(f.bytes(), " \n\t\r\n".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void rejectsByteOrderMark() {
    BundleForge f = BundleForge.valid();
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    assertFailsAt(Check.BUNDLE, verify(f, concat(bom, f.bytes())));
  }

  @Test
  void rejectsInvalidUtf8InIgnoredMember() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("note", "@@");
    byte[] invalid = f.bytes();
    // Swap the two ASCII placeholders for an overlong '/' (C0 AF), which UTF-8 forbids.
    int at = indexOf(invalid, "\"@@\"".getBytes(StandardCharsets.US_ASCII)) + 1;
    invalid[at] = (byte) 0xC0;
    invalid[at + 1] = (byte) 0xAF;
    assertFailsAt(Check.BUNDLE, verify(f, invalid));
  }

  /** A UTF-16 surrogate encoded directly in UTF-8 (ED A0 80), which UTF-8 forbids. */
  @Test
  void rejectsEncodedSurrogateInIgnoredMember() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("note", "@@@");
    byte[] invalid = f.bytes();
    int at = indexOf(invalid, "\"@@@\"".getBytes(StandardCharsets.US_ASCII)) + 1;
    invalid[at] = (byte) 0xED;
    invalid[at + 1] = (byte) 0xA0;
    invalid[at + 2] = (byte) 0x80;
    assertFailsAt(Check.BUNDLE, verify(f, invalid));
  }

  @Test
  void rejectsLoneSurrogateEscapeInIgnoredMember() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("note", "@@");
    assertFailsAt(Check.BUNDLE, verify(f, replaceOnce(f.bytes(), "\"@@\"", "\"\\ud800\"")));
  }

  @Test
  void rejectsBundleOver10MiB() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("padding", paddingFor(f, StrictJson.BUNDLE_LIMIT + 1));
    byte[] bytes = f.bytes();
    assertEquals(10 * 1024 * 1024 + 1, bytes.length);
    assertFailsAt(Check.BUNDLE, verify(f, bytes));
  }

  @Test
  void acceptsBundleOfExactly10MiB() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("padding", paddingFor(f, StrictJson.BUNDLE_LIMIT));
    byte[] bytes = f.bytes();
    assertEquals(10 * 1024 * 1024, bytes.length);
    assertVerified(verify(f, bytes));
  }

  @Test
  void rejectsUnreadableBundleSource() {
    BundleForge f = BundleForge.valid();
    VerificationResult r =
        EngineUnderTest.verifier()
            .verify(
                () -> {
                  throw new IllegalStateException("cannot read bundle.json");
                },
                policyFor(f).withoutArtifactUnsafe().build());
    assertFailsAt(Check.BUNDLE, r);
  }

  @Test
  void rejectsTopLevelArray() {
    BundleForge f = BundleForge.valid();
    byte[] array = concat(concat("[".getBytes(StandardCharsets.US_ASCII), f.bytes()), "]".getBytes(StandardCharsets.US_ASCII));
    assertFailsAt(Check.BUNDLE, verify(f, array));
  }

  // ------------------------------------------------------------ §5 shape

  @Test
  void rejectsWrongMediaType() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = withMember("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsMissingMediaType() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      b.remove("mediaType");
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsMissingVerificationMaterial() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      b.remove("verificationMaterial");
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsIdentityTokenOfWrongType() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      Map<String, Object> material = material(b);
      material.put("identityToken", List.of(material.get("identityToken")));
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsPublicKeyOfWrongType() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      material(b).put("publicKey", "-----BEGIN PUBLIC KEY-----");
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsSignaturesThatAreNotAnArray() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      Map<String, Object> env = envelope(b);
      env.put("signatures", ((List<?>) env.get("signatures")).get(0));
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsKeyidOfWrongType() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      firstSignature(b).put("keyid", 7L);
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  // ------------------------------------------------------------ canonical base64

  @Test
  void rejectsPayloadWithoutPadding() {
    BundleForge f = forgeWithPayloadLengthMod3(1); // b64 ends in "=="
    String b64 = Base64Strict.encodeStd(f.statementBytes());
    assertTrue(b64.endsWith("=="));
    f.bundleEdit = withPayload(b64.substring(0, b64.length() - 2));
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsPayloadWithNonZeroPadBits() {
    BundleForge f = forgeWithPayloadLengthMod3(1);
    String b64 = Base64Strict.encodeStd(f.statementBytes());
    // The last data character of "X==" carries 4 pad bits; set the lowest one.
    char last = b64.charAt(b64.length() - 3);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char tweaked = alphabet.charAt(alphabet.indexOf(last) | 1);
    f.bundleEdit = withPayload(b64.substring(0, b64.length() - 3) + tweaked + "==");
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsPayloadWithLineBreaks() {
    BundleForge f = BundleForge.valid();
    String b64 = Base64Strict.encodeStd(f.statementBytes());
    f.bundleEdit = withPayload(b64.substring(0, 76) + "\r\n" + b64.substring(76));
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsPayloadInBase64UrlAlphabet() {
    BundleForge f = forgeWhosePayloadEncodingHasSlash();
    String b64 = Base64Strict.encodeStd(f.statementBytes());
    f.bundleEdit = withPayload(b64.replace('/', '_').replace('+', '-'));
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsSigWithNonCanonicalPadding() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      Map<String, Object> sig = firstSignature(b);
      String b64 = (String) sig.get("sig");
      // A DER P-256 signature is 70 to 72 bytes: 72 is the only length with no padding.
      if (b64.endsWith("=")) {
        sig.put("sig", b64.replace("=", ""));
      } else {
        sig.put("sig", b64 + "=");
      }
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  // ------------------------------------------------------------ helpers

  private static UnaryOperator<Map<String, Object>> withMember(String name, Object value) {
    return b -> {
      b.put(name, value);
      return b;
    };
  }

  private static UnaryOperator<Map<String, Object>> withPayload(String b64) {
    return b -> {
      envelope(b).put("payload", b64);
      return b;
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> material(Map<String, Object> bundle) {
    return (Map<String, Object>) bundle.get("verificationMaterial");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> envelope(Map<String, Object> bundle) {
    return (Map<String, Object>) bundle.get("dsseEnvelope");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstSignature(Map<String, Object> bundle) {
    return (Map<String, Object>) ((List<Object>) envelope(bundle).get("signatures")).get(0);
  }

  /** A padding string that makes the forge's bundle exactly {@code total} bytes long. */
  private static String paddingFor(BundleForge f, int total) {
    f.bundleEdit = withMember("padding", "");
    int base = f.bytes().length;
    return "p".repeat(total - base);
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

  /** A forge whose payload's base64 holds a '/' (so a base64url spelling differs from it). */
  private static BundleForge forgeWhosePayloadEncodingHasSlash() {
    BundleForge f = BundleForge.valid();
    String filler = "???";
    f.statement.put("comment", filler);
    while (!Base64Strict.encodeStd(f.statementBytes()).contains("/")) {
      filler = " " + filler;
      f.statement.put("comment", filler);
    }
    return f;
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
    throw new AssertionError("not found: " + Arrays.toString(needle));
  }

  @ParameterizedTest
  @ValueSource(strings = {"identityToken", "publicKey"})
  void rejectsMissingVerificationMaterialMember(String member) {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      material(b).remove(member);
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"payload", "payloadType", "signatures"})
  void rejectsMissingEnvelopeMember(String member) {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      envelope(b).remove(member);
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsSignatureEntryWithoutSig() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      firstSignature(b).remove("sig");
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }

  @Test
  void rejectsSignatureEntryThatIsNotAnObject() {
    BundleForge f = BundleForge.valid();
    f.bundleEdit = b -> {
      envelope(b).put("signatures", new ArrayList<>(List.of("MEUCIQ==")));
      return b;
    };
    assertFailsAt(Check.BUNDLE, verify(f));
  }
}
