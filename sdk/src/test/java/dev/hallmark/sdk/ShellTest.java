package dev.hallmark.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Relaying a command's output: whole lines, masked, even across the long-line cut. */
class ShellTest {
  static final String SECRET = "eyJsecret-token-value-0123456789";

  private static String relay(Masker masker, byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    new Shell(Path.of("."), Map.of(), masker, ps, ps).relayLines(new ByteArrayInputStream(input), ps);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void masksSecretsInLines() {
    Masker masker = new Masker();
    masker.add(SECRET);
    assertEquals("a *** b\n***\nlast\n",
        relay(masker, ("a " + SECRET + " b\n" + SECRET + "\nlast").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void masksASecretCutByTheLongLineLimit() {
    Masker masker = new Masker();
    masker.add(SECRET);
    for (int offset = 1; offset < SECRET.length(); offset++) {
      String before = "x".repeat(Shell.MAX_LINE_BYTES - offset);
      String line = before + SECRET + "y".repeat(100) + "\n";
      String out = relay(masker, line.getBytes(StandardCharsets.UTF_8));
      assertFalse(out.contains(SECRET.substring(0, 8)), "leaked at offset " + offset);
      assertEquals(before + "***" + "y".repeat(100) + "\n", out);
    }
  }

  @Test
  void passesBytesThroughUnchanged() {
    byte[] notUtf8 = {'a', (byte) 0xff, (byte) 0xfe, '\n'};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    new Shell(Path.of("."), Map.of(), new Masker(), ps, ps).relayLines(new ByteArrayInputStream(notUtf8), ps);
    assertEquals(java.util.List.of((byte) 'a', (byte) 0xff, (byte) 0xfe, (byte) '\n'),
        java.util.List.of(box(out.toByteArray())));
  }

  @Test
  void shortValuesAreNotMasked() {
    Masker masker = new Masker();
    masker.add("abc");
    assertEquals("abc", masker.mask("abc"));
    assertTrue(masker.maxSecretBytes() == 0);
  }

  private static Byte[] box(byte[] b) {
    Byte[] r = new Byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[i];
    }
    return r;
  }
}
