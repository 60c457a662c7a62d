package dev.hallmark.attestation.bundle;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hallmark bundle (FORMATS §5): the identity token, the ephemeral public key and the DSSE
 * envelope. {@link #parse} enforces everything the {@code bundle} check owns (size, strict JSON,
 * media type, members and their types, base64); the token's and the key's insides are judged by
 * later checks, so they are kept as given.
 *
 * <pre>{@code
 * Bundle bundle = Bundle.parse(Files.readAllBytes(path));
 * String token = bundle.identityToken();
 * }</pre>
 */
public record Bundle(String identityToken, JsonObject publicKey, Envelope dsseEnvelope, String logProof) {
  public static final String MEDIA_TYPE = "application/vnd.hallmark.bundle.v1+json";
  /** FORMATS §3/§5: a bundle's file name is {@code <first subject name>.hallmark.json}. */
  public static final String FILE_SUFFIX = ".hallmark.json";

  public Bundle {
    requireNonNull(identityToken, "identityToken");
    requireNonNull(publicKey, "publicKey");
    requireNonNull(dsseEnvelope, "dsseEnvelope");
  }

  /** A bundle without a transparency-log proof. */
  public Bundle(String identityToken, JsonObject publicKey, Envelope dsseEnvelope) {
    this(identityToken, publicKey, dsseEnvelope, null);
  }

  /** This bundle carrying {@code proof} (a c2sp.org/tlog-proof@v1 text, FORMATS §8.3). */
  public Bundle withLogProof(String proof) {
    return new Bundle(identityToken, publicKey, dsseEnvelope, requireNonNull(proof, "proof"));
  }

  /** Parses bundle bytes; fails with a one-line {@link AttestationException}. */
  public static Bundle parse(byte[] bytes) {
    JsonObject root = StrictJson.parseObject(bytes, StrictJson.BUNDLE_LIMIT);
    String mediaType = root.requireString("mediaType");
    if (!MEDIA_TYPE.equals(mediaType)) {
      throw new AttestationException(Code.SHAPE, "mediaType is not " + MEDIA_TYPE);
    }
    JsonObject material = root.requireObject("verificationMaterial");
    String token = material.requireString("identityToken");
    JsonObject publicKey = material.requireObject("publicKey");
    // FORMATS §5: a logProof that is not a string fails `bundle`; its content is the log check's.
    String logProof = material.optString("logProof");
    Envelope envelope = Envelope.fromJson(root.requireObject("dsseEnvelope"));
    return new Bundle(token, publicKey, envelope, logProof);
  }

  /** The JSON tree, members in FORMATS §5 order. */
  public Map<String, Object> toJson() {
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("identityToken", identityToken);
    material.put("publicKey", publicKey);
    if (logProof != null) {
      material.put("logProof", logProof);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mediaType", MEDIA_TYPE);
    m.put("verificationMaterial", material);
    m.put("dsseEnvelope", dsseEnvelope.toJson());
    return m;
  }

  /** The stored form: indented UTF-8 JSON ending in a newline. */
  public byte[] toJsonBytes() {
    byte[] body = StrictJson.writePretty(toJson());
    byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
    out[body.length] = '\n';
    return out;
  }

  @Override
  public String toString() {
    return "Bundle[" + dsseEnvelope + "]";
  }
}
