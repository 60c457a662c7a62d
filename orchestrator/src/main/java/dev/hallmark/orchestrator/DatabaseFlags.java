package dev.hallmark.orchestrator;

import dev.hallmark.orchestrator.store.Database;
import dev.hallmark.orchestrator.store.PostgresTarget;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --database} and {@code --database-password-file}, shared by {@code serve} and {@code repo
 * add|list}: without them the state is the data folder's SQLite file. The password is never a flag
 * (it would show in a process listing): a file, or {@code PGPASSWORD}.
 */
final class DatabaseFlags {
  @Option(names = "--database", paramLabel = "URL", description = "Keep runs, jobs, logs and bundles in this PostgreSQL "
      + "database, postgresql://[user@]host[:port]/database[?param=value…] (default: hallmark.db in the data folder). "
      + "The password comes from --database-password-file or PGPASSWORD, never from the URL.")
  String url;

  @Option(names = "--database-password-file", paramLabel = "FILE", description = "A file whose first line is the "
      + "--database password (instead of PGPASSWORD).")
  Path passwordFile;

  /** The database the flags name, or the data folder's embedded one. */
  Database database(Path dataDir) {
    if (url == null) {
      if (passwordFile != null) {
        throw new OrchestratorException(OrchestratorException.Code.INVALID_INPUT, "--database-password-file needs --database");
      }
      return Database.embedded(dataDir);
    }
    return PostgresTarget.parse(url, passwordFile, System.getenv());
  }
}
