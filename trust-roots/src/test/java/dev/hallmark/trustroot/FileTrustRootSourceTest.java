package dev.hallmark.trustroot;

import static dev.hallmark.trustroot.TrustRootFixtures.jwk;
import static dev.hallmark.trustroot.TrustRootFixtures.privateJwk;
import static dev.hallmark.trustroot.TrustRootFixtures.trustRootFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FORMATS §1 offline form read from disk. */
class FileTrustRootSourceTest {
  private static final String ISSUER = "https://ci.example.com/oidc";

  @TempDir Path dir;

  private Code failure(Path path) {
    return assertThrows(TrustRootException.class, () -> TrustRootSource.file(path).load()).code();
  }

  @Test
  void loadsValidFile() throws IOException {
    Path file =
        Files.write(dir.resolve("trust-root.json"), trustRootFile(ISSUER, jwk("k1"), jwk("k2")));
    TrustRoot root = TrustRootSource.file(file).load();
    assertEquals(ISSUER, root.issuer());
    assertEquals(2, root.keys().size());
  }

  @Test
  void acceptsFileOfExactlyOneMiB() throws IOException {
    byte[] json = trustRootFile(ISSUER, jwk("k1"));
    byte[] padded = Arrays.copyOf(json, StrictJson.DOCUMENT_LIMIT);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    Path file = Files.write(dir.resolve("trust-root.json"), padded);
    assertEquals(ISSUER, TrustRootSource.file(file).load().issuer());
  }

  @Test
  void rejectsMissingFile() {
    assertEquals(Code.UNREADABLE, failure(dir.resolve("absent.json")));
  }

  @Test
  void rejectsDirectory() {
    assertEquals(Code.UNREADABLE, failure(dir));
  }

  @Test
  void rejectsFileOverOneMiB() throws IOException {
    byte[] json = trustRootFile(ISSUER, jwk("k1"));
    byte[] padded = Arrays.copyOf(json, StrictJson.DOCUMENT_LIMIT + 1);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    assertEquals(Code.TOO_LARGE, failure(Files.write(dir.resolve("big.json"), padded)));
  }

  @Test
  void rejectsInvalidJson() throws IOException {
    Path file = Files.writeString(dir.resolve("t.json"), "{\"issuer\": \"" + ISSUER + "\",");
    assertEquals(Code.INVALID, failure(file));
  }

  @Test
  void rejectsDuplicateKeys() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("t.json"),
            "{\"issuer\":\""
                + ISSUER
                + "\",\"issuer\":\"https://evil.example\",\"jwks\":{\"keys\":[]}}");
    assertEquals(Code.INVALID, failure(file));
  }

  @Test
  void rejectsPrivateKey() throws IOException {
    Path file =
        Files.write(dir.resolve("t.json"), trustRootFile(ISSUER, jwk("k1"), privateJwk("k2")));
    assertEquals(Code.INVALID, failure(file));
  }

  @Test
  void rejectsMissingIssuer() throws IOException {
    Path file =
        Files.write(
            dir.resolve("t.json"), "{\"jwks\":{\"keys\":[]}}".getBytes(StandardCharsets.UTF_8));
    assertEquals(Code.INVALID, failure(file));
  }

  @Test
  void readsFreshOnEveryLoad() throws IOException {
    Path file = Files.write(dir.resolve("t.json"), trustRootFile(ISSUER, jwk("k1")));
    TrustRootSource source = TrustRootSource.file(file);
    assertEquals(1, source.load().keys().size());
    Files.write(file, trustRootFile(ISSUER, jwk("k1"), jwk("k2")));
    assertEquals(2, source.load().keys().size());
  }
}
