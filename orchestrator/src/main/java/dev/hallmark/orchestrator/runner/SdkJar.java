package dev.hallmark.orchestrator.runner;

import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where workflow JVMs find the SDK. The SDK jar ships inside the orchestrator jar (the build copies
 * it in), so a runner never depends on a source tree's layout; it is extracted into the data folder
 * under a name holding its digest, so an upgraded orchestrator never runs an older SDK.
 * {@code HALLMARK_SDK_JAR} overrides it (for SDK development).
 */
public final class SdkJar {
  static final String RESOURCE = "hallmark-sdk.jar";

  private SdkJar() {}

  public static Path locate(Path dataDir) {
    String override = System.getenv("HALLMARK_SDK_JAR");
    if (override != null && !override.isEmpty()) {
      Path p = Path.of(override).toAbsolutePath();
      if (!Files.isRegularFile(p)) {
        throw new OrchestratorException(Code.CONFIG, "HALLMARK_SDK_JAR " + p + " is not a file");
      }
      return p;
    }
    byte[] bytes;
    try (InputStream in = SdkJar.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new OrchestratorException(Code.CONFIG, "the SDK jar is missing from the orchestrator jar; rebuild it");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new OrchestratorException(Code.CONFIG, "cannot read the bundled SDK jar: " + e.getMessage());
    }
    String name = "hallmark-sdk-" + Sha256.hex(Sha256.of(bytes)).substring(0, 16) + ".jar";
    Path dir = dataDir.resolve("sdk");
    Path target = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
        Path tmp = Files.createTempFile(dir, "sdk", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot extract the SDK jar into " + dir + ": " + e.getMessage());
    }
    return target;
  }
}
