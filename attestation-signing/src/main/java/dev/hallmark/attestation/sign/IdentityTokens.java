package dev.hallmark.attestation.sign;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hallmark.attestation.crypto.P256PrivateKey;
import dev.hallmark.attestation.token.IdentityClaims;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Mints identity tokens (FORMATS §2) from a job's {@link IdentityClaims}: the same identity claims
 * for an attestation token and for a token a step asks for, which differ only in type, audience and
 * the claims the caller adds. Nimbus builds and serializes the JWS; the ES256 signature is
 * BouncyCastle ECDSA with RFC 6979 nonces, which nimbus's JCA-based signer cannot give.
 *
 * <pre>{@code
 * String stepToken = IdentityTokens.mint(issuerKey, claims, "JWT", "sigstore", Map.of());
 * }</pre>
 */
public final class IdentityTokens {
  private IdentityTokens() {}

  /**
   * A compact JWS with header {@code {alg: ES256, kid, typ}} and the identity claims, {@code aud},
   * a fresh {@code jti}, then {@code extraClaims} in their order.
   */
  public static String mint(
      IssuerKey issuer, IdentityClaims c, String type, String audience, Map<String, Object> extraClaims) {
    long iat = c.issuedAt().getEpochSecond();
    Date issued = new Date(iat * 1000);
    JWTClaimsSet.Builder set =
        new JWTClaimsSet.Builder()
            .issuer(c.issuer())
            .subject(c.subject())
            .audience(audience)
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
            .claim("runner_environment", c.runnerEnvironment());
    extraClaims.forEach(set::claim);
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.ES256)
            .keyID(issuer.kid())
            .type(new JOSEObjectType(type))
            .build();
    SignedJWT jwt = new SignedJWT(header, set.build());
    try {
      jwt.sign(new DeterministicEs256(issuer.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing the identity token failed", e);
    }
    return jwt.serialize();
  }

  /** BouncyCastle ECDSA P-256 with RFC 6979 nonces, as a nimbus signer. */
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
