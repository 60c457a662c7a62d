package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.attestation.AttestationException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SDK keeps its own copy of FORMATS §3's subject-name rule (it is dependency-free); this pins
 * it to the core's, code point by code point, so the two can never drift.
 */
class SubjectNameRuleTest {
  private static final String DIGEST = "a".repeat(64);

  @Test
  void sdkAndCoreAgreeOnEveryCodePoint() {
    List<String> disagreements = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        continue;
      }
      String name = "pkg" + new String(Character.toChars(cp)) + ".tgz";
      boolean core = accepts(() -> dev.hallmark.attestation.intoto.Subject.checkSubjectName(name));
      boolean sdk = accepts(() -> dev.hallmark.sdk.Subject.ofDigest(name, DIGEST));
      if (core != sdk && disagreements.size() < 10) {
        disagreements.add(String.format("U+%04X core=%s sdk=%s", cp, core, sdk));
      }
    }
    assertEquals(List.of(), disagreements);
  }

  private static boolean accepts(Runnable r) {
    try {
      r.run();
      return true;
    } catch (AttestationException | IllegalArgumentException e) {
      return false;
    }
  }
}
