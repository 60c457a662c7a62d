/**
 * The Hallmark workflow SDK: what a workflow file under {@code .hallmark/workflows/} compiles
 * against. A workflow file is one Java source file, started as its own JVM with only this jar on
 * its class path; the orchestrator runs it with {@code --describe} to learn its graph and with
 * {@code --job NAME} to run one job, and anyone can run it by hand to execute it locally.
 *
 * <pre>{@code
 * import static dev.hallmark.sdk.Hallmark.*;
 * import dev.hallmark.sdk.*;
 *
 * public class Release {
 *   public static void main(String[] args) {
 *     workflow("release")
 *         .on(push().branches("main"))
 *         .job(job("test").step("unit", ctx -> ctx.sh("./run-tests.sh")))
 *         // Each job gets a fresh checkout: build and attest in the same job.
 *         .job(job("publish").needs("test")
 *             .step("build", ctx -> ctx.sh("tar czf app.tgz src"))
 *             .step("attest", ctx -> ctx.attestProvenance(Subject.ofPath("app.tgz", "app.tgz"))))
 *         .main(args);
 *   }
 * }
 * }</pre>
 *
 * <p>The SDK depends on nothing but the JDK, so the workflow JVM starts fast and the author's
 * class path stays theirs.
 */
package dev.hallmark.sdk;
