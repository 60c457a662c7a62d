import static dev.hallmark.sdk.Hallmark.*;

import dev.hallmark.sdk.*;
import java.time.Duration;

/**
 * Builds a reproducible archive of src/ and attests it. One job, because every job gets its own
 * fresh checkout: a file built in one job is not there in another.
 */
public class Release {
  public static void main(String[] args) {
    workflow("release")
        .on(push().branches("main"))
        .job(job("release")
            .timeout(Duration.ofMinutes(10))
            // Same files, same bytes: sorted entries, fixed times and owners, no name or time in
            // the gzip header (gzip -n, rather than the deprecated GZIP=-n).
            .step("build", ctx -> ctx.sh("mkdir -p dist"
                + " && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf dist/app-1.0.0.tar src"
                + " && gzip -n -f dist/app-1.0.0.tar && mv dist/app-1.0.0.tar.gz dist/app-1.0.0.tgz"))
            .step("attest", ctx -> {
              Attestation a = ctx.attestProvenance(Subject.ofPath("app-1.0.0.tgz", "dist/app-1.0.0.tgz"));
              ctx.log().info("attested app-1.0.0.tgz sha256:" + a.subjectDigest() + " as " + a.storageKey());
            }))
        .main(args);
  }
}
