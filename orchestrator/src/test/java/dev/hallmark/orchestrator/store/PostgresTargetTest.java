package dev.hallmark.orchestrator.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --database}: what URL forms are read, where the password may come from, and the one-line failures. */
class PostgresTargetTest {
  @TempDir Path dir;

  @Test
  void readsLibpqAndJdbcFormsAlike() {
    PostgresTarget a = PostgresTarget.parse("postgresql://ci@db.internal:6543/hallmark?sslmode=verify-full", null, Map.of());
    assertEquals("jdbc:postgresql://db.internal:6543/hallmark?sslmode=verify-full", a.jdbcUrl());
    assertEquals("ci", a.user());
    assertNull(a.password());
    PostgresTarget b = PostgresTarget.parse("jdbc:postgresql://[::1]/hallmark", null, Map.of());
    assertEquals("jdbc:postgresql://[::1]:5432/hallmark", b.jdbcUrl());
    assertNull(b.user());
    assertEquals("jdbc:postgresql://h:5432/d", PostgresTarget.parse("postgres://h/d", null, Map.of()).jdbcUrl());
  }

  @Test
  void rejectsPasswordInTheUrl() {
    for (String url : new String[] {"postgresql://ci:hunter2@db/hallmark", "postgresql://db/hallmark?password=hunter2",
        "jdbc:postgresql://db/hallmark?sslmode=require&PASSWORD=x"}) {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> PostgresTarget.parse(url, null, Map.of()));
      assertEquals(Code.INVALID_INPUT, e.code());
      assertFalse(e.getMessage().contains("hunter2"), "the password is echoed");
    }
  }

  @Test
  void rejectsOtherSchemesAndUrlsWithoutHostOrDatabase() {
    for (String url : new String[] {"mysql://db/hallmark", "/var/lib/hallmark.db", "postgresql:///hallmark",
        "postgresql://db", "postgresql://db/", "postgresql://db/a/b", "postgresql://db:port/x", ""}) {
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> PostgresTarget.parse(url, null, Map.of()), url);
      assertEquals(Code.INVALID_INPUT, e.code(), url);
      assertEquals(1, e.getMessage().lines().count(), url);
    }
  }

  @Test
  void passwordFileWinsOverPgpasswordAndNeverShows() throws IOException {
    Path file = Files.writeString(dir.resolve("pw"), "s3cret-from-file\n");
    PostgresTarget t = PostgresTarget.parse("postgresql://ci@db/hallmark", file, Map.of("PGPASSWORD", "from-env"));
    assertEquals("s3cret-from-file", t.password());
    assertFalse(t.toString().contains("s3cret"));
    assertEquals("from-env", PostgresTarget.parse("postgresql://ci@db/hallmark", null, Map.of("PGPASSWORD", "from-env")).password());
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertEquals(Code.INVALID_INPUT, assertThrows(OrchestratorException.class,
        () -> PostgresTarget.parse("postgresql://db/h", empty, Map.of())).code());
    assertEquals(Code.INVALID_INPUT, assertThrows(OrchestratorException.class,
        () -> PostgresTarget.parse("postgresql://db/h", dir.resolve("missing"), Map.of())).code());
  }

  @Test
  void unreachableServerIsOneLineStoreError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    PostgresTarget t = PostgresTarget.parse("postgresql://ci@127.0.0.1:" + port + "/hallmark", null, Map.of());
    long start = System.nanoTime();
    OrchestratorException e = assertThrows(OrchestratorException.class, () -> t.open(Clock.systemUTC()));
    assertEquals(Code.STORE, e.code());
    assertEquals(1, e.getMessage().lines().count());
    assertTrue(e.getMessage().startsWith("cannot connect to the database postgresql://ci@127.0.0.1:" + port + "/hallmark"), e.getMessage());
    assertTrue(System.nanoTime() - start < 15_000_000_000L, "open() kept retrying");
  }
}
