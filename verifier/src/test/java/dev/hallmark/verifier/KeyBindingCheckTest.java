package dev.hallmark.verifier;

import static dev.hallmark.verifier.ForgeVerification.assertFailsAt;
import static dev.hallmark.verifier.ForgeVerification.assertVerified;
import static dev.hallmark.verifier.ForgeVerification.verify;

import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.testing.BundleForge;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FORMATS §6 check 4, {@code key-binding}: the bundle's {@code publicKey} is a valid public P-256
 * JWK (§5), its RFC 7638 thumbprint is the token's {@code cnf.jkt}, and the SHA-256 of the
 * envelope's payload bytes is the token's {@code payload_sha256}.
 *
 * <p>Where the attack is a malformed key, {@code cnf.jkt} is bound to that very JWK and the
 * envelope is signed by its private key without a {@code keyid}, so the key rule is the only one
 * that fails.
 */
class KeyBindingCheckTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  // ------------------------------------------------------------ cnf

  @Test
  void rejectsMissingCnf() {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsCnfWithoutJkt() {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jwk", f.ephemeral.publicKey().toJwk()));
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsCnfJktOfNonStringType() {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jkt", List.of(f.ephemeral.publicKey().thumbprint())));
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsWrongCnfJkt() {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jkt", P256PrivateKey.generate(RANDOM).publicKey().thumbprint()));
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"padded", "hex", "uppercase"})
  void rejectsCnfJktSpelledOtherwise(String spelling) {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    String jkt = f.ephemeral.publicKey().thumbprint();
    String other =
        switch (spelling) {
          case "padded" -> jkt + "=";
          case "hex" -> Sha256.hex(Base64Strict.decodeUrl(jkt));
          default -> jkt.toUpperCase(Locale.ROOT);
        };
    f.claims.put("cnf", Map.of("jkt", other));
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void acceptsCnfWithExtraMembers() {
    BundleForge f = BundleForge.valid();
    f.autoJkt = false;
    Map<String, Object> cnf = new LinkedHashMap<>();
    cnf.put("jkt", f.ephemeral.publicKey().thumbprint());
    cnf.put("kid", "ignored");
    f.claims.put("cnf", cnf);
    assertVerified(verify(f));
  }

  /** A token bound to one key, an envelope signed by another: the swapped-key replay. */
  @Test
  void rejectsPublicKeySwappedForAttackerKey() {
    BundleForge f = BundleForge.valid();
    P256PrivateKey attacker = P256PrivateKey.generate(RANDOM);
    f.publicKeyOverride = new LinkedHashMap<>(attacker.publicKey().toJwk());
    f.envelopeSigner = signedBy(attacker::signDer, attacker.publicKey().thumbprint());
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  // ------------------------------------------------------------ payload_sha256

  @Test
  void rejectsPayloadSha256OfAnotherStatement() {
    BundleForge f = BundleForge.valid();
    BundleForge other = BundleForge.valid();
    other.statement.put("subject", List.of(BundleForge.subject("evil.tgz", "0".repeat(64))));
    f.autoPayloadSha256 = false;
    f.claims.put("payload_sha256", Sha256.hex(Sha256.of(other.statementBytes())));
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  /** The hash is of the payload bytes, never of a re-encoding of the same JSON value. */
  @Test
  void rejectsPayloadSha256OfReencodedStatement() {
    BundleForge f = BundleForge.valid();
    f.autoPayloadSha256 = false;
    f.claims.put("payload_sha256", Sha256.hex(Sha256.of(StrictJson.writePretty(f.statement))));
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  /** FORMATS §2: payload_sha256 is lowercase hex; an uppercase spelling does not equal it. */
  @Test
  void rejectsUppercasePayloadSha256AtTokenByItsForm() {
    // FORMATS §2 (revision 2): a claim that breaks the table's form fails token, before any binding.
    BundleForge f = BundleForge.valid();
    f.autoPayloadSha256 = false;
    f.claims.put(
        "payload_sha256", Sha256.hex(Sha256.of(f.statementBytes())).toUpperCase(Locale.ROOT));
    assertFailsAt(Check.TOKEN, verify(f));
  }

  // ------------------------------------------------------------ publicKey (§5)

  @Test
  void rejectsPublicKeyHoldingD() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("d", BundleForge.b64url(f.ephemeral.scalar()));
    f.publicKeyOverride = jwk; // same thumbprint: cnf.jkt still matches
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"p", "q", "dp", "dq", "qi", "oth", "k"})
  void rejectsPublicKeyHoldingOtherPrivateMember(String member) {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put(member, "AQAB");
    f.publicKeyOverride = jwk;
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyOffTheCurve() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    byte[] y = Base64Strict.decodeUrl((String) jwk.get("y"));
    y[31] ^= 1;
    jwk.put("y", BundleForge.b64url(y));
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyOnP384() throws GeneralSecurityException {
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
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    bindTo(
        f,
        jwk,
        pae -> {
          try {
            signer.update(pae);
            return signer.sign();
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        });
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyWithP256CoordinatesLabelledP384() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("crv", "P-384");
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  /**
   * The same point with x written minimally in 31 bytes (its first byte is zero): RFC 7518
   * §6.2.1.2 requires the full 32 bytes, and the thumbprint of the short form differs.
   */
  @Test
  void rejectsPublicKeyXOf31Bytes() {
    BundleForge f = BundleForge.valid();
    f.ephemeral = keyWhoseXStartsWithZero();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    byte[] x = Base64Strict.decodeUrl((String) jwk.get("x"));
    jwk.put("x", BundleForge.b64url(Arrays.copyOfRange(x, 1, 32)));
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyXOf33Bytes() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    byte[] x = Base64Strict.decodeUrl((String) jwk.get("x"));
    byte[] longer = new byte[33];
    System.arraycopy(x, 0, longer, 1, 32);
    jwk.put("x", BundleForge.b64url(longer));
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyXWithBase64Padding() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", jwk.get("x") + "=");
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  /**
   * The same 32 bytes spelled with non-zero pad bits; cnf.jkt is the canonical key's, so a lenient
   * decoder would accept the bundle.
   */
  @Test
  void rejectsPublicKeyXWithNonZeroPadBits() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("x", TokenCheckTest.withNonZeroPadBits((String) jwk.get("x")));
    f.publicKeyOverride = jwk;
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyXNotBelowTheFieldPrime() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    byte[] ff = new byte[32];
    Arrays.fill(ff, (byte) 0xFF);
    jwk.put("x", BundleForge.b64url(ff));
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kty", "crv", "x", "y"})
  void rejectsPublicKeyMissingMember(String member) {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.remove(member);
    f.publicKeyOverride = jwk;
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void rejectsPublicKeyOfKtyRsa() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("kty", "RSA");
    bindTo(f, jwk, f.ephemeral::signDer);
    assertFailsAt(Check.KEY_BINDING, verify(f));
  }

  @Test
  void acceptsPublicKeyWithUnknownPublicMembers() {
    BundleForge f = BundleForge.valid();
    Map<String, Object> jwk = new LinkedHashMap<>(f.ephemeral.publicKey().toJwk());
    jwk.put("use", "sig");
    jwk.put("kid", "ephemeral");
    f.publicKeyOverride = jwk;
    assertVerified(verify(f));
  }

  // ------------------------------------------------------------ helpers

  /**
   * Binds {@code cnf.jkt} to {@code jwk} exactly as written and signs the envelope with {@code
   * sign}, without a keyid: only the validity of {@code jwk} is left to fail.
   */
  private static void bindTo(BundleForge f, Map<String, Object> jwk, Function<byte[], byte[]> sign) {
    f.publicKeyOverride = jwk;
    f.autoJkt = false;
    f.claims.put("cnf", Map.of("jkt", BundleForge.thumbprint(jwk)));
    f.envelopeSigner = signedBy(sign, null);
  }

  static Function<byte[], List<Object>> signedBy(Function<byte[], byte[]> sign, String keyid) {
    return pae -> {
      Map<String, Object> s = new LinkedHashMap<>();
      if (keyid != null) {
        s.put("keyid", keyid);
      }
      s.put("sig", Base64Strict.encodeStd(sign.apply(pae)));
      return new ArrayList<>(List.of(s));
    };
  }

  private static P256PrivateKey keyWhoseXStartsWithZero() {
    while (true) {
      P256PrivateKey k = P256PrivateKey.generate(RANDOM);
      if (Base64Strict.decodeUrl(k.publicKey().x())[0] == 0) {
        return k;
      }
    }
  }

  private static byte[] fixed(BigInteger v, int length) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[length];
    int n = Math.min(b.length, length);
    System.arraycopy(b, b.length - n, out, length - n, n);
    return out;
  }
}
