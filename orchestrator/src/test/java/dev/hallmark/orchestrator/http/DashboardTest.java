package dev.hallmark.orchestrator.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.Orchestrator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files and headers, through a real orchestrator on loopback (Host guard included). */
class DashboardTest {
  @TempDir Path data;
  Orchestrator orchestrator;

  @BeforeEach
  void start() {
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data));
  }

  @AfterEach
  void stop() {
    if (orchestrator != null) {
      orchestrator.close();
    }
  }

  RawHttp.Response request(String method, String path) throws Exception {
    return request(method, path, "127.0.0.1:" + orchestrator.port());
  }

  RawHttp.Response request(String method, String path, String host) throws Exception {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host);
    byte[] body = null;
    if (method.equals("POST") || method.equals("PUT")) {
      h.put("Content-Type", "application/json");
      body = "{}".getBytes(StandardCharsets.UTF_8);
    }
    return RawHttp.request(orchestrator.port(), method, path, h, body);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = Dashboard.class.getResourceAsStream(Dashboard.RESOURCES + name)) {
      assertNotNull(in, name + " is not on the classpath");
      return in.readAllBytes();
    }
  }

  String expectedCsp() {
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' "
        + "http://127.0.0.1:" + orchestrator.port()
        + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  }

  @Test
  void servesTheIndexAtTheRootWithAStrictPolicy() throws Exception {
    for (String path : List.of("/", "/index.html")) {
      RawHttp.Response r = request("GET", path);
      assertEquals(200, r.status(), path);
      assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
      assertEquals(expectedCsp(), r.header("Content-Security-Policy"));
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
      assertEquals("no-referrer", r.header("Referrer-Policy"));
      assertArrayEquals(resource("index.html"), r.body());
    }
  }

  @Test
  void servesEachAssetWithItsContentType() throws Exception {
    Map<String, String> types = Map.of(
        "app.js", "text/javascript; charset=utf-8",
        "style.css", "text/css; charset=utf-8");
    for (Map.Entry<String, String> e : types.entrySet()) {
      RawHttp.Response r = request("GET", "/assets/" + e.getKey());
      assertEquals(200, r.status(), e.getKey());
      assertEquals(e.getValue(), r.header("Content-Type"), e.getKey());
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
      assertArrayEquals(resource(e.getKey()), r.body(), e.getKey());
    }
  }

  @Test
  void servesTheVerificationModuleAsJavaScript() throws Exception {
    RawHttp.Response r = request("GET", "/assets/verify.js");
    assertEquals(200, r.status(), "verify.js must ship with the dashboard");
    assertEquals("text/javascript; charset=utf-8", r.header("Content-Type"));
    assertArrayEquals(resource("verify.js"), r.body());
  }

  @Test
  void headAnswersHeadersOnly() throws Exception {
    RawHttp.Response r = request("HEAD", "/assets/app.js");
    assertEquals(200, r.status());
    assertEquals("text/javascript; charset=utf-8", r.header("Content-Type"));
    assertEquals(0, r.body().length);
  }

  @Test
  void rejectsUnknownAssets() throws Exception {
    for (String path : List.of("/assets/nope.js", "/assets/", "/assets/app.js/", "/assets/APP.JS", "/app.js",
        "/assets/app.js.map", "/index.htm", "/assets/index.html")) {
      RawHttp.Response r = request("GET", path);
      assertEquals(404, r.status(), path);
      assertTrue(StrictJson.parseObject(r.body(), 1 << 16).requireString("error").length() > 0, path);
    }
  }

  @Test
  void rejectsDirectoryTraversal() throws Exception {
    byte[] migration = Dashboard.class.getResourceAsStream("/dev/hallmark/orchestrator/store/V1__init.sql").readAllBytes();
    for (String path : List.of("/assets/../keys", "/assets/../../store/V1__init.sql", "/assets/%2e%2e/store/V1__init.sql",
        "/assets/..%2fstore%2fV1__init.sql", "/assets/..%2F..%2Fstore%2FV1__init.sql", "/assets//app.js",
        "/assets/./app.js", "/assets/app.js%00", "/assets/%61pp.js", "/dev/hallmark/orchestrator/dashboard/app.js",
        "/assets/..\\store\\V1__init.sql")) {
      RawHttp.Response r = request("GET", path);
      // 400 when the JDK's server refuses the request line itself, else our 404.
      assertTrue(r.status() == 404 || r.status() == 400, path + ": " + r.status());
      assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains("CREATE TABLE"), path);
      assertFalse(java.util.Arrays.equals(migration, r.body()), path);
    }
  }

  @Test
  void refusesEveryMethodButGetAndHead() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      for (String path : List.of("/", "/index.html", "/assets/app.js", "/api/v1/issuer")) {
        RawHttp.Response r = request(method, path);
        assertEquals(405, r.status(), method + " " + path);
        assertEquals("GET, HEAD", r.header("Allow"), method + " " + path);
        assertEquals("application/json", r.header("Content-Type"), method + " " + path);
        assertNull(r.header("Content-Security-Policy"), "no page is served for " + method + " " + path);
      }
    }
  }

  @Test
  void theHostGuardCoversTheDashboard() throws Exception {
    int port = orchestrator.port();
    assertEquals(421, request("GET", "/", "evil.example:" + port).status());
    assertEquals(421, request("GET", "/assets/app.js", "evil.example").status());
    assertEquals(200, request("GET", "/", "localhost:" + port).status());
  }

  @Test
  void namesTheIssuer() throws Exception {
    RawHttp.Response r = request("GET", "/api/v1/issuer");
    assertEquals(200, r.status());
    assertEquals("application/json", r.header("Content-Type"));
    JsonObject o = StrictJson.parseObject(r.body(), 1 << 16);
    assertEquals(orchestrator.issuerUrl(), o.requireString("issuer"));
    assertEquals("http://127.0.0.1:" + orchestrator.port() + "/oidc", o.requireString("issuer"));
  }

  @Test
  void publicDocumentsMayBeReadFromAnyOrigin() throws Exception {
    for (String path : List.of("/oidc/.well-known/openid-configuration", "/oidc/jwks", "/api/v1/trust-root")) {
      RawHttp.Response r = request("GET", path);
      assertEquals(200, r.status(), path);
      assertEquals("*", r.header("Access-Control-Allow-Origin"), path);
    }
    // The run API is not opened to other origins.
    RawHttp.Response runs = request("GET", "/api/v1/runs");
    assertEquals(200, runs.status());
    assertNull(runs.header("Access-Control-Allow-Origin"));
  }

  @Test
  void thePolicyAllowsConnectingToTheIssuerOriginOnly() {
    assertTrue(Dashboard.contentSecurityPolicy("https://ci.example.com/oidc")
        .contains("; connect-src 'self' https://ci.example.com; "));
    assertTrue(Dashboard.contentSecurityPolicy("https://CI.example.com:8443/oidc/")
        .contains("; connect-src 'self' https://ci.example.com:8443; "));
    assertEquals("http://[::1]:8080", Dashboard.origin("http://[::1]:8080/oidc"));
    // Nothing but a clean http(s) origin ever lands in the policy.
    for (String bad : List.of("javascript:alert(1)", "data:text/plain,x", "ftp://ci.example.com/oidc", "not a url",
        "https://ci.example.com;script-src *@x/oidc", "/oidc")) {
      assertNull(Dashboard.origin(bad), bad);
      assertTrue(Dashboard.contentSecurityPolicy(bad).contains("; connect-src 'self'; "), bad);
    }
  }

  @Test
  void theIssuerBehindAPublicUrlIsAllowedByThePolicy() throws Exception {
    orchestrator.close();
    orchestrator = Orchestrator.start(Orchestrator.Config.defaults(data).withPublicUrl("https://ci.example.com"));
    RawHttp.Response r = request("GET", "/", "ci.example.com");
    assertEquals(200, r.status());
    assertTrue(r.header("Content-Security-Policy").contains("; connect-src 'self' https://ci.example.com; "),
        r.header("Content-Security-Policy"));
    JsonObject o = StrictJson.parseObject(request("GET", "/api/v1/issuer").body(), 1 << 16);
    assertEquals("https://ci.example.com/oidc", o.requireString("issuer"));
  }

  @Test
  void theDashboardBuildsNoHtmlFromStrings() throws Exception {
    // The page's rule: workflow strings are text. No HTML sink appears in the module at all.
    String app = new String(resource("app.js"), StandardCharsets.UTF_8);
    for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
        "new Function", "srcdoc")) {
      assertFalse(app.contains(sink), sink);
    }
    String html = new String(resource("index.html"), StandardCharsets.UTF_8);
    assertFalse(html.contains("<script>"), "no inline script (the policy would block it)");
    assertFalse(html.contains("style="), "no inline style (the policy would block it)");
  }
}
