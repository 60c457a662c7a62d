import static dev.hallmark.sdk.Hallmark.*;

import dev.hallmark.sdk.*;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixture of DeclaredSecretsRunTest (the test fills in @SECRETS_FILE@ and @DROP_PORT@). Its definition
 * code looks for the declared secret while --describe runs; its steps print the secret in every
 * form, through the SDK's log, through sh, and around the SDK straight to file descriptor 1.
 */
public class Secrets {
  /** The start of the test's secret value, split so that no file (this one included) holds it. */
  static final String MARKER = "hmtestsecre" + "t-";

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--describe")) {
      probeDefinition();
    }
    workflow("secrets").job(job("leak")
        .step("probe", ctx -> {
          ctx.sh(". ./probe.sh");
          // Control: the same probe finds the value in the one place it was handed to.
          ctx.sh(". ./probe.sh | sed 's/^/CONTROL /'", Map.of("DEPLOY_TOKEN", ctx.secret("DEPLOY_TOKEN")));
        })
        .step("print", ctx -> {
          String v = ctx.secret("DEPLOY_TOKEN");
          FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
          for (Map.Entry<String, String> f : forms(v).entrySet()) {
            ctx.log().info("LOG_" + f.getKey() + "=" + f.getValue());
            ctx.sh("printf 'SH_%s=%s\\n' \"$K\" \"$V\"", Map.of("K", f.getKey(), "V", f.getValue()));
            // Around the SDK's masker: only the orchestrator's stands between this line and the log.
            fd1.write(("RAW_" + f.getKey() + "=" + f.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
          }
          ctx.sh("printf 'SH_B64CLI=%s\\n' \"$(printf '%s' \"$DEPLOY_TOKEN\" | base64 | tr -d '\\n')\"",
              Map.of("DEPLOY_TOKEN", v));
          int half = v.length() / 2;
          ctx.sh("printf 'SH_SPLIT=%s' \"$A\"; printf '%s\\n' \"$B\"", Map.of("A", v.substring(0, half), "B", v.substring(half)));
          fd1.write(("RAW_SPLIT=" + v.substring(0, half)).getBytes(StandardCharsets.UTF_8));
          // A pause, so the orchestrator most likely reads the first half in a chunk of its own
          // (LineMaskerTest pins that case without timing; this line passes either way).
          Thread.sleep(300);
          fd1.write((v.substring(half) + "\n").getBytes(StandardCharsets.UTF_8));
        }))
        .main(args);
  }

  /** The forms a step might print by accident, computed here independently of Hallmark's code. */
  static Map<String, String> forms(String v) {
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PLAIN", v);
    m.put("B64", Base64.getEncoder().encodeToString(b));
    m.put("B64NOPAD", Base64.getEncoder().withoutPadding().encodeToString(b));
    m.put("B64URL", Base64.getUrlEncoder().encodeToString(b));
    m.put("B64URLNOPAD", Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    String form = URLEncoder.encode(v, StandardCharsets.UTF_8);
    m.put("FORM", form);
    m.put("FORMLOWER", lowerHex(form));
    StringBuilder pct = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      if ((c < 128 && Character.isLetterOrDigit(c)) || "-._~".indexOf(c) >= 0) {
        pct.append((char) c);
      } else {
        pct.append(String.format("%%%02X", c));
      }
    }
    m.put("PCT", pct.toString());
    m.put("PCTLOWER", lowerHex(pct.toString()));
    return m;
  }

  static String lowerHex(String s) {
    StringBuilder sb = new StringBuilder(s);
    for (int i = 0; i + 2 < sb.length(); i++) {
      if (sb.charAt(i) == '%') {
        sb.setCharAt(i + 1, Character.toLowerCase(sb.charAt(i + 1)));
        sb.setCharAt(i + 2, Character.toLowerCase(sb.charAt(i + 2)));
        i += 2;
      }
    }
    return sb.toString();
  }

  /** The workflow's definition code, run by --describe: every way it could find the secret. */
  static void probeDefinition() throws IOException {
    List<String> found = new ArrayList<>();
    found.add("stdin=" + System.in.readAllBytes().length);
    found.add("env=" + System.getenv().values().stream().anyMatch(x -> x.contains(MARKER)));
    int proc = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : all) {
        for (String f : List.of("environ", "cmdline")) {
          try {
            if (new String(Files.readAllBytes(p.resolve(f)), StandardCharsets.ISO_8859_1).contains(MARKER)) {
              proc++;
            }
          } catch (IOException | RuntimeException e) {
            // not ours to read, or gone
          }
        }
      }
    }
    found.add("proc=" + proc);
    String file;
    try {
      file = Files.readString(Path.of("@SECRETS_FILE@")).contains(MARKER) ? "readable" : "unexpected";
    } catch (IOException e) {
      file = "denied";
    }
    found.add("file=" + file);
    // To the test over loopback: the sandbox lets --describe write nowhere the test could read.
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", @DROP_PORT@)) {
      s.getOutputStream().write((String.join(" ", found) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
