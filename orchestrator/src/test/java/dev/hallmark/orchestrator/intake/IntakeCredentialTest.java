package dev.hallmark.orchestrator.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeCredentialTest {
  @TempDir Path data;

  @Test
  void createsAnOwnerOnlyCredentialOnceAndKeepsIt() throws Exception {
    IntakeCredential first = IntakeCredential.loadOrCreate(data, new SecureRandom());
    assertTrue(first.isNew());
    Path file = data.resolve(IntakeCredential.FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String value = Files.readString(file).strip();
    assertTrue(value.matches("hmint_[A-Za-z0-9_-]{43}"), value);
    IntakeCredential second = IntakeCredential.loadOrCreate(data, new SecureRandom());
    assertFalse(second.isNew());
    assertEquals(value, Files.readString(file).strip());
    second.authenticate("Bearer " + value);
    assertFalse(second.toString().contains(value));
  }

  @Test
  void rejectsMissingWrongAndUnprefixedCredentials() throws Exception {
    IntakeCredential c = IntakeCredential.loadOrCreate(data, new SecureRandom());
    String value = Files.readString(data.resolve(IntakeCredential.FILE)).strip();
    for (String header : new String[] {null, "", "Bearer ", "Bearer hmint_" + "A".repeat(43), value, "Basic " + value}) {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> c.authenticate(header));
      assertEquals(Code.UNAUTHENTICATED, e.code());
    }
  }

  @Test
  void rejectsACredentialFileOthersCanRead() throws Exception {
    IntakeCredential.loadOrCreate(data, new SecureRandom());
    Files.setPosixFilePermissions(data.resolve(IntakeCredential.FILE), PosixFilePermissions.fromString("rw-r--r--"));
    assertThrows(OrchestratorException.class, () -> IntakeCredential.loadOrCreate(data, new SecureRandom()));
  }

  @Test
  void rejectsRefsThatAreNotBranchesOrTagsOrCouldBeOptions() {
    PushIntake.checkRef("refs/heads/main");
    PushIntake.checkRef("refs/tags/v1.0.0");
    PushIntake.checkRef("refs/heads/release/1.x");
    for (String bad : new String[] {"main", "--upload-pack=x", "refs/heads/", "refs/heads/a..b", "refs/heads/a b",
        "refs/heads/x^{tree}", "refs/heads/x~1", "refs/remotes/origin/main", "refs/heads/a.lock", "refs/heads/@{-1}"}) {
      assertThrows(OrchestratorException.class, () -> PushIntake.checkRef(bad), bad);
    }
    PushIntake.checkRepositoryName("acme/app");
    for (String bad : new String[] {"app", "../x", "acme/../x", "acme/app/x", "-x/y", "acme/.git"}) {
      assertThrows(OrchestratorException.class, () -> PushIntake.checkRepositoryName(bad), bad);
    }
  }
}
