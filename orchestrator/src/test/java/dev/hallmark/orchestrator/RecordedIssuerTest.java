package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.RecordedIssuer.Origin;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedIssuerTest {
  private static final String LISTEN = "http://127.0.0.1:41234/oidc";
  private static final String PROXY = "https://ci.example.com/oidc";

  @TempDir Path data;

  @Test
  void recordsTheIssuerOnceOwnerOnlyAndReadsItBack() throws Exception {
    assertEquals(Optional.empty(), RecordedIssuer.read(data));
    RecordedIssuer listen = new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS);
    listen.write(data);
    Path file = data.resolve(RecordedIssuer.FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(Optional.of(listen), RecordedIssuer.read(data));
    byte[] before = Files.readAllBytes(file);

    OrchestratorException again = assertThrows(OrchestratorException.class,
        () -> new RecordedIssuer(PROXY, Origin.PUBLIC_URL).write(data));
    assertEquals(Code.CONFLICT, again.code());
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var left = Files.list(data)) {
      assertEquals(1, left.count(), "a temporary file was left behind");
    }
  }

  @Test
  void keepsWhetherTheIssuerCameFromThePublicUrl() {
    RecordedIssuer proxy = new RecordedIssuer(PROXY, Origin.PUBLIC_URL);
    proxy.write(data);
    assertEquals(Optional.of(proxy), RecordedIssuer.read(data));
    assertEquals("https://ci.example.com", proxy.baseUrl());
  }

  @Test
  void readsTheOneLineFileOfHallmarkRunAsAListenAddress() throws Exception {
    Files.writeString(data.resolve(RecordedIssuer.FILE), LISTEN + "\n");
    assertEquals(Optional.of(new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS)), RecordedIssuer.read(data));
  }

  @Test
  void rejectsIssuerFilesItCannotTrustToMeanOneIssuer() throws Exception {
    Path file = data.resolve(RecordedIssuer.FILE);
    for (String text : new String[] {"", LISTEN + "\nproxy\n", PROXY + "\npublic-url\nextra\n", "ftp://127.0.0.1:1/oidc\n",
        "http://127.0.0.1:41234/other\n", "https://ci.example.com/oidc\n", "http://127.0.0.1:41234/oidc?x=1\n",
        "http://user@127.0.0.1:41234/oidc\n", "not a url at all\n"}) {
      Files.writeString(file, text);
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> RecordedIssuer.read(data), text);
      assertEquals(Code.CONFIG, e.code(), text); // a damaged data folder: the operator's to repair
    }
    Files.delete(file);
    Files.createSymbolicLink(file, data.resolve("elsewhere"));
    assertThrows(OrchestratorException.class, () -> RecordedIssuer.read(data));
  }

  @Test
  void aRestartWithoutAPortBindsTheRecordedPortAsTheSameIssuer() {
    Orchestrator.Config config = new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS).admit(flags(0, null));
    assertEquals(41234, config.port());
    assertEquals(LISTEN, config.issuerUrl());
    assertNull(config.publicUrl());
    assertEquals(41234, new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS).admit(flags(41234, null)).port());
  }

  @Test
  void rejectsAnotherPortWhenTheListenAddressIsTheIssuer() {
    OrchestratorException e = assertThrows(OrchestratorException.class,
        () -> new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS).admit(flags(8080, null)));
    assertEquals(Code.CONFLICT, e.code());
  }

  @Test
  void rejectsAnotherBindAddressWhenTheListenAddressIsTheIssuer() throws Exception {
    Orchestrator.Config everywhere = flags(0, null).withBind(InetAddress.getByName("0.0.0.0"));
    OrchestratorException e = assertThrows(OrchestratorException.class,
        () -> new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS).admit(everywhere));
    assertEquals(Code.CONFLICT, e.code());
    // Naming the old address as the public URL keeps the issuer: allowed, on the recorded port.
    Orchestrator.Config kept = new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS)
        .admit(everywhere.withPublicUrl("http://127.0.0.1:41234"));
    assertEquals(41234, kept.port());
    assertEquals(LISTEN, kept.issuerUrl());
  }

  @Test
  void behindARecordedPublicUrlThePortIsFreeAndThePublicUrlKept() {
    RecordedIssuer proxy = new RecordedIssuer(PROXY, Origin.PUBLIC_URL);
    Orchestrator.Config moved = proxy.admit(flags(8081, null));
    assertEquals(8081, moved.port());
    assertEquals("https://ci.example.com", moved.publicUrl());
    assertEquals(PROXY, moved.issuerUrl());
    assertEquals(0, proxy.admit(flags(0, null)).port());
    assertEquals(PROXY, proxy.admit(flags(8082, "https://ci.example.com/")).issuerUrl());
  }

  @Test
  void rejectsAnotherPublicUrlWhateverTheOrigin() {
    for (RecordedIssuer r : new RecordedIssuer[] {new RecordedIssuer(PROXY, Origin.PUBLIC_URL),
        new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS)}) {
      OrchestratorException e = assertThrows(OrchestratorException.class,
          () -> r.admit(flags(0, "https://other.example.com")));
      assertEquals(Code.CONFLICT, e.code());
    }
  }

  @Test
  void theRefusalNamesTheRecordedIssuerAndHowToMoveIt() {
    OrchestratorException e = assertThrows(OrchestratorException.class,
        () -> new RecordedIssuer(LISTEN, Origin.LISTEN_ADDRESS).admit(flags(8080, null)));
    assertEquals(1, e.getMessage().lines().count());
    assertTrue(e.getMessage().contains(LISTEN), e.getMessage());
    assertTrue(e.getMessage().contains("--port 8080"), e.getMessage());
    assertTrue(e.getMessage().contains("docs/orchestrator.md#moving-an-issuer"), e.getMessage());
  }

  @Test
  void rejectsAPublicUrlThatCannotBeAnIssuer() {
    RecordedIssuer.checkPublicUrl("https://ci.example.com/hallmark");
    for (String bad : new String[] {"", "ci.example.com", "ftp://ci.example.com", "https://", "https://ci.example.com/?a=b",
        "https://ci.example.com/#x", "https://u:p@ci.example.com", "http://a b"}) {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> RecordedIssuer.checkPublicUrl(bad), bad);
      assertEquals(Code.INVALID_INPUT, e.code(), bad);
    }
  }

  private Orchestrator.Config flags(int port, String publicUrl) {
    return Orchestrator.Config.defaults(data).withPort(port).withPublicUrl(publicUrl);
  }
}
