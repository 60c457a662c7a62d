package dev.hallmark.trustroot.online;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.hallmark.trustroot.TrustRootException;
import dev.hallmark.trustroot.TrustRootException.Code;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default connector against real loopback servers: bounds, time-outs, no DNS, no bodies. */
class HttpClientConnectorTest {
  private static final int LIMIT = 1024 * 1024;
  private static final Duration BUDGET = Duration.ofSeconds(5);
  private static final Duration SHORT = Duration.ofSeconds(1);

  private static WireMockServer wm;
  private static InetAddress loopback;
  private final Connector connector = Connector.httpClient();

  @BeforeAll
  static void start() throws IOException {
    wm =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1") // loopback only: no test traffic leaves this machine
                .dynamicPort()
                .jettyStopTimeout(100L)); // do not wait for the deliberately slow answers
    wm.start();
    loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
  }

  @AfterAll
  static void stop() {
    wm.stop();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + wm.port() + path);
  }

  @Test
  void returnsStatusAndBody() {
    wm.stubFor(get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(200).withBody("{}")));
    Connector.Response r = connector.get(url("/doc"), loopback, BUDGET, LIMIT);
    assertEquals(200, r.status());
    assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), r.body());
  }

  @Test
  void acceptsBodyOfExactlyTheLimit() {
    byte[] body = new byte[LIMIT];
    wm.stubFor(get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(200).withBody(body)));
    assertEquals(LIMIT, connector.get(url("/doc"), loopback, BUDGET, LIMIT).bodyLength());
  }

  @Test
  void rejectsDeclaredOversizedBody() {
    // WireMock sends chunked unless told otherwise; here the length is declared.
    wm.stubFor(
        get(urlEqualTo("/doc"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Length", String.valueOf(LIMIT + 1))
                    .withBody(new byte[LIMIT + 1])));
    TrustRootException e =
        assertThrows(
            TrustRootException.class, () -> connector.get(url("/doc"), loopback, BUDGET, LIMIT));
    assertEquals(Code.TOO_LARGE, e.code());
  }

  @Test
  void refusesDeclaredOversizedBodyBeforeItArrives() throws Exception {
    // The server declares 2 MiB and then sends nothing: only an early refusal on the declared
    // length ends this before the time-out.
    try (RawHttpServer declaring =
        new RawHttpServer(
            out -> {
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + (2 * LIMIT) + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              Thread.sleep(60_000);
            })) {
      URI uri = URI.create("http://127.0.0.1:" + declaring.port() + "/doc");
      TrustRootException e =
          assertThrows(
              TrustRootException.class,
              () -> connector.get(uri, loopback, Duration.ofSeconds(20), LIMIT));
      assertEquals(Code.TOO_LARGE, e.code());
    }
  }

  @Test
  void rejectsChunkedOversizedBody() {
    // Chunked transfer: no Content-Length to go by, so the streaming bound must catch it.
    wm.stubFor(
        get(urlEqualTo("/doc"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(new byte[2 * LIMIT])
                    .withChunkedDribbleDelay(4, 200)));
    TrustRootException e =
        assertThrows(
            TrustRootException.class, () -> connector.get(url("/doc"), loopback, BUDGET, LIMIT));
    assertEquals(Code.TOO_LARGE, e.code());
  }

  @Test
  void stopsReadingAnEndlessBodyOnceOverTheLimit() throws Exception {
    // The server streams chunks forever: only a bound enforced while streaming ends this, long
    // before the time-out.
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'a');
    try (RawHttpServer endless =
        new RawHttpServer(
            out -> {
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          + "Transfer-Encoding: chunked\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              while (true) {
                out.write(
                    (Integer.toHexString(chunk.length) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
              }
            })) {
      URI uri = URI.create("http://127.0.0.1:" + endless.port() + "/doc");
      TrustRootException e =
          assertThrows(
              TrustRootException.class,
              () -> connector.get(uri, loopback, Duration.ofSeconds(20), LIMIT));
      assertEquals(Code.TOO_LARGE, e.code());
    }
  }

  @Test
  void timesOutOnServerThatAcceptsAndNeverAnswers() throws Exception {
    try (RawHttpServer silent = new RawHttpServer(out -> Thread.sleep(60_000))) {
      URI uri = URI.create("http://127.0.0.1:" + silent.port() + "/doc");
      long start = System.nanoTime();
      TrustRootException e =
          assertThrows(TrustRootException.class, () -> connector.get(uri, loopback, SHORT, LIMIT));
      assertEquals(Code.TIMEOUT, e.code());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
    }
  }

  @Test
  void timesOutOnDelayedHeaders() {
    wm.stubFor(
        get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
    TrustRootException e =
        assertThrows(
            TrustRootException.class, () -> connector.get(url("/doc"), loopback, SHORT, LIMIT));
    assertEquals(Code.TIMEOUT, e.code());
  }

  @Test
  void timeOutCoversTheBody() {
    // Headers arrive at once, the body trickles for 3 s: a headers-only time-out would wait.
    wm.stubFor(
        get(urlEqualTo("/doc"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(new byte[1000])
                    .withChunkedDribbleDelay(10, 3000)));
    TrustRootException e =
        assertThrows(
            TrustRootException.class, () -> connector.get(url("/doc"), loopback, SHORT, LIMIT));
    assertEquals(Code.TIMEOUT, e.code());
  }

  @Test
  void reportsRefusedConnectionAsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(loopback, 0));
      port = s.getLocalPort();
    }
    URI uri = URI.create("http://127.0.0.1:" + port + "/doc");
    TrustRootException e =
        assertThrows(TrustRootException.class, () -> connector.get(uri, loopback, BUDGET, LIMIT));
    assertEquals(Code.UNREACHABLE, e.code());
  }

  @Test
  void doesNotReadTheBodyOfAnErrorStatus() {
    wm.stubFor(
        get(urlEqualTo("/doc"))
            .willReturn(aResponse().withStatus(404).withBody(new byte[4 * LIMIT])));
    Connector.Response r = connector.get(url("/doc"), loopback, BUDGET, LIMIT);
    assertEquals(404, r.status());
    assertEquals(0, r.bodyLength());
  }

  @Test
  void returnsRedirectWithLocationWithoutFollowingIt() {
    wm.stubFor(
        get(urlEqualTo("/doc"))
            .willReturn(
                aResponse().withStatus(302).withHeader("Location", url("/other").toString())));
    wm.stubFor(get(urlEqualTo("/other")).willReturn(aResponse().withStatus(200).withBody("{}")));
    Connector.Response r = connector.get(url("/doc"), loopback, BUDGET, LIMIT);
    assertEquals(302, r.status());
    assertEquals(url("/other").toString(), r.location());
    wm.verify(0, getRequestedFor(urlEqualTo("/other")));
  }

  @Test
  void connectsToTheGivenAddressNotTheUrlHost() {
    // WireMock listens on 127.0.0.1 only; the URL names 127.0.0.2. Success means the connector
    // used the checked address it was given, resolving nothing.
    wm.stubFor(get(urlEqualTo("/doc")).willReturn(aResponse().withStatus(200).withBody("{}")));
    URI uri = URI.create("http://127.0.0.2:" + wm.port() + "/doc");
    assertEquals(200, connector.get(uri, loopback, BUDGET, LIMIT).status());
  }

  @Test
  void rewritesHostToTheAddressLiteral() throws IOException {
    URI uri = URI.create("http://localhost:8080/a%20b/c?d=e%26f");
    assertEquals(
        "http://127.0.0.1:8080/a%20b/c?d=e%26f",
        HttpClientConnector.withAddress(uri, loopback).toString());
    InetAddress v6 =
        InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    assertEquals(
        "http://[0:0:0:0:0:0:0:1]/x",
        HttpClientConnector.withAddress(URI.create("http://[::1]/x"), v6).toString());
  }
}
