package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles one workflow source file against the SDK jar, once per run. */
final class WorkflowCompiler {
  private WorkflowCompiler() {}

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
