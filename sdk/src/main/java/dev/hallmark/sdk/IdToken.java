package dev.hallmark.sdk;

import static java.util.Objects.requireNonNull;

/**
 * An OIDC identity token the orchestrator minted for this job and an audience of the step's
 * choosing, e.g. to log in to a registry that trusts the orchestrator's issuer.
 * {@link #toString()} never shows the token; the SDK masks it in the step's log and in the
 * output of commands the step starts, and the orchestrator masks it in the captured output.
 *
 * <pre>{@code
 * IdToken t = ctx.oidc().token("https://registry.example.com");
 * var login = HttpRequest.newBuilder(URI.create("https://registry.example.com/login"))
 *     .header("Authorization", "Bearer " + t.token())   // use it, never print it
 *     .POST(HttpRequest.BodyPublishers.noBody()).build();
 * }</pre>
 *
 * @param token the compact JWS
 * @param expiresIn seconds from issuance until the token expires
 */
public record IdToken(String token, long expiresIn) {
  /** Checks that the token is present and the lifetime positive. */
  public IdToken {
    requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token is empty");
    }
    if (expiresIn <= 0) {
      throw new IllegalArgumentException("expiresIn must be positive");
    }
  }

  /** Shows the lifetime, never the token. */
  @Override
  public String toString() {
    return "IdToken[token=***, expiresIn=" + expiresIn + "]";
  }
}
