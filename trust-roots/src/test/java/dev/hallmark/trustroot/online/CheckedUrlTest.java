package dev.hallmark.trustroot.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The URL rules themselves; {@link RemoteDocumentTest} shows they run before any connection. */
class CheckedUrlTest {
  @Test
  void httpsKeepsNoAddress() {
    assertNull(CheckedUrl.check(URI.create("https://ci.example.com/oidc")).address());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"localhost", "LocalHost", "127.0.0.1", "127.255.255.255", "127.0.10.200", "[::1]"})
  void acceptsLiteralLoopbackHosts(String host) {
    assertTrue(CheckedUrl.loopbackLiteral(host).isLoopbackAddress());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ci.example.com", "10.0.0.1", "128.0.0.1", "127.0.0.256", "127.0.0", "127.0.0.1.5",
        "127.00.0.1", "0177.0.0.1", "127.0.0.0x1", "127.0.0.", "localhost.", "[::2]",
        "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "2130706433"
      })
  void rejectsEverythingElse(String host) {
    assertNull(CheckedUrl.loopbackLiteral(host));
  }

  @Test
  void originNormalisesDefaultPortsAndCase() {
    assertEquals(
        CheckedUrl.originOf(URI.create("https://ci.example.com/a")),
        CheckedUrl.originOf(URI.create("HTTPS://CI.example.com:443/b")));
    assertEquals(
        CheckedUrl.originOf(URI.create("http://localhost/a")),
        CheckedUrl.originOf(URI.create("http://localhost:80/b")));
    assertNotEquals(
        CheckedUrl.originOf(URI.create("https://ci.example.com/a")),
        CheckedUrl.originOf(URI.create("https://ci.example.com:8443/a")));
    assertNotEquals(
        CheckedUrl.originOf(URI.create("http://localhost:443/a")),
        CheckedUrl.originOf(URI.create("https://localhost/a")));
  }
}
