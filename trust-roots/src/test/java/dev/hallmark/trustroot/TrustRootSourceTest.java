package dev.hallmark.trustroot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.hallmark.trustroot.TrustRootFixtures.discovery;
import static dev.hallmark.trustroot.TrustRootFixtures.jwk;
import static dev.hallmark.trustroot.TrustRootFixtures.jwks;
import static dev.hallmark.trustroot.TrustRootFixtures.trustRootFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException.Code;
import dev.hallmark.trustroot.online.Connector;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The factories: which argument becomes which source, and that URLs are checked up front. */
class TrustRootSourceTest {
  private static final OnlineOptions NO_NETWORK =
      OnlineOptions.builder()
          .connector((uri, address, timeout, maxBytes) -> fail("connector called for " + uri))
          .build();

  @TempDir Path dir;

  @Test
  void parsesPathAsFile() throws IOException {
    Path file =
        Files.write(
            dir.resolve("root.json"), trustRootFile("https://ci.example.com/oidc", jwk("k1")));
    TrustRootSource source = OnlineTrustRootSource.parse(file.toString(), NO_NETWORK);
    assertEquals("file " + file, source.describe());
    assertEquals("https://ci.example.com/oidc", source.load().issuer());
  }

  /** RFC 3986 §3.1: schemes are case-insensitive; the issuer is the URL's lower-case form. */
  @ParameterizedTest
  @ValueSource(
      strings = {"https://ci.example.com/oidc", "HTTPS://ci.example.com/oidc/", "Https://ci.example.com/oidc"})
  void parsesHttpsAsIssuerWithoutFetching(String arg) {
    TrustRootSource source = OnlineTrustRootSource.parse(arg, NO_NETWORK);
    assertEquals("issuer https://ci.example.com/oidc", source.describe());
  }

  /** RFC 8089: a file: URL in any case is the local file it names, as the plain path would be. */
  @Test
  void parsesFileUrlsAsTheFileTheyName() throws IOException {
    Path file =
        Files.write(
            dir.resolve("root one.json"), trustRootFile("https://ci.example.com/oidc", jwk("k1")));
    String path = file.toString().replace(" ", "%20");
    for (String arg :
        new String[] {"file://" + path, "file:" + path, "FILE:" + path, "File://localhost" + path}) {
      TrustRootSource source = OnlineTrustRootSource.parse(arg, NO_NETWORK);
      assertEquals("file " + file, source.describe(), arg);
      assertEquals("https://ci.example.com/oidc", source.load().issuer(), arg);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"file:relative.json", "file://ci.example.com/etc/trust-root.json", "file:///x.json?y"})
  void rejectsFileUrlsThatNameNoLocalAbsolutePath(String arg) {
    TrustRootException e =
        assertThrows(TrustRootException.class, () -> OnlineTrustRootSource.parse(arg, NO_NETWORK));
    assertEquals(Code.MALFORMED_URL, e.code());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://ci.example.com/oidc",
        "ftp://ci.example.com/oidc",
        "FTP://ci.example.com/oidc"
      })
  void rejectsInsecureUrlWithoutConnecting(String arg) {
    TrustRootException e =
        assertThrows(TrustRootException.class, () -> OnlineTrustRootSource.parse(arg, NO_NETWORK).load());
    assertEquals(Code.INSECURE_URL, e.code());
  }

  @Test
  void rejectsUnparseableUrl() {
    TrustRootException e =
        assertThrows(
            TrustRootException.class,
            () -> OnlineTrustRootSource.parse("https://ci example.com/oidc", NO_NETWORK));
    assertEquals(Code.MALFORMED_URL, e.code());
  }

  @Test
  void onlineRejectsInsecureUrlBeforeAnyLoad() {
    TrustRootException e =
        assertThrows(
            TrustRootException.class,
            () -> OnlineTrustRootSource.of(URI.create("http://ci.example.com/oidc"), NO_NETWORK));
    assertEquals(Code.INSECURE_URL, e.code());
  }

  @Test
  void preloadedReturnsItsTrustRoot() {
    TrustRoot root = TrustRoot.parse(trustRootFile("https://ci.example.com/oidc", jwk("k1")));
    assertSame(root, TrustRootSource.of(root).load());
  }

  @Test
  void onlineSourceFetchesOnEveryLoadUnlessMemoized() {
    WireMockServer wm =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1") // loopback only: no test traffic leaves this machine
                .dynamicPort()
                .jettyStopTimeout(100L)); // do not wait for the deliberately slow answers
    wm.start();
    try {
      String issuer = "http://127.0.0.1:" + wm.port() + "/oidc";
      wm.stubFor(
          get(urlEqualTo("/oidc/.well-known/openid-configuration"))
              .willReturn(
                  aResponse().withStatus(200).withBody(discovery(issuer, issuer + "/jwks"))));
      wm.stubFor(
          get(urlEqualTo("/oidc/jwks"))
              .willReturn(aResponse().withStatus(200).withBody(jwks(jwk("k1")))));
      OnlineOptions options = OnlineOptions.builder().connector(Connector.httpClient()).build();

      TrustRootSource source = OnlineTrustRootSource.parse(issuer, options);
      assertEquals(issuer, source.load().issuer());
      source.load();
      assertEquals(
          2,
          wm.countRequestsMatching(
                  com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                          urlEqualTo("/oidc/jwks"))
                      .build())
              .getCount());

      wm.resetRequests();
      TrustRootSource memoized = source.memoized();
      for (int i = 0; i < 100; i++) {
        memoized.load();
      }
      assertEquals(
          1,
          wm.countRequestsMatching(
                  com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                          urlEqualTo("/oidc/jwks"))
                      .build())
              .getCount());
    } finally {
      wm.stop();
    }
  }
}
