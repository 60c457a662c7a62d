package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One in-process run of {@link Hallmark#run}: exit status, stdout and stderr. Every run is checked
 * for what must never happen whatever the arguments: a stack trace or an exception name on stderr,
 * a stack trace on stdout, and anything written to {@code System.out} directly (in the real CLI it
 * would land in the middle of {@code --json} output).
 */
record CliRun(int exit, String out, String err) {

  static CliRun of(Object... args) {
    String[] argv = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      argv[i] = String.valueOf(args[i]);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintStream realOut = System.out;
    ByteArrayOutputStream stray = new ByteArrayOutputStream();
    int exit;
    synchronized (CliRun.class) {
      System.setOut(new PrintStream(stray, true, StandardCharsets.UTF_8));
      try {
        exit = Hallmark.run(argv, new PrintWriter(out, true), new PrintWriter(err, true));
      } finally {
        System.setOut(realOut);
      }
    }
    CliRun run = new CliRun(exit, out.toString(), err.toString());
    assertEquals("", stray.toString(StandardCharsets.UTF_8), "wrote to System.out directly: " + String.join(" ", argv));
    run.assertNoStackTrace();
    return run;
  }

  void assertNoStackTrace() {
    assertFalse(err.contains("\tat "), () -> "stack trace on stderr:\n" + err);
    assertFalse(err.contains("Exception"), () -> "exception name on stderr:\n" + err);
    assertFalse(out.contains("\tat "), () -> "stack trace on stdout:\n" + out);
  }

  /** Stdout parsed strictly: exactly one JSON object and nothing else. */
  JsonObject json() {
    return StrictJson.parseObject(out.getBytes(StandardCharsets.UTF_8), StrictJson.BUNDLE_LIMIT);
  }

  List<String> outLines() {
    return out.lines().toList();
  }

  List<String> errLines() {
    return err.lines().toList();
  }

  String lastLine() {
    List<String> lines = outLines();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
