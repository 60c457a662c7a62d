package dev.hallmark.trustroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hallmark.trustroot.TrustRootException.Code;
import org.junit.jupiter.api.Test;

class TrustRootExceptionTest {
  @Test
  void carriesCodeAndMessageButNoStackTraceOrCause() {
    TrustRootException e = new TrustRootException(Code.TIMEOUT, "no answer from https://x");
    assertEquals(Code.TIMEOUT, e.code());
    assertEquals("no answer from https://x", e.getMessage());
    assertEquals(0, e.getStackTrace().length);
    assertNull(e.getCause());
    e.addSuppressed(new RuntimeException("ignored"));
    assertEquals(0, e.getSuppressed().length);
  }

  @Test
  void requiresCodeAndMessage() {
    assertThrows(NullPointerException.class, () -> new TrustRootException(null, "m"));
    assertThrows(NullPointerException.class, () -> new TrustRootException(Code.INVALID, null));
  }
}
