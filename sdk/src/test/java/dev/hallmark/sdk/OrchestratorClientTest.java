package dev.hallmark.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrchestratorClientTest {

  @Test
  void acceptsLoopbackAddressLiterals() {
    assertEquals(URI.create("http://127.0.0.1:8080"), OrchestratorClient.loopbackBase("http://127.0.0.1:8080"));
    assertEquals(URI.create("http://127.0.0.1:8080"), OrchestratorClient.loopbackBase("http://127.0.0.1:8080/"));
    assertEquals(URI.create("http://127.9.8.7:1"), OrchestratorClient.loopbackBase("http://127.9.8.7:1"));
    assertEquals(URI.create("http://[::1]:9000"), OrchestratorClient.loopbackBase("http://[::1]:9000"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://10.0.0.1:8080", "http://192.168.1.1:80", "http://localhost:8080",
      "http://example.com:8080", "https://127.0.0.1:8443", "http://127.0.0.1", "http://127.0.0.1:8080/api",
      "http://user@127.0.0.1:8080", "http://127.0.0.1:8080?x=1", "http://127.0.0.1:8080#f", "http://256.0.0.1:80",
      "http://[::2]:80", "http://[::ffff:10.0.0.1]:80", "ftp://127.0.0.1:21", "127.0.0.1:8080", "", "http://0.0.0.0:80",
      "http://127.1:80", "http://2130706433:80"})
  void refusesAnythingButALoopbackLiteral(String url) {
    assertThrows(IllegalArgumentException.class, () -> OrchestratorClient.loopbackBase(url));
  }

  @Test
  void anUnreachableOrchestratorIsAOneLineExceptionWithStatusZero() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Masker masker = new Masker();
    OrchestratorClient client = new OrchestratorClient(URI.create("http://127.0.0.1:" + port),
        Capability.of(FakeOrchestrator.CAPABILITY), "job-1", masker);
    OrchestratorException e = assertThrows(OrchestratorException.class,
        () -> client.attest(List.of(Subject.ofDigest("x", "a".repeat(64)))));
    assertEquals(0, e.status());
    assertTrue(e.getMessage().startsWith("cannot reach the orchestrator at http://127.0.0.1:" + port), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
  }

  @Test
  void anErrorWithoutAReasonStillNamesTheStatus() throws Exception {
    try (FakeOrchestrator fake = new FakeOrchestrator()) {
      fake.answer(OrchestratorClient.OIDC_TOKEN_PATH, 500, "<html>oops</html>");
      OrchestratorClient client = new OrchestratorClient(URI.create(fake.url()),
          Capability.of(FakeOrchestrator.CAPABILITY), "job-1", new Masker());
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> client.idToken("aud"));
      assertEquals(500, e.status());
      assertEquals("the orchestrator refused POST /api/v1/oidc/token: HTTP 500", e.getMessage());
    }
  }

  @Test
  void theServersReasonIsMaskedAndCut() throws Exception {
    try (FakeOrchestrator fake = new FakeOrchestrator()) {
      fake.answer(OrchestratorClient.OIDC_TOKEN_PATH, 400,
          "{\"error\":\"bad capability " + FakeOrchestrator.CAPABILITY + " " + "x".repeat(1000) + "\"}");
      Masker masker = new Masker();
      masker.add(FakeOrchestrator.CAPABILITY);
      OrchestratorClient client = new OrchestratorClient(URI.create(fake.url()),
          Capability.of(FakeOrchestrator.CAPABILITY), "job-1", masker);
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> client.idToken("aud"));
      assertTrue(e.getMessage().contains("HTTP 400: bad capability *** xxx"), e.getMessage());
      assertTrue(e.getMessage().length() < 400, e.getMessage());
    }
  }
}
