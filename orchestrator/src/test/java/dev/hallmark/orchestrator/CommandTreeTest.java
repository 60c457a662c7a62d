package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.attestation.testing.BundleForge;
import dev.hallmark.cli.Hallmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The orchestrator jar's {@code hallmark} is the whole command tree: every command listed, help and
 * {@code --version} on each, completion, and the verifier's commands answering exactly as they do
 * from the verifier's own jar.
 */
class CommandTreeTest {
  static final List<String> COMMANDS =
      List.of("verify-attestation", "audit", "trust-root", "log", "serve", "run", "keys", "repo", "secret", "witness", "completion", "help");

  @TempDir Path dir;

  record Outcome(int exit, String out, String err) {}

  static Outcome orchestrator(Object... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = OrchestratorMain.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    int exit = cl.execute(strings(args));
    Outcome outcome = new Outcome(exit, o.toString(), e.toString());
    assertFalse(outcome.err().contains("\tat "), outcome::toString);
    return outcome;
  }

  static Outcome verifier(Object... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int exit = Hallmark.run(strings(args), new PrintWriter(o, true), new PrintWriter(e, true));
    return new Outcome(exit, o.toString(), e.toString());
  }

  private static String[] strings(Object... args) {
    String[] s = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      s[i] = String.valueOf(args[i]);
    }
    return s;
  }

  @Test
  void helpListsEveryCommandWithADescription() {
    Outcome help = orchestrator("--help");
    assertEquals(0, help.exit(), help::toString);
    for (String command : COMMANDS) {
      assertTrue(
          help.out().lines().anyMatch(l -> l.matches("\\s+" + command + "\\s+\\S.*")),
          () -> command + " is not listed with a description:\n" + help.out());
    }
    // The same from `help` and with no command at all (then on stderr, and exit 1).
    assertEquals(help.out(), orchestrator("help").out());
    Outcome none = orchestrator();
    assertEquals(1, none.exit(), none::toString);
    assertEquals("", none.out(), none::toString);
    assertTrue(none.err().startsWith(help.out()), none::toString);
    assertTrue(none.err().endsWith("hallmark: missing command (see 'hallmark --help')\n"), none::toString);
  }

  @Test
  void everyCommandHasHelpAndTheSameVersion() {
    String version = orchestrator("--version").out();
    assertTrue(version.matches("hallmark \\S.*\\n"), version);
    assertEquals(version, verifier("--version").out(), "both jars print the same version");
    List<List<String>> paths = new ArrayList<>();
    collect(OrchestratorMain.commandLine(), new ArrayList<>(), paths);
    assertTrue(paths.size() >= COMMANDS.size() + 4, paths::toString); // + repo add|list, keys rotate, trust-root export|show
    for (List<String> path : paths) {
      List<String> v = new ArrayList<>(path);
      v.add("--version");
      Outcome out = orchestrator(v.toArray());
      assertEquals(0, out.exit(), () -> path + ": " + out);
      assertEquals(version, out.out(), path::toString);
      List<String> h = new ArrayList<>(path);
      h.add(path.get(path.size() - 1).equals("help") ? "help" : "--help");
      Outcome help = orchestrator(h.toArray());
      assertEquals(0, help.exit(), () -> path + ": " + help);
      assertTrue(help.out().contains("Usage: hallmark " + String.join(" ", path)), () -> path + ": " + help);
      if (path.size() == 1 && !path.get(0).equals("help")) { // picocli's help takes one command name
        Outcome viaHelp = orchestrator(prepend("help", path).toArray());
        assertEquals(help.out(), viaHelp.out(), "hallmark help " + path);
      }
    }
  }

  private static void collect(CommandLine cl, List<String> prefix, List<List<String>> paths) {
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(e.getKey());
      paths.add(path);
      collect(e.getValue(), path, paths);
    }
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> l = new ArrayList<>();
    l.add(first);
    l.addAll(rest);
    return l;
  }

  /** Same exit status, stdout and stderr from either jar, in success, failure and usage errors. */
  @Test
  void verifierCommandsAnswerAsFromTheVerifierJar() throws IOException {
    BundleForge forge = BundleForge.valid();
    Path artifact = Files.write(dir.resolve("app-1.2.3.tgz"), BundleForge.artifactBytes());
    Path bundle = Files.write(dir.resolve("app-1.2.3.tgz.hallmark.json"), forge.bytes());
    Path trustRoot = Files.write(dir.resolve("trust-root.json"), forge.trustRootBytes());
    List<Object[]> cases =
        List.of(
            new Object[] {"verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot},
            new Object[] {"verify-attestation", artifact, "--bundle", bundle, "--trust-root", trustRoot, "--json"},
            new Object[] {"verify-attestation", "--bundle", bundle, "--trust-root", trustRoot, "--ref", "main"},
            new Object[] {"verify-attestation", "--bundle", dir.resolve("none.json"), "--trust-root", trustRoot, "--json"},
            new Object[] {"verify-attestation", "--trust-root", trustRoot, "--json"},
            new Object[] {"verify-attestation", "--bundle", bundle, "--trust-root", trustRoot, "--repo", "acme/app"},
            new Object[] {"verify-attestation", "--bundle", bundle, "--trust-root", trustRoot, "--repo", "x", "--json"},
            new Object[] {"verify-attestation", artifact, "--digest", "sha256:00", "--bundle", bundle, "--trust-root", trustRoot, "--json"},
            new Object[] {"audit", dir, "--trust-root", trustRoot},
            new Object[] {"audit", dir.resolve("none"), "--trust-root", trustRoot, "--json"},
            new Object[] {"trust-root", "show", trustRoot},
            new Object[] {"trust-root", "show", dir.resolve("none.json")},
            new Object[] {"trust-root", "export", "--issuer", "ftp://x/oidc", "--out", "-"},
            new Object[] {"trust-root"},
            new Object[] {"verify-attestation", "--version"},
            new Object[] {"completion", "fish"});
    for (Object[] c : cases) {
      Outcome fromVerifier = verifier(c);
      Outcome fromOrchestrator = orchestrator(c);
      assertEquals(fromVerifier, fromOrchestrator, () -> String.join(" ", strings(c)));
    }
  }

  @Test
  void unknownFlagsAndCommandsNameTheNearestOne() {
    Map<List<String>, String> cases =
        Map.of(
            List.of("serve", "--data", dir.toString(), "--prot", "8080"), "(did you mean --port?)",
            List.of("run", ".", "--ot", "x"), "(did you mean --out?)",
            List.of("sevre"), "(did you mean serve?)",
            List.of("verify-attestaton"), "(did you mean verify-attestation?)",
            List.of("verify-attestation", "--trust_root", "x"), "(did you mean --trust-root?)",
            // --data is required: picocli reports it missing before the unknown --dta.
            List.of("repo", "add", "a/b", ".", "--dta", "d"), "(unknown option '--dta': did you mean --data?)");
    cases.forEach((args, hint) -> {
      Outcome o = orchestrator(args.toArray());
      assertEquals(1, o.exit(), o::toString);
      assertEquals(1, o.err().lines().count(), o::toString);
      assertTrue(o.err().startsWith("hallmark: "), o::toString);
      assertTrue(o.err().contains(hint), () -> args + ": " + o);
    });
  }

  @Test
  void completionPrintsABashScriptForTheWholeTree() {
    Outcome bash = orchestrator("completion", "bash");
    assertEquals(0, bash.exit(), bash::toString);
    assertEquals("", bash.err(), bash::toString);
    for (String word : List.of("verify-attestation", "serve", "--trust-root", "--digest", "--port", "complete -F")) {
      assertTrue(bash.out().contains(word), word);
    }
    // zsh loads the same script through its bash completion compatibility.
    Outcome zsh = orchestrator("completion", "zsh");
    assertEquals(bash, zsh);
    assertTrue(zsh.out().contains("bashcompinit"));
    Outcome fish = orchestrator("completion", "fish");
    assertEquals(1, fish.exit(), fish::toString);
    assertEquals("", fish.out(), fish::toString);
    assertEquals(1, fish.err().lines().count(), fish::toString);
  }
}
