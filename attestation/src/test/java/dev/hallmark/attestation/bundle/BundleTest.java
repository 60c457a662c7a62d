package dev.hallmark.attestation.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** FORMATS §5 and the bundle check of §6. */
class BundleTest {

  private static void assertCode(Code code, Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(code, ex.code());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> material(Map<String, Object> bundle) {
    return (Map<String, Object>) bundle.get("verificationMaterial");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> envelope(Map<String, Object> bundle) {
    return (Map<String, Object>) bundle.get("dsseEnvelope");
  }

  // ------------------------------------------------------------------ valid

  @Test
  void parsesValidBundle() {
    BundleForge forge = BundleForge.valid();
    Bundle bundle = Bundle.parse(forge.bytes());
    assertEquals(forge.token(), bundle.identityToken());
    assertEquals(forge.ephemeral.publicKey(), P256PublicKey.fromJwk(bundle.publicKey()));
    assertArrayEquals(forge.statementBytes(), bundle.dsseEnvelope().payload());
    assertEquals(BundleForge.PAYLOAD_TYPE, bundle.dsseEnvelope().payloadType());
    assertEquals(1, bundle.dsseEnvelope().signatures().size());
    assertEquals(
        forge.ephemeral.publicKey().thumbprint(), bundle.dsseEnvelope().signatures().get(0).keyid());
  }

  @Test
  void keepsTokenAndKeyInsidesForLaterChecks() {
    // Not a JWS, and a key with a private member: both belong to later checks (§6 token, key-binding).
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          material(b).put("identityToken", "not a token");
          material(b).put("publicKey", Map.of("kty", "EC", "d", "secret"));
          return b;
        };
    Bundle bundle = Bundle.parse(forge.bytes());
    assertEquals("not a token", bundle.identityToken());
    assertTrue(bundle.publicKey().has("d"));
  }

  @Test
  void ignoresUnknownMembers() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          b.put("extra", List.of(1L));
          material(b).put("x509CertificateChain", "ignored");
          return b;
        };
    Bundle.parse(forge.bytes());
  }

  // ------------------------------------------------------------------ refused

  @Test
  void rejectsWrongMediaType() {
    for (String mediaType :
        List.of(
            "application/vnd.hallmark.bundle.v2+json",
            "application/vnd.dev.sigstore.bundle.v0.3+json",
            "APPLICATION/VND.HALLMARK.BUNDLE.V1+JSON",
            "application/vnd.hallmark.bundle.v1+json ",
            "")) {
      BundleForge forge = BundleForge.valid();
      forge.bundleEdit =
          b -> {
            b.put("mediaType", mediaType);
            return b;
          };
      assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
    }
  }

  @Test
  void rejectsMissingOrMistypedMediaType() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          b.remove("mediaType");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
    forge.bundleEdit =
        b -> {
          b.put("mediaType", 1L);
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsMissingVerificationMaterial() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          b.remove("verificationMaterial");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsVerificationMaterialOfWrongType() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          b.put("verificationMaterial", List.of(material(b)));
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsIdentityTokenAsNumber() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          material(b).put("identityToken", 42L);
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsMissingIdentityToken() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          material(b).remove("identityToken");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsPublicKeyAsString() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          material(b).put("publicKey", "{\"kty\":\"EC\"}");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsMissingPublicKey() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          material(b).remove("publicKey");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsMissingOrMistypedEnvelope() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          b.remove("dsseEnvelope");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
    forge.bundleEdit =
        b -> {
          b.put("dsseEnvelope", "e30=");
          return b;
        };
    assertCode(Code.SHAPE, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsBadBase64InPayload() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          envelope(b).put("payload", envelope(b).get("payload") + "=");
          return b;
        };
    assertCode(Code.ENCODING, () -> Bundle.parse(forge.bytes()));
    forge.bundleEdit =
        b -> {
          String p = (String) envelope(b).get("payload");
          envelope(b).put("payload", p.substring(0, 4) + "\n" + p.substring(4));
          return b;
        };
    assertCode(Code.ENCODING, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsBadBase64InSig() {
    BundleForge forge = BundleForge.valid();
    forge.bundleEdit =
        b -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> sig =
              (Map<String, Object>) ((List<Object>) envelope(b).get("signatures")).get(0);
          sig.put("sig", ((String) sig.get("sig")).replace('+', '-').replace('/', '_') + "=");
          return b;
        };
    assertCode(Code.ENCODING, () -> Bundle.parse(forge.bytes()));
  }

  @Test
  void rejectsDuplicateKeys() {
    BundleForge forge = BundleForge.valid();
    String json = new String(forge.bytes(), StandardCharsets.UTF_8);
    String dup = "{\"mediaType\":\"" + Bundle.MEDIA_TYPE + "\"," + json.substring(1);
    assertCode(Code.JSON, () -> Bundle.parse(dup.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsNonJsonAndNonObject() {
    assertCode(Code.JSON, () -> Bundle.parse("hello".getBytes(StandardCharsets.UTF_8)));
    assertCode(Code.JSON, () -> Bundle.parse("[]".getBytes(StandardCharsets.UTF_8)));
    assertCode(Code.JSON, () -> Bundle.parse(new byte[0]));
  }

  @Test
  void rejectsBundleOver10MiB() {
    byte[] valid = BundleForge.valid().bytes();
    byte[] exact = Arrays.copyOf(valid, StrictJson.BUNDLE_LIMIT);
    Arrays.fill(exact, valid.length, exact.length, (byte) ' ');
    Bundle.parse(exact);
    byte[] over = Arrays.copyOf(exact, exact.length + 1);
    over[over.length - 1] = ' ';
    assertCode(Code.JSON, () -> Bundle.parse(over));
  }

  // ------------------------------------------------------------------ writing

  @Test
  void toJsonBytesRoundTrips() {
    Bundle bundle = Bundle.parse(BundleForge.valid().bytes());
    byte[] stored = bundle.toJsonBytes();
    assertEquals('\n', stored[stored.length - 1]);
    Bundle again = Bundle.parse(stored);
    assertEquals(bundle, again);
    assertArrayEquals(bundle.dsseEnvelope().payload(), again.dsseEnvelope().payload());
    assertArrayEquals(stored, again.toJsonBytes());
  }

  @Test
  void toJsonHasFormatsMemberOrder() {
    Bundle bundle = Bundle.parse(BundleForge.valid().bytes());
    Map<String, Object> tree = bundle.toJson();
    assertEquals(List.of("mediaType", "verificationMaterial", "dsseEnvelope"), List.copyOf(tree.keySet()));
    assertEquals(Bundle.MEDIA_TYPE, tree.get("mediaType"));
    JsonObject parsed = StrictJson.parseObject(bundle.toJsonBytes(), StrictJson.BUNDLE_LIMIT);
    assertEquals(
        List.of("identityToken", "publicKey"),
        List.copyOf(parsed.requireObject("verificationMaterial").members().keySet()));
  }

  @Test
  void requiresAllParts() {
    Bundle b = Bundle.parse(BundleForge.valid().bytes());
    assertThrows(NullPointerException.class, () -> new Bundle(null, b.publicKey(), b.dsseEnvelope()));
    assertThrows(NullPointerException.class, () -> new Bundle(b.identityToken(), null, b.dsseEnvelope()));
    assertThrows(NullPointerException.class, () -> new Bundle(b.identityToken(), b.publicKey(), null));
  }

  @Test
  void toStringDoesNotShowTheToken() {
    Bundle b = Bundle.parse(BundleForge.valid().bytes());
    assertTrue(!b.toString().contains(b.identityToken()));
  }
}
