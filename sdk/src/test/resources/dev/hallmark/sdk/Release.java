import static dev.hallmark.sdk.Hallmark.*;
import dev.hallmark.sdk.*;
import java.time.Duration;

public class Release {
  public static void main(String[] args) {
    workflow("release")
        .on(push().branches("main"))
        .job(job("build").step("compile", ctx -> ctx.sh("tar czf app.tgz src")))
        .job(job("publish").needs("build").env("TZ", "UTC").timeout(Duration.ofMinutes(10))
            .step("attest", ctx -> ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"))))
        .main(args);
  }
}
