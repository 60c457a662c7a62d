package dev.hallmark.verifier;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.encoding.Hex;
import dev.hallmark.trustroot.TrustRootSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a bundle is verified against: the trust root (required), the artifact or its digest (or an explicit
 * {@link Builder#withoutArtifactUnsafe()}), and the caller's expectations of the build identity.
 * Immutable; {@link Builder#build()} rejects contradictions.
 *
 * <pre>{@code
 * var policy = VerificationPolicy.builder(TrustRootSource.file(Path.of("trust-root.json")))
 *     .artifact(Path.of("app.tgz"))
 *     .expectRepository("acme/app").expectRef("refs/heads/main")
 *     .build();
 * }</pre>
 */
public final class VerificationPolicy {
  private final TrustRootSource trustRoot;
  private final Path artifact;
  private final String artifactDigest;
  private final boolean artifactMustBeNamed;
  private final Map<String, String> expectations;
  private final Clock clock;
  private final Path logPolicy;

  private VerificationPolicy(Builder b) {
    this.trustRoot = b.trustRoot;
    this.logPolicy = b.logPolicy;
    this.artifact = b.artifact;
    this.artifactDigest = b.artifactDigest;
    this.artifactMustBeNamed = b.artifactMustBeNamed;
    // Only the expectations that were set, in the builder's fixed order; the builder is left as it
    // was, so that reusing it after build() keeps that order and the set-once rule.
    Map<String, String> set = new LinkedHashMap<>();
    b.expectations.forEach((name, value) -> {
      if (value != null) {
        set.put(name, value);
      }
    });
    this.expectations = Collections.unmodifiableMap(set);
    this.clock = b.clock;
  }

  public static Builder builder(TrustRootSource trustRoot) {
    return new Builder(trustRoot);
  }

  public TrustRootSource trustRoot() {
    return trustRoot;
  }

  /** The artifact to hash, or {@code null} when the caller gave none or gave its digest. */
  public Path artifact() {
    return artifact;
  }

  /**
   * The SHA-256 (64 lowercase hex) of an artifact that is not a file, or {@code null}: FORMATS §7
   * {@code --digest}.
   */
  public String artifactDigest() {
    return artifactDigest;
  }

  /** Whether the artifact's file name must also be a subject's file name (audit). */
  public boolean artifactMustBeNamed() {
    return artifactMustBeNamed;
  }

  /**
   * The expectations enforced by the {@code policy} check, by their identity claim names
   * ({@code repository}, {@code ref}, {@code workflow}, {@code sha}), in that order.
   */
  public Map<String, String> expectations() {
    return expectations;
  }

  /** The clock for the "issued in the future" rule of FORMATS §2 and the cosignature rule of §8.4. */
  public Clock clock() {
    return clock;
  }

  /**
   * A tlog-policy file that replaces the trust root's policy text ({@code --log-policy}, FORMATS
   * §7), or {@code null}. Read and parsed by the {@code trust-root} check.
   */
  public Path logPolicy() {
    return logPolicy;
  }

  /** Builds a policy; each expectation is set at most once. */
  public static final class Builder {
    private final TrustRootSource trustRoot;
    private Path artifact;
    private String artifactDigest;
    private boolean artifactMustBeNamed;
    private boolean withoutArtifact;
    private final Map<String, String> expectations = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private Path logPolicy;

    private Builder(TrustRootSource trustRoot) {
      this.trustRoot = requireNonNull(trustRoot, "trustRoot");
      // Fixed order of the §7 policy member, whatever order the caller sets them in.
      for (String k : new String[] {"repository", "ref", "workflow", "sha"}) {
        expectations.put(k, null);
      }
    }

    /** The artifact whose SHA-256 must equal a subject's digest. */
    public Builder artifact(Path path) {
      requireNonNull(path, "artifact");
      if (artifact != null) {
        throw new IllegalStateException("the artifact is already set");
      }
      this.artifact = path;
      return this;
    }

    /**
     * An artifact that is not a file (an image, a blob elsewhere), given by its SHA-256: the {@code
     * artifact} check compares it with the subjects' digests instead of hashing a file (FORMATS §7
     * {@code --digest}). Exclusive with {@link #artifact(Path)}; {@link #build()} rejects both.
     *
     * @param sha256 64 lowercase hex digits
     * @throws IllegalArgumentException for anything else (upper case, another length, a prefix)
     */
    public Builder artifactDigest(String sha256) {
      requireNonNull(sha256, "sha256");
      if (!Hex.isLowerHex(sha256, 64)) {
        throw new IllegalArgumentException("an artifact digest is 64 lowercase hex digits");
      }
      if (artifactDigest != null) {
        throw new IllegalStateException("the artifact digest is already set");
      }
      this.artifactDigest = sha256;
      return this;
    }

    /**
     * As {@link #artifact(Path)}, and the file's name must be the file name of the subject whose
     * digest it matches (an audit folder's {@code X.hallmark.json} beside {@code X}).
     */
    public Builder artifactNamedBySubject(Path path) {
      artifact(path);
      this.artifactMustBeNamed = true;
      return this;
    }

    /** Verify without an artifact: proves who built what digests, not that a file is one. */
    public Builder withoutArtifactUnsafe() {
      this.withoutArtifact = true;
      return this;
    }

    public Builder expectRepository(String repository) {
      return expect("repository", repository);
    }

    public Builder expectRef(String ref) {
      return expect("ref", ref);
    }

    public Builder expectWorkflow(String workflowPath) {
      return expect("workflow", workflowPath);
    }

    public Builder expectSha(String sha) {
      return expect("sha", sha);
    }

    /** Replaces the trust root's log policy text with this file's (FORMATS §7 {@code --log-policy}). */
    public Builder logPolicy(Path file) {
      this.logPolicy = java.util.Objects.requireNonNull(file, "file");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    private Builder expect(String name, String value) {
      requireNonNull(value, name);
      if (expectations.get(name) != null) {
        throw new IllegalStateException("expected " + name + " is already set");
      }
      expectations.put(name, value);
      return this;
    }

    public VerificationPolicy build() {
      if (artifact != null && artifactDigest != null) {
        throw new IllegalStateException("an artifact file and an artifact digest contradict each other");
      }
      boolean given = artifact != null || artifactDigest != null;
      if (given && withoutArtifact) {
        throw new IllegalStateException("an artifact and withoutArtifactUnsafe() contradict each other");
      }
      if (!given && !withoutArtifact) {
        throw new IllegalStateException("give an artifact or its digest, or call withoutArtifactUnsafe()");
      }
      return new VerificationPolicy(this);
    }
  }
}
