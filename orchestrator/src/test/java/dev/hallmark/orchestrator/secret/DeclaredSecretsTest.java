package dev.hallmark.orchestrator.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The declared-secrets store: its rules, its files and their modes, and that names never bring values along. */
class DeclaredSecretsTest {
  static final String VALUE = "s3cr3t-deploy-token-value";

  @TempDir Path data;

  private DeclaredSecrets store() {
    return DeclaredSecrets.in(data);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static Code refusal(Runnable r) {
    return assertThrows(OrchestratorException.class, r::run).code();
  }

  @Test
  void setWritesOneOwnerOnlyFilePerRepositoryInOwnerOnlyFolders() throws Exception {
    assertTrue(store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE)));
    assertFalse(store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE + "-2")), "a second set replaces");
    store().set("acme/other", "DEPLOY_TOKEN", utf8("other-repository-value"));
    Path file = data.resolve("secrets/acme/app.json");
    assertEquals("rw-------", mode(file));
    assertEquals("rwx------", mode(data.resolve("secrets")));
    assertEquals("rwx------", mode(data.resolve("secrets/acme")));
    assertEquals(Map.of("DEPLOY_TOKEN", VALUE + "-2"), store().of("acme/app").values());
    assertEquals(Map.of("DEPLOY_TOKEN", "other-repository-value"), store().of("acme/other").values());
    try (Stream<Path> s = Files.list(data.resolve("secrets/acme"))) {
      assertEquals(List.of("app.json", "other.json"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file is left behind");
    }
  }

  @Test
  void aLooseFolderIsTightenedOnWriteAndALooseFileIsRefusedOnRead() throws Exception {
    Files.createDirectories(data.resolve("secrets"));
    Files.setPosixFilePermissions(data.resolve("secrets"), PosixFilePermissions.fromString("rwxr-xr-x"));
    store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE));
    assertEquals("rwx------", mode(data.resolve("secrets")));
    Files.setPosixFilePermissions(data.resolve("secrets/acme/app.json"), PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(Code.STORE, refusal(() -> store().of("acme/app")));
  }

  @Test
  void replacingIsAnAtomicRenameAReaderNeverSeesAPartialFile() throws Exception {
    store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE));
    Object inode = Files.getAttribute(data.resolve("secrets/acme/app.json"), "unix:ino");
    // One replacement: the new file exists before the old one is unlinked, so its inode differs.
    // (Checked once: after many replacements the file system may hand the first inode out again.)
    store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE));
    assertFalse(inode.equals(Files.getAttribute(data.resolve("secrets/acme/app.json"), "unix:ino")),
        "the file was rewritten in place instead of replaced");
    String big = "b".repeat(DeclaredSecrets.MAX_VALUE_BYTES);
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        for (int i = 0; i < 400; i++) {
          String v = store().of("acme/app").values().get("DEPLOY_TOKEN");
          if (!VALUE.equals(v) && !big.equals(v)) {
            throw new AssertionError("read a value that was never written, of length " + (v == null ? -1 : v.length()));
          }
        }
      } catch (Throwable t) {
        readerFailure.set(t);
      }
    });
    reader.start();
    DeclaredSecrets writer = store();
    for (int i = 0; i < 100 && reader.isAlive(); i++) {
      writer.set("acme/app", "DEPLOY_TOKEN", utf8(i % 2 == 0 ? big : VALUE));
    }
    reader.join();
    assertEquals(null, readerFailure.get());
  }

  @Test
  void namesFollowTheRule() {
    for (String bad : new String[] {"", "deploy_token", "1TOKEN", "DEPLOY-TOKEN", "A B", "É", "X".repeat(129)}) {
      assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", bad, utf8(VALUE))), bad);
    }
    store().set("acme/app", "_X", utf8(VALUE));
    store().set("acme/app", "X".repeat(128), utf8(VALUE));
    assertEquals(List.of("X".repeat(128), "_X"), store().names("acme/app"));
  }

  @Test
  void repositoryNamesFollowTheIntakeRule() {
    for (String bad : new String[] {"../etc", "acme", "acme/../x", ".x/app", "acme/app/x", "acme/.app"}) {
      assertEquals(Code.INVALID_INPUT, refusal(() -> store().set(bad, "DEPLOY_TOKEN", utf8(VALUE))), bad);
      assertTrue(store().of(bad).values().isEmpty(), "a name that cannot have secrets has none: " + bad);
    }
    assertFalse(Files.exists(data.resolve("etc.json")));
  }

  @Test
  void valuesAreEightCharactersTo64KiBOfUtf8WithoutNul() {
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "X", new byte[0])));
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "X", utf8("1234567"))));
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "X", utf8("\u00e9".repeat(7)))),
        "7 characters in 14 bytes are still too short to mask");
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "X", utf8("abcd\0efgh"))));
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "X", new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) 0xff})));
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "X", new byte[DeclaredSecrets.MAX_VALUE_BYTES + 1])));
    store().set("acme/app", "EIGHT", utf8("12345678"));
    store().set("acme/app", "MAX", utf8("m".repeat(DeclaredSecrets.MAX_VALUE_BYTES)));
    store().set("acme/app", "LINES", utf8("-----BEGIN KEY-----\nabc\n-----END KEY-----\n"));
    assertEquals(List.of("EIGHT", "LINES", "MAX"), store().names("acme/app"));
    assertEquals("-----BEGIN KEY-----\nabc\n-----END KEY-----\n", store().of("acme/app").values().get("LINES"));
  }

  @Test
  void aRepositoryHasAtMostOneHundredSecrets() {
    for (int i = 0; i < DeclaredSecrets.MAX_SECRETS; i++) {
      store().set("acme/app", "S" + i, utf8(VALUE));
    }
    assertEquals(Code.INVALID_INPUT, refusal(() -> store().set("acme/app", "ONE_MORE", utf8(VALUE))));
    store().set("acme/app", "S0", utf8(VALUE + "-replaced")); // replacing is not adding
    assertEquals(DeclaredSecrets.MAX_SECRETS, store().names("acme/app").size());
  }

  @Test
  void listingGivesNamesNeverValuesAndToStringIsRedacted() {
    store().set("acme/app", "NPM_TOKEN", utf8("npm-token-value-1"));
    store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE));
    assertEquals(List.of("DEPLOY_TOKEN", "NPM_TOKEN"), store().names("acme/app"));
    String shown = store().of("acme/app").toString();
    assertEquals("RepositorySecrets[acme/app: DEPLOY_TOKEN, NPM_TOKEN; values redacted]", shown);
    assertFalse(store().toString().contains(VALUE));
    assertEquals(List.of(), store().names("acme/nothing"));
  }

  @Test
  void removeDeletesOneNameAndTheFileWithTheLast() {
    store().set("acme/app", "A_TOKEN", utf8(VALUE));
    store().set("acme/app", "B_TOKEN", utf8(VALUE));
    store().remove("acme/app", "A_TOKEN");
    assertEquals(List.of("B_TOKEN"), store().names("acme/app"));
    assertEquals(Code.NOT_FOUND, refusal(() -> store().remove("acme/app", "A_TOKEN")));
    store().remove("acme/app", "B_TOKEN");
    assertFalse(Files.exists(data.resolve("secrets/acme/app.json")));
    assertEquals(Code.NOT_FOUND, refusal(() -> store().remove("acme/app", "B_TOKEN")));
  }

  @Test
  void aHandEditedFileThatBreaksARuleIsRefusedWhole() throws Exception {
    store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE));
    Path file = data.resolve("secrets/acme/app.json");
    for (String content : new String[] {
        "{\"DEPLOY_TOKEN\":\"" + VALUE + "\",\"DEPLOY_TOKEN\":\"other-value-x\"}",
        "{\"deploy\":\"" + VALUE + "\"}",
        "{\"SHORT\":\"1234567\"}",
        "{\"NUMBER\":12345678}",
        "[\"" + VALUE + "\"]",
        "{\"DEPLOY_TOKEN\":\"" + VALUE + "\"} trailing"}) {
      Files.writeString(file, content);
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> store().of("acme/app"), content);
      assertEquals(Code.STORE, e.code());
      assertFalse(e.getMessage().contains(VALUE), e.getMessage());
    }
  }

  @Test
  void aSymbolicLinkInPlaceOfTheFileIsRefused() throws Exception {
    store().set("acme/app", "DEPLOY_TOKEN", utf8(VALUE));
    Path elsewhere = Files.writeString(data.resolve("elsewhere.json"), "{\"DEPLOY_TOKEN\":\"" + VALUE + "\"}");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
    Path file = data.resolve("secrets/acme/app.json");
    Files.delete(file);
    Files.createSymbolicLink(file, elsewhere);
    assertEquals(Code.STORE, refusal(() -> store().of("acme/app")));
  }
}
