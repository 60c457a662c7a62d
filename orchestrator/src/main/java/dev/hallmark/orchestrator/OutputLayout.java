package dev.hallmark.orchestrator;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where {@code hallmark run} writes each attestation's files, so that no file this run wrote is
 * overwritten and every bundle {@code X.hallmark.json} sits beside the artifact {@code X} it
 * attests (the pairing {@code hallmark audit} uses; the artifact's name is its subject's file name,
 * which audit requires). An attestation goes to the output folder itself when its names are free
 * there, else to the first sub-folder {@code 2/}, {@code 3/}, … where they are; artifacts of one
 * attestation that share a file name are split the same way, each group with its own copy of the
 * bundle.
 *
 * <pre>{@code
 * OutputLayout layout = new OutputLayout(out);
 * Path trustRoot = layout.reserve("trust-root.json");
 * for (OutputLayout.Group g : layout.place("app.tgz.hallmark.json", List.of("app.tgz"))) { … }
 * }</pre>
 */
final class OutputLayout {
  private static final int MAX_FOLDERS = 10_000;

  /** One folder's share of an attestation: the bundle's path and, by artifact index, theirs. */
  record Group(Path bundle, Map<Integer, Path> artifacts) {}

  private final Path out;
  private final Map<Path, Set<String>> used = new HashMap<>();

  OutputLayout(Path out) {
    this.out = requireNonNull(out, "out");
    used.put(out, new HashSet<>());
  }

  /** Takes {@code name} in the output folder itself (e.g. {@code trust-root.json}). */
  Path reserve(String name) {
    if (!used.get(out).add(name)) {
      throw new IllegalStateException(name + " is already taken");
    }
    return inside(out, name);
  }

  /**
   * Places one bundle and its artifacts (file names, FORMATS §3 rule already applied). An
   * artifact named exactly like the bundle can never sit beside it and is left out (no group
   * holds its index).
   */
  List<Group> place(String bundleName, List<String> artifactNames) {
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < artifactNames.size(); i++) {
      if (!artifactNames.get(i).equals(bundleName)) {
        pending.add(i);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (int k = 1; groups.isEmpty() || !pending.isEmpty(); k++) {
      if (k > MAX_FOLDERS) {
        throw new OrchestratorException(Code.INVALID_INPUT, "too many output files share the name " + bundleName);
      }
      Path dir = k == 1 ? out : out.resolve(Integer.toString(k));
      if (k > 1 && !isUsableFolder(dir)) {
        continue;
      }
      Set<String> names = used.getOrDefault(dir, Set.of());
      if (names.contains(bundleName)) {
        continue;
      }
      Set<String> taken = new HashSet<>(names);
      taken.add(bundleName);
      Map<Integer, Path> placed = new LinkedHashMap<>();
      for (int i : pending) {
        if (taken.add(artifactNames.get(i))) {
          placed.put(i, inside(dir, artifactNames.get(i)));
        }
      }
      if (placed.isEmpty() && !pending.isEmpty()) {
        continue; // no bundle without one of its artifacts beside it
      }
      Set<String> mine = used.computeIfAbsent(dir, d -> new HashSet<>());
      mine.addAll(taken);
      if (k > 1) {
        used.get(out).add(Integer.toString(k));
      }
      pending.removeAll(placed.keySet());
      groups.add(new Group(inside(dir, bundleName), placed));
    }
    return groups;
  }

  /** Folder {@code k} is free to use: its name is no file of this run, and on disk it is a real folder or nothing. */
  private boolean isUsableFolder(Path dir) {
    if (used.containsKey(dir)) {
      return true;
    }
    if (used.get(out).contains(dir.getFileName().toString())) {
      return false;
    }
    try {
      return Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
    } catch (IOException e) {
      return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** {@code dir/name}, refusing anything that would land elsewhere (FORMATS §3 file-name rule). */
  static Path inside(Path dir, String name) {
    Path p = dir.resolve(name).normalize();
    if (name.isEmpty() || name.contains("/") || name.contains("\0") || !dir.equals(p.getParent())) {
      throw new OrchestratorException(Code.INVALID_INPUT, "refusing to write " + name + " outside " + dir);
    }
    return p;
  }
}
