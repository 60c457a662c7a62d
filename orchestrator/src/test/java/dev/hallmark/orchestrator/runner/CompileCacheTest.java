package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile cache through the real compiler: javac in the sandbox (as a job uid when the test
 * runs as root), counted by {@link WorkflowCompiler#javacRuns}. A hit must start no compiler; any
 * change of what the compile reads must miss; a damaged entry must be compiled again, never used;
 * a failed compile must never be kept.
 */
class CompileCacheTest {
  private static final String REL = ".hallmark/workflows/W.java";
  private static final String SOURCE = String.join("\n",
      "import static dev.hallmark.sdk.Hallmark.*;",
      "public class W {",
      "  static class Inner {}",
      "  public static void main(String[] args) {",
      "    workflow(\"w\").on(push().branches(\"main\")).job(job(\"ok\").step(\"s\", ctx -> ctx.sh(\"echo FINE\"))).main(args);",
      "  }",
      "}", "");

  @TempDir Path tmp;
  private JobUsers users;
  private Sandbox sandbox;
  private Path sdkJar;
  private Path cacheDir;
  private int n;

  @BeforeEach
  void setUp() {
    users = JobUsers.detect(tmp.resolve("work"));
    sandbox = Sandbox.probe().hiding(tmp.resolve("data"), users.workRoot());
    sdkJar = users.readable(SdkJar.locate(tmp.resolve("data")));
    cacheDir = tmp.resolve("data").resolve("compile-cache");
  }

  @AfterEach
  void tearDown() {
    if (users.isIsolated()) {
      WorkspaceFiles.deleteTree(users.workRoot());
    }
  }

  private WorkflowCompiler compiler(Path jar) {
    return new WorkflowCompiler(sandbox, users, jar, Duration.ofSeconds(120),
        new CompileCache(cacheDir, CompileCache.DEFAULT_MAX_BYTES));
  }

  private Path checkout(String source) throws IOException {
    Path dir = tmp.resolve("checkout-" + (++n));
    Files.createDirectories(dir.resolve(REL).getParent());
    Files.writeString(dir.resolve(REL), source);
    return dir;
  }

  /** A fresh compile folder (as the runner makes one per run), traversable by a job uid. */
  private Path work() throws IOException {
    Path w = Files.createDirectories(users.workRoot()).resolve("compile-" + (++n));
    Files.createDirectories(w);
    users.traversable(w);
    return w;
  }

  private static Map<String, byte[]> classesOf(Path work) throws IOException {
    Path classes = work.resolve("classes");
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          out.put(classes.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  private static void assertSameClasses(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  private List<Path> entries() throws IOException {
    if (!Files.isDirectory(cacheDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      return s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).toList();
    }
  }

  @Test
  void aSecondCompileOfTheSameSourceRunsNoCompilerAndGivesTheSameClasses() throws Exception {
    WorkflowCompiler c = compiler(sdkJar);
    Path first = work();
    assertEquals("W", c.compile(checkout(SOURCE), REL, first));
    assertEquals(1, c.javacRuns());
    assertEquals(1, entries().size());

    Path second = work();
    assertEquals("W", c.compile(checkout(SOURCE), REL, second));
    assertEquals(1, c.javacRuns(), "a hit started javac");
    assertSameClasses(classesOf(first), classesOf(second));
    assertTrue(classesOf(second).containsKey("W$Inner.class"), "a nested class was not kept");
  }

  @Test
  void aChangedSourceMisses() throws Exception {
    WorkflowCompiler c = compiler(sdkJar);
    c.compile(checkout(SOURCE), REL, work());
    c.compile(checkout(SOURCE.replace("FINE", "CHANGED")), REL, work());
    assertEquals(2, c.javacRuns());
    assertEquals(2, entries().size());
  }

  @Test
  void aChangedSdkJarMisses() throws Exception {
    compiler(sdkJar).compile(checkout(SOURCE), REL, work());
    // The same SDK with one more entry: a valid jar with other bytes.
    Path other = tmp.resolve("other-sdk.jar");
    Files.copy(sdkJar, other);
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + other.toUri()), Map.of())) {
      Files.writeString(zip.getPath("extra.txt"), "another SDK build");
    }
    WorkflowCompiler c = compiler(users.readable(other));
    c.compile(checkout(SOURCE), REL, work());
    assertEquals(1, c.javacRuns(), "a different SDK jar used classes compiled against the first");
  }

  @Test
  void aCorruptedEntryIsCompiledAgainNeverLoaded() throws Exception {
    WorkflowCompiler c = compiler(sdkJar);
    Path first = work();
    c.compile(checkout(SOURCE), REL, first);
    Path entry = entries().get(0);
    byte[] bytes = Files.readAllBytes(entry);
    bytes[bytes.length - 10] ^= 0x01; // inside the last class file: only the digest can tell
    Files.write(entry, bytes);

    Path second = work();
    assertEquals("W", c.compile(checkout(SOURCE), REL, second));
    assertEquals(2, c.javacRuns(), "the altered entry was used");
    assertSameClasses(classesOf(first), classesOf(second));

    // The entry javac just wrote again, truncated.
    byte[] fresh = Files.readAllBytes(entries().get(0));
    Files.write(entries().get(0), java.util.Arrays.copyOf(fresh, fresh.length / 2));
    Path third = work();
    c.compile(checkout(SOURCE), REL, third);
    assertEquals(3, c.javacRuns(), "the truncated entry was used");
    assertSameClasses(classesOf(first), classesOf(third));
  }

  @Test
  void aFailedCompileIsNeverCached() throws Exception {
    WorkflowCompiler c = compiler(sdkJar);
    String broken = SOURCE.replace("static class Inner {}", "static class Inner { int x = \"not an int\"; }");
    for (int i = 0; i < 2; i++) {
      Path w = work();
      Path co = checkout(broken);
      OrchestratorException e = assertThrows(OrchestratorException.class, () -> c.compile(co, REL, w));
      assertTrue(e.getMessage().startsWith("compile error: " + REL + ":3:"), e.getMessage());
    }
    assertEquals(2, c.javacRuns());
    assertTrue(entries().isEmpty(), "a failed compile was kept");
  }

  @Test
  void theLeastRecentlyUsedEntriesGoPastTheBound() throws Exception {
    CompileCache cache = new CompileCache(cacheDir, 3500);
    Path classes = Files.createDirectories(tmp.resolve("fake").resolve("classes"));
    Files.write(classes.resolve("A.class"), new byte[1000]);
    CompileCache.Key a = key("a");
    CompileCache.Key b = key("b");
    CompileCache.Key c = key("c");
    CompileCache.Key d = key("d");
    cache.store(a, classes);
    cache.store(b, classes);
    cache.store(c, classes);
    long now = System.currentTimeMillis();
    Files.setLastModifiedTime(cacheDir.resolve(a.hex()), FileTime.fromMillis(now - 30_000));
    Files.setLastModifiedTime(cacheDir.resolve(b.hex()), FileTime.fromMillis(now - 20_000));
    Files.setLastModifiedTime(cacheDir.resolve(c.hex()), FileTime.fromMillis(now - 10_000));
    assertTrue(cache.restore(a, tmp.resolve("restored-a"))); // a is now the most recently used
    cache.store(d, classes);

    assertTrue(Files.exists(cacheDir.resolve(a.hex())));
    assertFalse(Files.exists(cacheDir.resolve(b.hex())), "the least recently used entry stayed");
    assertTrue(Files.exists(cacheDir.resolve(c.hex())));
    assertTrue(Files.exists(cacheDir.resolve(d.hex())));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(cacheDir)));
  }

  private static CompileCache.Key key(String rel) {
    return CompileCache.Key.of(rel, new byte[32], new byte[32], "jdk", WorkflowCompiler.OPTIONS);
  }
}
