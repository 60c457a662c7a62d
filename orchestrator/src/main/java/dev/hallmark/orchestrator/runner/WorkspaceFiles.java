package dev.hallmark.orchestrator.runner;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How the orchestrator (often root) reads and deletes files a job controlled, without ever
 * resolving a path a job could have changed: every step is an {@code openat}-style call relative
 * to a directory already opened ({@link SecureDirectoryStream}, Linux), with
 * {@link LinkOption#NOFOLLOW_LINKS}, so a symbolic link (or a folder swapped for one while we walk)
 * is never followed out of the tree. Both are used after every process of the job is gone; they
 * stay safe if one is not.
 *
 * <pre>{@code
 * try (InputStream in = WorkspaceFiles.openRegularFile(workspace, "dist/app.tgz")) { ... }
 * WorkspaceFiles.deleteTree(runDir);
 * }</pre>
 */
public final class WorkspaceFiles {
  /** Deeper trees are left (and reported) rather than exhaust the stack or file descriptors. */
  static final int MAX_DEPTH = 2048;

  private WorkspaceFiles() {}

  /**
   * Opens {@code relative} (a path inside {@code workspace}, '/'-separated) for reading, walking
   * each component without following symbolic links. Refused with one line: an absolute path,
   * {@code .} or {@code ..}, a symbolic link anywhere on the path, anything but a regular file at
   * the end, or a file with more than one hard link (it may be another file's, outside the tree).
   */
  public static InputStream openRegularFile(Path workspace, String relative) {
    List<String> parts = components(relative);
    SecureDirectoryStream<Path> dir = openTop(workspace);
    try {
      for (int i = 0; i < parts.size() - 1; i++) {
        SecureDirectoryStream<Path> next;
        try {
          next = dir.newDirectoryStream(Path.of(parts.get(i)), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          throw refuse(relative, "goes through " + parts.get(i) + ", which is not a folder (a symbolic link is never followed)");
        }
        dir.close();
        dir = next;
      }
      Path name = Path.of(parts.get(parts.size() - 1));
      BasicFileAttributes a;
      try {
        a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
      } catch (IOException e) {
        throw refuse(relative, "is not a file in the workspace");
      }
      if (!a.isRegularFile()) {
        throw refuse(relative, a.isSymbolicLink() ? "is a symbolic link" : "is not a regular file");
      }
      Object links = Files.getAttribute(workspace.resolve(relative), "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      if (!(links instanceof Integer n) || n != 1) {
        throw refuse(relative, "has more than one hard link");
      }
      SeekableByteChannel ch = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
      return Channels.newInputStream(ch);
    } catch (IOException e) {
      throw refuse(relative, "cannot be opened: " + e.getMessage());
    } finally {
      closeQuietly(dir);
    }
  }

  /**
   * Deletes {@code root} and everything below it; a symbolic link is deleted as a link, never
   * followed, and a folder swapped for a link during the walk is not entered. Best effort: what
   * cannot be deleted stays (it is only disk space inside the orchestrator's own folders).
   */
  public static void deleteTree(Path root) {
    if (root == null) {
      return;
    }
    Path abs = root.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || abs.getFileName() == null) {
      return;
    }
    SecureDirectoryStream<Path> top;
    try {
      top = openTop(parent);
    } catch (OrchestratorException e) {
      return; // the parent is gone: nothing to delete
    }
    try {
      deleteEntry(top, abs.getFileName(), 0);
    } finally {
      closeQuietly(top);
    }
  }

  private static void deleteEntry(SecureDirectoryStream<Path> dir, Path name, int depth) {
    BasicFileAttributes a;
    try {
      a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    } catch (IOException e) {
      return; // gone
    }
    if (a.isDirectory() && depth < MAX_DEPTH) {
      // O_NOFOLLOW | O_DIRECTORY: if the folder became a link since we looked, this fails and the
      // link itself is deleted below.
      try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
        List<Path> entries = new ArrayList<>();
        for (Path e : child) {
          entries.add(e.getFileName());
        }
        for (Path e : entries) {
          deleteEntry(child, e, depth + 1);
        }
      } catch (IOException | RuntimeException e) {
        // fall through to unlinking what is there now
      }
      try {
        dir.deleteDirectory(name);
        return;
      } catch (IOException e) {
        // not empty, or no longer a folder: try it as a file (or link)
      }
    }
    try {
      dir.deleteFile(name); // unlinkat(name, 0): a link goes, its target stays
    } catch (NoSuchFileException e) {
      // gone
    } catch (IOException e) {
      // best effort
    }
  }

  private static SecureDirectoryStream<Path> openTop(Path dir) {
    DirectoryStream<Path> ds;
    try {
      ds = Files.newDirectoryStream(dir);
    } catch (IOException e) {
      throw new OrchestratorException(Code.ENVIRONMENT, "cannot open the folder " + dir + ": " + e.getMessage());
    }
    if (ds instanceof SecureDirectoryStream<Path> s) {
      return s;
    }
    closeQuietly(ds);
    throw new OrchestratorException(Code.CONFIG, "this platform cannot open files without following links");
  }

  private static List<String> components(String relative) {
    if (relative == null || relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\0') >= 0) {
      throw refuse(String.valueOf(relative), "is not a relative path");
    }
    List<String> out = new ArrayList<>();
    for (String p : relative.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw refuse(relative, "leaves the workspace");
      }
      out.add(p);
    }
    if (out.isEmpty()) {
      throw refuse(relative, "names no file");
    }
    return out;
  }

  private static OrchestratorException refuse(String relative, String why) {
    return new OrchestratorException(Code.INVALID_INPUT, "refusing to copy " + relative + " out of the workspace: it " + why);
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing held
    }
  }
}
