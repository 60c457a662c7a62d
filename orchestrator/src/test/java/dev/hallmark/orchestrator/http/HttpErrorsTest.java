package dev.hallmark.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpErrorsTest {
  /** The table docs/orchestrator.md gives; every code is in it. */
  static final Map<Code, Integer> EXPECTED = new EnumMap<>(Map.ofEntries(
      Map.entry(Code.INVALID_INPUT, 400), Map.entry(Code.UNAUTHENTICATED, 401), Map.entry(Code.FORBIDDEN, 403),
      Map.entry(Code.NOT_FOUND, 404), Map.entry(Code.WRONG_METHOD, 405), Map.entry(Code.CONFLICT, 409),
      Map.entry(Code.TOO_LARGE, 413), Map.entry(Code.UNSUPPORTED_MEDIA_TYPE, 415), Map.entry(Code.MISDIRECTED, 421),
      Map.entry(Code.UNPROCESSABLE, 422), Map.entry(Code.RATE_LIMITED, 429), Map.entry(Code.UNAVAILABLE, 503),
      Map.entry(Code.STORE, 500), Map.entry(Code.KEYS, 500), Map.entry(Code.ENVIRONMENT, 500),
      Map.entry(Code.CONFIG, 500), Map.entry(Code.START_FAILED, 500), Map.entry(Code.INTERNAL, 500)));

  @Test
  void mapsEachCodeToItsStatus() {
    assertEquals(Code.values().length, EXPECTED.size(), "a code without an expected status");
    for (Code c : Code.values()) {
      assertEquals(EXPECTED.get(c), HttpErrors.status(c), c.name());
    }
  }

  @Test
  void theServersFaultsAre5xxAndTheCallersAre4xx() {
    for (Code c : Code.values()) {
      int status = HttpErrors.status(c);
      assertTrue(c.isServerFault() ? status >= 500 && status < 600 : status >= 400 && status < 500, c.name());
    }
  }

  @Test
  void anythingButADomainErrorIsA500ThatShowsNothingOfIt() {
    IllegalStateException bug = new IllegalStateException("SELECT secret FROM keys");
    assertEquals(500, HttpErrors.status(bug));
    assertEquals("internal error", HttpErrors.clientMessage(bug));
    OrchestratorException domain = new OrchestratorException(Code.RATE_LIMITED, "slow down\nsecond line");
    assertEquals(429, HttpErrors.status(domain));
    assertEquals("slow down", HttpErrors.clientMessage(domain));
  }

  @Test
  void requestControlledTextCannotForgeALogLine() {
    assertEquals("/a?b?c", HttpErrors.printable("/a\nb\rc", 100));
    assertEquals("say \\\"hi\\\"", HttpErrors.quoted("say \"hi\""));
  }
}
