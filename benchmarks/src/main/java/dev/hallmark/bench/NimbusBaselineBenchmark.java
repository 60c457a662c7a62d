package dev.hallmark.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The straightforward way to check the same two signatures, for comparison with {@link
 * ComponentBenchmark#tokenAndDsse}: nimbus {@code SignedJWT.parse} + {@code ECDSAVerifier} (its JCA
 * context set to the BouncyCastle provider) for the identity token, and for the DSSE signature
 * {@code JWK.parse} → {@code ECKey.toECPublicKey(bc)}, the nimbus thumbprint, and JCA {@code
 * Signature.getInstance("SHA256withECDSA", bc)} over PAE with the DER signature. {@link #dsseSunEc}
 * is the same DSSE check with the JDK's own provider, the default a newcomer gets.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar NimbusBaselineBenchmark -f 1 -wi 3 -i 5 -w 1s -r 2s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NimbusBaselineBenchmark {
  private SampleBundle s;
  private Provider bc;
  private Provider sunEc;
  private ECDSAVerifier issuerVerifier;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    s = SampleBundle.create();
    bc = new BouncyCastleProvider();
    sunEc = java.security.Security.getProvider("SunEC");
    // The issuer key is known ahead (trust root), so its verifier is built once, as a real
    // service would; only the bundle's ephemeral key is new for every verification.
    @SuppressWarnings("unchecked")
    Map<String, Object> issuerJwk = (Map<String, Object>) (Map<?, ?>) s.trustRoot.keys().get(0).jwk().members();
    ECPublicKey issuerKey = ECKey.parse(issuerJwk).toECPublicKey(bc);
    issuerVerifier = new ECDSAVerifier(issuerKey);
    issuerVerifier.getJCAContext().setProvider(bc);
    ComponentBenchmark.check(token() != null, "nimbus token");
    ComponentBenchmark.check(dsse(), "JCA DSSE signature");
    ComponentBenchmark.check(dsseSunEc(), "SunEC DSSE signature");
  }

  /** nimbus: parse, verify ES256 with the prepared issuer verifier, read the claims. */
  @Benchmark
  public JWTClaimsSet token() throws ParseException, JOSEException {
    SignedJWT jwt = SignedJWT.parse(s.token);
    if (!jwt.verify(issuerVerifier)) {
      throw new IllegalStateException("token does not verify");
    }
    return jwt.getJWTClaimsSet();
  }

  /** JWK.parse → ECPublicKey (BC), thumbprint, JCA SHA256withECDSA (BC) over PAE. */
  @Benchmark
  public boolean dsse() throws ParseException, JOSEException, GeneralSecurityException {
    return dsseWith(bc);
  }

  /** As {@link #dsse} with the JDK's SunEC provider for the key and the signature. */
  @Benchmark
  public boolean dsseSunEc() throws ParseException, JOSEException, GeneralSecurityException {
    return dsseWith(sunEc);
  }

  /** Both signatures the straightforward way: the counterpart of ComponentBenchmark.tokenAndDsse. */
  @Benchmark
  public boolean tokenAndDsse() throws ParseException, JOSEException, GeneralSecurityException {
    JWTClaimsSet claims = token();
    ECKey jwk = ECKey.parse(s.ephemeralJwkJson);
    ECPublicKey key = jwk.toECPublicKey(bc);
    Base64URL jkt = jwk.computeThumbprint();
    boolean ok = jkt.toString().equals(claims.getJSONObjectClaim("cnf").get("jkt"));
    ok &= dev.hallmark.attestation.crypto.Sha256.hex(dev.hallmark.attestation.crypto.Sha256.of(s.payload))
        .equals(claims.getStringClaim("payload_sha256"));
    Signature sig = Signature.getInstance("SHA256withECDSA", bc);
    sig.initVerify(key);
    sig.update(s.pae);
    ok &= sig.verify(s.dsseSignatureDer);
    return ok;
  }

  private boolean dsseWith(Provider provider)
      throws ParseException, JOSEException, GeneralSecurityException {
    ECKey jwk = ECKey.parse(s.ephemeralJwkJson);
    ECPublicKey key = jwk.toECPublicKey(provider);
    Base64URL jkt = jwk.computeThumbprint();
    Signature sig = Signature.getInstance("SHA256withECDSA", provider);
    sig.initVerify(key);
    sig.update(s.pae);
    return sig.verify(s.dsseSignatureDer) && jkt != null;
  }
}
