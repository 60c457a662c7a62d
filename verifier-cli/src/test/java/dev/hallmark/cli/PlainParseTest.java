package dev.hallmark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The start-up fast path must read plain arguments exactly as picocli does, and defer the rest. */
class PlainParseTest {
  static Stream<org.junit.jupiter.params.provider.Arguments> plain() {
    return args(
        new String[] {"verify-attestation", "--bundle", "b.json", "--trust-root", "t.json"},
        new String[] {"verify-attestation", "a.tgz", "--bundle", "b.json", "--trust-root", "https://ci.example/oidc", "--json"},
        new String[] {"verify-attestation", "--json", "--trust-root", "t.json", "--bundle", "b.json", "a.tgz",
          "--repository", "acme/app", "--ref", "refs/heads/main", "--workflow", ".hallmark/workflows/R.java",
          "--sha", "9580c31a6421584ba9b2f7c1382c530ba235d8b3", "--timeout", "3"},
        new String[] {"verify-attestation", "--digest", "sha256:" + "ab".repeat(32), "--bundle", "b.json", "--trust-root", "t.json"},
        new String[] {"verify-attestation", "--bundle", "", "--trust-root", ""},
        new String[] {"verify-attestation"});
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> deferred() {
    return args(
        new String[] {"verify-attestation", "--help"},
        new String[] {"verify-attestation", "-h"},
        new String[] {"verify-attestation", "--bundle=b.json", "--trust-root", "t.json"},
        new String[] {"verify-attestation", "--bundle", "b.json", "--bundle", "c.json"},
        new String[] {"verify-attestation", "--json", "--json"},
        new String[] {"verify-attestation", "a", "b"},
        new String[] {"verify-attestation", "--bundle"},
        new String[] {"verify-attestation", "--bundle", "--json"},
        new String[] {"verify-attestation", "--digest", "--json"},
        new String[] {"verify-attestation", "--timeout", "ten"},
        new String[] {"verify-attestation", "--unknown", "x"},
        new String[] {"verify-attestation", "--", "a.tgz"});
  }

  /** Each String[] as one argument (a bare array would be spread over the parameters). */
  private static Stream<org.junit.jupiter.params.provider.Arguments> args(String[]... lists) {
    return Stream.of(lists).map(l -> org.junit.jupiter.params.provider.Arguments.of((Object) l));
  }

  @ParameterizedTest
  @MethodSource("plain")
  void readsPlainArgumentsAsPicocliDoes(String[] args) {
    VerifyAttestationCommand fast = VerifyAttestationCommand.parsePlain(args);
    assertNotNull(fast, Arrays.toString(args));
    VerifyAttestationCommand slow = new VerifyAttestationCommand();
    new CommandLine(slow).parseArgs(Arrays.copyOfRange(args, 1, args.length));
    assertEquals(slow.artifact, fast.artifact);
    assertEquals(slow.bundle, fast.bundle);
    assertEquals(slow.trustRoot, fast.trustRoot);
    assertEquals(slow.digest, fast.digest);
    assertEquals(slow.json, fast.json);
    assertEquals(slow.timeoutSeconds, fast.timeoutSeconds);
    assertEquals(slow.expect.toMap(), fast.expect.toMap());
  }

  @ParameterizedTest
  @MethodSource("deferred")
  void leavesEverythingElseToPicocli(String[] args) {
    assertNull(VerifyAttestationCommand.parsePlain(args), Arrays.toString(args));
  }
}
