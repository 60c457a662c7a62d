package dev.hallmark.sdk;

import static dev.hallmark.sdk.Hallmark.job;
import static dev.hallmark.sdk.Hallmark.workflow;
import static dev.hallmark.sdk.WorkflowTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hallmark.sdk.WorkflowTest.Run;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared secrets in a job JVM: read from standard input after the job input line, given to a
 * step by {@code ctx.secret}, masked in every form in what the SDK prints, refused when not
 * declared or outside a running job, and never shown by an error or {@code toString}.
 */
class JobSecretsTest {
  /** Chosen so that every form differs: base64 with + / and padding, URL forms with space, ~ and *. */
  static final String VALUE = "Dep loy~t*k3n/\u00e9?>>";
  /** Its forms, worked out by hand (FORMATS of RFC 4648 §4, §5; HTML form encoding; RFC 3986). */
  static final List<String> FORMS = List.of(
      VALUE,
      "RGVwIGxveX50Kmszbi/DqT8+Pg==",
      "RGVwIGxveX50Kmszbi/DqT8+Pg",
      "RGVwIGxveX50Kmszbi_DqT8-Pg==",
      "RGVwIGxveX50Kmszbi_DqT8-Pg",
      "Dep+loy%7Et*k3n%2F%C3%A9%3F%3E%3E",
      "Dep+loy%7et*k3n%2f%c3%a9%3f%3e%3e",
      "Dep%20loy~t%2Ak3n%2F%C3%A9%3F%3E%3E",
      "Dep%20loy~t%2ak3n%2f%c3%a9%3f%3e%3e");

  @TempDir Path workspace;
  FakeOrchestrator orchestrator;

  @BeforeEach
  void start() throws Exception {
    orchestrator = new FakeOrchestrator();
  }

  @AfterEach
  void stop() {
    orchestrator.close();
  }

  @Test
  void formsAreTheValueItsBase64AndItsUrlEncodings() {
    assertEquals(FORMS, Masker.forms(VALUE));
    assertEquals(List.of("first-line-of-it\nsecond-line-too", "Zmlyc3QtbGluZS1vZi1pdApzZWNvbmQtbGluZS10b28=",
        "Zmlyc3QtbGluZS1vZi1pdApzZWNvbmQtbGluZS10b28", "first-line-of-it%0Asecond-line-too",
        "first-line-of-it%0asecond-line-too", "first-line-of-it", "second-line-too"),
        Masker.forms("first-line-of-it\nsecond-line-too"));
  }

  @Test
  void aPaddedFormIsMaskedWholeNotLeavingItsPadding() {
    Masker m = new Masker();
    m.addDeclared(VALUE);
    assertEquals("a *** b", m.mask("a RGVwIGxveX50Kmszbi/DqT8+Pg== b"));
  }

  @Test
  void aStepReadsItsSecretAndEveryFormIsMaskedInTheLogAndCommandOutput() {
    Map<String, String> declared = Map.of("DEPLOY_TOKEN", VALUE);
    AtomicReference<String> read = new AtomicReference<>();
    Workflow w = workflow("w").job(job("j").step("s", ctx -> {
      String v = ctx.secret("DEPLOY_TOKEN");
      read.set(v);
      for (int i = 0; i < FORMS.size(); i++) {
        ctx.log().info("LOG" + i + "=" + FORMS.get(i));
        ctx.sh("printf 'SH" + i + "=%s\\n' \"$FORM\"", Map.of("FORM", FORMS.get(i)));
      }
      // Two writes of one line: the SDK relays whole lines, so the halves meet before masking.
      int half = v.length() / 2;
      ctx.sh("printf 'SPLIT=%s' \"$A\"; printf '%s\\n' \"$B\"", Map.of("A", v.substring(0, half), "B", v.substring(half)));
      throw new IllegalStateException("failing with " + v);
    }));
    Run r = run(w, workspace, orchestrator.jobInput("j", declared), "--job", "j");
    assertEquals(1, r.status());
    assertEquals(VALUE, read.get());
    String all = r.out() + r.err();
    for (String form : FORMS) {
      assertFalse(all.contains(form), "unmasked " + form + " in:\n" + all);
    }
    for (int i = 0; i < FORMS.size(); i++) {
      assertTrue(r.out().contains("\nLOG" + i + "=***\n"), r.out());
      assertTrue(r.out().contains("\nSH" + i + "=***\n"), r.out());
    }
    assertTrue(r.out().contains("\nSPLIT=***\n"), r.out());
    assertTrue(r.err().contains("--- step s failed: java.lang.IllegalStateException: failing with ***"), r.err());
    String reports = String.join("\n", orchestrator.stepReports("job-7"));
    assertTrue(reports.contains("s failed java.lang.IllegalStateException: failing with ***"), reports);
  }

  @Test
  void anUndeclaredSecretIsRefusedNamingItAndTheRepository() {
    AtomicReference<Throwable> undeclared = new AtomicReference<>();
    AtomicReference<Throwable> badName = new AtomicReference<>();
    Workflow w = workflow("w").job(job("j").step("s", ctx -> {
      undeclared.set(assertThrows(IllegalStateException.class, () -> ctx.secret("OTHER_TOKEN")));
      badName.set(assertThrows(IllegalArgumentException.class, () -> ctx.secret("deploy-token")));
    }));
    Run r = run(w, workspace, orchestrator.jobInput("j", Map.of("DEPLOY_TOKEN", VALUE)), "--job", "j");
    assertEquals(0, r.status(), r.err());
    assertEquals("secret OTHER_TOKEN is not declared for repository acme/app"
        + " (hallmark secret set acme/app OTHER_TOKEN --data <data folder>)", undeclared.get().getMessage());
    assertInstanceOf(Refusal.class, badName.get());
  }

  @Test
  void secretsAreRefusedInALocalExecution() {
    AtomicReference<Throwable> refused = new AtomicReference<>();
    Run r = run(workflow("w").job(job("j").step("s", ctx ->
        refused.set(assertThrows(IllegalStateException.class, () -> ctx.secret("DEPLOY_TOKEN"))))), workspace, "");
    assertEquals(0, r.status(), r.err());
    assertEquals("secret is only available inside a running job step (run the workflow with hallmark run"
        + " or on a Hallmark orchestrator)", refused.get().getMessage());
  }

  @Test
  void shEnvReachesOnlyThatCommandAndReservedNamesAreRefused() {
    AtomicReference<Throwable> reserved = new AtomicReference<>();
    AtomicReference<Throwable> nul = new AtomicReference<>();
    Workflow w = workflow("w").job(job("j").env("SHARED", "job").step("s", ctx -> {
      ctx.sh("echo \"ONE=$ONLY_HERE SHARED=$SHARED\"", Map.of("ONLY_HERE", "x1", "SHARED", "command"));
      ctx.sh("echo \"TWO=${ONLY_HERE:-unset} SHARED=$SHARED\"");
      reserved.set(assertThrows(IllegalArgumentException.class, () -> ctx.sh("true", Map.of("hallmark_x", "v"))));
      nul.set(assertThrows(IllegalArgumentException.class, () -> ctx.sh("true", Map.of("X", "a\0b"))));
    }));
    Run r = run(w, workspace, "");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("\nONE=x1 SHARED=command\n"), r.out());
    assertTrue(r.out().contains("\nTWO=unset SHARED=job\n"), r.out());
    assertTrue(reserved.get().getMessage().contains("reserved"), reserved.get().getMessage());
    assertFalse(nul.get().getMessage().contains("a\0b"));
  }

  @Test
  void malformedSecretLinesAreRefusedWithoutShowingAValue() {
    Workflow w = workflow("w").job(job("j").step("s", ctx -> {}));
    String good = orchestrator.jobInput("j", Map.of("DEPLOY_TOKEN", VALUE));
    String first = good.substring(0, good.indexOf('\n') + 1);
    String secretLine = good.substring(first.length());
    List<String> inputs = List.of(
        first, // announces one secret, holds none
        first.replace("\"secrets\":1", "\"secrets\":101"),
        first.replace("\"secrets\":1", "\"secrets\":-1"),
        first.replace("\"secrets\":1", "\"secrets\":\"1\""),
        first.replace(",\"secrets\":1", ""),
        first.replace("\"secrets\":1", "\"secrets\":2") + secretLine + secretLine, // the same name twice
        good.replace("DEPLOY_TOKEN", "deploy_token"),
        good.replace("DEPLOY_TOKEN", "1TOKEN"),
        first + "{\"name\":\"SHORT\",\"value\":\"1234567\"}\n",
        first + "{\"name\":\"NUL\",\"value\":\"" + VALUE + "\\u0000\"}\n",
        first + "{\"name\":\"NUMBER\",\"value\":12345678}\n",
        first + "{\"name\":\"BIG\",\"value\":\"" + "v".repeat(JobSecrets.MAX_VALUE_BYTES + 1) + "\"}\n",
        first + "{\"name\":\"X\",\"value\":\"" + "v".repeat(JobSecrets.MAX_LINE_BYTES) + "\"}\n",
        first + "{\"name\":\"BROKEN\",\"value\":\"" + VALUE + "\"\n");
    for (String input : inputs) {
      Run r = run(w, workspace, input, "--job", "j");
      assertEquals(1, r.status(), input.length() > 300 ? input.substring(0, 300) : input);
      assertEquals("", r.out());
      assertTrue(r.err().startsWith("error: invalid job input on standard input: "), r.err());
      assertEquals(1, r.err().split("\n").length, r.err());
      assertFalse(r.err().contains("loy~t"), r.err());
    }
    assertTrue(orchestrator.requests.isEmpty());
  }

  @Test
  void toStringNamesTheSecretsAndNeverShowsAValue() throws Exception {
    Map<String, String> declared = new LinkedHashMap<>();
    declared.put("DEPLOY_TOKEN", VALUE);
    declared.put("NPM_TOKEN", "npm_0123456789abcdef");
    byte[] all = orchestrator.jobInput("j", declared).getBytes(StandardCharsets.UTF_8);
    JobInput input = JobInput.read(new ByteArrayInputStream(all));
    assertEquals("JobSecrets[DEPLOY_TOKEN, NPM_TOKEN] (values redacted)", input.secrets().toString());
    assertFalse(input.toString().contains("loy~t") || input.toString().contains("npm_0123"), input.toString());
    assertEquals(VALUE, input.secrets().value("DEPLOY_TOKEN"));
  }
}
