package dev.hallmark.trustroot.online;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.hallmark.trustroot.TrustRootFixtures.discovery;
import static dev.hallmark.trustroot.TrustRootFixtures.jwk;
import static dev.hallmark.trustroot.TrustRootFixtures.jwks;
import static dev.hallmark.trustroot.TrustRootFixtures.privateJwk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.attestation.trustroot.TrustRoot;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The FORMATS §1 online form against a loopback WireMock issuer, and against an in-memory connector
 * for HTTPS cases (no test sends traffic off this machine).
 */
class OnlineIssuerTest {
  private static final String DISCOVERY = "/oidc/.well-known/openid-configuration";
  private static final String JWKS = "/oidc/jwks";
  private static final int MiB = StrictJson.DOCUMENT_LIMIT;

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

  private static String base() {
    return "http://127.0.0.1:" + wm.port();
  }

  private static String issuer() {
    return base() + "/oidc";
  }

  private static void serve(String path, String body) {
    wm.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(body)));
  }

  private static void serve(String path, ResponseDefinitionBuilder response) {
    wm.stubFor(get(urlEqualTo(path)).willReturn(response));
  }

  /** A correct issuer: discovery naming {@link #issuer()} and a same-origin JWK Set. */
  private static void serveIssuer() {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, jwks(jwk("k1"), jwk("k2")));
  }

  private static TrustRoot fetch(String issuerUrl) {
    return OnlineIssuer.of(URI.create(issuerUrl)).fetch(OnlineOptions.defaults());
  }

  private static Code failure(String issuerUrl) {
    return assertThrows(TrustRootException.class, () -> fetch(issuerUrl)).code();
  }

  private static Code failure(String issuerUrl, OnlineOptions options) {
    return assertThrows(
            TrustRootException.class, () -> OnlineIssuer.of(URI.create(issuerUrl)).fetch(options))
        .code();
  }

  // ------------------------------------------------------------------ success

  @Test
  void loadsTrustRootFromIssuerUrl() {
    serveIssuer();
    TrustRoot root = fetch(issuer());
    assertEquals(issuer(), root.issuer());
    assertEquals(2, root.keys().size());
    assertNotNull(root.key("k1"));
    assertNotNull(root.key("k2"));
  }

  @Test
  void stripsOneTrailingSlash() {
    serveIssuer();
    TrustRoot root = fetch(issuer() + "/");
    assertEquals(issuer(), root.issuer());
    wm.verify(1, getRequestedFor(urlEqualTo(DISCOVERY)));
  }

  @Test
  void stripsOnlyOneTrailingSlash() {
    OnlineIssuer i = OnlineIssuer.of(URI.create("https://ci.example.com/oidc//"));
    assertEquals("https://ci.example.com/oidc/", i.issuer());
    assertEquals(
        URI.create("https://ci.example.com/oidc//.well-known/openid-configuration"),
        i.discoveryUri());
    assertEquals(
        URI.create("https://ci.example.com/.well-known/openid-configuration"),
        OnlineIssuer.of(URI.create("https://ci.example.com/")).discoveryUri());
  }

  @Test
  void acceptsJwkSetWithNoUsableKey() {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, jwks(Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB", "kid", "rsa")));
    assertEquals(0, fetch(issuer()).keys().size());
  }

  @Test
  void acceptsDocumentsOfExactlyOneMiB() {
    serve(DISCOVERY, padded(discovery(issuer(), base() + JWKS), MiB));
    serve(JWKS, padded(jwks(jwk("k1")), MiB));
    assertEquals(1, fetch(issuer()).keys().size());
  }

  @Test
  void localhostIssuerConnectsTo127001() {
    String localIssuer = "http://localhost:" + wm.port() + "/oidc";
    serve(DISCOVERY, discovery(localIssuer, "http://localhost:" + wm.port() + JWKS));
    serve(JWKS, jwks(jwk("k1")));
    List<String> addresses = Collections.synchronizedList(new ArrayList<>());
    Connector recording =
        (uri, address, timeout, maxBytes) -> {
          addresses.add(address.getHostAddress());
          return Connector.httpClient().get(uri, address, timeout, maxBytes);
        };
    TrustRoot root =
        OnlineIssuer.of(URI.create(localIssuer))
            .fetch(OnlineOptions.builder().connector(recording).build());
    assertEquals(localIssuer, root.issuer());
    assertEquals(List.of("127.0.0.1", "127.0.0.1"), addresses);
  }

  @Test
  void acceptsJwksUriWithExplicitDefaultPortAndOtherCase() {
    FakeIssuer https = new FakeIssuer();
    https.serve(
        "https://ci.example.com/oidc/.well-known/openid-configuration",
        discovery("https://ci.example.com/oidc", "https://CI.example.com:443/oidc/jwks"));
    https.serve("https://CI.example.com:443/oidc/jwks", jwks(jwk("k1")));
    TrustRoot root =
        OnlineIssuer.of(URI.create("https://ci.example.com/oidc")).fetch(https.options());
    assertEquals("https://ci.example.com/oidc", root.issuer());
  }

  // ------------------------------------------------------------------ issuer and origin

  @Test
  void rejectsIssuerMismatch() {
    serve(DISCOVERY, discovery(base() + "/other", base() + JWKS));
    serve(JWKS, jwks(jwk("k1")));
    assertEquals(Code.ISSUER_MISMATCH, failure(issuer()));
    wm.verify(0, getRequestedFor(urlEqualTo(JWKS)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/oidc/", "/OIDC", "/oidc "})
  void rejectsIssuerThatDiffersInAnyCodePoint(String path) {
    serve(DISCOVERY, discovery(base() + path, base() + JWKS));
    serve(JWKS, jwks(jwk("k1")));
    assertEquals(Code.ISSUER_MISMATCH, failure(issuer()));
  }

  @Test
  void rejectsJwksUriOnAnotherPort() {
    serve(DISCOVERY, discovery(issuer(), "http://127.0.0.1:" + (wm.port() + 1) + JWKS));
    List<URI> requested = Collections.synchronizedList(new ArrayList<>());
    Connector recording =
        (uri, address, timeout, maxBytes) -> {
          requested.add(uri);
          return Connector.httpClient().get(uri, address, timeout, maxBytes);
        };
    assertEquals(
        Code.FOREIGN_ORIGIN,
        failure(issuer(), OnlineOptions.builder().connector(recording).build()));
    assertEquals(List.of(URI.create(base() + DISCOVERY)), requested);
  }

  @Test
  void rejectsJwksUriOnAnotherHostOfTheSameMachine() {
    serve(DISCOVERY, discovery(issuer(), "http://localhost:" + wm.port() + JWKS));
    serve(JWKS, jwks(jwk("k1")));
    assertEquals(Code.FOREIGN_ORIGIN, failure(issuer()));
    wm.verify(0, getRequestedFor(urlEqualTo(JWKS)));
  }

  @Test
  void rejectsJwksUriWithAnotherScheme() {
    FakeIssuer https = new FakeIssuer();
    https.serve(
        "https://ci.example.com/oidc/.well-known/openid-configuration",
        discovery("https://ci.example.com/oidc", "http://ci.example.com/oidc/jwks"));
    assertEquals(Code.FOREIGN_ORIGIN, failure("https://ci.example.com/oidc", https.options()));
    assertEquals(1, https.requests.size());
  }

  @Test
  void rejectsJwksUriWithUserInfo() {
    FakeIssuer https = new FakeIssuer();
    https.serve(
        "https://ci.example.com/oidc/.well-known/openid-configuration",
        discovery("https://ci.example.com/oidc", "https://attacker@ci.example.com/oidc/jwks"));
    assertEquals(Code.INSECURE_URL, failure("https://ci.example.com/oidc", https.options()));
    assertEquals(1, https.requests.size());
  }

  // ------------------------------------------------------------------ URL rules

  @Test
  void rejectsPlainHttpToRemoteHostWithoutConnecting() {
    TrustRootException e =
        assertThrows(
            TrustRootException.class,
            () ->
                OnlineIssuer.of(URI.create("http://ci.example.com/oidc"))
                    .fetch(OnlineOptions.builder().connector(FakeIssuer.MUST_NOT_CONNECT).build()));
    assertEquals(Code.INSECURE_URL, e.code());
  }

  @Test
  void rejectsIssuerUrlWithQuery() {
    TrustRootException e =
        assertThrows(
            TrustRootException.class,
            () -> OnlineIssuer.of(URI.create("https://ci.example.com/oidc?tenant=a")));
    assertEquals(Code.MALFORMED_URL, e.code());
  }

  // ------------------------------------------------------------------ transport

  @Test
  void rejectsRedirectOnDiscoveryWithoutFollowingIt() {
    serve(DISCOVERY, aResponse().withStatus(302).withHeader("Location", base() + "/moved"));
    serve("/moved", discovery(issuer(), base() + JWKS));
    assertEquals(Code.REDIRECT, failure(issuer()));
    wm.verify(0, getRequestedFor(urlEqualTo("/moved")));
  }

  @Test
  void rejectsRedirectOnJwksWithoutFollowingIt() {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, aResponse().withStatus(307).withHeader("Location", base() + "/moved"));
    serve("/moved", jwks(jwk("k1")));
    assertEquals(Code.REDIRECT, failure(issuer()));
    wm.verify(0, getRequestedFor(urlEqualTo("/moved")));
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 500})
  void rejectsErrorStatusOnDiscovery(int status) {
    serve(DISCOVERY, aResponse().withStatus(status).withBody("{}"));
    assertEquals(Code.HTTP_STATUS, failure(issuer()));
    wm.verify(0, getRequestedFor(urlEqualTo(JWKS)));
  }

  /** The base URL given for an orchestrator's issuer: the 404 suggests the {@code /oidc} path. */
  @Test
  void rejectsMissingDiscoveryAndSuggestsTheOidcPath() {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS)); // served under /oidc only
    TrustRootException e = assertThrows(TrustRootException.class, () -> fetch(base()));
    assertEquals(Code.HTTP_STATUS, e.code());
    assertTrue(e.getMessage().endsWith(" answered HTTP 404 (is the issuer URL " + base() + "/oidc?)"), e.getMessage());
  }

  @Test
  void rejectsMissingDiscoveryUnderOidcWithoutHint() {
    TrustRootException e = assertThrows(TrustRootException.class, () -> fetch(issuer()));
    assertEquals(Code.HTTP_STATUS, e.code());
    assertTrue(e.getMessage().endsWith(" answered HTTP 404"), e.getMessage());
  }

  @Test
  void rejectsServerErrorOnDiscoveryWithoutHint() {
    serve("/.well-known/openid-configuration", aResponse().withStatus(500).withBody("{}"));
    TrustRootException e = assertThrows(TrustRootException.class, () -> fetch(base()));
    assertTrue(e.getMessage().endsWith(" answered HTTP 500"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 500})
  void rejectsErrorStatusOnJwks(int status) {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, aResponse().withStatus(status).withBody("{}"));
    assertEquals(Code.HTTP_STATUS, failure(issuer()));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rejectsDiscoveryOverOneMiB(boolean chunked) {
    serve(DISCOVERY, oversized(padded(discovery(issuer(), base() + JWKS), MiB + 1), chunked));
    serve(JWKS, jwks(jwk("k1")));
    assertEquals(Code.TOO_LARGE, failure(issuer()));
    wm.verify(0, getRequestedFor(urlEqualTo(JWKS)));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rejectsJwksOverOneMiB(boolean chunked) {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, oversized(padded(jwks(jwk("k1")), MiB + 1), chunked));
    assertEquals(Code.TOO_LARGE, failure(issuer()));
  }

  @Test
  void timesOutOnIssuerThatNeverAnswers() {
    serve(DISCOVERY, aResponse().withStatus(200).withFixedDelay(4000).withBody("{}"));
    long start = System.nanoTime();
    assertEquals(Code.TIMEOUT, failure(issuer(), oneSecond(Connector.httpClient())));
    // Not a precision test: only that the fetch did not wait for the server.
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(3500)) < 0);
  }

  @Test
  void oneTimeOutCoversBothFetches() {
    // Each answer alone fits in the budget; together they do not (FORMATS §1: one time-out).
    serve(
        DISCOVERY,
        aResponse()
            .withStatus(200)
            .withFixedDelay(600)
            .withBody(discovery(issuer(), base() + JWKS)));
    serve(JWKS, aResponse().withStatus(200).withFixedDelay(600).withBody(jwks(jwk("k1"))));
    assertEquals(Code.TIMEOUT, failure(issuer(), oneSecond(Connector.httpClient())));
  }

  @Test
  void secondFetchGetsOnlyWhatIsLeft() {
    FakeIssuer https = new FakeIssuer();
    https.serve(
        "https://ci.example.com/oidc/.well-known/openid-configuration",
        discovery("https://ci.example.com/oidc", "https://ci.example.com/oidc/jwks"));
    https.serve("https://ci.example.com/oidc/jwks", jwks(jwk("k1")));
    https.delay = Duration.ofMillis(300);
    OnlineIssuer.of(URI.create("https://ci.example.com/oidc")).fetch(oneSecond(https));
    assertTrue(https.timeouts.get(0).compareTo(Duration.ofSeconds(1)) <= 0);
    assertTrue(https.timeouts.get(1).compareTo(Duration.ofMillis(700)) <= 0);
  }

  @Test
  void reportsClosedPortAsUnreachable() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    assertEquals(Code.UNREACHABLE, failure("http://127.0.0.1:" + port + "/oidc"));
  }

  // ------------------------------------------------------------------ documents

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"issuer\": ",
        "{\"issuer\": \"x\", \"issuer\": \"y\", \"jwks_uri\": \"z\"}",
        "[]",
        "\uFEFF{}",
        "{\"jwks_uri\": \"http://127.0.0.1/oidc/jwks\"} trailing",
      })
  void rejectsMalformedDiscovery(String body) {
    serve(DISCOVERY, body);
    assertEquals(Code.INVALID, failure(issuer()));
  }

  @Test
  void rejectsDiscoveryWithDuplicateIssuer() {
    // Two issuer members, the first one right: a lenient parser keeping either would disagree
    // with another verifier keeping the other.
    serve(
        DISCOVERY,
        "{\"issuer\":\""
            + issuer()
            + "\",\"issuer\":\""
            + issuer()
            + "\",\"jwks_uri\":\""
            + base()
            + JWKS
            + "\"}");
    serve(JWKS, jwks(jwk("k1")));
    assertEquals(Code.INVALID, failure(issuer()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"jwks_uri\": \"JWKS\"}",
        "{\"issuer\": 42, \"jwks_uri\": \"JWKS\"}",
        "{\"issuer\": \"ISSUER\"}",
        "{\"issuer\": \"ISSUER\", \"jwks_uri\": 7}",
        "{\"issuer\": \"ISSUER\", \"jwks_uri\": \"http://exa mple/jwks\"}",
        "{\"issuer\": \"ISSUER\", \"jwks_uri\": \"/oidc/jwks\"}"
      })
  void rejectsDiscoveryWithMissingOrMistypedMembers(String template) {
    serve(DISCOVERY, template.replace("ISSUER", issuer()).replace("JWKS", base() + JWKS));
    serve(JWKS, jwks(jwk("k1")));
    assertEquals(Code.INVALID, failure(issuer()));
  }

  @Test
  void rejectsJwksWithPrivateKey() {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, jwks(jwk("k1"), privateJwk("k2")));
    assertEquals(Code.INVALID, failure(issuer()));
  }

  @Test
  void rejectsJwksWithDuplicateKid() {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, jwks(jwk("same"), jwk("same")));
    assertEquals(Code.INVALID, failure(issuer()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{\"keys\": [", "{\"keys\": {}}", "{}", "[]", "{\"keys\": [], \"keys\": []}"})
  void rejectsMalformedJwks(String body) {
    serve(DISCOVERY, discovery(issuer(), base() + JWKS));
    serve(JWKS, body);
    assertEquals(Code.INVALID, failure(issuer()));
  }

  // ------------------------------------------------------------------ helpers

  private static OnlineOptions oneSecond(Connector connector) {
    return OnlineOptions.builder().timeout(Duration.ofSeconds(1)).connector(connector).build();
  }

  /** {@code json} followed by spaces up to exactly {@code size} bytes (still valid JSON). */
  private static String padded(String json, int size) {
    int length = json.getBytes(StandardCharsets.UTF_8).length;
    return json + " ".repeat(size - length);
  }

  private static ResponseDefinitionBuilder oversized(String body, boolean chunked) {
    ResponseDefinitionBuilder r = aResponse().withStatus(200).withBody(body);
    // Chunked transfer carries no Content-Length: only the streaming bound can refuse it.
    // (WireMock chunks by default, so the declared case sets the header explicitly.)
    return chunked
        ? r.withChunkedDribbleDelay(4, 100)
        : r.withHeader(
            "Content-Length", String.valueOf(body.getBytes(StandardCharsets.UTF_8).length));
  }

  /** An in-memory HTTPS issuer: answers by exact URL, records requests, never touches a network. */
  private static final class FakeIssuer implements Connector {
    static final Connector MUST_NOT_CONNECT =
        (uri, address, timeout, maxBytes) -> fail("connector called for " + uri);

    final Map<URI, String> documents = new java.util.HashMap<>();
    final List<URI> requests = new ArrayList<>();
    final List<Duration> timeouts = new ArrayList<>();
    Duration delay = Duration.ZERO;

    void serve(String url, String body) {
      documents.put(URI.create(url), body);
    }

    OnlineOptions options() {
      return OnlineOptions.builder().connector(this).build();
    }

    @Override
    public Response get(URI uri, InetAddress address, Duration timeout, int maxBytes) {
      requests.add(uri);
      timeouts.add(timeout);
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String body = documents.get(uri);
      return body == null
          ? new Response(404, null, null)
          : new Response(200, null, body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
