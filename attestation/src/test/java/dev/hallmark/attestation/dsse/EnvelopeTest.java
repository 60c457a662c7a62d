package dev.hallmark.attestation.dsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §4 envelope shape and base64 (the bundle check's share). */
class EnvelopeTest {
  private static final String PAYLOAD_B64 = "eyJhIjoxfQ=="; // {"a":1}
  private static final String SIG_B64 = "MEUCIQ=="; // any bytes: the shape is judged here, not DER

  private static Map<String, Object> sig(Object keyid, Object sig) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (keyid != null) {
      m.put("keyid", keyid);
    }
    if (sig != null) {
      m.put("sig", sig);
    }
    return m;
  }

  private static Map<String, Object> envelope() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("payload", PAYLOAD_B64);
    m.put("payloadType", "application/vnd.in-toto+json");
    m.put("signatures", new ArrayList<>(List.of(sig("jkt", SIG_B64))));
    return m;
  }

  private static JsonObject json(Map<String, Object> m) {
    return StrictJson.parseObject(StrictJson.write(m), 1 << 20);
  }

  private static void assertCode(Code code, Executable e) {
    AttestationException ex = assertThrows(AttestationException.class, e);
    assertEquals(code, ex.code());
  }

  private static Envelope parseWith(String member, Object value) {
    Map<String, Object> m = envelope();
    if (value == null) {
      m.remove(member);
    } else {
      m.put(member, value);
    }
    return Envelope.fromJson(json(m));
  }

  // ------------------------------------------------------------------ valid

  @Test
  void parsesValidEnvelope() {
    Envelope env = Envelope.fromJson(json(envelope()));
    assertArrayEquals("{\"a\":1}".getBytes(StandardCharsets.UTF_8), env.payload());
    assertEquals("application/vnd.in-toto+json", env.payloadType());
    assertEquals(1, env.signatures().size());
    assertEquals("jkt", env.signatures().get(0).keyid());
    assertArrayEquals(new byte[] {0x30, 0x45, 0x02, 0x21}, env.signatures().get(0).sig());
  }

  @Test
  void keepsPayloadTypeAndSignatureCountForTheSignatureCheck() {
    // payloadType value and the number of signatures are judged later (FORMATS §6 signature).
    Map<String, Object> m = envelope();
    m.put("payloadType", "text/plain");
    m.put("signatures", List.of());
    Envelope env = Envelope.fromJson(json(m));
    assertEquals("text/plain", env.payloadType());
    assertTrue(env.signatures().isEmpty());
    Map<String, Object> two = envelope();
    two.put("signatures", List.of(sig("a", SIG_B64), sig("b", SIG_B64)));
    assertEquals(2, Envelope.fromJson(json(two)).signatures().size());
  }

  @Test
  void absentKeyidIsNull() {
    Envelope env = parseWith("signatures", List.of(sig(null, SIG_B64)));
    assertNull(env.signatures().get(0).keyid());
  }

  @Test
  void emptyKeyidIsPresent() {
    Envelope env = parseWith("signatures", List.of(sig("", SIG_B64)));
    assertEquals("", env.signatures().get(0).keyid());
  }

  @Test
  void emptyPayloadIsAllowed() {
    assertEquals(0, parseWith("payload", "").payload().length);
  }

  // ------------------------------------------------------------------ encoding

  @ParameterizedTest
  @ValueSource(strings = {"eyJhIjoxfQ", "eyJhIjoxfR==", "eyJhIjoxfQ==\n", "eyJh Ijox fQ==", "eyJhIjoxfQ=", "-_-_"})
  void rejectsNonCanonicalPayloadBase64(String b64) {
    assertCode(Code.ENCODING, () -> parseWith("payload", b64));
  }

  @ParameterizedTest
  @ValueSource(strings = {"MEUCIQ", "MEUCIR==", "MEUC IQ==", "MEUCIQ==\r\n", "_-_-"})
  void rejectsNonCanonicalSigBase64(String b64) {
    assertCode(Code.ENCODING, () -> parseWith("signatures", List.of(sig("jkt", b64))));
  }

  // ------------------------------------------------------------------ shape

  @Test
  void rejectsMissingPayloadType() {
    assertCode(Code.SHAPE, () -> parseWith("payloadType", null));
  }

  @Test
  void rejectsMistypedPayloadType() {
    assertCode(Code.SHAPE, () -> parseWith("payloadType", 1L));
    assertCode(Code.SHAPE, () -> parseWith("payloadType", List.of("application/vnd.in-toto+json")));
  }

  @Test
  void rejectsMissingOrMistypedPayload() {
    assertCode(Code.SHAPE, () -> parseWith("payload", null));
    assertCode(Code.SHAPE, () -> parseWith("payload", 1L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "[\"k\"]", "{}", "null"})
  void rejectsKeyidOfWrongType(String keyid) {
    String json =
        "{\"payload\":\"" + PAYLOAD_B64 + "\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":"
            + keyid + ",\"sig\":\"" + SIG_B64 + "\"}]}";
    JsonObject o = StrictJson.parseObject(json.getBytes(StandardCharsets.UTF_8), 1 << 20);
    assertCode(Code.SHAPE, () -> Envelope.fromJson(o));
  }

  @Test
  void rejectsSignaturesNotAnArray() {
    assertCode(Code.SHAPE, () -> parseWith("signatures", sig("jkt", SIG_B64)));
    assertCode(Code.SHAPE, () -> parseWith("signatures", "[]"));
  }

  @Test
  void rejectsMissingSignatures() {
    assertCode(Code.SHAPE, () -> parseWith("signatures", null));
  }

  @Test
  void rejectsNonObjectSignature() {
    assertCode(Code.SHAPE, () -> parseWith("signatures", List.of(SIG_B64)));
  }

  @Test
  void rejectsMissingOrMistypedSig() {
    assertCode(Code.SHAPE, () -> parseWith("signatures", List.of(sig("jkt", null))));
    assertCode(Code.SHAPE, () -> parseWith("signatures", List.of(sig("jkt", 5L))));
  }

  // ------------------------------------------------------------------ value

  @Test
  void toJsonParsesBackEqual() {
    Envelope env = Envelope.fromJson(json(envelope()));
    assertEquals(env, Envelope.fromJson(json(env.toJson())));
    assertEquals(List.of("payload", "payloadType", "signatures"), List.copyOf(env.toJson().keySet()));
  }

  @Test
  void toJsonOmitsAbsentKeyidAndKeepsEmptyOne() {
    Envelope absent = new Envelope(new byte[] {1}, "t", List.of(new EnvelopeSignature(null, new byte[] {2})));
    Envelope empty = new Envelope(new byte[] {1}, "t", List.of(new EnvelopeSignature("", new byte[] {2})));
    assertNull(Envelope.fromJson(json(absent.toJson())).signatures().get(0).keyid());
    assertEquals("", Envelope.fromJson(json(empty.toJson())).signatures().get(0).keyid());
    assertNotEquals(absent, empty);
  }

  @Test
  void payloadIsCopiedInAndOut() {
    byte[] payload = {1, 2, 3};
    Envelope env = new Envelope(payload, "t", List.of());
    payload[0] = 9;
    assertEquals(1, env.payload()[0]);
    env.payload()[1] = 9;
    assertEquals(2, env.payload()[1]);
    assertEquals(3, env.payloadUnsafe()[2]);
  }

  @Test
  void signaturesListIsImmutable() {
    List<EnvelopeSignature> sigs = new ArrayList<>(List.of(new EnvelopeSignature("k", new byte[] {1})));
    Envelope env = new Envelope(new byte[0], "t", sigs);
    sigs.clear();
    assertEquals(1, env.signatures().size());
    assertThrows(UnsupportedOperationException.class, () -> env.signatures().clear());
  }

  @Test
  void equalityComparesContent() {
    Envelope a = new Envelope(new byte[] {1}, "t", List.of(new EnvelopeSignature("k", new byte[] {2})));
    Envelope b = new Envelope(new byte[] {1}, "t", List.of(new EnvelopeSignature("k", new byte[] {2})));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new Envelope(new byte[] {1}, "u", a.signatures()));
    assertNotEquals(a, new Envelope(new byte[] {3}, "t", a.signatures()));
    assertNotEquals(a, new Envelope(new byte[] {1}, "t", List.of(new EnvelopeSignature("k", new byte[] {3}))));
  }

  @Test
  void requiresPayloadAndType() {
    assertThrows(NullPointerException.class, () -> new Envelope(null, "t", List.of()));
    assertThrows(NullPointerException.class, () -> new Envelope(new byte[0], null, List.of()));
  }
}
