package dev.hallmark.trustroot.online;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FORMATS §1 fetch rules: URL policy before any connection, status handling, bounds, deadline. */
class RemoteDocumentTest {
  private static final Connector MUST_NOT_CONNECT =
      (uri, address, timeout, maxBytes) -> fail("connector called for " + uri);

  private static WireMockServer wm;

  @BeforeAll
  static void start() {
    wm =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1") // loopback only: no test traffic leaves this machine
                .dynamicPort()
                .jettyStopTimeout(100L)); // do not wait for the deliberately slow answers
    wm.start();
  }

  @AfterAll
  static void stop() {
    wm.stop();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
  }

  private static URI url(String path) {
    return URI.create("http://127.0.0.1:" + wm.port() + path);
  }

  private static OnlineOptions options(Connector connector) {
    return OnlineOptions.builder().connector(connector).timeout(Duration.ofSeconds(5)).build();
  }

  private static Code codeOf(Runnable fetch) {
    return assertThrows(TrustRootException.class, fetch::run).code();
  }

  @Test
  void fetchesBody() {
    wm.stubFor(
        get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(200).withBody("{\"a\":1}")));
    byte[] body = RemoteDocument.fetch(url("/doc"), 100, OnlineOptions.defaults());
    assertArrayEquals("{\"a\":1}".getBytes(StandardCharsets.UTF_8), body);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://ci.example.com/oidc",
        "http://10.0.0.1/doc",
        "http://127.0.0.01/doc",
        "http://localhost./doc",
        "http://localhost.example.com/doc",
        "http://[::ffff:127.0.0.1]/doc",
        "ftp://ci.example.com/doc",
        "file:///etc/passwd",
        "https://user@ci.example.com/doc",
        "http://user:pw@localhost/doc"
      })
  void rejectsInsecureUrlBeforeConnecting(String url) {
    assertEquals(
        Code.INSECURE_URL,
        codeOf(() -> RemoteDocument.fetch(URI.create(url), 100, options(MUST_NOT_CONNECT))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/relative/doc",
        "https:opaque",
        "https://ci.example.com/doc#frag",
        "https://ci.example.com:99999/",
        // java.net.URI finds no host in these (numeric top label), so they never reach the
        // loopback check; refused either way.
        "http://127.1/doc",
        "http://0x7f.0.0.1/doc"
      })
  void rejectsMalformedUrlBeforeConnecting(String url) {
    assertEquals(
        Code.MALFORMED_URL,
        codeOf(() -> RemoteDocument.fetch(URI.create(url), 100, options(MUST_NOT_CONNECT))));
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void rejectsRedirectWithoutFollowingIt(int status) {
    wm.stubFor(
        get(urlEqualTo("/doc"))
            .willReturn(
                aResponse().withStatus(status).withHeader("Location", url("/moved").toString())));
    wm.stubFor(get(urlEqualTo("/moved")).willReturn(aResponse().withStatus(200).withBody("{}")));
    assertEquals(
        Code.REDIRECT,
        codeOf(() -> RemoteDocument.fetch(url("/doc"), 100, OnlineOptions.defaults())));
    wm.verify(0, getRequestedFor(urlEqualTo("/moved")));
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 204, 400, 404, 410, 500, 503})
  void rejectsEveryStatusButOk(int status) {
    wm.stubFor(get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(status).withBody("{}")));
    assertEquals(
        Code.HTTP_STATUS,
        codeOf(() -> RemoteDocument.fetch(url("/doc"), 100, OnlineOptions.defaults())));
  }

  @Test
  void appliesTheCallersBound() {
    // FORMATS §1: a bundle URL is fetched under the same rules with the bundle's 10 MiB bound.
    byte[] twoMiB = new byte[2 * 1024 * 1024];
    wm.stubFor(get(urlEqualTo("/bundle")).willReturn(aResponse().withStatus(200).withBody(twoMiB)));
    assertEquals(
        twoMiB.length,
        RemoteDocument.fetch(url("/bundle"), StrictJson.BUNDLE_LIMIT, OnlineOptions.defaults())
            .length);
    assertEquals(
        Code.TOO_LARGE,
        codeOf(
            () ->
                RemoteDocument.fetch(
                    url("/bundle"), StrictJson.DOCUMENT_LIMIT, OnlineOptions.defaults())));
  }

  @Test
  void rechecksTheBoundOnWhatTheConnectorReturns() {
    Connector careless =
        (uri, address, timeout, maxBytes) ->
            new Connector.Response(200, null, new byte[maxBytes + 1]);
    assertEquals(
        Code.TOO_LARGE,
        codeOf(
            () ->
                RemoteDocument.fetch(
                    URI.create("https://ci.example.com/doc"), 10, options(careless))));
  }

  @Test
  void rejectsExpiredDeadlineWithoutConnecting() throws InterruptedException {
    Deadline deadline = Deadline.after(Duration.ofNanos(1));
    Thread.sleep(2);
    assertEquals(
        Code.TIMEOUT,
        codeOf(
            () ->
                RemoteDocument.fetch(
                    URI.create("https://ci.example.com/doc"), 10, deadline, MUST_NOT_CONNECT)));
  }

  @Test
  void localhostConnectsTo127001() {
    wm.stubFor(get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(200).withBody("{}")));
    List<InetAddress> addresses = new ArrayList<>();
    Connector recording =
        (uri, address, timeout, maxBytes) -> {
          addresses.add(address);
          return Connector.httpClient().get(uri, address, timeout, maxBytes);
        };
    URI localhost = URI.create("http://localhost:" + wm.port() + "/doc");
    assertArrayEquals(
        "{}".getBytes(StandardCharsets.UTF_8),
        RemoteDocument.fetch(localhost, 10, options(recording)));
    assertEquals(
        List.of("127.0.0.1"), addresses.stream().map(InetAddress::getHostAddress).toList());
    wm.verify(1, getRequestedFor(urlEqualTo("/doc")));
  }

  @Test
  void loopbackLiteralsConnectToTheirOwnAddress() {
    List<String> addresses = new ArrayList<>();
    Connector recording =
        (uri, address, timeout, maxBytes) -> {
          addresses.add(address.getHostAddress());
          return new Connector.Response(200, null, new byte[0]);
        };
    RemoteDocument.fetch(URI.create("http://127.5.6.7:8080/doc"), 10, options(recording));
    RemoteDocument.fetch(URI.create("http://[::1]:8080/doc"), 10, options(recording));
    RemoteDocument.fetch(URI.create("http://LOCALHOST/doc"), 10, options(recording));
    assertEquals(List.of("127.5.6.7", "0:0:0:0:0:0:0:1", "127.0.0.1"), addresses);
  }

  @Test
  void httpsResolvesByNameUnderTls() {
    List<InetAddress> addresses = new ArrayList<>();
    Connector recording =
        (uri, address, timeout, maxBytes) -> {
          addresses.add(address);
          return new Connector.Response(200, null, new byte[0]);
        };
    RemoteDocument.fetch(URI.create("https://ci.example.com/doc"), 10, options(recording));
    assertEquals(1, addresses.size());
    assertNull(addresses.get(0));
  }
}
