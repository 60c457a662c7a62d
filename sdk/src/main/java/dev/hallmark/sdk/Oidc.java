package dev.hallmark.sdk;

/**
 * Identity tokens for the running job, minted by the orchestrator's OIDC issuer for an audience
 * the step chooses. They carry the job's identity claims (repository, ref, sha, run, job) and
 * never the reserved attestation audience, type or claims of FORMATS.md §2.
 *
 * <pre>{@code
 * IdToken t = ctx.oidc().token("https://registry.example.com");
 * }</pre>
 */
public final class Oidc {
  static final int MAX_AUDIENCE_LENGTH = 1024;
  private final StepContext ctx;

  Oidc(StepContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Mints a token for {@code audience}. Audiences beginning with {@code hallmark:} are reserved
   * for the orchestrator and refused here as well as by it.
   *
   * @throws IllegalStateException outside a running job (a local execution)
   * @throws IllegalArgumentException for an empty, too long, reserved or control-character audience
   * @throws OrchestratorException when the orchestrator refuses or cannot be reached
   */
  public IdToken token(String audience) {
    OrchestratorClient client = ctx.client("oidc().token");
    if (audience == null || audience.isEmpty() || audience.length() > MAX_AUDIENCE_LENGTH) {
      throw new Refusal.InvalidArgument("audience must be 1 to " + MAX_AUDIENCE_LENGTH + " characters");
    }
    for (int i = 0; i < audience.length(); i++) {
      char c = audience.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        throw new Refusal.InvalidArgument("audience " + Names.show(audience) + " holds a control character");
      }
    }
    // FORMATS §2: hallmark:* audiences belong to the orchestrator's own tokens. Refused in any
    // letter case here, to be safe; the orchestrator refuses the exact prefix.
    if (audience.regionMatches(true, 0, "hallmark:", 0, "hallmark:".length())) {
      throw new Refusal.InvalidArgument("audience " + Names.show(audience)
          + " is reserved: audiences beginning with hallmark: are refused");
    }
    return client.idToken(audience);
  }
}
