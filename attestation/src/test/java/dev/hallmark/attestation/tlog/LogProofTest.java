package dev.hallmark.attestation.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.testing.LogForge;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §8.3: the tlog-proof text, read strictly. */
class LogProofTest {
  private final LogForge log = LogForge.create("ci.test.example/oidc/log", "W1");
  private final String proof;

  LogProofTest() {
    for (int i = 0; i < 5; i++) {
      log.append("entry " + i);
    }
    proof = log.proof(2, Map.of("W1", 1000L));
  }

  private static void assertMalformed(String text) {
    AttestationException e = assertThrows(AttestationException.class, () -> LogProof.parse(text));
    assertEquals(AttestationException.Code.LOG, e.code());
  }

  @Test
  void roundTrips() {
    LogProof p = LogProof.parse(proof);
    assertEquals(2, p.index());
    assertEquals(5, p.checkpoint().size());
    assertEquals(proof, p.format());
    assertEquals(2, p.checkpoint().signatures().size());
  }

  @Test
  void acceptsAnExtraLineAndExtensionLines() {
    LogProof p = LogProof.parse(proof.replace("index 2\n", "extra AQID\nindex 2\n"));
    assertEquals(3, p.extra().length);
    String withExtension = proof.replaceFirst("(\n[A-Za-z0-9+/]{43}=\n)\n\u2014", "$1ext line\n\n\u2014");
    assertEquals(java.util.List.of("ext line"), LogProof.parse(withExtension).checkpoint().extensions());
  }

  @ParameterizedTest
  @ValueSource(strings = {"index 2\n|index 02\n", "index 2\n|index +2\n", "index 2\n|index  2\n", "c2sp.org/tlog-proof@v1|c2sp.org/tlog-proof@v2",
      "\n|\r\n", "extra|extra", "\u2014 |- ", "\u2014 |\u2014  "})
  void rejectsMalformedLines(String edit) {
    String[] ab = edit.split("\\|", 2);
    if (!ab[0].equals(ab[1])) {
      assertMalformed(proof.replace(ab[0], ab[1]));
    }
  }

  @Test
  void rejectsEmptyOrNonCanonicalExtra() {
    assertMalformed(proof.replace("index 2\n", "extra \nindex 2\n"));
    assertMalformed(proof.replace("index 2\n", "extra AQI=\nindex 2\n".replace("AQI=", "AQJ=")));
  }

  @Test
  void rejectsTextWithoutItsFinalNewline() {
    assertMalformed(proof.substring(0, proof.length() - 1));
  }

  @Test
  void rejectsControlCharacters() {
    assertMalformed(proof.replace("index 2", "index 2\u0000"));
    assertMalformed(proof.replace("ci.test.example", "ci.test\u0085example"));
    assertMalformed(proof.replace("ci.test.example", "ci.test\tex"));
  }

  @Test
  void rejectsHashesOfTheWrongSizeOrForm() {
    int start = proof.indexOf("index 2\n") + "index 2\n".length();
    String first = proof.substring(start, proof.indexOf('\n', start));
    assertMalformed(proof.replace(first, first.substring(0, 40) + "==="));
    assertMalformed(proof.replace(first, java.util.Base64.getEncoder().encodeToString(new byte[31])));
  }

  @Test
  void rejectsMoreThan63Hashes() {
    String h = java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n";
    assertMalformed(proof.replace("index 2\n", "index 2\n" + h.repeat(64)));
  }

  @Test
  void rejectsACheckpointWithoutSignaturesOrWithTooMany() {
    int sigs = proof.indexOf("\n\u2014") + 1;
    assertMalformed(proof.substring(0, sigs));
    String line = proof.substring(sigs, proof.indexOf('\n', sigs) + 1);
    assertMalformed(proof + line.repeat(31));
  }

  @Test
  void rejectsTreeSizeWithALeadingZero() {
    assertMalformed(proof.replace("\n5\n", "\n05\n"));
  }

  @Test
  void rejectsMoreThan64KiB() {
    assertMalformed(proof.replace("index 2\n", "extra " + java.util.Base64.getEncoder().encodeToString(new byte[50_000]) + "\nindex 2\n"));
  }
}
