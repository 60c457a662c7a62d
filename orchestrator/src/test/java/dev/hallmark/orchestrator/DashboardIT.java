package dev.hallmark.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import dev.hallmark.trustroot.TrustRootExport;
import dev.hallmark.trustroot.TrustRootSource;
import dev.hallmark.trustroot.online.OnlineOptions;
import dev.hallmark.trustroot.online.OnlineTrustRootSource;
import dev.hallmark.verifier.Check;
import dev.hallmark.verifier.VerificationPolicy;
import dev.hallmark.verifier.VerificationResult;
import dev.hallmark.verifier.Verifier;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a person sees it: {@code hallmark serve} as a child process (as in {@link
 * ServeIT}), a push of the example, and Debian's headless Chromium driven by chromedriver. Badges
 * are computed by the page's own code in the browser; this test only reads them.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} ({@code scripts/test}
 * installs them when it runs as root on Debian); Selenium is pointed at both and downloads nothing.
 * Where they are missing, {@code scripts/test} says so and passes {@code -Dhallmark.browser=absent}:
 * then this class is skipped, except under {@code CI=true}.
 */
class DashboardIT {
  private static final String REPO = "acme/app";
  private static final String REF = "refs/heads/main";
  private static final Path SCREENSHOTS = Path.of("target/dashboard").toAbsolutePath();
  private static final Duration UI_WAIT = Duration.ofSeconds(30);
  private static final String XSS_ARTIFACT = "<img src=x onerror=alert(1)>.tgz";
  private static final String XSS_LOG = "<script>window.__pwned=1</script>";

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<Process> servers = new ArrayList<>();
  private Path downloads;
  private WebDriver driver;

  @BeforeEach
  void startBrowser() throws IOException {
    // Per test rather than per class, so Maven counts each one as skipped.
    boolean absent = "absent".equals(System.getProperty("hallmark.browser")) && !"true".equals(System.getenv("CI"));
    assumeFalse(absent, "SKIPPED: DashboardIT (no chromium)");
    downloads = Files.createDirectories(tmp.resolve("downloads"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")), "--window-size=1280,1000");
    options.setExperimentalOption("prefs", Map.of(
        "download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .withLogFile(tmp.resolve("chromedriver.log").toFile())
        .build();
    driver = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (driver != null) {
      driver.quit();
    }
    for (Process p : servers) {
      ServeProcess.stop(p);
    }
  }

  @Test
  void badgesAreVerifiedFailedOrUnverifiableAsTheBrowserFindsThem() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = ServeIT.exampleRepository(tmp.resolve("app"));
    String sha = ServeIT.git(repo, "rev-parse", "HEAD");
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()));
    int port = freePort();
    String url = startServer(data, port, null);
    String runId = push(url, data);
    JsonObject run = awaitFinished(url, runId);
    assertEquals("succeeded", run.requireString("status"), run.toString());
    String key = onlyStorageKey(url, runId);
    byte[] genuine = bytes(url + "/api/v1/attestations/" + key);

    // The runs list shows the run.
    driver.get(url + "/#/");
    List<String> row = wait(d -> {
      WebElement tr = d.findElement(By.cssSelector("tr[data-run-id='" + runId + "']"));
      return List.of(tr.getText(), tr.findElement(By.cssSelector(".badge")).getText().strip());
    });
    assertTrue(row.get(0).contains(REPO), row.get(0));
    assertTrue(row.get(0).contains(sha.substring(0, 12)), row.get(0));
    assertTrue(row.get(0).contains("Release.java"), row.get(0));
    assertEquals("succeeded", row.get(1));

    // The genuine bundle: green, checked in the browser.
    driver.get(url + "/#/runs/" + runId + "/attestations");
    WebElement badge = settledBadge(key);
    assertEquals("verified", badge.getAttribute("data-status"));
    assertEquals("verified", badge.getText().strip());
    WebElement genuineRow = driver.findElement(By.cssSelector("tr[data-storage-key='" + key + "']"));
    assertEquals("app-1.0.0.tgz", genuineRow.findElement(By.cssSelector("td.artifact")).getText());
    assertTrue(genuineRow.getText().contains("release"), genuineRow.getText()); // the job
    assertTrue(driver.findElement(By.tagName("main")).getText()
        .contains("This page's code comes from the same server that stores the bundles"));
    screenshot("attestations.png");

    // Download saves the stored bytes, untouched, as <artifact>.hallmark.json.
    WebElement link = genuineRow.findElement(By.linkText("Download"));
    assertEquals("app-1.0.0.tgz.hallmark.json", link.getAttribute("download"));
    link.click();
    Path saved = downloads.resolve("app-1.0.0.tgz.hallmark.json");
    wait(d -> Files.isRegularFile(saved) && !Files.exists(downloads.resolve("app-1.0.0.tgz.hallmark.json.crdownload"))
        && sameBytes(saved, genuine));
    assertArrayEquals(genuine, Files.readAllBytes(saved));

    // A copy of the bundle with one character of the signed payload changed, stored beside it. The
    // payload's SHA-256 no longer matches the token's payload_sha256: check 4, key-binding.
    byte[] tampered = tamperPayload(genuine);
    Path trustRoot = Files.write(tmp.resolve("trust-root.json"), bytes(url + "/api/v1/trust-root"));
    VerificationResult cli = new Verifier().verify(tampered,
        VerificationPolicy.builder(TrustRootSource.file(trustRoot)).withoutArtifactUnsafe().build());
    assertEquals(Check.KEY_BINDING, cli.failedCheck(), () -> cli.toJson().toString());
    String tamperedKey = storeCopy(data, key, tampered);

    driver.navigate().refresh();
    WebElement red = settledBadge(tamperedKey);
    assertEquals("failed", red.getAttribute("data-status"));
    assertEquals("failed", red.getText().strip());
    assertTrue(red.getAttribute("title").contains("key-binding"), red.getAttribute("title"));
    assertEquals("verified", settledBadge(key).getAttribute("data-status"));
    screenshot("attestations-tampered.png");

    // The same bundles served under a public URL whose issuer answers nothing: unverifiable, never
    // verified (the keys cannot be fetched) and never failed (nothing is wrong with the bundle).
    Path copy = copyDataFolder(data, tmp.resolve("data-copy"));
    Path quiet = quietRepository(tmp.resolve("quiet"));
    assertEquals(0, cli("repo", "add", "acme/quiet", quiet.toString(), "--data", copy.toString()));
    int port2 = freePort();
    int dead = freePort();
    while (dead == port2) {
      dead = freePort();
    }
    String url2 = startServer(copy, port2, "http://127.0.0.1:" + dead);
    driver.get(url2 + "/#/runs/" + runId + "/attestations");
    WebElement grey = settledBadge(key);
    assertEquals("unverifiable", grey.getAttribute("data-status"));
    assertEquals("unverifiable", grey.getText().strip());
    assertEquals("unverifiable", settledBadge(tamperedKey).getAttribute("data-status"));
    screenshot("attestations-unverifiable.png");

    // A push there too: jobs reach the orchestrator over loopback whatever the public URL, so this
    // run attests, and its bundle, naming the dead issuer, is unverifiable as well.
    String run2 = push(url2, copy, REPO);
    assertEquals("succeeded", awaitFinished(url2, run2).requireString("status"));
    String key2 = onlyStorageKey(url2, run2);
    driver.get(url2 + "/#/runs/" + run2 + "/attestations");
    assertEquals("unverifiable", settledBadge(key2).getAttribute("data-status"));

    // A run whose steps attested nothing: the tab says so.
    String run3 = push(url2, copy, "acme/quiet");
    assertEquals("succeeded", awaitFinished(url2, run3).requireString("status"));
    driver.get(url2 + "/#/runs/" + run3 + "/attestations");
    WebElement empty = wait(d -> {
      WebElement e = d.findElement(By.cssSelector("[data-empty='attestations']"));
      return e.getText().startsWith("No attestations:") ? e : null;
    });
    assertTrue(empty.getText().contains("no step of this run attested an artifact"), empty.getText());
    assertTrue(driver.findElements(By.cssSelector("table.attestations")).isEmpty());
  }

  /**
   * Issue 9 §2: behind a proxy the issuer is the recorded public URL, whatever port serve listens
   * on. A restart on another port with no --public-url keeps it, so the old bundle stays green in
   * the browser (through the proxy) and verifies on the command line, online and offline.
   */
  @Test
  void anOldBundleStaysVerifiedBehindTheProxyAfterARestartOnAnotherPort() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = ServeIT.exampleRepository(tmp.resolve("app"));
    String sha = ServeIT.git(repo, "rev-parse", "HEAD");
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()));
    int portA = freePort();
    try (LoopbackProxy proxy = LoopbackProxy.start(portA)) {
      String publicUrl = "http://127.0.0.1:" + proxy.port();
      String issuer = publicUrl + "/oidc";
      ServeProcess first = ServeProcess.start(tmp, data, portA, "--public-url", publicUrl);
      servers.add(first.process());
      String runId = push(first.url(), data);
      assertEquals("succeeded", awaitFinished(first.url(), runId).requireString("status"));
      String key = onlyStorageKey(first.url(), runId);
      byte[] bundle = bytes(first.url() + "/api/v1/attestations/" + key);
      Path exported = tmp.resolve("old-trust-root.json");
      TrustRootExport.write(OnlineTrustRootSource.of(URI.create(issuer), OnlineOptions.defaults()).load(), exported);
      ServeProcess.stop(first.process());
      servers.remove(first.process());

      int portB = freePort();
      while (portB == portA || portB == proxy.port()) {
        portB = freePort();
      }
      ServeProcess again = ServeProcess.start(tmp, data, portB); // no --public-url
      servers.add(again.process());
      proxy.retarget(portB);

      Path artifact = ServeIT.buildArchive(repo, tmp.resolve("rebuild"));
      for (TrustRootSource source : List.of(OnlineTrustRootSource.of(URI.create(issuer), OnlineOptions.defaults()),
          TrustRootSource.file(exported))) {
        VerificationResult r = new Verifier().verify(bundle, VerificationPolicy.builder(source).artifact(artifact)
            .expectRepository(REPO).expectRef(REF).expectSha(sha).build());
        assertTrue(r.isVerified(), () -> r.toJson().toString());
      }
      driver.get(publicUrl + "/#/runs/" + runId + "/attestations");
      WebElement badge = settledBadge(key);
      assertEquals("verified", badge.getAttribute("data-status"), badge.getAttribute("title"));
      screenshot("attestations-after-restart-behind-proxy.png");
    }
  }

  @Test
  void workflowStringsAreShownAsTextNeverAsMarkup() throws Exception {
    Path data = tmp.resolve("data");
    Path repo = xssRepository(tmp.resolve("xss"));
    assertEquals(0, cli("repo", "add", REPO, repo.toString(), "--data", data.toString()));
    String url = startServer(data, freePort(), null);
    String runId = push(url, data);

    // Opened while the run is still going (its first step sleeps 5 s): the page polls, appends the
    // log lines that follow (?after=N) and shows the end, with no reload.
    driver.get(url + "/#/runs/" + runId);
    String first = wait(d -> d.findElement(By.cssSelector("h1 .badge")).getAttribute("data-status"));
    assertTrue(first.equals("pending") || first.equals("running"), "the run had already ended: " + first);
    wait(Duration.ofSeconds(90), d -> "succeeded".equals(d.findElement(By.cssSelector("h1 .badge")).getAttribute("data-status")));
    WebElement log = wait(d -> {
      for (WebElement pre : d.findElements(By.cssSelector("details[data-step='attest'] pre.log"))) {
        if (pre.getText().contains("--- step attest succeeded")) {
          return pre;
        }
      }
      return null;
    });
    String text = log.getText();
    assertTrue(text.contains(XSS_LOG), text);
    assertTrue(text.contains("<img src=x onerror=alert(2)>"), text);
    assertEquals(text.indexOf(XSS_LOG), text.lastIndexOf(XSS_LOG), "a log line was shown twice: " + text);
    assertTrue(driver.findElements(By.cssSelector("main script, main img")).isEmpty(), "markup from the log was parsed");
    assertNoScriptRan();

    driver.findElement(By.linkText("Attestations")).click();
    String key = onlyStorageKey(url, runId);
    assertEquals("verified", settledBadge(key).getAttribute("data-status"));
    WebElement artifact = driver.findElement(By.cssSelector("tr[data-storage-key='" + key + "'] td.artifact"));
    assertEquals(XSS_ARTIFACT, artifact.getText());
    assertTrue(driver.findElements(By.cssSelector("main img, main script")).isEmpty(), "an element was made from a name");
    assertNoScriptRan();
  }

  // ---- browser helpers ----------------------------------------------------------------------

  private <T> T wait(java.util.function.Function<WebDriver, T> condition) {
    return wait(UI_WAIT, condition);
  }

  /** Explicit waits only; the page re-renders as it polls, so a stale or missing element is retried. */
  private <T> T wait(Duration timeout, java.util.function.Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout).ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
  }

  /** The row's badge once the browser has finished checking its bundle. */
  private WebElement settledBadge(String storageKey) {
    return wait(d -> {
      WebElement b = d.findElement(By.cssSelector("tr[data-storage-key='" + storageKey + "'] td.status .badge"));
      return "checking".equals(b.getAttribute("data-status")) ? null : b;
    });
  }

  private void assertNoScriptRan() {
    assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
    Object pwned = ((JavascriptExecutor) driver).executeScript("return typeof window.__pwned");
    assertEquals("undefined", pwned);
  }

  private void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static boolean sameBytes(Path file, byte[] expected) {
    try {
      return java.util.Arrays.equals(Files.readAllBytes(file), expected);
    } catch (IOException e) {
      return false;
    }
  }

  // ---- tampering ----------------------------------------------------------------------------

  /** The bundle's exact bytes with one base64 character in the middle of the DSSE payload changed. */
  static byte[] tamperPayload(byte[] bundle) {
    JsonObject b = StrictJson.parseObject(bundle, 10 << 20);
    String payload = b.requireObject("dsseEnvelope").requireString("payload");
    byte[] needle = payload.getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(bundle, needle);
    assertTrue(at >= 0, "payload not found in the bundle's bytes");
    byte[] out = bundle.clone();
    // A character far from the end, so the padding rules of canonical base64 still hold.
    int i = at + needle.length / 2;
    out[i] = (byte) (out[i] == 'A' ? 'B' : 'A');
    assertNotEquals(bundle[i], out[i]);
    return out;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Stores {@code bundle} as another attestation of the same job, straight into the SQLite file. */
  private static String storeCopy(Path data, String storageKey, byte[] bundle) throws Exception {
    String newKey = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("hallmark.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO attestations "
          + "(storage_key, job_id, subject_name, subject_sha256, bundle, created_at) "
          + "SELECT ?, job_id, subject_name, subject_sha256, ?, created_at + 1 FROM attestations WHERE storage_key = ?")) {
        p.setString(1, newKey);
        p.setBytes(2, bundle);
        p.setString(3, storageKey);
        assertEquals(1, p.executeUpdate());
      }
    }
    return newKey;
  }

  /** A consistent copy of a live data folder: the database through SQLite itself, keys and credential. */
  private static Path copyDataFolder(Path from, Path to) throws Exception {
    Files.createDirectories(to.resolve("keys"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + from.resolve("hallmark.db"));
        PreparedStatement p = c.prepareStatement("VACUUM INTO ?")) {
      p.setString(1, to.resolve("hallmark.db").toString());
      p.execute();
    }
    try (var keys = Files.list(from.resolve("keys"))) {
      for (Path k : keys.toList()) {
        Files.copy(k, to.resolve("keys").resolve(k.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Files.copy(from.resolve("intake-credential"), to.resolve("intake-credential"), StandardCopyOption.COPY_ATTRIBUTES);
    return to;
  }

  // ---- the server ---------------------------------------------------------------------------

  /** Starts {@code serve} on a chosen port (and public URL); returns its listen URL, which the browser uses. */
  private String startServer(Path data, int port, String publicUrl) throws Exception {
    ServeProcess started = publicUrl == null ? ServeProcess.start(tmp, data, port)
        : ServeProcess.start(tmp, data, port, "--public-url", publicUrl);
    servers.add(started.process());
    return started.url();
  }

  private String push(String url, Path data) throws Exception {
    return push(url, data, REPO);
  }

  private String push(String url, Path data, String repository) throws Exception {
    String credential = Files.readString(data.resolve("intake-credential")).strip();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/events/push"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + credential)
        .POST(HttpRequest.BodyPublishers.ofString("{\"repository\":\"" + repository + "\",\"ref\":\"" + REF + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    List<Object> ids = json(r.body()).requireArray("runIds");
    assertEquals(1, ids.size());
    return (String) ids.get(0);
  }

  private JsonObject awaitFinished(String url, String runId) throws Exception {
    return ServeProcess.awaitFinished(http, url, runId, Duration.ofSeconds(90));
  }

  private String onlyStorageKey(String url, String runId) throws Exception {
    List<Object> list = json(new String(bytes(url + "/api/v1/runs/" + runId + "/attestations"), StandardCharsets.UTF_8))
        .requireArray("attestations");
    assertEquals(1, list.size());
    return ((JsonObject) list.get(0)).requireString("storageKey");
  }

  private byte[] bytes(String url) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  private int cli(String... args) throws Exception {
    return ServeProcess.cli(tmp, args).exit();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static JsonObject json(String s) {
    return ServeProcess.json(s);
  }

  /**
   * A repository whose workflow attests a file named like markup and logs markup: the page must show
   * both as text.
   */
  /** A repository whose one workflow runs a step and attests nothing. */
  private static Path quietRepository(Path target) throws Exception {
    Path workflows = Files.createDirectories(target.resolve(".hallmark/workflows"));
    Files.writeString(workflows.resolve("Quiet.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "public class Quiet {",
        "  public static void main(String[] args) {",
        "    workflow(\"quiet\").on(push().branches(\"main\")).job(job(\"lint\").step(\"check\", ctx -> ctx.sh(\"true\"))).main(args);",
        "  }",
        "}", ""));
    ServeIT.git(target, "init", "--quiet", "--initial-branch=main");
    ServeIT.git(target, "add", "--all");
    ServeIT.git(target, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "quiet");
    return target;
  }

  private static Path xssRepository(Path target) throws IOException {
    Path workflows = Files.createDirectories(target.resolve(".hallmark/workflows"));
    Files.writeString(workflows.resolve("Xss.java"), String.join("\n",
        "import static dev.hallmark.sdk.Hallmark.*;",
        "import dev.hallmark.sdk.*;",
        "import java.nio.file.Files;",
        "import java.nio.file.Path;",
        "public class Xss {",
        "  public static void main(String[] args) {",
        "    workflow(\"xss\").on(push().branches(\"main\")).job(job(\"xss\")",
        "        .step(\"wait\", ctx -> ctx.sh(\"sleep 5\"))",
        "        .step(\"attest\", ctx -> {",
        "          Path file = ctx.workspace().resolve(" + javaString(XSS_ARTIFACT) + ");",
        "          Files.writeString(file, \"not an image\\n\");",
        "          ctx.attestProvenance(Subject.ofPath(" + javaString(XSS_ARTIFACT) + ", file));",
        "          ctx.log().info(" + javaString(XSS_LOG) + ");",
        "          ctx.log().warn(\"<img src=x onerror=alert(2)>\");",
        "        })).main(args);",
        "  }",
        "}", ""));
    ServeIT.git(target, "init", "--quiet", "--initial-branch=main");
    ServeIT.git(target, "add", "--all");
    ServeIT.git(target, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "markup everywhere");
    return target;
  }

  private static String javaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
