package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles one workflow source file against the SDK jar, once per run. */
final class WorkflowCompiler {
  private WorkflowCompiler() {}

  private static final java.util.concurrent.atomic.AtomicBoolean WARMING = new java.util.concurrent.atomic.AtomicBoolean();
  static final String WARM_UP_SOURCE = """
      import static dev.hallmark.sdk.Hallmark.*;
      import dev.hallmark.sdk.*;
      public class WarmUp {
        public static void main(String[] args) {
          workflow("warm-up").on(push().branches("main")).job(job("a").step("s", ctx -> {
            ctx.sh("true");
            ctx.attestProvenance(Subject.ofPath("a", "a"));
          })).main(args);
        }
      }
      """;

  /**
   * Compiles a small workflow on a background thread: javac's first compile in a JVM spends most
   * of its time loading and linking javac itself (1–1.5 s on a 2-core machine), which then would
   * land inside the first push's start-up. Failures are ignored: the real compile reports its own.
   *
   * <p>Source and classes stay in memory: the thread is a daemon, killed mid-compile when the JVM
   * exits (a SIGTERM right after start), so a folder of its own would outlive it in the temp folder.
   */
  static void warmUpInBackground(Path sdkJar) {
    if (!WARMING.compareAndSet(false, true)) {
      return; // once per JVM
    }
    Thread t = new Thread(() -> {
      try {
        compileInMemory(WARM_UP_SOURCE, sdkJar);
      } catch (IOException | RuntimeException e) {
        // a warm-up only
      }
    }, "hallmark-javac-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  /**
   * Compiles {@code WarmUp.java} from {@code source} with the options of {@link #compile}, reading
   * and writing no file but the SDK jar: the class files are discarded. True when it compiled.
   */
  static boolean compileInMemory(String source, Path sdkJar) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      return false;
    }
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///WarmUp.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    try (StandardJavaFileManager standard = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        JavaFileManager discarding = new ForwardingJavaFileManager<>(standard) {
          @Override
          public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
              FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("discard:///" + className.replace('.', '/') + kind.extension), kind) {
              @Override
              public OutputStream openOutputStream() {
                return OutputStream.nullOutputStream();
              }
            };
          }
        }) {
      List<String> options = List.of("-classpath", sdkJar.toString(), "-encoding", "UTF-8", "-proc:none",
          "-implicit:none", "-nowarn", "-g");
      return javac.getTask(new StringWriter(), discarding, new DiagnosticCollector<>(), options, null, List.of(file)).call();
    }
  }

  /**
   * Compiles {@code source} into {@code classes} and returns the binary name of its top-level class
   * (the file's stem, in whatever package the file declares). A compile error throws with the
   * compiler's first error, as {@code <file>:<line>: <message>}.
   */
  static String compile(Path source, Path sdkJar, Path classes, String displayPath) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new OrchestratorException(Code.BAD_REQUEST, "no Java compiler: run the orchestrator on a JDK, not a JRE");
    }
    if (!Files.isRegularFile(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new OrchestratorException(Code.BAD_REQUEST, displayPath + " is not a regular file");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      Files.createDirectories(classes);
      List<String> options = List.of("-classpath", sdkJar.toString(), "-d", classes.toString(), "-encoding", "UTF-8",
          "-proc:none", "-implicit:none", "-nowarn", "-g");
      boolean ok = javac.getTask(new StringWriter(), files, diagnostics, options, null,
          files.getJavaFileObjects(source.toFile())).call();
      if (!ok) {
        String first = diagnostics.getDiagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
            .findFirst()
            .map(d -> displayPath + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT).lines().findFirst().orElse(""))
            .orElse(displayPath + ": does not compile");
        throw new OrchestratorException(Code.BAD_REQUEST, "compile error: " + first);
      }
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot compile " + displayPath + ": " + e.getMessage());
    }
    String stem = source.getFileName().toString().replaceFirst("\\.java$", "");
    try (Stream<Path> s = Files.walk(classes)) {
      Path cls = s.filter(p -> p.getFileName().toString().equals(stem + ".class")).findFirst()
          .orElseThrow(() -> new OrchestratorException(Code.BAD_REQUEST,
              displayPath + " declares no top-level class named " + stem));
      String rel = classes.relativize(cls).toString();
      return rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
    } catch (IOException e) {
      throw new OrchestratorException(Code.BAD_REQUEST, "cannot read the classes of " + displayPath);
    }
  }
}
