package dev.hallmark.orchestrator.http;

import dev.hallmark.orchestrator.Orchestrator;
import java.nio.file.Path;

final class IssuerKeyStoreAccess {
  private IssuerKeyStoreAccess() {}

  static Path dir(Path data) {
    return Orchestrator.keysDir(data);
  }
}
