import static dev.hallmark.sdk.Hallmark.*;
import dev.hallmark.sdk.*;

/**
 * A workflow for SourceLaunchTest: its one step looks for the capability where a command could
 * find it (its own environment, its parent's environment and command line) and attests a file.
 */
public class Probe {
  public static void main(String[] args) {
    workflow("probe")
        .job(job("look").env("JOB_VAR", "job-value")
            .step("look", ctx -> ctx.sh("echo probe-output; env > env.txt; "
                + "tr '\\0' '\\n' < /proc/$PPID/environ > parent-env.txt; "
                + "tr '\\0' ' ' < /proc/$PPID/cmdline > parent-cmdline.txt; printf artifact > app.txt"))
            .step("attest", ctx -> ctx.attestProvenance(Subject.ofPath("app.txt", "app.txt"))))
        .main(args);
  }
}
