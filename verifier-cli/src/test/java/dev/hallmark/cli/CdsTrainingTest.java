package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's training sample must verify, or the archive would miss the verify path. */
class CdsTrainingTest {
  @Test
  void trainingRunSucceeds() {
    assertEquals(Hallmark.OK, CdsTraining.run());
  }

  @Test
  void sampleInTheJarVerifies(@TempDir Path dir) throws Exception {
    for (String name : new String[] {"sample.txt", "sample.txt.hallmark.json", "trust-root.json"}) {
      try (InputStream in = getClass().getResourceAsStream("/dev/hallmark/cli/sample/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    StringWriter out = new StringWriter();
    int status =
        Hallmark.run(
            new String[] {
              "verify-attestation", dir.resolve("sample.txt").toString(),
              "--bundle", dir.resolve("sample.txt.hallmark.json").toString(),
              "--trust-root", dir.resolve("trust-root.json").toString()
            },
            new PrintWriter(out),
            new PrintWriter(new StringWriter()));
    assertEquals(Hallmark.OK, status, out.toString());
  }
}
