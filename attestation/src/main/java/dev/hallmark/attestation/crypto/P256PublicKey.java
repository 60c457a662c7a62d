package dev.hallmark.attestation.crypto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A validated EC P-256 public key: coordinates exactly 32 bytes each and a point on the curve, or
 * it does not exist. {@link #verifyDer} and {@link #verifyRaw} run BouncyCastle's ECDSA (the
 * portable engine); {@link CryptoEngine#verifyDer} chooses another. An instance keeps its point
 * (and an engine's own form of it), so per-key preparation is done once and reused by every later
 * verification with the same instance (issuer keys are prepared once).
 *
 * <pre>{@code
 * P256PublicKey key = P256PublicKey.fromJwk(jwk);
 * boolean ok = key.verifyDer(Pae.encode(type, payload), derSignature);
 * String jkt = key.thumbprint();
 * }</pre>
 */
public final class P256PublicKey {
  /** Members that only private JWKs carry (RFC 7517/7518). */
  public static final List<String> PRIVATE_MEMBERS =
      List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  private final String x;
  private final String y;
  private final ECPublicKeyParameters params;
  private volatile String thumbprint;
  /** The key in a native engine's form, made on first use by that engine (see AwsLcEngine). */
  volatile Object engineKey;

  private P256PublicKey(String x, String y, ECPublicKeyParameters params) {
    this.x = x;
    this.y = y;
    this.params = params;
  }

  /** From raw 32-byte big-endian coordinates; fails with {@link Code#KEY}. */
  public static P256PublicKey fromCoordinates(byte[] xBytes, byte[] yBytes) {
    if (xBytes.length != 32 || yBytes.length != 32) {
      throw new AttestationException(Code.KEY, "EC P-256 coordinates must be exactly 32 bytes");
    }
    ECPoint point;
    try {
      point =
          P256.DOMAIN.getCurve().createPoint(new BigInteger(1, xBytes), new BigInteger(1, yBytes));
      if (point.isInfinity() || !point.isValid()) {
        throw new AttestationException(Code.KEY, "EC point is not on the P-256 curve");
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new AttestationException(Code.KEY, "EC point is not on the P-256 curve");
    }
    return new P256PublicKey(
        Base64Strict.encodeUrl(xBytes),
        Base64Strict.encodeUrl(yBytes),
        new ECPublicKeyParameters(point, P256.DOMAIN));
  }

  /**
   * From a public JWK (FORMATS §5): {@code kty} "EC", {@code crv} "P-256", canonical base64url
   * {@code x}/{@code y} of 32 bytes, on the curve, no private members. Fails with {@link Code#KEY}.
   */
  public static P256PublicKey fromJwk(JsonObject jwk) {
    for (String member : PRIVATE_MEMBERS) {
      if (jwk.has(member)) {
        throw new AttestationException(Code.KEY, "key holds the private member '" + member + "'");
      }
    }
    try {
      if (!"EC".equals(jwk.requireString("kty"))) {
        throw new AttestationException(Code.KEY, "key type is not EC");
      }
      if (!"P-256".equals(jwk.requireString("crv"))) {
        throw new AttestationException(Code.KEY, "key curve is not P-256");
      }
      byte[] xb = Base64Strict.decodeUrl(jwk.requireString("x"));
      byte[] yb = Base64Strict.decodeUrl(jwk.requireString("y"));
      return fromCoordinates(xb, yb);
    } catch (AttestationException e) {
      if (e.code() == Code.KEY) {
        throw e;
      }
      throw new AttestationException(Code.KEY, "invalid EC key: " + e.getMessage());
    }
  }

  /** RFC 7638 SHA-256 thumbprint, base64url: the {@code cnf.jkt} and DSSE {@code keyid} value. */
  public String thumbprint() {
    String t = thumbprint;
    if (t == null) {
      // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
      String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
      t = Base64Strict.encodeUrl(Sha256.of(canonical.getBytes(StandardCharsets.US_ASCII)));
      thumbprint = t;
    }
    return t;
  }

  /** The public JWK members {@code kty, crv, x, y}, in that order. */
  public Map<String, Object> toJwk() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kty", "EC");
    m.put("crv", "P-256");
    m.put("x", x);
    m.put("y", y);
    return m;
  }

  public String x() {
    return x;
  }

  public String y() {
    return y;
  }

  /**
   * Verifies a DER signature over SHA-256({@code message}) with BouncyCastle; malformed DER fails
   * with an exception.
   */
  public boolean verifyDer(byte[] message, byte[] der) {
    return BouncyCastleEngine.INSTANCE.verifyDer(this, message, der);
  }

  /** Verifies a 64-byte {@code r‖s} (JWS ES256) signature over SHA-256({@code message}) with BouncyCastle. */
  public boolean verifyRaw(byte[] message, byte[] raw) {
    return BouncyCastleEngine.INSTANCE.verifyRaw(this, message, raw);
  }

  ECPublicKeyParameters params() {
    return params;
  }

  /**
   * Runs one (failing) verification with the base point as key, so that a short-lived process can
   * load and initialise the curve arithmetic on another thread while it reads its inputs.
   */
  public static void warmUp() {
    var g = P256.DOMAIN.getG().normalize();
    P256PublicKey key =
        fromCoordinates(
            P256.fixed32(g.getAffineXCoord().toBigInteger()),
            P256.fixed32(g.getAffineYCoord().toBigInteger()));
    byte[] rs = new byte[64];
    rs[31] = 1;
    rs[63] = 1;
    key.verifyRaw(new byte[] {0}, rs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof P256PublicKey k && k.x.equals(x) && k.y.equals(y);
  }

  @Override
  public int hashCode() {
    return x.hashCode() * 31 + y.hashCode();
  }

  @Override
  public String toString() {
    return "P256PublicKey[jkt=" + thumbprint() + "]";
  }
}
