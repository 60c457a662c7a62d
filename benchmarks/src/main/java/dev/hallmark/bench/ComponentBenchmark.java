package dev.hallmark.bench;

import dev.hallmark.attestation.bundle.Bundle;
import dev.hallmark.attestation.crypto.P256PublicKey;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.dsse.Envelope;
import dev.hallmark.attestation.dsse.Pae;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.token.CompactJws;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parts of one verification, each alone, in microseconds per operation, so that the sum can
 * be set against {@link VerifyBenchmark} and the dominant cost named. {@link #tokenAndDsse} is the
 * signature path of the verifier end to end (both ECDSA verifications, key construction,
 * thumbprint, payload hash, token parsing) and is the figure to compare with {@link
 * NimbusBaselineBenchmark#tokenAndDsse}.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar ComponentBenchmark -f 1 -wi 3 -i 5 -w 1s -r 2s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComponentBenchmark {
  private SampleBundle s;
  private CompactJws jws;
  private P256PublicKey preparedEphemeralKey;

  @Setup(Level.Trial)
  public void setUp() {
    s = SampleBundle.create();
    jws = CompactJws.parse(s.token);
    preparedEphemeralKey = P256PublicKey.fromJwk(s.ephemeralJwk);
    // Run once so that the prepared key has done its precomputation before measuring.
    check(preparedEphemeralKey.verifyDer(s.pae, s.dsseSignatureDer), "DSSE signature");
    check(s.issuerKey.verifyRaw(s.tokenSigningInput, s.tokenSignature), "token signature");
  }

  /** Strict JSON parse of the whole bundle file (duplicate detection, limits), nothing else. */
  @Benchmark
  public JsonObject bundleStrictJson() {
    return StrictJson.parseObject(s.bundleBytes, StrictJson.BUNDLE_LIMIT);
  }

  /** {@code Bundle.parse}: strict JSON plus shape checks plus base64 of payload and signature. */
  @Benchmark
  public Bundle bundleParse() {
    return Bundle.parse(s.bundleBytes);
  }

  /** The signed statement (the DSSE payload), parsed strictly as the statement check does. */
  @Benchmark
  public JsonObject statementStrictJson() {
    return StrictJson.parseObject(s.payload, StrictJson.BUNDLE_LIMIT);
  }

  /** Splitting the compact JWS, strict header parse, base64url of the signature. */
  @Benchmark
  public CompactJws tokenParse() {
    return CompactJws.parse(s.token);
  }

  /** Decoding and strictly parsing the token's claims. */
  @Benchmark
  public JsonObject tokenClaims() {
    return jws.claims();
  }

  /** ES256 over the token's signing input with the issuer key the trust root prepared. */
  @Benchmark
  public boolean verifyRawPreparedIssuerKey() {
    return s.issuerKey.verifyRaw(s.tokenSigningInput, s.tokenSignature);
  }

  /** DSSE ECDSA (DER) with a key built from the bundle's JWK each time, as every bundle costs. */
  @Benchmark
  public boolean verifyDerFreshKey() {
    return P256PublicKey.fromJwk(s.ephemeralJwk).verifyDer(s.pae, s.dsseSignatureDer);
  }

  /** The same signature with a key instance reused: shows what per-point precomputation costs. */
  @Benchmark
  public boolean verifyDerPreparedKey() {
    return preparedEphemeralKey.verifyDer(s.pae, s.dsseSignatureDer);
  }

  /** JWK → validated key (base64url, point on the curve), nothing else. */
  @Benchmark
  public P256PublicKey keyFromJwk() {
    return P256PublicKey.fromJwk(s.ephemeralJwk);
  }

  /**
   * RFC 7638 thumbprint of a fresh key ({@code P256PublicKey} caches it per instance): subtract
   * {@link #keyFromJwk} for the thumbprint alone.
   */
  @Benchmark
  public String keyFromJwkAndThumbprint() {
    return P256PublicKey.fromJwk(s.ephemeralJwk).thumbprint();
  }

  /** SHA-256 of the statement payload (the {@code payload_sha256} binding). */
  @Benchmark
  public byte[] sha256Payload() {
    return Sha256.of(s.payload);
  }

  /** DSSE pre-authentication encoding of the payload. */
  @Benchmark
  public byte[] paeEncode() {
    return Pae.encode(Envelope.IN_TOTO_PAYLOAD_TYPE, s.payload);
  }

  /**
   * The verifier's cryptographic path, end to end: token split and header, ES256 with the prepared
   * issuer key, claims, ephemeral key from its JWK, thumbprint, payload hash, PAE and the DSSE
   * signature. Same work as {@link NimbusBaselineBenchmark#tokenAndDsse}.
   */
  @Benchmark
  public boolean tokenAndDsse() {
    CompactJws t = CompactJws.parse(s.token);
    boolean ok = s.issuerKey.verifyRaw(t.signingInput(), t.signature());
    JsonObject claims = t.claims();
    P256PublicKey key = P256PublicKey.fromJwk(s.ephemeralJwk);
    ok &= key.thumbprint().equals(((JsonObject) claims.get("cnf")).get("jkt"));
    ok &= Sha256.hex(Sha256.of(s.payload)).equals(claims.get("payload_sha256"));
    ok &= key.verifyDer(Pae.encode(Envelope.IN_TOTO_PAYLOAD_TYPE, s.payload), s.dsseSignatureDer);
    return ok;
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what + " of the sample bundle does not verify");
    }
  }
}
