package dev.hallmark.attestation.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.testing.EngineDifferential;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two engines: AWS-LC loads where it should, falls back where it cannot, and agrees with BouncyCastle. */
class CryptoEngineTest {
  /** ACCP's jar ships AWS-LC for this platform only. */
  static final boolean NATIVE_PLATFORM =
      System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");

  private static final CryptoEngine BC = CryptoEngine.bouncyCastle();
  /** RFC 6979 A.2.5. */
  private static final byte[] SCALAR =
      HexFormat.of().parseHex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");

  private static CryptoEngine awsLc() {
    return CryptoEngine.awsLc();
  }

  @Test
  void awsLcLoadsOnLinuxX86AndIsRefusedElsewhere() {
    if (NATIVE_PLATFORM) {
      CryptoEngine engine = awsLc();
      assertEquals("native", engine.id());
      assertTrue(engine.description().startsWith("AWS-LC"), engine.description());
      assertSame(engine, awsLc(), "loaded once per process");
    } else {
      assertEquals(Code.ENGINE, assertThrows(AttestationException.class, CryptoEngineTest::awsLc).code());
    }
  }

  @Test
  void enginesAgreeOnFiveThousandMutatedSignaturesKeysAndMessages() {
    CryptoEngine other = NATIVE_PLATFORM ? awsLc() : BC;
    EngineDifferential.Report r = EngineDifferential.run(BC, other, 20261211L, 5_000);
    assertEquals(0, r.disagreementCount(), r::toString);
    // The mutations must reach the arithmetic, both ways, not only the shared parser.
    assertTrue(r.bothValid() > 500, r::toString);
    assertTrue(r.bothInvalid() > 1_500, r::toString);
    assertTrue(r.bothRefused() < r.cases() / 4, r::toString);
  }

  @Test
  void differentialCatchesAnEngineThatAcceptsTooMuch() {
    // The harness itself: an engine that disagrees must be reported, or the test above proves nothing.
    EngineDifferential.Side arithmeticSkipping =
        new EngineDifferential.Side() {
          @Override
          public String id() {
            return "arithmetic-skipping";
          }

          @Override
          public boolean verify(P256PublicKey key, byte[] message, byte[] sig, boolean raw) {
            // Parses as strictly as the real engines, then accepts: an engine that skipped the arithmetic.
            if (raw) {
              DerSignature.fromRaw(sig);
            } else {
              DerSignature.decode(sig);
            }
            return true;
          }
        };
    EngineDifferential.Report r =
        EngineDifferential.run(BC, BC, EngineDifferential.Side.of(BC), arithmeticSkipping, 7L, 400);
    assertTrue(r.disagreementCount() > 100, r::toString);
  }

  @Test
  void awsLcSignaturesVerifyInBothEnginesAndUseFreshNonces() {
    CryptoEngine aws = NATIVE_PLATFORM ? awsLc() : BC;
    P256PrivateKey key = aws.generateKey(new SecureRandom());
    byte[] msg = "statement".getBytes(StandardCharsets.UTF_8);
    byte[] first = aws.signDer(key, msg);
    byte[] second = aws.signDer(key, msg);
    assertTrue(BC.verifyDer(key.publicKey(), msg, first));
    assertTrue(aws.verifyDer(key.publicKey(), msg, second));
    if (NATIVE_PLATFORM) {
      assertFalse(java.util.Arrays.equals(first, second), "AWS-LC draws a fresh nonce per signature");
    }
  }

  @Test
  void bouncyCastleSignsDeterministicallyAsRfc6979() {
    P256PrivateKey key = P256PrivateKey.fromScalar(SCALAR);
    byte[] msg = "sample".getBytes(StandardCharsets.US_ASCII);
    byte[] der = BC.signDer(key, msg);
    assertArrayEquals(der, BC.signDer(key, msg));
    // RFC 6979 A.2.5, SHA-256, message "sample": r.
    BigInteger r = new BigInteger("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", 16);
    assertEquals(r, DerSignature.decode(der)[0]);
  }

  @Test
  void awsLcKeyOfAScalarMatchesBouncyCastles() {
    CryptoEngine aws = NATIVE_PLATFORM ? awsLc() : BC;
    P256PrivateKey key = P256PrivateKey.fromScalar(SCALAR);
    byte[] msg = "m".getBytes(StandardCharsets.US_ASCII);
    assertTrue(BC.verifyDer(key.publicKey(), msg, aws.signDer(key, msg)));
  }

  @Test
  void bothEnginesRefuseNonCanonicalDerBeforeTheArithmetic() {
    P256PrivateKey key = P256PrivateKey.fromScalar(SCALAR);
    byte[] msg = "m".getBytes(StandardCharsets.US_ASCII);
    byte[] der = BC.signDer(key, msg);
    // A non-minimal r: a leading zero byte the value does not need.
    BigInteger[] rs = DerSignature.decode(der);
    byte[] r = rs[0].toByteArray();
    byte[] padded = new byte[r.length + 1];
    System.arraycopy(r, 0, padded, 1, r.length);
    byte[] s = rs[1].toByteArray();
    byte[] bad = new byte[4 + padded.length + 2 + s.length];
    bad[0] = 0x30;
    bad[1] = (byte) (bad.length - 2);
    bad[2] = 0x02;
    bad[3] = (byte) padded.length;
    System.arraycopy(padded, 0, bad, 4, padded.length);
    bad[4 + padded.length] = 0x02;
    bad[5 + padded.length] = (byte) s.length;
    System.arraycopy(s, 0, bad, 6 + padded.length, s.length);
    for (CryptoEngine e : engines()) {
      AttestationException x = assertThrows(AttestationException.class, () -> e.verifyDer(key.publicKey(), msg, bad));
      assertEquals(Code.SIGNATURE, x.code(), e.id());
    }
  }

  @Test
  void sha256OfBothEnginesMatchesOnAFile(@TempDir Path dir) throws IOException {
    byte[] data = new byte[3 * 65536 + 17];
    new java.util.Random(1).nextBytes(data);
    Path file = Files.write(dir.resolve("artifact"), data);
    byte[] expected = Sha256.of(data);
    for (CryptoEngine e : engines()) {
      assertArrayEquals(expected, Sha256.of(file, done -> {}, e), e.id());
      java.security.MessageDigest md = e.newSha256();
      md.update(data);
      assertArrayEquals(expected, md.digest(), e.id());
    }
  }

  @Test
  void backgroundEngineIsTheChosenEngineOnceLoaded() {
    CryptoEngine background = CryptoEngine.inBackground(() -> CryptoEngine.awsLcOrBouncyCastle(line -> {}));
    assertEquals(NATIVE_PLATFORM ? "native" : "bc", background.id());
    P256PrivateKey key = P256PrivateKey.fromScalar(SCALAR);
    byte[] msg = "m".getBytes(StandardCharsets.US_ASCII);
    assertTrue(background.verifyDer(key.publicKey(), msg, key.signDer(msg)));
  }

  @Test
  void fallsBackToBouncyCastleWithOneLineWhenAwsLcCannotLoad() throws Exception {
    // ACCP's own switch for "load AWS-LC from java.library.path": with none there, the library
    // fails to load exactly as on a platform without it.
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dcom.amazon.corretto.crypto.provider.useExternalLib=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(FallbackProbe.class.getName());
    Process p = new ProcessBuilder(cmd).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), err);
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    assertTrue(lines.get(0).startsWith("fallback: AWS-LC is not available on "), out);
    assertTrue(lines.get(0).endsWith("; using BouncyCastle"), out);
    assertEquals("engine: bc", lines.get(1));
  }

  /** Child-process entry point of the fallback test. */
  static final class FallbackProbe {
    public static void main(String[] args) {
      CryptoEngine e = CryptoEngine.awsLcOrBouncyCastle(line -> System.out.println("fallback: " + line));
      System.out.println("engine: " + e.id());
    }
  }

  private static List<CryptoEngine> engines() {
    return NATIVE_PLATFORM ? List.of(BC, awsLc()) : List.of(BC);
  }
}
