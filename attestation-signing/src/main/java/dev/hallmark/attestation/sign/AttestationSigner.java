package dev.hallmark.attestation.sign;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.CryptoEngine;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.dsse.EnvelopeSignature;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.token.IdentityClaims;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs one attestation (ARCHITECTURE flow, step 4): a fresh ephemeral P-256 key, an identity token
 * from the issuer key binding that key ({@code cnf.jkt}) and the statement ({@code
 * payload_sha256}), and a DSSE signature over PAE. The ephemeral private key lives in a local
 * variable and is dropped on return. The issuer's token signature always uses BouncyCastle with
 * RFC 6979 deterministic nonces (the issuer key lives for months and signs thousands of times a
 * second: its nonces must not depend on a random generator's health). The ephemeral key's
 * generation and its one DSSE signature run on the signer's engine: on AWS-LC its nonce comes from
 * AWS-LC's DRBG (docs/threat-model.md: a weak nonce there exposes only a key that signs once and
 * is thrown away).
 *
 * <pre>{@code
 * AttestationSigner signer = new AttestationSigner(new SecureRandom());
 * Bundle bundle = signer.sign(statement.toJsonBytes(), issuerKey, claims);
 * }</pre>
 */
public final class AttestationSigner {
  private final SecureRandom random;
  private final CryptoEngine ephemeralEngine;

  /** A signer entirely on BouncyCastle (both signatures with RFC 6979 nonces). */
  public AttestationSigner(SecureRandom random) {
    this(random, CryptoEngine.bouncyCastle());
  }

  /** A signer whose ephemeral keys are generated, and sign their DSSE envelope, on {@code ephemeralEngine}. */
  public AttestationSigner(SecureRandom random, CryptoEngine ephemeralEngine) {
    this.random = requireNonNull(random, "random");
    this.ephemeralEngine = requireNonNull(ephemeralEngine, "ephemeralEngine");
  }

  /** Signs {@code statement} (the exact payload bytes) for the job described by {@code claims}. */
  public Bundle sign(byte[] statement, IssuerKey issuer, IdentityClaims claims) {
    requireNonNull(statement, "statement");
    P256PrivateKey ephemeral = ephemeralEngine.generateKey(random);
    P256PublicKey publicKey = ephemeral.publicKey();
    String jkt = publicKey.thumbprint();
    String token = mintToken(issuer, claims, jkt, Sha256.hex(Sha256.of(statement)));
    byte[] sig = ephemeralEngine.signDer(ephemeral, Pae.encode(Envelope.IN_TOTO_PAYLOAD_TYPE, statement));
    Envelope envelope =
        new Envelope(statement, Envelope.IN_TOTO_PAYLOAD_TYPE, List.of(new EnvelopeSignature(jkt, sig)));
    return new Bundle(token, JsonObject.of(publicKey.toJwk()), envelope);
  }

  private static String mintToken(IssuerKey issuer, IdentityClaims c, String jkt, String payloadSha256) {
    Map<String, Object> bindings = new LinkedHashMap<>();
    bindings.put("cnf", Map.of("jkt", jkt));
    bindings.put("payload_sha256", payloadSha256);
    return IdentityTokens.mint(
        issuer, c, IdentityClaims.ATTESTATION_TYPE, IdentityClaims.ATTESTATION_AUDIENCE, bindings);
  }
}
