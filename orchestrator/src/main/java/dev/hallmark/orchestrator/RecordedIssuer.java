package dev.hallmark.orchestrator;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import dev.hallmark.orchestrator.oidc.Issuer;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The issuer a data folder signs as, chosen once and kept in {@code <data>/issuer}. Every token
 * carries it as {@code iss} and the verifier compares it with the trust root's issuer, so a data
 * folder whose issuer changed would fail {@code token} for every bundle it signed before.
 *
 * <p>The file holds the issuer URL on its first line, exactly the {@code iss} of every token. A
 * second line {@code public-url} says {@code serve} took it from {@code --public-url} (a proxy in
 * front maps whatever port serve listens on); without it the issuer names the listening address
 * itself ({@code hallmark run}'s files, and {@code serve} without {@code --public-url}), whose port
 * is then part of the identity.
 *
 * <pre>{@code
 * Orchestrator.Config config = RecordedIssuer.read(data).map(r -> r.admit(flags)).orElse(flags);
 * }</pre>
 */
public record RecordedIssuer(String issuerUrl, Origin origin) {
  /** The file's name inside the data folder. */
  public static final String FILE = "issuer";
  private static final String PUBLIC_URL_LINE = "public-url";
  private static final int MAX_LENGTH = 2048;

  /** Where the issuer's base URL came from when it was recorded. */
  public enum Origin {
    /** {@code http://<bind>:<port>}: the listening address and port are the identity. */
    LISTEN_ADDRESS,
    /** {@code --public-url}: what is in front maps it to whatever port serve listens on. */
    PUBLIC_URL
  }

  public RecordedIssuer {
    requireNonNull(origin, "origin");
    URI u = checkUrl(issuerUrl, "the issuer URL");
    if (!u.getRawPath().endsWith("/oidc")) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the issuer URL " + issuerUrl + " does not end in /oidc");
    }
    if (origin == Origin.LISTEN_ADDRESS && u.getPort() <= 0) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the issuer URL " + issuerUrl + " names no port");
    }
  }

  /** {@code --public-url}: an http or https URL with a host and no user, query or fragment. */
  public static void checkPublicUrl(String url) {
    checkUrl(url, "--public-url");
  }

  private static URI checkUrl(String url, String what) {
    if (url == null || url.isEmpty() || url.length() > MAX_LENGTH) {
      throw new OrchestratorException(Code.INVALID_INPUT, what + " must be an http or https URL of at most "
          + MAX_LENGTH + " characters");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, what + " is not a URL: " + url);
    }
    String scheme = u.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || u.getHost() == null || u.getRawUserInfo() != null
        || u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new OrchestratorException(Code.INVALID_INPUT, what + " must be an http or https URL with a host and no "
          + "user, query or fragment (such as https://ci.example.com), not " + url);
    }
    return u;
  }

  /** The base URL the issuer hangs off: the issuer URL without its {@code /oidc}. */
  public String baseUrl() {
    return issuerUrl.substring(0, issuerUrl.length() - "/oidc".length());
  }

  /** The issuer URL's port; -1 when it has none (the scheme's default). */
  public int port() {
    return URI.create(issuerUrl).getPort();
  }

  /** {@code <data>/issuer}'s record, or empty when the data folder has none yet. */
  public static Optional<RecordedIssuer> read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    String text;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_LENGTH + 64) {
        throw new OrchestratorException(Code.CONFIG, file + " is not an issuer file");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OrchestratorException(Code.CONFIG, "cannot read the issuer file " + file + ": " + e.getMessage());
    }
    List<String> lines = text.strip().lines().map(String::strip).toList();
    Origin origin = lines.size() == 1 ? Origin.LISTEN_ADDRESS
        : lines.size() == 2 && lines.get(1).equals(PUBLIC_URL_LINE) ? Origin.PUBLIC_URL : null;
    if (origin == null) {
      throw new OrchestratorException(Code.CONFIG, file + " does not hold an issuer URL, optionally followed "
          + "by the line '" + PUBLIC_URL_LINE + "'");
    }
    try {
      return Optional.of(new RecordedIssuer(lines.get(0), origin));
    } catch (OrchestratorException e) {
      throw new OrchestratorException(Code.CONFIG, file + " does not hold a usable issuer: " + e.getMessage());
    }
  }

  /**
   * Records this issuer in {@code <data>/issuer}: written to an owner-only temporary file, fsynced
   * and linked into place, so the file is never half-written and never replaced; then the folder is
   * fsynced, so the record outlives a crash of the first start that signed under it.
   */
  public void write(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dataDir, ".issuer", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      String text = issuerUrl + "\n" + (origin == Origin.PUBLIC_URL ? PUBLIC_URL_LINE + "\n" : "");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.createLink(file, tmp);
      try (FileChannel d = FileChannel.open(dataDir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (FileAlreadyExistsException e) {
      throw new OrchestratorException(Code.CONFLICT, file + " was recorded by another process meanwhile");
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot write the issuer file " + file + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // an owner-only leftover holding a public URL; the issuer file itself is in place
        }
      }
    }
  }

  /**
   * What {@code serve} runs with on a data folder recorded as this issuer, from the configuration
   * its flags ask for ({@code port} 0: no port asked for). The recorded issuer wins: with no
   * {@code --public-url} recorded, serve binds the recorded port again, and an explicit
   * {@code --port} or {@code --bind} giving another address is refused; with one recorded, the port
   * is free (the proxy maps it) and another {@code --public-url} is refused.
   */
  public Orchestrator.Config admit(Orchestrator.Config flags) {
    String asked = flags.publicUrl();
    if (asked != null) {
      String would = Issuer.issuerUrlFor(asked);
      if (!would.equals(issuerUrl)) {
        throw refusal(flags.dataDir(), "--public-url " + asked, would);
      }
      int port = flags.port() == 0 && origin == Origin.LISTEN_ADDRESS ? port() : flags.port();
      return flags.withPort(port).withIssuerUrl(issuerUrl);
    }
    if (origin == Origin.PUBLIC_URL) {
      return flags.withPublicUrl(baseUrl()).withIssuerUrl(issuerUrl);
    }
    int port = flags.port() == 0 ? port() : flags.port();
    String would = Issuer.issuerUrlFor(Orchestrator.listenUrl(flags.bind(), port));
    if (!would.equals(issuerUrl)) {
      List<String> changes = new ArrayList<>();
      if (!Orchestrator.listenUrl(flags.bind(), port()).equals(baseUrl())) {
        changes.add("--bind " + flags.bind().getHostAddress());
      }
      if (port != port()) {
        changes.add("--port " + port);
      }
      throw refusal(flags.dataDir(), String.join(" ", changes), would);
    }
    return flags.withPort(port).withIssuerUrl(issuerUrl);
  }

  private OrchestratorException refusal(Path dataDir, String change, String would) {
    return new OrchestratorException(Code.CONFLICT, dataDir + " belongs to issuer " + issuerUrl + "; " + change
        + " would change it to " + would + " and every bundle it signed would fail 'token'. To move the issuer, "
        + "export its trust root (hallmark trust-root export --issuer " + issuerUrl + " --out old-trust-root.json) "
        + "and start a new --data folder (see docs/orchestrator.md#moving-an-issuer)");
  }
}
