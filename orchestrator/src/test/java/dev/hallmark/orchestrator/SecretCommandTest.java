package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.orchestrator.secret.DeclaredSecrets;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hallmark secret set|list|remove}, in process: values from a file or standard input, never printed. */
class SecretCommandTest {
  static final String VALUE = "s3cr3t-deploy-token-value";

  @TempDir Path tmp;

  record Outcome(int exit, String out, String err) {}

  private Outcome hallmark(String stdin, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    var cl = OrchestratorMainAccess.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return new Outcome(cl.execute(args), o.toString(), e.toString());
    } finally {
      System.setIn(saved);
    }
  }

  private Path data() {
    return tmp.resolve("data");
  }

  private Map<String, String> stored(String repository) {
    return DeclaredSecrets.in(data()).of(repository).values();
  }

  @Test
  void setFromStandardInputStripsExactlyOneNewline() {
    Outcome set = hallmark(VALUE + "\n", "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", data().toString());
    assertEquals(0, set.exit(), set.err());
    assertEquals("declared DEPLOY_TOKEN for acme/app\n", set.out());
    assertEquals(Map.of("DEPLOY_TOKEN", VALUE), stored("acme/app"));
    Outcome again = hallmark(VALUE + "\n\n", "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", data().toString());
    assertEquals("replaced DEPLOY_TOKEN for acme/app\n", again.out());
    assertEquals(Map.of("DEPLOY_TOKEN", VALUE + "\n"), stored("acme/app"), "only one newline is removed");
    hallmark(VALUE, "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", data().toString());
    assertEquals(Map.of("DEPLOY_TOKEN", VALUE), stored("acme/app"), "a value without a newline is kept whole");
  }

  @Test
  void setFromFileListAndRemoveNeverPrintAValue() throws Exception {
    Path file = Files.writeString(tmp.resolve("token.txt"), VALUE + "\n");
    Outcome set = hallmark("", "secret", "set", "acme/app", "DEPLOY_TOKEN", "--from-file", file.toString(), "--data",
        data().toString());
    assertEquals(0, set.exit(), set.err());
    hallmark("npm-token-value\n", "secret", "set", "acme/app", "NPM_TOKEN", "--data", data().toString());
    assertEquals(Map.of("DEPLOY_TOKEN", VALUE, "NPM_TOKEN", "npm-token-value"), stored("acme/app"));

    Outcome list = hallmark("", "secret", "list", "acme/app", "--data", data().toString());
    assertEquals(0, list.exit(), list.err());
    assertEquals("DEPLOY_TOKEN\nNPM_TOKEN\n", list.out());
    Outcome removed = hallmark("", "secret", "remove", "acme/app", "NPM_TOKEN", "--data", data().toString());
    assertEquals(0, removed.exit(), removed.err());
    assertEquals("removed NPM_TOKEN of acme/app\n", removed.out());
    assertEquals("DEPLOY_TOKEN\n", hallmark("", "secret", "list", "acme/app", "--data", data().toString()).out());
    assertEquals("", hallmark("", "secret", "list", "acme/other", "--data", data().toString()).out());
  }

  @Test
  void badInputGetsOneLineAndExitOneAndChangesNothing() throws Exception {
    hallmark(VALUE, "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", data().toString());
    String d = data().toString();
    List<String[]> cases = new ArrayList<>(List.of(
        new String[] {"1234567\n", "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", d},
        new String[] {"\n", "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", d},
        new String[] {"x".repeat(DeclaredSecrets.MAX_VALUE_BYTES + 1) + "\n", "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", d},
        new String[] {VALUE, "secret", "set", "../etc", "DEPLOY_TOKEN", "--data", d},
        new String[] {VALUE, "secret", "set", "acme/app", "deploy-token", "--data", d},
        new String[] {VALUE, "secret", "set", "acme/app", "DEPLOY_TOKEN", "--from-file", tmp.resolve("missing").toString(), "--data", d},
        new String[] {VALUE, "secret", "set", "acme/app", "DEPLOY_TOKEN"},
        new String[] {VALUE, "secret", "set", "acme/app", "DEPLOY_TOKEN", "--data", d, "--verbose"},
        new String[] {"", "secret", "remove", "acme/app", "NOT_THERE", "--data", d},
        new String[] {"", "secret", "list", "nope", "--data", d}));
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      Outcome o = hallmark(c[0], args);
      String what = String.join(" ", args);
      assertEquals(1, o.exit(), what + "\n" + o.out() + o.err());
      assertEquals("", o.out(), what);
      assertEquals(1, o.err().strip().lines().count(), what + ": " + o.err());
      assertTrue(o.err().startsWith("hallmark: "), what + ": " + o.err());
      assertFalse(o.err().contains("\tat "), o.err());
      assertFalse(o.err().contains("1234567") || o.err().contains(VALUE), o.err());
    }
    assertEquals(Map.of("DEPLOY_TOKEN", VALUE), stored("acme/app"));
  }
}
