package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineMaskerTest {
  static final String SECRET = "hmcap_AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHHIIIIJJJJKKK";

  private static LogMasker masker() {
    LogMasker m = new LogMasker();
    m.add(SECRET);
    return m;
  }

  @Test
  void masksSecretSplitAcrossChunks() {
    List<String> lines = new ArrayList<>();
    LineMasker lm = new LineMasker(masker(), lines::add, 1024);
    String text = "before " + SECRET + " after\nnext\n";
    for (int i = 0; i < text.length(); i++) { // worst case: one character per chunk
      lm.accept(text.substring(i, i + 1));
    }
    lm.finish();
    assertEquals(List.of("before *** after", "next"), lines);
  }

  @Test
  void masksSecretAcrossTheCutOfAHeldBackLongLine() {
    List<String> lines = new ArrayList<>();
    LineMasker lm = new LineMasker(masker(), lines::add, 64);
    // The forced cut falls inside the secret, wherever the chunk boundaries are.
    String text = "x".repeat(50) + SECRET + "y".repeat(100) + SECRET.substring(0, 20);
    lm.accept(text.substring(0, 60));
    lm.accept(text.substring(60, 130));
    lm.accept(text.substring(130));
    lm.accept(SECRET.substring(20) + " end\n");
    String joined = String.join("", lines);
    assertFalse(joined.contains(SECRET.substring(0, 20)), joined);
    assertEquals("x".repeat(50) + "***" + "y".repeat(100) + "*** end", joined);
  }

  @Test
  void masksUnfinishedLastLineAtEnd() throws Exception {
    List<String> lines = new ArrayList<>();
    LineMasker lm = new LineMasker(masker(), lines::add, 1024);
    lm.pump(new ByteArrayInputStream(("a\r\nleak " + SECRET).getBytes(StandardCharsets.UTF_8)));
    assertEquals(List.of("a", "leak ***"), lines);
  }

  @Test
  void masksSecretAddedWhileRunning() {
    LogMasker m = new LogMasker();
    List<String> lines = new ArrayList<>();
    LineMasker lm = new LineMasker(m, lines::add, 1024);
    lm.accept("token: eyJhbGciOiJFUzI1");
    m.add("eyJhbGciOiJFUzI1NiJ9.payload.sig"); // minted before the step could print all of it
    lm.accept("NiJ9.payload.sig\n");
    assertEquals(List.of("token: ***"), lines);
  }

  @Test
  void ignoresTooShortSecrets() {
    LogMasker m = new LogMasker();
    m.add("abc");
    assertEquals("abc", m.mask("abc"));
    assertTrue(LogMasker.MIN_SECRET_LENGTH > 3);
  }
}
