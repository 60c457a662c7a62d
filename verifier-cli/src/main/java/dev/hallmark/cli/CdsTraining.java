package dev.hallmark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The launcher's training run for the class-data-sharing archive ({@code hallmark --cds-training},
 * not a user command): it exercises every command on a small sample shipped in the jar, so the
 * archive holds what any later run loads, whatever the user's first command was.
 */
final class CdsTraining {
  static final String FLAG = "--cds-training";
  private static final String SAMPLE = "/dev/hallmark/cli/sample/";
  private static final String ARTIFACT = "sample.txt";

  private CdsTraining() {}

  static int run() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("hallmark-cds");
      Path artifact = copy(dir, ARTIFACT);
      Path bundle = copy(dir, ARTIFACT + ".hallmark.json");
      Path trustRoot = copy(dir, "trust-root.json");
      PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
      String[] verify = {
        "verify-attestation", artifact.toString(), "--bundle", bundle.toString(),
        "--trust-root", trustRoot.toString(), "--repository", "x"
      };
      Hallmark.run(verify, sink, sink);
      String[] verifyJson = verify.clone();
      verifyJson[verifyJson.length - 1] = "--json";
      Hallmark.run(verifyJson, sink, sink);
      Hallmark.run(new String[] {"verify-attestation", "--bundle", bundle.toString(), "--json"}, sink, sink);
      Hallmark.run(new String[] {"trust-root", "show", trustRoot.toString()}, sink, sink);
      Hallmark.run(new String[] {"audit", dir.toString(), "--trust-root", trustRoot.toString(), "--threads", "1"}, sink, sink);
      Hallmark.run(new String[] {"audit", dir.toString(), "--trust-root", trustRoot.toString(), "--json"}, sink, sink);
      Hallmark.run(new String[] {"--help"}, sink, sink);
      return Hallmark.OK;
    } catch (IOException | UncheckedIOException e) {
      return Hallmark.FAILED;
    } finally {
      delete(dir);
    }
  }

  private static Path copy(Path dir, String name) throws IOException {
    try (InputStream in = CdsTraining.class.getResourceAsStream(SAMPLE + name)) {
      if (in == null) {
        throw new IOException("sample " + name + " is missing from the jar");
      }
      Path target = dir.resolve(name);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary folder is harmless.
    }
  }
}
