package dev.hallmark.orchestrator.http;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The dashboard: a few static files (plain HTML, CSS and ES modules, no tool chain) and the one
 * endpoint the page needs besides the read API, {@code GET /api/v1/issuer}.
 *
 * <p>Files are served from a fixed allow-list, read once from the classpath: a request path is
 * looked up as a whole string, never resolved against a folder, so no path can reach another
 * resource ({@code /assets/../keys} is simply not on the list). The HTML carries a strict
 * Content-Security-Policy: scripts, styles and requests only from this origin, plus the issuer's
 * origin for its discovery document and JWKS, which the page fetches to check bundles itself.
 */
final class Dashboard {
  static final String RESOURCES = "/dev/hallmark/orchestrator/dashboard/";
  static final String ISSUER_PATH = "/api/v1/issuer";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String JS = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";
  /** Request path → (resource name, Content-Type). Nothing else is ever served from resources. */
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", HTML},
      "/index.html", new String[] {"index.html", HTML},
      "/assets/app.js", new String[] {"app.js", JS},
      "/assets/verify.js", new String[] {"verify.js", JS},
      "/assets/style.css", new String[] {"style.css", CSS});

  private final Map<String, byte[]> bodies = new LinkedHashMap<>();
  private final byte[] issuerJson;
  private final String csp;

  /** Reads the files from the orchestrator's own resources. */
  Dashboard(String issuerUrl) {
    this(issuerUrl, Dashboard::classpathResource);
  }

  /**
   * @param resources reads a file of the allow-list by name; null when it is absent (then that path
   *     answers 404)
   */
  Dashboard(String issuerUrl, Function<String, byte[]> resources) {
    requireNonNull(issuerUrl, "issuerUrl");
    for (Map.Entry<String, String[]> e : FILES.entrySet()) {
      byte[] body = resources.apply(e.getValue()[0]);
      if (body != null) {
        bodies.put(e.getKey(), body);
      }
    }
    Map<String, Object> issuer = new LinkedHashMap<>();
    issuer.put("issuer", issuerUrl);
    this.issuerJson = StrictJson.write(issuer);
    this.csp = contentSecurityPolicy(issuerUrl);
  }

  /** True when the path is the dashboard's (answered, or refused with an exception); false otherwise. */
  boolean handle(Exchange ex, String method, String path) {
    boolean asset = path.startsWith("/assets/");
    if (!asset && !FILES.containsKey(path) && !path.equals(ISSUER_PATH)) {
      return false;
    }
    ApiServer.requireGet(ex);
    if (path.equals(ISSUER_PATH)) {
      send(ex, "application/json", issuerJson);
      return true;
    }
    byte[] body = bodies.get(path);
    if (body == null) {
      throw new OrchestratorException(Code.NOT_FOUND, "no such file");
    }
    send(ex, FILES.get(path)[1], body);
    return true;
  }

  /** The policy of every dashboard answer; the issuer's origin is added only when it is a clean one. */
  static String contentSecurityPolicy(String issuerUrl) {
    String origin = origin(issuerUrl);
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'"
        + (origin == null ? "" : " " + origin)
        + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  }

  /** {@code scheme://host[:port]} of an http(s) URL, or null when it is anything else. */
  static String origin(String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      return null;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost();
    if (!(scheme.equals("http") || scheme.equals("https")) || host == null
        || !host.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]")) {
      return null;
    }
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + (u.getPort() == -1 ? "" : ":" + u.getPort());
  }

  private void send(Exchange ex, String type, byte[] body) {
    ex.setHeader("Content-Type", type);
    ex.setHeader("X-Content-Type-Options", "nosniff");
    ex.setHeader("Cache-Control", "no-store");
    ex.setHeader("Referrer-Policy", "no-referrer");
    ex.setHeader("Content-Security-Policy", csp);
    ex.respond(200, body);
  }

  private static byte[] classpathResource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the dashboard's " + name, e);
    }
  }
}
