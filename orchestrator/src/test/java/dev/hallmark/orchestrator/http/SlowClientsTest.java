package dev.hallmark.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.Orchestrator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 7: idle, slow and many clients against the real server over loopback. Nothing here
 * sleeps to hope: every wait is a socket time-out or a bounded deadline.
 */
class SlowClientsTest {
  @TempDir Path data;
  Orchestrator orchestrator;
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
  }

  private void start(HttpLimits limits) {
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withHttpLimits(limits));
  }

  private String host() {
    return "127.0.0.1:" + orchestrator.port();
  }

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), orchestrator.port()), 5000);
    return s;
  }

  private static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** 200 idle clients (100 dripping an endless head, 100 owing a declared body) do not stop a GET. */
  @Test
  void servesWhileTwoHundredIdleConnectionsAreHeldAndClosesThemAtTheirTimeOut() throws Exception {
    Duration timeout = Duration.ofSeconds(2);
    // Idle time-out far beyond the test: only the header and body time-outs can close these.
    start(HttpLimits.defaults().withTimeouts(timeout, timeout, Duration.ofSeconds(120)).withConnections(256, 1024));
    List<Socket> drips = new ArrayList<>();
    List<Socket> owing = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Socket s = connect("127.0.0.1");
      write(s, "GET /api/v1/runs HTTP/1.1\r\nHost: " + host() + "\r\nX-Endless: ");
      drips.add(s);
      Socket b = connect("127.0.0.1");
      write(b, "POST /api/v1/attestations HTTP/1.1\r\nHost: " + host()
          + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
      owing.add(b);
    }
    AtomicBoolean dripping = new AtomicBoolean(true);
    Thread dripper = new Thread(() -> {
      // One header byte per connection every 100 ms: never silent, never finished.
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (dripping.get() && System.nanoTime() < end) {
        for (Socket s : drips) {
          try {
            write(s, "a");
          } catch (IOException closed) {
            // the server closed it: what the test expects
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "drip");
    dripper.setDaemon(true);
    dripper.start();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      for (String path : List.of("/api/v1/runs", "/oidc/.well-known/openid-configuration")) {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(orchestrator.localUrl() + path))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), path);
        StrictJson.parseObject(r.body(), 1 << 20);
      }
      // Each idle connection ends at its time-out (2 s), well before this deadline.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (Socket s : drips) {
        assertClosedBy(s, deadline, "a connection dripping its head");
      }
      for (Socket s : owing) {
        assertClosedBy(s, deadline, "a connection owing its body");
      }
    } finally {
      dripping.set(false);
      dripper.interrupt();
    }
  }

  /** Reads to the end; fails unless the server closed the connection before {@code deadline}. */
  private static void assertClosedBy(Socket s, long deadline, String what) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (true) {
      long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
      if (left <= 0) {
        fail(what + " was still open after its time-out");
      }
      s.setSoTimeout((int) left);
      try {
        if (in.read(buf) < 0) {
          return;
        }
      } catch (SocketTimeoutException e) {
        fail(what + " was still open after its time-out");
      } catch (SocketException reset) {
        return;
      }
    }
  }

  /** One address gets its share and no more; another address is still served. */
  @Test
  void oneClientAddressCannotTakeEveryConnection() throws Exception {
    start(HttpLimits.defaults().withConnections(4, 64));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = connect("127.0.0.1");
      // A full keep-alive exchange: the server has surely counted this connection.
      assertEquals(200, get(s).status());
      held.add(s);
    }
    Socket fifth = connect("127.0.0.1");
    assertRefused(fifth);

    // 127.0.0.2 is loopback too on Linux, and a different client address.
    Socket other = connect("127.0.0.2");
    assertEquals(200, get(other).status());

    // A freed slot is usable again (the count follows closes), within a bounded number of tries.
    held.remove(0).close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = -1;
    while (status != 200 && System.nanoTime() < deadline) {
      try {
        status = get(connect("127.0.0.1")).status();
      } catch (IOException stillCounted) {
        // the server has not seen the close yet; try again on a fresh connection
      }
    }
    assertEquals(200, status);
  }

  private void assertRefused(Socket s) throws IOException {
    s.setSoTimeout(5000);
    try {
      write(s, "GET /api/v1/runs HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
      int first = s.getInputStream().read();
      assertEquals(-1, first, "an over-limit connection must be closed, not answered");
    } catch (SocketException reset) {
      // closed by the server: refused
    }
  }

  /** Jetty's own refusals (a head over the limit) are one-line JSON errors like ours. */
  @Test
  void anOversizedHeadGetsAOneLineJsonError() throws Exception {
    start(HttpLimits.defaults());
    RawHttp.Response r = RawHttp.request(orchestrator.port(), "GET", "/api/v1/runs",
        Map.of("Host", host(), "X-Big", "x".repeat(ApiServer.MAX_HEAD + 1)), null);
    assertEquals(431, r.status());
    assertEquals(1, r.text().lines().count(), r.text());
    assertTrue(StrictJson.parseObject(r.body(), 4096).requireString("error").length() > 0);
  }

  @Test
  void badLimitFlagsGetOneLineAndExitOne() {
    for (String[] flags : List.of(new String[] {"--max-connections-per-address", "0"},
        new String[] {"--max-connections", "8", "--max-connections-per-address", "9"},
        new String[] {"--http-header-timeout", "0"}, new String[] {"--http-body-timeout", "99999"},
        new String[] {"--http-idle-timeout", "x"})) {
      java.io.StringWriter err = new java.io.StringWriter();
      var cl = dev.hallmark.orchestrator.OrchestratorMainAccess.commandLine();
      cl.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
      cl.setErr(new java.io.PrintWriter(err, true));
      List<String> args = new ArrayList<>(List.of("serve", "--data", data.resolve("d").toString()));
      args.addAll(List.of(flags));
      assertEquals(1, cl.execute(args.toArray(String[]::new)), String.join(" ", flags));
      assertEquals(1, err.toString().strip().lines().count(), err.toString());
      assertTrue(err.toString().startsWith("hallmark: "), err.toString());
    }
  }

  record Answer(int status, String body) {}

  /** One keep-alive GET on an open socket: status line, headers, Content-Length body. */
  private Answer get(Socket s) throws IOException {
    s.setSoTimeout(5000);
    write(s, "GET /api/v1/runs HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new SocketException("closed before an answer");
      }
      head.write(c);
      matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int length = 0;
    for (String l : lines) {
      if (l.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), new String(body, StandardCharsets.UTF_8));
  }
}
