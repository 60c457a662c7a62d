package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hallmark.attestation.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --database} through the packaged jar: a URL it cannot use, or a server it cannot
 * reach, is one line and exit 1 before any key is made; with a real PostgreSQL server ({@code
 * -Dhallmark.test.postgres}, as for {@code PostgresStoreIT}) {@code repo add}, a push, its run and
 * its bundle all live in the database, byte for byte, and nothing in the data folder's SQLite file.
 */
class ServeDatabaseIT {
  private static final String REPO = "acme/app";

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private Process server;
  private final List<String> dropDatabases = new ArrayList<>();
  private String adminJdbc;
  private Properties adminProps;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      ServeProcess.stop(server);
    }
    if (adminJdbc != null) {
      try (Connection c = new org.postgresql.Driver().connect(adminJdbc, adminProps); Statement s = c.createStatement()) {
        for (String name : dropDatabases) {
          s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
      }
    }
  }

  @Test
  void refusesADatabaseUrlItCannotUseWithOneLine() throws Exception {
    Path data = tmp.resolve("data");
    for (String url : new String[] {"mysql://db/hallmark", "postgresql://ci:hunter2@db/hallmark", "postgresql://db"}) {
      ServeProcess.CliResult r = ServeProcess.cli(tmp, "serve", "--data", data.toString(), "--database", url);
      assertEquals(1, r.exit(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("hallmark: "), r.err());
      assertFalse(r.err().contains("hunter2"), r.err());
    }
    ServeProcess.CliResult noUrl = ServeProcess.cli(tmp, "repo", "list", "--data", data.toString(),
        "--database-password-file", tmp.resolve("pw").toString());
    assertEquals(1, noUrl.exit());
    assertEquals("hallmark: --database-password-file needs --database", noUrl.err().strip());
  }

  @Test
  void anUnreachableServerIsOneLineAndNoKeysAreMade() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = tmp.resolve("data");
    ServeProcess.CliResult r = ServeProcess.cli(tmp, "serve", "--data", data.toString(), "--unsafe-no-sandbox",
        "--database", "postgresql://hallmark@127.0.0.1:" + port + "/hallmark");
    assertEquals(1, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("hallmark: cannot connect to the database postgresql://hallmark@127.0.0.1:" + port), r.err());
    assertFalse(Files.exists(Orchestrator.keysDir(data)), "keys were made for a serve that did not start");
  }

  @Test
  void aPushRunsAndItsBundleIsStoredInPostgresqlByteForByte() throws Exception {
    String base = setting("hallmark.test.postgres", "HALLMARK_TEST_POSTGRES");
    if (base == null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("no PostgreSQL server under CI=true: set -Dhallmark.test.postgres (scripts/test starts one with scripts/pg)");
      }
      Assumptions.abort("SKIPPED: serve on PostgreSQL (no -Dhallmark.test.postgres; scripts/pg starts a server)");
    }
    String pwFile = setting("hallmark.test.postgres.password-file", "HALLMARK_TEST_POSTGRES_PASSWORD_FILE");
    var admin = dev.hallmark.orchestrator.store.PostgresTarget.parse(base, pwFile == null ? null : Path.of(pwFile), System.getenv());
    adminJdbc = admin.jdbcUrl();
    adminProps = new Properties();
    if (admin.user() != null) {
      adminProps.setProperty("user", admin.user());
    }
    if (admin.password() != null) {
      adminProps.setProperty("password", admin.password());
    }
    byte[] r = new byte[6];
    new SecureRandom().nextBytes(r);
    String name = "hallmark_serve_" + dev.hallmark.attestation.encoding.Hex.encode(r);
    try (Connection c = new org.postgresql.Driver().connect(adminJdbc, adminProps); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    dropDatabases.add(name);
    URI u = new URI(base.replaceFirst("^(jdbc:)?postgres(ql)?://", "postgresql://"));
    String url = new URI("postgresql", u.getUserInfo(), u.getHost(), u.getPort(), "/" + name, u.getQuery(), null).toString();
    List<String> db = new ArrayList<>(List.of("--database", url));
    if (pwFile != null) {
      db.addAll(List.of("--database-password-file", pwFile));
    }

    Path data = tmp.resolve("data");
    Path repo = ServeIT.exampleRepository(tmp.resolve("app"));
    String sha = ServeIT.git(repo, "rev-parse", "HEAD");
    List<String> add = new ArrayList<>(List.of("repo", "add", REPO, repo.toString(), "--data", data.toString()));
    add.addAll(db);
    ServeProcess.CliResult added = ServeProcess.cli(tmp, add.toArray(String[]::new));
    assertEquals(0, added.exit(), added.err());

    ServeProcess serve = ServeProcess.start(tmp, data, 0, db.toArray(String[]::new));
    server = serve.process();
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(serve.url() + "/api/v1/events/push"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + credential)
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + REPO + "\",\"ref\":\"refs/heads/main\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode(), accepted.body());
    String runId = (String) ServeProcess.json(accepted.body()).requireArray("runIds").get(0);
    JsonObject run = ServeProcess.awaitFinished(http, serve.url(), runId, Duration.ofSeconds(90));
    assertEquals("succeeded", run.requireString("status"), run.toString());
    assertEquals(sha, run.requireString("sha"));

    List<Object> attestations = ServeProcess.json(http.send(HttpRequest.newBuilder(
        URI.create(serve.url() + "/api/v1/runs/" + runId + "/attestations")).build(), HttpResponse.BodyHandlers.ofString()).body())
        .requireArray("attestations");
    assertEquals(1, attestations.size());
    String key = ((JsonObject) attestations.get(0)).requireString("storageKey");
    HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(serve.url() + "/api/v1/attestations/" + key)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, bundle.statusCode());
    String dbJdbc = admin.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    try (Connection c = new org.postgresql.Driver().connect(dbJdbc, adminProps);
        PreparedStatement p = c.prepareStatement("SELECT bundle FROM attestations WHERE storage_key = ?")) {
      p.setString(1, key);
      try (ResultSet rs = p.executeQuery()) {
        assertTrue(rs.next(), "the bundle is not in PostgreSQL");
        assertArrayEquals(bundle.body(), rs.getBytes(1));
      }
    }
    assertFalse(Files.exists(data.resolve("hallmark.db")), "serve --database wrote the embedded store too");
  }

  private static String setting(String property, String variable) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(variable);
    }
    return v == null || v.isBlank() ? null : v;
  }
}
