package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The javac warm-up: a real compile (or it warms nothing) that leaves no file behind. */
class WorkflowCompilerTest {
  @TempDir Path tmp;

  @Test
  void warmUpCompilesTheWorkflowInMemoryAndWritesNoFile() throws IOException {
    Path sdkJar = SdkJar.locate(tmp.resolve("data"));
    List<Path> before = listing(Path.of("").toAbsolutePath());
    List<Path> tmpBefore = listing(Path.of(System.getProperty("java.io.tmpdir")));

    assertTrue(WorkflowCompiler.compileInMemory(WorkflowCompiler.WARM_UP_SOURCE, sdkJar));

    // Class files without a -d land beside the source by default: nothing may appear here or in the temp folder.
    assertEquals(before, listing(Path.of("").toAbsolutePath()));
    assertFalse(listing(Path.of(System.getProperty("java.io.tmpdir"))).stream()
        .anyMatch(p -> !tmpBefore.contains(p) && p.getFileName().toString().startsWith("hallmark-javac")));
    assertFalse(Files.exists(Path.of("WarmUp.class")));
  }

  @Test
  void warmUpReportsASourceThatDoesNotCompile() throws IOException {
    Path sdkJar = SdkJar.locate(tmp.resolve("data"));
    assertFalse(WorkflowCompiler.compileInMemory("public class WarmUp { void f() { undefined(); } }", sdkJar));
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
