import static dev.hallmark.sdk.Hallmark.*;

/** A workflow for SourceLaunchTest whose job name breaks the naming rule. */
public class BadName {
  public static void main(String[] args) {
    workflow("bad").job(job("my job").step("s", ctx -> {})).main(args);
  }
}
