package dev.hallmark.attestation.sign;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.dsse.EnvelopeSignature;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.token.IdentityClaims;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Signs one attestation (ARCHITECTURE flow, step 4): a fresh ephemeral P-256 key, an identity token
 * from the issuer key binding that key ({@code cnf.jkt}) and the statement ({@code
 * payload_sha256}), and a DSSE signature over PAE. The ephemeral private key lives in a local
 * variable and is dropped on return. Both signatures use RFC 6979 deterministic nonces.
 *
 * <pre>{@code
 * AttestationSigner signer = new AttestationSigner(new SecureRandom());
 * Bundle bundle = signer.sign(statement.toJsonBytes(), issuerKey, claims);
 * }</pre>
 */
public final class AttestationSigner {
  private final SecureRandom random;

  public AttestationSigner(SecureRandom random) {
    this.random = requireNonNull(random, "random");
  }

  /** Signs {@code statement} (the exact payload bytes) for the job described by {@code claims}. */
  public Bundle sign(byte[] statement, IssuerKey issuer, IdentityClaims claims) {
    requireNonNull(statement, "statement");
    P256PrivateKey ephemeral = P256PrivateKey.generate(random);
    P256PublicKey publicKey = ephemeral.publicKey();
    String jkt = publicKey.thumbprint();
    String token = mintToken(issuer, claims, jkt, Sha256.hex(Sha256.of(statement)));
    byte[] sig = ephemeral.signDer(Pae.encode(Envelope.IN_TOTO_PAYLOAD_TYPE, statement));
    Envelope envelope =
        new Envelope(statement, Envelope.IN_TOTO_PAYLOAD_TYPE, List.of(new EnvelopeSignature(jkt, sig)));
    return new Bundle(token, JsonObject.of(publicKey.toJwk()), envelope);
  }

  private String mintToken(IssuerKey issuer, IdentityClaims c, String jkt, String payloadSha256) {
    long iat = c.issuedAt().getEpochSecond();
    Date issued = new Date(iat * 1000);
    JWTClaimsSet set =
        new JWTClaimsSet.Builder()
            .issuer(c.issuer())
            .subject(c.subject())
            .audience(IdentityClaims.ATTESTATION_AUDIENCE)
            .issueTime(issued)
            .notBeforeTime(issued)
            .expirationTime(new Date((iat + c.lifetime().getSeconds()) * 1000))
            .jwtID(UUID.randomUUID().toString())
            .claim("repository", c.repository())
            .claim("ref", c.ref())
            .claim("sha", c.sha())
            .claim("workflow", c.workflow())
            .claim("event_name", c.eventName())
            .claim("run_id", c.runId())
            .claim("run_attempt", c.runAttempt())
            .claim("job_id", c.jobId())
            .claim("job_name", c.jobName())
            .claim("runner_environment", c.runnerEnvironment())
            .claim("cnf", Map.of("jkt", jkt))
            .claim("payload_sha256", payloadSha256)
            .build();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .keyID(issuer.kid())
            .type(new JOSEObjectType(IdentityClaims.ATTESTATION_TYPE))
            .build();
    SignedJWT jwt = new SignedJWT(header, set);
    try {
      jwt.sign(new DeterministicEs256(issuer.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing the identity token failed", e);
    }
    return jwt.serialize();
  }

  /**
   * Nimbus builds and serializes the JWS; the signature itself is BouncyCastle ECDSA with RFC 6979
   * nonces, which nimbus's JCA-based ECDSASigner cannot give.
   */
  static final class DeterministicEs256 implements JWSSigner {
    private final P256PrivateKey key;
    private final JCAContext jca = new JCAContext();

    DeterministicEs256(P256PrivateKey key) {
      this.key = key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
        throw new JOSEException("only ES256 is supported");
      }
      return Base64URL.encode(key.signRaw(signingInput));
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }
  }
}
