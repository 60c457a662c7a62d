package dev.hallmark.bench;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.token.CompactJws;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.nio.charset.StandardCharsets;

/**
 * One realistic bundle, signed by {@link BenchIssuer} exactly as {@link FixtureGenerator} writes
 * them, and the pieces of it each benchmark starts from. Built once per benchmark trial; it
 * refuses to exist unless the bundle verifies, so no benchmark measures a failure path.
 *
 * <pre>{@code
 * SampleBundle s = SampleBundle.create();
 * new Verifier().verify(s.bundleBytes, s.policy);
 * }</pre>
 */
final class SampleBundle {
  final BenchIssuer issuer;
  final byte[] trustRootBytes;
  final TrustRoot trustRoot;
  final VerificationPolicy policy;
  final byte[] bundleBytes;
  final Bundle bundle;
  /** The identity token (compact JWS) and what its ES256 signature covers. */
  final String token;
  final byte[] tokenSigningInput;
  final byte[] tokenSignature;
  /** The issuer's key as the trust root prepared it (its point precomputation is reused). */
  final P256PublicKey issuerKey;
  /** The bundle's ephemeral public JWK, as parsed from the bundle, and as JSON text. */
  final JsonObject ephemeralJwk;
  final String ephemeralJwkJson;
  final byte[] payload;
  final byte[] pae;
  final byte[] dsseSignatureDer;

  private SampleBundle() {
    issuer = BenchIssuer.derive(BenchIssuer.DEFAULT_ISSUER, BenchIssuer.DEFAULT_SEED);
    trustRootBytes = issuer.trustRootBytes();
    trustRoot = TrustRoot.parse(trustRootBytes);
    policy = VerificationPolicy.builder(TrustRootSource.of(trustRoot)).withoutArtifactUnsafe().build();
    byte[] artifact = "hallmark bench artifact 0\n".getBytes(StandardCharsets.US_ASCII);
    bundleBytes =
        issuer.attest(0, FixtureGenerator.artifactName(0), Sha256.hex(Sha256.of(artifact))).toJsonBytes();
    bundle = Bundle.parse(bundleBytes);
    token = bundle.identityToken();
    CompactJws jws = CompactJws.parse(token);
    tokenSigningInput = jws.signingInput();
    tokenSignature = jws.signature();
    issuerKey = trustRoot.key(issuer.kid()).publicKey();
    ephemeralJwk = bundle.publicKey();
    ephemeralJwkJson = ephemeralJwk.toString();
    Envelope envelope = bundle.dsseEnvelope();
    payload = envelope.payload();
    pae = Pae.encode(envelope.payloadType(), payload);
    dsseSignatureDer = envelope.signatures().get(0).sig();

    VerificationResult result = new Verifier().verify(bundleBytes, policy);
    if (!result.isVerified()) {
      throw new IllegalStateException(
          "the sample bundle does not verify: " + result.failure().check().wireName() + ": " + result.failure().message());
    }
  }

  static SampleBundle create() {
    return new SampleBundle();
  }
}
