package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hallmark.orchestrator.runner.JobUsers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job sandbox, through the packaged jar's {@code hallmark run} as a child process: with the
 * orchestrator as the test's user (root in CI) and, when the test is root, as an unprivileged uid
 * of its own (non-root mode, with a HOME and data folder it owns).
 */
class SandboxIT {
  /** No passwd entry, outside the job uid range: the "ordinary user" running the orchestrator. */
  static final int USER = 1_899_990_001;

  @TempDir Path tmp;

  record Result(int exit, String out) {}

  /** A workspace folder (a plain folder: snapshotted) holding one workflow file. */
  private Path workflow(String name, String javaBody) throws IOException {
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
    return tmp.resolve("src-" + name);
  }

  static String javaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /**
   * {@code hallmark run DIR} as a child process; {@code asUser}: as {@link #USER} (root only);
   * {@code underPty}: with a pseudo-terminal as its controlling terminal ({@code script}).
   */
  private Result run(Path dir, boolean asUser, boolean underPty, String... extra) throws Exception {
    Path base = Files.createDirectories(tmp.resolve("base-" + System.nanoTime()));
    Path out = base.resolve("out");
    Path data = base.resolve("data");
    Path home = Files.createDirectories(base.resolve("home"));
    Files.writeString(home.resolve("secret.txt"), "the orchestrator user's secret\n");
    List<String> cmd = new ArrayList<>(List.of(ServeProcess.java(), "-jar", ServeProcess.JAR.toString(), "run",
        dir.toString(), "--out", out.toString(), "--data", data.toString()));
    cmd.addAll(List.of(extra));
    if (asUser) {
      // The user owns its folders; the source folder it runs must be readable by it.
      chownTree(tmp, USER);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      List<String> as = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + USER, "--regid=" + USER,
          "--clear-groups", "--"));
      as.addAll(cmd);
      cmd = as;
    }
    if (underPty) {
      cmd = List.of("/usr/bin/script", "-qfec", shellQuote(cmd), "/dev/null");
    }
    Path log = base.resolve("run.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("HOME", home.toString());
    pb.environment().put("TERM", "dumb");
    Process p = pb.start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "hallmark run did not finish");
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
  }

  private static String shellQuote(List<String> cmd) {
    StringBuilder b = new StringBuilder();
    for (String c : cmd) {
      b.append('\'').append(c.replace("'", "'\\''")).append("' ");
    }
    return b.toString();
  }

  private static void chownTree(Path root, int uid) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /**
   * TIOCSTI: a step under an orchestrator whose controlling terminal is a pty gets no terminal
   * (opening /dev/tty fails with ENXIO), pushing keystrokes into any descriptor it holds fails,
   * and nothing it tried to inject reaches the pty.
   */
  @Test
  void aStepGetsNoControllingTerminalWhenTheOrchestratorRunsUnderOne() throws Exception {
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
    Path dir = workflow("Tty", "workflow(\"tty\").job(job(\"tty\").step(\"sti\", ctx -> ctx.sh("
        + javaString("python3 -c " + shellQuote(List.of(py))) + "))).main(args);");
    Result r = run(dir, false, true);
    assertTrue(r.out().contains("TTY ENXIO"), "a step opened a controlling terminal:\n" + r.out());
    assertTrue(r.out().contains("STI fd refused"), "control: the probe tried its descriptors:\n" + r.out());
    assertFalse(r.out().contains("STI tty pushed") || r.out().contains("STI fd pushed"),
        "a step pushed keystrokes:\n" + r.out());
    assertFalse(r.out().contains("ZQXINJECTEDQXZ"), "injected keystrokes reached the terminal:\n" + r.out());
    assertEquals(0, r.exit(), r.out());
  }

  /** A daemon a step left ({@code setsid}) is gone when the job ends: as root and as an ordinary user. */
  @Test
  void aStepsDaemonDiesWithItsJob() throws Exception {
    for (boolean asUser : rootAndUser()) {
      String tag = "3000." + Math.abs(System.nanoTime() % 1_000_000) + "1";
      Path dir = workflow("Daemon" + (asUser ? "U" : "R"), "workflow(\"daemon\").job(job(\"d\").step(\"spawn\", ctx -> ctx.sh("
          + javaString("setsid sleep " + tag + " </dev/null >/dev/null 2>&1 & echo SPAWNED") + "))).main(args);");
      Result r = run(dir, asUser, false);
      assertEquals(0, r.exit(), r.out());
      assertTrue(r.out().contains("SPAWNED"), r.out());
      assertTrue(processesWith("sleep " + tag).isEmpty(), "a step's daemon outlived its job (as user: " + asUser + ")");
    }
  }

  /** In non-root mode a job runs as the orchestrator's own user: the sandbox alone hides the data folder. */
  @Test
  void aNonRootJobCannotReadTheDataFolderOrTheOrchestratorsHome() throws Exception {
    assumeTrue(JobUsers.isRoot(), "starts the orchestrator as an ordinary user with setpriv");
    // The workspace lies under <base>/data/work/; the orchestrator's HOME is <base>/home.
    String probe = "DATA=${PWD%%/work/*}; HOMEDIR=${DATA%/data}/home; echo DATA $DATA; "
        + "for f in $DATA/keys/*.key.json $DATA/hallmark.db $HOMEDIR/secret.txt; do "
        + "if cat $f >/dev/null 2>&1; then echo READ $(basename $f) readable; else echo READ $(basename $f) denied; fi; "
        + "done; echo mine > own.txt; cat own.txt >/dev/null && echo READ own readable";
    Path dir = workflow("Data", "workflow(\"data\").job(job(\"probe\").step(\"probe\", ctx -> ctx.sh("
        + javaString(probe) + "))).main(args);");
    Result r = run(dir, true, false);
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("READ own readable"), "control: the probe cannot read its own file\n" + r.out());
    assertTrue(r.out().contains("READ hallmark.db denied"), "a non-root job read the database\n" + r.out());
    assertTrue(r.out().contains("READ secret.txt denied"), "a non-root job read its orchestrator's home\n" + r.out());
    assertTrue(r.out().contains(".key.json denied"), "a non-root job read the issuer key\n" + r.out());
    assertTrue(onlyOwnReadable(r.out()), "a non-root job read a file of the orchestrator\n" + r.out());
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
  void concurrentJobsShareNoTemporaryFiles() throws Exception {
    for (boolean asUser : rootAndUser()) {
      String tag = "hallmark-it-" + Math.abs(System.nanoTime());
      try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
        int port = server.getLocalPort();
        String writer = "umask 022; for d in /tmp /var/tmp /dev/shm /run/lock; do echo x > $d/" + tag + " && echo WROTE $d; done; "
            + "python3 -c \"import socket; s=socket.create_connection(('127.0.0.1'," + port + ")); s.sendall(b'w'); s.recv(1)\"";
        String reader = "python3 -c \"import socket; s=socket.create_connection(('127.0.0.1'," + port + ")); s.sendall(b'r'); s.recv(1)\"; "
            + "for d in /tmp /var/tmp /dev/shm /run/lock; do if [ -e $d/" + tag + " ]; then echo SEEN $d; else echo UNSEEN $d; fi; done";
        Path dir = workflow("Temp" + (asUser ? "U" : "R"), "workflow(\"temp\")"
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
        Result res = run(dir, asUser, false);
        coordinator.join(10_000);
        assertEquals(0, res.exit(), res.out());
        assertTrue(res.out().contains("WROTE /tmp") && res.out().contains("WROTE /dev/shm"),
            "control: the writer wrote its files\n" + res.out());
        assertTrue(res.out().contains("UNSEEN /tmp"), "control: the reader looked\n" + res.out());
        assertFalse(res.out().contains("] SEEN /"), "one job saw another's temporary file\n" + res.out());
        assertFalse(Files.exists(Path.of("/run/lock", tag), LinkOption.NOFOLLOW_LINKS), "a job's file survived in /run/lock");
        assertFalse(Files.exists(Path.of("/tmp", tag), LinkOption.NOFOLLOW_LINKS), "a job's file survived in /tmp");
      }
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
    assumeTrue(JobUsers.isRoot(), "the attack needs root to copy");
    Path secretDir = Files.createDirectories(tmp.resolve("root-only"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path secret = Files.writeString(secretDir.resolve("secret.txt"), "root's secret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(secret)));
    Path dir = workflow("Link", "workflow(\"link\").job(job(\"link\").step(\"link\", ctx -> {"
        + " ctx.sh(" + javaString("ln -s " + secretDir + " link") + ");"
        + " ctx.attestProvenance(Subject.ofDigest(\"link/secret.txt\", " + javaString(digest) + ")); })).main(args);");
    Result r = run(dir, false, false);
    try (Stream<Path> outs = Files.list(tmp)) {
      for (Path base : outs.filter(p -> p.getFileName().toString().startsWith("base-")).toList()) {
        Path out = base.resolve("out");
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
    }
  }

  /** A workflow that compiles longer than the limit fails its run with one line saying so. */
  @Test
  void aWorkflowThatCompilesTooLongFailsItsRun() throws Exception {
    StringBuilder methods = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      methods.append("static int m").append(i).append("(int x) { return x * ").append(i).append(" + m")
          .append(Math.max(0, i - 1)).append("(x - 1); }\n");
    }
    Path dir = workflow("Big", "workflow(\"big\").job(job(\"a\").step(\"a\", ctx -> ctx.sh(\"true\"))).main(args);");
    Path file = dir.resolve(".hallmark/workflows/Big.java");
    String src = Files.readString(file);
    Files.writeString(file, src.substring(0, src.lastIndexOf('}')) + methods + "}\n");
    Result r = run(dir, false, false, "--compile-timeout", "2");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("did not compile within 2 s"), r.out());
  }

  /** Root and, when the test is root, an ordinary user; as an ordinary user only that user. */
  private static List<Boolean> rootAndUser() {
    return JobUsers.isRoot() ? List.of(false, true) : List.of(false);
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
