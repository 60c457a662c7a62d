package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.OrchestratorException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root reads and deletes a job's files only by walks that never follow a link: a symbolic link
 * (or a folder swapped for one while the walk runs) never leads outside the tree. The "outside"
 * folder stands for the data folder and its key file.
 */
class WorkspaceFilesTest {
  @TempDir Path tmp;

  @Test
  void readsARegularFileOfTheWorkspace() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws/dist"));
    Files.writeString(ws.resolve("app.tgz"), "artifact");
    try (InputStream in = WorkspaceFiles.openRegularFile(tmp.resolve("ws"), "dist/app.tgz")) {
      assertArrayEquals("artifact".getBytes(), in.readAllBytes());
    }
  }

  @Test
  void rejectsASubjectPathThroughAFolderSymlink() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("key.json"), "secret");
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createSymbolicLink(ws.resolve("link"), outside);
    assertThrows(OrchestratorException.class, () -> WorkspaceFiles.openRegularFile(ws, "link/key.json"));
  }

  @Test
  void rejectsAFinalSymlinkDotDotAbsolutePathsAndHardLinks() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("key.json"), "secret");
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createSymbolicLink(ws.resolve("key.json"), outside.resolve("key.json"));
    Files.createLink(ws.resolve("hard.json"), outside.resolve("key.json"));
    Files.createDirectories(ws.resolve("dir"));
    for (String bad : new String[] {"key.json", "hard.json", "../outside/key.json", "dir/../../outside/key.json",
        outside.resolve("key.json").toString(), "dir", ""}) {
      assertThrows(OrchestratorException.class, () -> WorkspaceFiles.openRegularFile(ws, bad), bad);
    }
  }

  @Test
  void deleteTreeRemovesLinksNotTheirTargets() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path marker = Files.writeString(outside.resolve("marker"), "keep me");
    Path ws = Files.createDirectories(tmp.resolve("ws/a/b"));
    Files.createSymbolicLink(ws.resolve("to-dir"), outside);
    Files.createSymbolicLink(ws.resolve("to-file"), marker);
    Files.writeString(ws.resolve("own.txt"), "mine");
    WorkspaceFiles.deleteTree(tmp.resolve("ws"));
    assertFalse(Files.exists(tmp.resolve("ws"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("keep me", Files.readString(marker));
  }

  /**
   * A racer swaps a folder of the tree for a link to the outside folder, again and again, while the
   * tree is deleted; a path-based delete (list, then delete by path) would delete the outside files
   * of the same names.
   */
  @Test
  void deleteTreeSurvivesAFolderSwappedForASymlinkDuringTheWalk() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(outside.resolve("f" + i), "key " + i);
    }
    for (int round = 0; round < 150; round++) {
      Path ws = Files.createDirectories(tmp.resolve("ws" + round));
      Path dir = Files.createDirectories(ws.resolve("d"));
      for (int i = 0; i < 50; i++) {
        Files.writeString(dir.resolve("f" + i), "job " + i);
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread racer = new Thread(() -> {
        Path aside = ws.resolve("aside");
        while (!stop.get()) {
          try {
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.createSymbolicLink(dir, outside);
            Files.delete(dir);
            Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
          } catch (Exception e) {
            // the deleter got there first: keep racing
          }
        }
      });
      racer.start();
      try {
        WorkspaceFiles.deleteTree(ws);
      } finally {
        stop.set(true);
        racer.join();
      }
    }
    for (int i = 0; i < 50; i++) {
      assertTrue(Files.isRegularFile(outside.resolve("f" + i)), "root deleted an outside file through a link: f" + i);
      assertEquals("key " + i, Files.readString(outside.resolve("f" + i)));
    }
  }
}
