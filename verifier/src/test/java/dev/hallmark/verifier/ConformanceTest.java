package dev.hallmark.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonNull;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.trustroot.TrustRootSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the conformance corpora ({@code vectors/conformance}, and the revision-2
 * transparency-log corpus {@code vectors/log} in {@link LogCorpus}), in process, through the
 * verifier library.
 */
class ConformanceTest {
  private static final ConformanceCorpus CORPUS = ConformanceCorpus.load();

  @Test
  void corpusIsPresentAndComplete() {
    assertTrue(CORPUS.cases.size() >= 20, "expected the full corpus, found " + CORPUS.cases.size());
  }

  @TestFactory
  Stream<DynamicTest> everyCase() {
    return CORPUS.cases.stream().map(c -> DynamicTest.dynamicTest(c.requireString("id"), () -> check(c)));
  }

  private static void check(JsonObject c) throws Exception {
    check(CORPUS, c);
  }

  /** Runs one manifest case of {@code corpus} through the library and checks the §7 object. */
  static void check(ConformanceCorpus corpus, JsonObject c) throws Exception {
    final ConformanceCorpus CORPUS = corpus;
    VerificationPolicy.Builder policy =
        VerificationPolicy.builder(TrustRootSource.file(CORPUS.resolve(c.requireString("trustRoot"))));
    Object artifact = c.get("artifact");
    if (artifact instanceof String a) {
      policy.artifact(CORPUS.resolve(a));
    } else {
      policy.withoutArtifactUnsafe();
    }
    List<Object> args = c.requireArray("args");
    for (int i = 0; i < args.size(); i += 2) {
      String flag = (String) args.get(i);
      String value = (String) args.get(i + 1);
      switch (flag) {
        case "--repository" -> policy.expectRepository(value);
        case "--ref" -> policy.expectRef(value);
        case "--workflow" -> policy.expectWorkflow(value);
        case "--sha" -> policy.expectSha(value);
        default -> throw new AssertionError("unknown flag in manifest: " + flag);
      }
    }
    if (c.get("logPolicy") instanceof String logPolicy) {
      policy.logPolicy(CORPUS.resolve(logPolicy));
    }
    Path bundle = CORPUS.resolve(c.requireString("bundle"));
    VerificationResult result = EngineUnderTest.verifier().verify(() -> readBundle(bundle), policy.build());
    ConformanceCorpus.assertResult(c.requireObject("expect"), result.toJson());
  }

  private static byte[] readBundle(Path bundle) {
    try {
      return Files.readAllBytes(bundle);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read bundle " + bundle);
    }
  }

  /** The transparency-log corpus ({@code vectors/log}): FORMATS §8 and revision 2's clarifications. */
  @org.junit.jupiter.api.Nested
  class LogCorpus {
    private final ConformanceCorpus log = ConformanceCorpus.load("log");

    @Test
    void corpusIsPresentAndComplete() {
      assertTrue(log.cases.size() >= 24, "expected the full log corpus, found " + log.cases.size());
    }

    @TestFactory
    Stream<DynamicTest> everyCase() {
      return log.cases.stream().map(c -> DynamicTest.dynamicTest(c.requireString("id"), () -> check(log, c)));
    }
  }
}
