package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The suites run on the engine the build asked for, not silently on another. */
class EngineUnderTestTest {
  @Test
  void suitesVerifyWithTheRequestedEngine() {
    assertEquals(EngineUnderTest.ID, EngineUnderTest.ENGINE.id());
    assertEquals(EngineUnderTest.ID, EngineUnderTest.verifier().engine().id());
    assertEquals(EngineUnderTest.ID, ForgeVerification.verifierEngineId());
  }
}
