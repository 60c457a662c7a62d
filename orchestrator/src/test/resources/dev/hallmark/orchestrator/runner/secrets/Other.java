import static dev.hallmark.sdk.Hallmark.*;

/** Fixture of DeclaredSecretsRunTest: a job of another repository asks for acme/app's secret. */
public class Other {
  public static void main(String[] args) {
    workflow("other").job(job("ask").step("ask", ctx -> {
      try {
        ctx.secret("DEPLOY_TOKEN");
        ctx.log().info("GOT IT");
      } catch (IllegalStateException e) {
        ctx.log().info("REFUSED " + e.getMessage());
      }
    })).main(args);
  }
}
