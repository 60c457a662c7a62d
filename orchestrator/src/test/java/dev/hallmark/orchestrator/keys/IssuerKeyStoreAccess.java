package dev.hallmark.orchestrator.keys;

import dev.hallmark.orchestrator.Orchestrator;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

/** Rotates the issuer key of a data folder, as {@code hallmark keys rotate} does. */
public final class IssuerKeyStoreAccess {
  public String rotate(Path data) {
    return IssuerKeyStore.open(Orchestrator.keysDir(data), Clock.systemUTC(), new SecureRandom()).rotate();
  }
}
