package dev.hallmark.orchestrator.runner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which processes hold a job uid. A zombie holds nothing and waits only for its parent: counting
 * it made every lease's end wait until pid 1 collected bubblewrap's (1–2 s per compile and per
 * {@code --describe}, on the path from push to first step).
 */
class JobUsersTest {
  private static int ownUid() throws Exception {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  @Test
  void aZombieIsNotALiveProcessOfItsUidButItsLiveParentIs() throws Exception {
    // The subshell exits at once; its parent then execs `sleep`, which never collects it.
    Process p = new ProcessBuilder("sh", "-c", "(exit 0) & exec sleep 30").start();
    try {
      ProcessHandle zombie = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (zombie == null && System.nanoTime() < deadline) {
        zombie = p.toHandle().children().filter(c -> state(c.pid()).startsWith("Z")).findFirst().orElse(null);
        Thread.sleep(10);
      }
      assertTrue(zombie != null, "no zombie child appeared");
      List<Long> found = JobUsers.processesOf(ownUid()).stream().map(ProcessHandle::pid).toList();
      assertTrue(found.contains(p.pid()), "the live parent was not found");
      assertFalse(found.contains(zombie.pid()), "the zombie was counted as live");
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  @Test
  void aZombieLeaderWithLiveThreadsIsLive() {
    // pthread_exit in main: the leader shows as a zombie while the process's other threads run.
    List<String> status = List.of("Name:\tx", "State:\tZ (zombie)", "Uid:\t1000\t1000\t1000\t1000", "Threads:\t3");
    assertTrue(JobUsers.isLiveProcessOf(status, 1000));
    assertFalse(JobUsers.isLiveProcessOf(List.of("State:\tZ (zombie)", "Uid:\t1000\t1000\t1000\t1000", "Threads:\t1"), 1000));
    assertFalse(JobUsers.isLiveProcessOf(List.of("State:\tS (sleeping)", "Uid:\t1001\t1001\t1001\t1001", "Threads:\t1"), 1000));
    assertTrue(JobUsers.isLiveProcessOf(List.of("State:\tS (sleeping)", "Uid:\t1000\t0\t0\t0", "Threads:\t1"), 1000));
  }

  private static String state(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("State:"))
          .map(l -> l.substring(6).strip()).findFirst().orElse("");
    } catch (Exception e) {
      return "";
    }
  }
}
