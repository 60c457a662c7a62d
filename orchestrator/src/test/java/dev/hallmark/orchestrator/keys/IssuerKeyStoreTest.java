package dev.hallmark.orchestrator.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssuerKeyStoreTest {
  @TempDir Path data;

  @Test
  void keyFolderAndFilesAreOwnerOnly() throws Exception {
    Path dir = data.resolve("keys");
    IssuerKeyStore.open(dir, Clock.systemUTC(), new SecureRandom()).rotate();
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertEquals(2, all.size(), "two keys, no leftover temp file: " + all);
      for (Path f : all) {
        assertTrue(f.getFileName().toString().endsWith(IssuerKeyStore.SUFFIX));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
      }
    }
  }

  @Test
  void rotationRetiresTheOldKeyAndKeepsItPublished() {
    IssuerKeyStore keys = IssuerKeyStore.open(data.resolve("keys"), Clock.systemUTC(), new SecureRandom());
    String oldKid = keys.signingKey().kid();
    String newKid = keys.rotate();
    assertNotEquals(oldKid, newKid);
    assertEquals(newKid, keys.signingKey().kid());
    @SuppressWarnings("unchecked")
    List<Object> published = (List<Object>) keys.jwks().get("keys");
    assertEquals(2, published.size());
    for (Object o : published) {
      JsonObject jwk = (JsonObject) o;
      assertTrue(jwk.has("nbf"));
      assertTrue(!jwk.has("d"));
      if (jwk.get("kid").equals(oldKid)) {
        assertTrue(jwk.has("exp"), "retired key carries exp");
      } else {
        assertNull(jwk.get("exp"), "signing key has no exp");
      }
    }
  }

  @Test
  void runningStoreSeesRotationMadeByAnotherProcess() {
    IssuerKeyStore serving = IssuerKeyStore.open(data.resolve("keys"), Clock.systemUTC(), new SecureRandom());
    String before = serving.signingKey().kid();
    // keys rotate --data runs as its own process with its own instance over the same folder
    String rotated = IssuerKeyStore.open(data.resolve("keys"), Clock.systemUTC(), new SecureRandom()).rotate();
    assertNotEquals(before, rotated);
    assertEquals(rotated, serving.signingKey().kid());
  }

  @Test
  void reopeningKeepsTheSameKey() {
    String kid = IssuerKeyStore.open(data.resolve("keys"), Clock.systemUTC(), new SecureRandom()).signingKey().kid();
    assertEquals(kid, IssuerKeyStore.open(data.resolve("keys"), Clock.systemUTC(), new SecureRandom()).signingKey().kid());
  }
}
