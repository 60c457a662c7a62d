package dev.hallmark.trustroot.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Messages must stay on one line and must not carry a pre-signed URL's credential. */
class DisplayTest {
  @Test
  void elidesQuery() {
    String shown =
        Display.url(URI.create("https://store.example.com/b.json?X-Amz-Signature=secret"));
    assertEquals("https://store.example.com/b.json?…", shown);
  }

  @Test
  void neutralisesControlAndBidiCharacters() {
    String shown = Display.untrusted("evil\r\nFAKE LOG LINE\u202e\u0085");
    assertFalse(shown.contains("\n"));
    assertFalse(shown.contains("\r"));
    assertFalse(shown.contains("\u202e"));
    assertFalse(shown.contains("\u0085"));
  }

  @Test
  void boundsLength() {
    String shown = Display.untrusted("x".repeat(10_000));
    assertTrue(shown.length() <= 201);
  }
}
