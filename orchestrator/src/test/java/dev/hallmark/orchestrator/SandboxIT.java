package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job sandbox, through the packaged jar's {@code hallmark run} as a child process, in both
 * passes of {@link IsolationPass} where the probe applies to both: with the orchestrator as root
 * and as an ordinary user (non-root mode, with a HOME and data folder it owns).
 */
class SandboxIT {
  @TempDir Path tmp;

  /** A workspace folder (a plain folder: snapshotted) holding one workflow file, given to the pass's user. */
  private Path workflow(IsolationPass pass, String name, String javaBody) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("src-" + name).resolve(".hallmark/workflows"));
    Files.writeString(dir.resolve(name + ".java"), """
        import static dev.hallmark.sdk.Hallmark.*;
        import dev.hallmark.sdk.*;
        public class %s {
          public static void main(String[] args) {
            %s
          }
        }
        """.formatted(name, javaBody));
    return pass.handOver(tmp.resolve("src-" + name));
  }

  static String javaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** Folders of a fresh orchestrator of {@code pass}: {@code base-N/} with home, data and out. */
  private IsolationPass.Folders folders(IsolationPass pass) throws IOException {
    return pass.folders(tmp.resolve("base-" + System.nanoTime()));
  }

  private static String shellQuote(List<String> cmd) {
    StringBuilder b = new StringBuilder();
    for (String c : cmd) {
      b.append('\'').append(c.replace("'", "'\\''")).append("' ");
    }
    return b.toString();
  }

  /**
   * TIOCSTI: a step under an orchestrator whose controlling terminal is a pty gets no terminal
   * (opening /dev/tty fails with ENXIO), pushing keystrokes into any descriptor it holds fails,
   * and nothing it tried to inject reaches the pty.
   */
  @Test
  void aStepGetsNoControllingTerminalAsRoot() throws Exception {
    aStepGetsNoControllingTerminalWhenTheOrchestratorRunsUnderOne(IsolationPass.ROOT);
  }

  @Test
  void aStepGetsNoControllingTerminalAsAnOrdinaryUser() throws Exception {
    aStepGetsNoControllingTerminalWhenTheOrchestratorRunsUnderOne(IsolationPass.UNPRIVILEGED);
  }

  private void aStepGetsNoControllingTerminalWhenTheOrchestratorRunsUnderOne(IsolationPass pass) throws Exception {
    pass.assumeAvailable();
    String py = String.join("\n",
        "import errno, fcntl, os, termios",
        "m = 'ZQX' + 'INJECTED' + 'QXZ'",
        "def inject(fd, name):",
        "    ok = 0",
        "    for c in m + chr(10):",
        "        try:",
        "            fcntl.ioctl(fd, termios.TIOCSTI, c.encode())",
        "            ok += 1",
        "        except OSError as e:",
        "            pass",
        "    print('STI', name, 'pushed' if ok else 'refused', flush=True)",
        "try:",
        "    t = os.open('/dev/tty', os.O_RDWR)",
        "    print('TTY opened', flush=True)",
        "    inject(t, 'tty')",
        "except OSError as e:",
        "    print('TTY', errno.errorcode.get(e.errno, e.errno), flush=True)",
        "for fd in os.listdir('/proc/self/fd'):",
        "    fd = int(fd)",
        "    try:",
        "        inject(fd, 'fd')",
        "    except Exception:",
        "        pass");
    Path dir = workflow(pass, "Tty", "workflow(\"tty\").job(job(\"tty\").step(\"sti\", ctx -> ctx.sh("
        + javaString("python3 -c " + shellQuote(List.of(py))) + "))).main(args);");
    IsolationPass.Result r = pass.runUnderPty(folders(pass), dir);
    assertTrue(r.out().contains("TTY ENXIO"), pass.says("a step opened a controlling terminal:\n" + r.out()));
    assertTrue(r.out().contains("STI fd refused"), pass.says("control: the probe tried its descriptors:\n" + r.out()));
    assertFalse(r.out().contains("STI tty pushed") || r.out().contains("STI fd pushed"),
        pass.says("a step pushed keystrokes:\n" + r.out()));
    assertFalse(r.out().contains("ZQXINJECTEDQXZ"), pass.says("injected keystrokes reached the terminal:\n" + r.out()));
    assertEquals(0, r.exit(), pass.says(r.out()));
  }

  /** A daemon a step left ({@code setsid}) is gone when the job ends: as root and as an ordinary user. */
  @Test
  void aStepsDaemonDiesWithItsJobAsRoot() throws Exception {
    aStepsDaemonDiesWithItsJob(IsolationPass.ROOT);
  }

  @Test
  void aStepsDaemonDiesWithItsJobAsAnOrdinaryUser() throws Exception {
    aStepsDaemonDiesWithItsJob(IsolationPass.UNPRIVILEGED);
  }

  private void aStepsDaemonDiesWithItsJob(IsolationPass pass) throws Exception {
    pass.assumeAvailable();
    String tag = "3000." + Math.abs(System.nanoTime() % 1_000_000) + "1";
    Path dir = workflow(pass, "Daemon", "workflow(\"daemon\").job(job(\"d\").step(\"spawn\", ctx -> ctx.sh("
        + javaString("setsid sleep " + tag + " </dev/null >/dev/null 2>&1 & echo SPAWNED") + "))).main(args);");
    IsolationPass.Result r = pass.run(folders(pass), dir);
    assertEquals(0, r.exit(), pass.says(r.out()));
    assertTrue(r.out().contains("SPAWNED"), pass.says(r.out()));
    assertTrue(processesWith("sleep " + tag).isEmpty(), pass.says("a step's daemon outlived its job"));
  }

  /** In non-root mode a job runs as the orchestrator's own user: the sandbox alone hides the data folder. */
  @Test
  void aNonRootJobCannotReadTheDataFolderOrTheOrchestratorsHome() throws Exception {
    IsolationPass pass = IsolationPass.UNPRIVILEGED;
    // The workspace lies under <base>/data/work/; the orchestrator's HOME is <base>/home.
    String probe = "DATA=${PWD%%/work/*}; HOMEDIR=${DATA%/data}/home; echo DATA $DATA; "
        + "for f in $DATA/keys/*.key.json $DATA/hallmark.db $HOMEDIR/secret.txt; do "
        + "if cat $f >/dev/null 2>&1; then echo READ $(basename $f) readable; else echo READ $(basename $f) denied; fi; "
        + "done; echo mine > own.txt; cat own.txt >/dev/null && echo READ own readable";
    Path dir = workflow(pass, "Data", "workflow(\"data\").job(job(\"probe\").step(\"probe\", ctx -> ctx.sh("
        + javaString(probe) + "))).main(args);");
    IsolationPass.Result r = pass.run(folders(pass), dir);
    assertEquals(0, r.exit(), pass.says(r.out()));
    assertTrue(r.out().contains("READ own readable"), pass.says("control: the probe cannot read its own file\n" + r.out()));
    assertTrue(r.out().contains("READ hallmark.db denied"), pass.says("a non-root job read the database\n" + r.out()));
    assertTrue(r.out().contains("READ secret.txt denied"), pass.says("a non-root job read its orchestrator's home\n" + r.out()));
    assertTrue(r.out().contains(".key.json denied"), pass.says("a non-root job read the issuer key\n" + r.out()));
    assertTrue(onlyOwnReadable(r.out()), pass.says("a non-root job read a file of the orchestrator\n" + r.out()));
  }

  private static boolean onlyOwnReadable(String out) {
    return out.lines().filter(l -> l.contains("READ ") && l.endsWith(" readable"))
        .allMatch(l -> l.endsWith("READ own readable"));
  }

  /**
   * Two concurrent jobs: one writes files into /tmp, /var/tmp, /dev/shm and /run/lock (umask 022)
   * and waits; the other looks for them meanwhile. The test's loopback server orders the two.
   * Nothing is shared, and nothing is left in the host's /run/lock.
   */
  @Test
  void concurrentJobsShareNoTemporaryFilesAsRoot() throws Exception {
    concurrentJobsShareNoTemporaryFiles(IsolationPass.ROOT);
  }

  @Test
  void concurrentJobsShareNoTemporaryFilesAsAnOrdinaryUser() throws Exception {
    concurrentJobsShareNoTemporaryFiles(IsolationPass.UNPRIVILEGED);
  }

  private void concurrentJobsShareNoTemporaryFiles(IsolationPass pass) throws Exception {
    pass.assumeAvailable();
    String tag = "hallmark-it-" + Math.abs(System.nanoTime());
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      String writer = "umask 022; for d in /tmp /var/tmp /dev/shm /run/lock; do echo x > $d/" + tag + " && echo WROTE $d; done; "
          + "python3 -c \"import socket; s=socket.create_connection(('127.0.0.1'," + port + ")); s.sendall(b'w'); s.recv(1)\"";
      String reader = "python3 -c \"import socket; s=socket.create_connection(('127.0.0.1'," + port + ")); s.sendall(b'r'); s.recv(1)\"; "
          + "for d in /tmp /var/tmp /dev/shm /run/lock; do if [ -e $d/" + tag + " ]; then echo SEEN $d; else echo UNSEEN $d; fi; done";
      Path dir = workflow(pass, "Temp", "workflow(\"temp\")"
          + ".job(job(\"writer\").step(\"w\", ctx -> ctx.sh(" + javaString(writer) + ")))"
          + ".job(job(\"reader\").step(\"r\", ctx -> ctx.sh(" + javaString(reader) + "))).main(args);");
      Thread coordinator = new Thread(() -> {
        try {
          Socket a = server.accept();
          Socket b = server.accept();
          Socket w = a.getInputStream().read() == 'w' ? a : b;
          Socket r = w == a ? b : a;
          if (r != a) {
            r.getInputStream().read();
          }
          release(r); // the writer has written and waits: the reader looks now
          r.getInputStream().read(); // the reader's shell closes its socket when it is done
          release(w);
        } catch (IOException e) {
          // the run fails and says why
        }
      });
      coordinator.setDaemon(true);
      coordinator.start();
      IsolationPass.Result res = pass.run(folders(pass), dir);
      coordinator.join(10_000);
      assertEquals(0, res.exit(), pass.says(res.out()));
      assertTrue(res.out().contains("WROTE /tmp") && res.out().contains("WROTE /dev/shm"),
          pass.says("control: the writer wrote its files\n" + res.out()));
      assertTrue(res.out().contains("UNSEEN /tmp"), pass.says("control: the reader looked\n" + res.out()));
      assertFalse(res.out().contains("] SEEN /"), pass.says("one job saw another's temporary file\n" + res.out()));
      assertFalse(Files.exists(Path.of("/run/lock", tag), LinkOption.NOFOLLOW_LINKS), pass.says("a job's file survived in /run/lock"));
      assertFalse(Files.exists(Path.of("/tmp", tag), LinkOption.NOFOLLOW_LINKS), pass.says("a job's file survived in /tmp"));
    }
  }

  private static void release(Socket s) throws IOException {
    OutputStream o = s.getOutputStream();
    o.write('g');
    o.flush();
  }

  /**
   * A subject attested by name through a workspace symlink to a root-only 0600 file: root does not
   * copy it into --out (the digest is the real file's, so only the path rule stops it).
   */
  @Test
  void runDoesNotCopyASubjectReachedThroughASymlink() throws Exception {
    IsolationPass pass = IsolationPass.ROOT; // the attack needs root to copy
    pass.assumeAvailable();
    Path secretDir = Files.createDirectories(tmp.resolve("root-only"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path secret = Files.writeString(secretDir.resolve("secret.txt"), "root's secret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(secret)));
    Path dir = workflow(pass, "Link", "workflow(\"link\").job(job(\"link\").step(\"link\", ctx -> {"
        + " ctx.sh(" + javaString("ln -s " + secretDir + " link") + ");"
        + " ctx.attestProvenance(Subject.ofDigest(\"link/secret.txt\", " + javaString(digest) + ")); })).main(args);");
    IsolationPass.Folders folders = folders(pass);
    IsolationPass.Result r = pass.run(folders, dir);
    Path out = folders.out();
    if (Files.isDirectory(out)) {
      try (Stream<Path> files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains("root's secret"),
              "root copied a file through a symlink into --out: " + f + "\n" + r.out());
        }
      }
      assertTrue(Files.exists(out.resolve("secret.txt.hallmark.json")), "control: the bundle was written\n" + r.out());
    }
  }

  /** A workflow that compiles longer than the limit fails its run with one line saying so (as the test's user). */
  @Test
  void aWorkflowThatCompilesTooLongFailsItsRun() throws Exception {
    IsolationPass pass = IsolationPass.ofTestUser();
    StringBuilder methods = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      methods.append("static int m").append(i).append("(int x) { return x * ").append(i).append(" + m")
          .append(Math.max(0, i - 1)).append("(x - 1); }\n");
    }
    Path dir = workflow(pass, "Big", "workflow(\"big\").job(job(\"a\").step(\"a\", ctx -> ctx.sh(\"true\"))).main(args);");
    Path file = dir.resolve(".hallmark/workflows/Big.java");
    String src = Files.readString(file);
    Files.writeString(file, src.substring(0, src.lastIndexOf('}')) + methods + "}\n");
    IsolationPass.Folders f = folders(pass);
    // Twice with the same data folder: the compile cache must not turn a stopped compile into a success.
    for (int i = 0; i < 2; i++) {
      IsolationPass.Result r = pass.run(f, dir, "--compile-timeout", "2");
      assertEquals(1, r.exit(), r.out());
      assertTrue(r.out().contains("did not compile within 2 s"), r.out());
    }
    Path cache = f.data().resolve("compile-cache");
    if (Files.isDirectory(cache)) {
      try (Stream<Path> entries = Files.list(cache)) {
        assertEquals(List.of(), entries.toList(), "a compile that was stopped was cached");
      }
    }
  }

  private static List<Long> processesWith(String text) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmdline.contains(text)) {
            out.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException e) {
          // ended while we looked
        }
      }
    }
    return out;
  }
}
