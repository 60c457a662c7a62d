package dev.hallmark.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one line of JSON the orchestrator writes to the workflow JVM's standard input for
 * {@code --job NAME} (ARCHITECTURE: the capability travels this way, never in argv, the
 * environment or a file). Unknown members are ignored; every listed one is a required string.
 *
 * <pre>{@code
 * {"orchestrator":"http://127.0.0.1:8123","capability":"hmcap_…","runId":"42","jobId":"j-7",
 *  "repository":"acme/app","ref":"refs/heads/main","sha":"<40 hex>",
 *  "workflow":".hallmark/workflows/Release.java","jobName":"publish"}
 * }</pre>
 */
record JobInput(URI orchestrator, Capability capability, String runId, String jobId, String repository,
    String ref, String sha, String workflow, String jobName) {
  static final int MAX_LINE_BYTES = 64 * 1024;
  private static final int MAX_VALUE = 1024;
  /** The job id goes into a URL path: no dot first, nothing to escape. */
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

  /** Reads and checks the first line of {@code in}; throws {@link IllegalArgumentException} naming the defect. */
  static JobInput read(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() >= MAX_LINE_BYTES) {
        throw new IllegalArgumentException("the line is longer than " + MAX_LINE_BYTES + " bytes");
      }
      line.write(b);
    }
    if (line.size() == 0) {
      throw new IllegalArgumentException("standard input holds no job input line");
    }
    return parse(line.toByteArray());
  }

  static JobInput parse(byte[] line) {
    int len = line.length;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    byte[] json = java.util.Arrays.copyOf(line, len);
    Map<String, Object> o = Json.parseObject(json);
    URI orchestrator = OrchestratorClient.loopbackBase(Json.string(o, "orchestrator"));
    Capability capability = Capability.of(Json.string(o, "capability"));
    String jobId = value(o, "jobId");
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException("jobId " + Names.show(jobId) + " is not 1 to 128 of A-Z a-z 0-9 . _ - (no dot first)");
    }
    return new JobInput(orchestrator, capability, value(o, "runId"), jobId, value(o, "repository"),
        value(o, "ref"), value(o, "sha"), value(o, "workflow"), value(o, "jobName"));
  }

  private static String value(Map<String, Object> o, String key) {
    String v = Json.string(o, key);
    if (v.isEmpty() || v.length() > MAX_VALUE) {
      throw new IllegalArgumentException("member '" + key + "' must be 1 to " + MAX_VALUE + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < 0x20 || v.charAt(i) == 0x7f) {
        throw new IllegalArgumentException("member '" + key + "' holds a control character");
      }
    }
    return v;
  }

  RunInfo runInfo() {
    return new RunInfo(repository, ref, sha, runId, jobId, jobName, workflow);
  }
}
