package dev.hallmark.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hallmark.orchestrator.secret.SecretForms;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE: the SDK (JDK only) keeps its own copy of the masking rule; this shared test, in
 * the SDK's package on the orchestrator's test class path, pins the copy to the orchestrator's.
 */
class SecretFormsAgreementTest {
  @Test
  void theSdkMasksExactlyTheFormsTheOrchestratorMasks() {
    List<String> values = new ArrayList<>(List.of("Dep loy~t*k3n/\u00e9?>>", "12345678", "a+b/c=d&e%f g",
        "line-one-value\r\nline-two-value\rthree-three-3\n", "\u00e9\u00e8\u20ac\ud83d\ude00 emoji value", "~*'()!-._"));
    Random random = new Random(9);
    for (int i = 0; i < 500; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 8 + random.nextInt(40);
      while (sb.length() < len) {
        int c = random.nextInt(4) == 0 ? 0x20 + random.nextInt(0x5f) : 1 + random.nextInt(0x2fff);
        if (!Character.isSurrogate((char) c)) {
          sb.append((char) c);
        }
      }
      values.add(sb.toString());
    }
    for (String v : values) {
      assertEquals(SecretForms.of(v), Masker.forms(v), v);
    }
  }
}
