package dev.hallmark.trustroot;

import static dev.hallmark.trustroot.TrustRootFixtures.jwk;
import static dev.hallmark.trustroot.TrustRootFixtures.trustRootFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustRootExportTest {
  private static final String ISSUER = "https://ci.example.com/oidc";

  @TempDir Path dir;

  private static TrustRoot root() {
    // A skipped key (RSA) too: the export keeps the JWK Set exactly as given.
    return TrustRoot.parse(
        trustRootFile(
            ISSUER, jwk("k1"), jwk("k2"), Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB")));
  }

  private List<Path> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void exportedFileParsesBackToTheSameTrustRoot() throws IOException {
    TrustRoot root = root();
    Path out = dir.resolve("trust-root.json");
    TrustRootExport.write(root, out);

    TrustRoot back = TrustRootSource.file(out).load();
    assertEquals(root.issuer(), back.issuer());
    assertEquals(root.jwks(), back.jwks());
    assertEquals(root.keys(), back.keys());
    assertArrayEquals(root.toFileBytes(), Files.readAllBytes(out));
    assertEquals(List.of(out), listing(), "no temporary file left behind");
  }

  @Test
  void replacesAnExistingFile() throws IOException {
    Path out = Files.writeString(dir.resolve("trust-root.json"), "old");
    TrustRootExport.write(root(), out);
    assertEquals(ISSUER, TrustRootSource.file(out).load().issuer());
    assertEquals(List.of(out), listing());
  }

  @Test
  void refusesDirectoryTargetAndLeavesNothing() throws IOException {
    Path target = Files.createDirectory(dir.resolve("trust-root.json"));
    TrustRootException e =
        assertThrows(TrustRootException.class, () -> TrustRootExport.write(root(), target));
    assertEquals(Code.UNWRITABLE, e.code());
    assertEquals(List.of(target), listing());
  }

  @Test
  void refusesMissingFolder() {
    Path out = dir.resolve("absent").resolve("trust-root.json");
    TrustRootException e =
        assertThrows(TrustRootException.class, () -> TrustRootExport.write(root(), out));
    assertEquals(Code.UNWRITABLE, e.code());
    assertFalse(Files.exists(out.getParent()));
  }
}
