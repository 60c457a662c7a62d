package dev.hallmark.sdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the orchestrator writes to the workflow JVM's standard input for {@code --job NAME}
 * (ARCHITECTURE: the capability and the declared secrets travel this way, never in argv, the
 * environment or a file): one line of JSON, then exactly {@code secrets} lines of
 * {@link JobSecrets}. Unknown members of the first line are ignored; every listed one is a
 * required string, but {@code secrets}, a required integer from 0 to 100.
 *
 * <pre>{@code
 * {"orchestrator":"http://127.0.0.1:8123","capability":"hmcap_…","runId":"42","jobId":"j-7",
 *  "repository":"acme/app","ref":"refs/heads/main","sha":"<40 hex>",
 *  "workflow":".hallmark/workflows/Release.java","jobName":"publish","secrets":1}
 * {"name":"DEPLOY_TOKEN","value":"s3cr3t-…"}
 * }</pre>
 */
record JobInput(URI orchestrator, Capability capability, String runId, String jobId, String repository,
    String ref, String sha, String workflow, String jobName, JobSecrets secrets) {
  static final int MAX_LINE_BYTES = 64 * 1024;
  private static final int MAX_VALUE = 1024;
  /** The job id goes into a URL path: no dot first, nothing to escape. */
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

  /** Reads and checks the input from {@code in}; throws {@link IllegalArgumentException} naming the defect. */
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
    return parse(line.toByteArray(), in);
  }

  /** The first line alone, when it announces no secrets. */
  static JobInput parse(byte[] line) throws IOException {
    return parse(line, InputStream.nullInputStream());
  }

  /** The first line, then the secret lines it announces, read from {@code rest}. */
  static JobInput parse(byte[] line, InputStream rest) throws IOException {
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
    String runId = value(o, "runId");
    String repository = value(o, "repository");
    String ref = value(o, "ref");
    String sha = value(o, "sha");
    String workflow = value(o, "workflow");
    String jobName = value(o, "jobName");
    JobSecrets secrets = JobSecrets.read(rest, Json.integer(o, "secrets"));
    return new JobInput(orchestrator, capability, runId, jobId, repository, ref, sha, workflow, jobName, secrets);
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
