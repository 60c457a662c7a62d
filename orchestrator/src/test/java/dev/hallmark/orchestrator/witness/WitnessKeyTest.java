package dev.hallmark.orchestrator.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.tlog.Checkpoint;
import dev.hallmark.attestation.tlog.Ed25519;
import dev.hallmark.attestation.tlog.Merkle;
import dev.hallmark.attestation.tlog.NoteKey;
import dev.hallmark.orchestrator.OrchestratorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The witness key file: its format, its permissions, its name, and the cosignatures it makes. */
class WitnessKeyTest {
  @TempDir Path dir;

  @Test
  void createsAnOwnerOnlyFileWithTheNameAndSeedAndPrintsAType04Vkey() throws Exception {
    Path file = dir.resolve("sub/witness.key");
    WitnessKey key = WitnessKey.loadOrCreate(file, "witness1.example.com", new SecureRandom());
    assertTrue(key.isNew());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    JsonObject o = StrictJson.parseObject(Files.readAllBytes(file), 4096);
    assertEquals(java.util.Set.of("name", "seed"), o.members().keySet());
    assertEquals("witness1.example.com", o.requireString("name"));
    byte[] seed = Base64Strict.decodeStd(o.requireString("seed"));
    assertEquals(32, seed.length);

    NoteKey vkey = NoteKey.parse(key.vkey().toString());
    assertEquals(NoteKey.TYPE_COSIGNATURE_V1, vkey.type());
    assertEquals("witness1.example.com", vkey.name());
    assertTrue(Arrays.equals(Ed25519.publicKey(seed), vkey.publicKey()));
    assertFalse(key.toString().contains(o.requireString("seed")));

    WitnessKey again = WitnessKey.loadOrCreate(file, null, new SecureRandom());
    assertFalse(again.isNew());
    assertEquals(key.vkey().toString(), again.vkey().toString());
    assertEquals(key.vkey().toString(), WitnessKey.loadOrCreate(file, "witness1.example.com", new SecureRandom()).vkey().toString());
  }

  @Test
  void refusesToCreateWithoutANameOrWithAnInvalidOne() {
    Path file = dir.resolve("w.key");
    assertThrows(OrchestratorException.class, () -> WitnessKey.loadOrCreate(file, null, new SecureRandom()));
    assertThrows(OrchestratorException.class, () -> WitnessKey.loadOrCreate(file, "a+b", new SecureRandom()));
    assertThrows(OrchestratorException.class, () -> WitnessKey.loadOrCreate(file, "a b", new SecureRandom()));
    assertThrows(OrchestratorException.class, () -> WitnessKey.loadOrCreate(file, "", new SecureRandom()));
    assertFalse(Files.exists(file));
  }

  @Test
  void neverReplacesAKeyUnderAnotherName() throws Exception {
    Path file = dir.resolve("w.key");
    WitnessKey key = WitnessKey.loadOrCreate(file, "w1.example.com", new SecureRandom());
    byte[] before = Files.readAllBytes(file);
    OrchestratorException e = assertThrows(OrchestratorException.class,
        () -> WitnessKey.loadOrCreate(file, "w2.example.com", new SecureRandom()));
    assertTrue(e.getMessage().contains("w1.example.com"), e::getMessage);
    assertTrue(Arrays.equals(before, Files.readAllBytes(file)));
    assertEquals(key.vkey().toString(), WitnessKey.load(file).vkey().toString());
  }

  @Test
  void rejectsAGroupReadableKeyFile() throws Exception {
    Path file = dir.resolve("w.key");
    WitnessKey.loadOrCreate(file, "w1.example.com", new SecureRandom());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> WitnessKey.load(file));
    assertTrue(e.getMessage().contains("chmod 600"), e::getMessage);
  }

  @Test
  void rejectsAMalformedKeyFileWithoutEchoingIt() throws Exception {
    Path file = dir.resolve("w.key");
    String seed = Base64Strict.encodeStd(new byte[31]);
    for (String text : new String[] {
        "{\"name\":\"w1.example.com\",\"seed\":\"" + seed + "\"}",
        "{\"name\":\"w1.example.com\",\"seed\":\"" + Base64Strict.encodeStd(new byte[32]) + "\",\"extra\":1}",
        "{\"name\":\"w 1\",\"seed\":\"" + Base64Strict.encodeStd(new byte[32]) + "\"}",
        "not json"}) {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text);
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> WitnessKey.load(file));
      assertFalse(e.getMessage().contains(seed), e::getMessage);
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void cosignsWithTheV1MessageAndABigEndianTimestamp() {
    WitnessKey key = WitnessKey.loadOrCreate(dir.resolve("w.key"), "w1.example.com", new SecureRandom());
    Checkpoint cp = Checkpoint.of("log.example/x", 0, Merkle.emptyRoot());
    Checkpoint.SignatureLine line = key.cosign(cp, 0x0102030405L);
    byte[] s = line.signature();
    assertEquals(72, s.length);
    assertTrue(Arrays.equals(new byte[] {0, 0, 0, 1, 2, 3, 4, 5}, Arrays.copyOf(s, 8)));
    assertTrue(key.vkey().verify(cp.cosignedMessage(0x0102030405L), Arrays.copyOfRange(s, 8, 72)));
    assertFalse(key.vkey().verify(cp.noteBytes(), Arrays.copyOfRange(s, 8, 72)));
    assertThrows(IllegalArgumentException.class, () -> key.cosign(cp, 0));
  }
}
