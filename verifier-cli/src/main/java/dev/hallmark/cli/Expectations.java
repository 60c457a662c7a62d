package dev.hallmark.cli;

import dev.hallmark.verifier.VerificationPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The caller's expectations of a bundle's identity (FORMATS §6 {@code policy}), shared by commands. */
final class Expectations {
  @Option(names = "--repository", paramLabel = "R", description = "Require this repository, e.g. acme/app.")
  String repository;

  @Option(names = "--ref", paramLabel = "REF", description = "Require this git ref, e.g. refs/heads/main.")
  String ref;

  @Option(names = "--workflow", paramLabel = "PATH", description = "Require this workflow path (as in the token's workflow claim).")
  String workflow;

  @Option(names = "--sha", paramLabel = "SHA", description = "Require this 40-hex git commit.")
  String sha;

  boolean isEmpty() {
    return repository == null && ref == null && workflow == null && sha == null;
  }

  /** Adds every given expectation to {@code policy}. */
  VerificationPolicy.Builder applyTo(VerificationPolicy.Builder policy) {
    if (repository != null) policy.expectRepository(repository);
    if (ref != null) policy.expectRef(ref);
    if (workflow != null) policy.expectWorkflow(workflow);
    if (sha != null) policy.expectSha(sha);
    return policy;
  }

  /** The given expectations by claim name, in FORMATS §7 order. */
  Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    if (repository != null) m.put("repository", repository);
    if (ref != null) m.put("ref", ref);
    if (workflow != null) m.put("workflow", workflow);
    if (sha != null) m.put("sha", sha);
    return m;
  }
}
