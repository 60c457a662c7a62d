package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE: dependencies run one way, no cycles, within a module too. The package graph of each
 * module's main sources (an edge for every {@code import} and every fully qualified name of a
 * {@code dev.hallmark} type in code, comments and strings left out) must be acyclic.
 *
 * <p>One class of the orchestrator is placed apart from its package, on purpose: {@code
 * OrchestratorException} is the module's one exception type and depends on nothing of the module
 * (checked below), so every package may throw it.
 */
class PackageCyclesTest {
  private static final Path ROOT = Path.of("..");
  private static final List<String> MODULES = List.of("attestation", "attestation-signing", "trust-roots", "verifier",
      "verifier-cli", "sdk", "orchestrator", "benchmarks");
  private static final String EXCEPTION = "dev.hallmark.orchestrator.OrchestratorException";
  private static final Map<String, String> PLACED = Map.of(EXCEPTION, EXCEPTION);
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  /** A dev.hallmark type named in full: its package is everything before the first capitalised part. */
  private static final Pattern TYPE = Pattern.compile("\\b(dev\\.hallmark(?:\\.[a-z0-9_]+)*)\\.([A-Z]\\w*)");

  @Test
  void orchestratorPackagesFormNoCycle() throws IOException {
    PackageGraph g = PackageGraph.of(sources(ROOT.resolve("orchestrator/src/main/java")));
    assertTrue(g.nodes().contains("dev.hallmark.orchestrator.runner"), "the sources were not found: " + g.nodes());
    assertEquals(List.of(), g.cycles(), "package cycles in orchestrator");
  }

  @Test
  void trustRootPackagesFormNoCycle() throws IOException {
    PackageGraph g = PackageGraph.of(sources(ROOT.resolve("trust-roots/src/main/java")));
    assertTrue(g.nodes().contains("dev.hallmark.trustroot.online"), "the sources were not found: " + g.nodes());
    assertEquals(List.of(), g.cycles(), "package cycles in trust-roots");
  }

  @Test
  void noModuleHasAPackageCycle() throws IOException {
    for (String module : MODULES) {
      Path main = ROOT.resolve(module).resolve("src/main/java");
      if (Files.isDirectory(main)) {
        assertEquals(List.of(), PackageGraph.of(sources(main)).cycles(), "package cycles in " + module);
      }
    }
  }

  /** What makes it safe for every package to throw it. */
  @Test
  void orchestratorExceptionDependsOnNothingOfTheModule() throws IOException {
    PackageGraph g = PackageGraph.of(sources(ROOT.resolve("orchestrator/src/main/java")));
    assertEquals(Set.of(), g.edges().getOrDefault(EXCEPTION, Set.of()));
  }

  /** The check itself: a cycle through an import one way and a fully qualified name back is found. */
  @Test
  void findsACycleThroughAnImportAndAQualifiedName() {
    Map<String, String> files = Map.of(
        "a/A.java", "package dev.hallmark.x.a;\nimport dev.hallmark.x.b.B;\nclass A { B b; }\n",
        "b/B.java", "package dev.hallmark.x.b;\nclass B { Object o = new dev.hallmark.x.a.A(); }\n",
        "c/C.java", "package dev.hallmark.x.c;\n// dev.hallmark.x.a.A in a comment is no edge\n"
            + "class C { String s = \"dev.hallmark.x.b.B\"; dev.hallmark.x.a.A a; }\n");
    List<String> cycles = PackageGraph.of(files).cycles();
    assertEquals(1, cycles.size(), cycles.toString());
    assertTrue(cycles.get(0).startsWith("[dev.hallmark.x.a, dev.hallmark.x.b]"), cycles.get(0));
    assertEquals(Set.of("dev.hallmark.x.a"), PackageGraph.of(files).edges().get("dev.hallmark.x.c"));
  }

  private static Map<String, String> sources(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))::iterator) {
        out.put(dir.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }

  /** Packages (or placed classes) and the ones each names, with the files that name them. */
  private record PackageGraph(Map<String, Set<String>> edges, Map<String, Set<String>> why) {
    static PackageGraph of(Map<String, String> files) {
      Map<String, Set<String>> edges = new TreeMap<>();
      Map<String, Set<String>> why = new TreeMap<>();
      files.forEach((name, text) -> {
        String code = codeOnly(text);
        Matcher pm = PACKAGE.matcher(code);
        if (!pm.find()) {
          return;
        }
        String file = name.substring(name.lastIndexOf('/') + 1).replace(".java", "");
        String self = place(pm.group(1), file);
        edges.computeIfAbsent(self, k -> new TreeSet<>());
        Matcher m = TYPE.matcher(code.substring(pm.end()));
        while (m.find()) {
          String other = place(m.group(1), m.group(2));
          if (!other.equals(self)) {
            edges.get(self).add(other);
            why.computeIfAbsent(self + " -> " + other, k -> new TreeSet<>()).add(name);
          }
        }
      });
      return new PackageGraph(edges, why);
    }

    private static String place(String pkg, String type) {
      return PLACED.getOrDefault(pkg + "." + type, pkg);
    }

    Set<String> nodes() {
      return edges.keySet();
    }

    /** Each strongly connected component of two or more nodes, with the edges inside it (Tarjan). */
    List<String> cycles() {
      Map<String, Integer> index = new HashMap<>();
      Map<String, Integer> low = new HashMap<>();
      Deque<String> stack = new ArrayDeque<>();
      Set<String> onStack = new TreeSet<>();
      List<String> out = new ArrayList<>();
      int[] next = {0};
      for (String v : edges.keySet()) {
        if (!index.containsKey(v)) {
          connect(v, index, low, stack, onStack, next, out);
        }
      }
      return out;
    }

    private void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
        Set<String> onStack, int[] next, List<String> out) {
      index.put(v, next[0]);
      low.put(v, next[0]++);
      stack.push(v);
      onStack.add(v);
      for (String w : edges.getOrDefault(v, Set.of())) {
        if (!edges.containsKey(w)) {
          continue; // another module's package
        }
        if (!index.containsKey(w)) {
          connect(w, index, low, stack, onStack, next, out);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> component = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) {
          StringBuilder b = new StringBuilder(component.toString());
          for (String from : component) {
            for (String to : component) {
              Set<String> files = why.get(from + " -> " + to);
              if (files != null) {
                b.append("\n  ").append(from).append(" -> ").append(to).append(" in ").append(files);
              }
            }
          }
          out.add(b.toString());
        }
      }
    }

    /** The source with comments, string, text block and character literals blanked out. */
    private static String codeOnly(String s) {
      StringBuilder out = new StringBuilder(s.length());
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (s.startsWith("//", i)) {
          int end = s.indexOf('\n', i);
          i = end < 0 ? s.length() : end;
        } else if (s.startsWith("/*", i)) {
          int end = s.indexOf("*/", i + 2);
          i = end < 0 ? s.length() : end + 2;
          out.append(' ');
        } else if (s.startsWith("\"\"\"", i)) {
          int end = s.indexOf("\"\"\"", i + 3);
          i = end < 0 ? s.length() : end + 3;
          out.append("\"\"");
        } else if (c == '"' || c == '\'') {
          int j = i + 1;
          while (j < s.length() && s.charAt(j) != c) {
            j += s.charAt(j) == '\\' ? 2 : 1;
          }
          i = j + 1;
          out.append(c).append(c);
        } else {
          out.append(c);
          i++;
        }
      }
      return out.toString();
    }
  }
}
