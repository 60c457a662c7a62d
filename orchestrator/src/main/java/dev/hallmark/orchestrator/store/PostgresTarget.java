package dev.hallmark.orchestrator.store;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A PostgreSQL database to keep the orchestrator's state in: {@code serve --database URL}. The URL
 * is {@code postgresql://[user@]host[:port]/database[?param=value…]} (libpq's form; {@code
 * postgres://} and JDBC's {@code jdbc:postgresql://…} are read the same way); the parameters are
 * the JDBC driver's ({@code sslmode=verify-full}, …). It never carries the password: that comes
 * from a file ({@code --database-password-file}) or the {@code PGPASSWORD} variable, so it is never
 * in a process listing, a shell history or a message. {@link #toString} is the URL as given.
 */
public record PostgresTarget(String url, String jdbcUrl, String user, String password) implements Database {
  private static final int DEFAULT_PORT = 5432;

  public PostgresTarget {
    if (url == null || jdbcUrl == null) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the database URL is missing");
    }
  }

  /**
   * Reads {@code url}; the password is the first line of {@code passwordFile} when given, else
   * {@code env}'s {@code PGPASSWORD}, else none (the server may trust the connection, or use a
   * client certificate named in the URL's parameters).
   */
  public static PostgresTarget parse(String url, Path passwordFile, Map<String, String> env) {
    if (url == null || url.isBlank()) {
      throw bad("--database is empty");
    }
    String rest;
    if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else if (url.startsWith("jdbc:postgresql://")) {
      rest = url.substring("jdbc:postgresql://".length());
    } else {
      throw bad("--database must be a postgresql://[user@]host[:port]/database URL, not '" + url + "'");
    }
    URI uri;
    try {
      uri = new URI("postgresql://" + rest);
    } catch (URISyntaxException e) {
      throw bad("--database is not a valid URL: " + e.getReason());
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw bad("--database names no host: " + url);
    }
    String database = uri.getPath() == null ? "" : uri.getPath();
    if (database.length() < 2 || database.indexOf('/', 1) >= 0) {
      throw bad("--database names no database (postgresql://host:port/DATABASE): " + url);
    }
    String user = null;
    if (uri.getRawUserInfo() != null) {
      if (uri.getRawUserInfo().contains(":")) {
        throw bad("--database must not carry a password; use --database-password-file or PGPASSWORD");
      }
      user = uri.getUserInfo();
    }
    String query = uri.getRawQuery();
    if (query != null) {
      for (String param : query.split("&")) {
        String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
        if (name.equalsIgnoreCase("password")) {
          throw bad("--database must not carry a password; use --database-password-file or PGPASSWORD");
        }
      }
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    String jdbc = "jdbc:postgresql://" + host + ":" + port + database + (query == null ? "" : "?" + query);
    return new PostgresTarget(url, jdbc, user, password(passwordFile, env));
  }

  private static String password(Path file, Map<String, String> env) {
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw bad("cannot read --database-password-file " + file);
      }
      String first = text.lines().findFirst().orElse("");
      if (first.isEmpty()) {
        throw bad("--database-password-file " + file + " is empty");
      }
      return first;
    }
    String fromEnv = env.get("PGPASSWORD");
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
  }

  private static OrchestratorException bad(String message) {
    return new OrchestratorException(Code.INVALID_INPUT, message);
  }

  @Override
  public Store open(Clock clock) {
    return PostgresStore.open(this, clock);
  }

  /** The URL as given: it holds no password. */
  @Override
  public String toString() {
    return url;
  }
}
