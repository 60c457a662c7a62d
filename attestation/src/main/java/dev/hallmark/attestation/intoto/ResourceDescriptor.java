package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import dev.hallmark.attestation.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An in-toto v1 ResourceDescriptor ({@code spec/v1/resource_descriptor.md}): a pointer to, or the
 * contents of, one artifact. Every field is optional, but one of {@code uri}, {@code digest} or
 * {@code content} must be set. Unset, null and empty are equivalent (in-toto parsing rules), so the
 * constructor keeps one spelling: empty strings, {@code content} and {@code annotations} become
 * {@code null}, a {@code null} {@code digest} becomes an empty map. {@code digest} keeps the
 * caller's key order; {@code content} is written as padded standard base64.
 *
 * <pre>{@code
 * ResourceDescriptor dep = ResourceDescriptor.ofUri(
 *     "git+https://example.com/acme/app@refs/heads/main", Map.of("gitCommit", sha));
 * JsonObject json = dep.toJson();
 * }</pre>
 */
public record ResourceDescriptor(
    String uri,
    Map<String, String> digest,
    String name,
    String downloadLocation,
    String mediaType,
    byte[] content,
    JsonObject annotations) {

  public ResourceDescriptor {
    uri = Members.emptyToNull(uri);
    digest = Members.copyStringMap(digest, "resource descriptor digest");
    name = Members.emptyToNull(name);
    downloadLocation = Members.emptyToNull(downloadLocation);
    mediaType = Members.emptyToNull(mediaType);
    content = content == null || content.length == 0 ? null : content.clone();
    annotations = Members.emptyToNull(annotations);
    if (uri == null && digest.isEmpty() && content == null) {
      throw new AttestationException(
          Code.STATEMENT, "resource descriptor has none of uri, digest and content");
    }
  }

  /** A descriptor with a name and a digest, the usual shape of a statement subject. */
  public static ResourceDescriptor ofName(String name, Map<String, String> digest) {
    return new ResourceDescriptor(null, digest, name, null, null, null, null);
  }

  /** A descriptor with a URI and, optionally, a digest (SLSA {@code resolvedDependencies}). */
  public static ResourceDescriptor ofUri(String uri, Map<String, String> digest) {
    return new ResourceDescriptor(uri, digest, null, null, null, null, null);
  }

  /** A copy of the content bytes, or {@code null} when unset. */
  @Override
  public byte[] content() {
    return content == null ? null : content.clone();
  }

  /**
   * The JSON object, members in the order of the in-toto schema ({@code name, uri, digest, content,
   * downloadLocation, mediaType, annotations}); unset members are omitted.
   */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    Members.putIfPresent(out, "name", name);
    Members.putIfPresent(out, "uri", uri);
    Members.putIfPresent(out, "digest", Members.toJson(digest));
    Members.putIfPresent(out, "content", content == null ? null : Base64Strict.encodeStd(content));
    Members.putIfPresent(out, "downloadLocation", downloadLocation);
    Members.putIfPresent(out, "mediaType", mediaType);
    Members.putIfPresent(out, "annotations", annotations);
    return JsonObject.of(out);
  }

  /** Reads a descriptor; unknown members are ignored, known ones of the wrong type fail. */
  public static ResourceDescriptor fromJson(JsonObject json) {
    return fromJson(json, "resource descriptor");
  }

  static ResourceDescriptor fromJson(JsonObject json, String path) {
    String content = Members.optString(json, "content", path);
    byte[] bytes = null;
    if (content != null) {
      try {
        bytes = Base64Strict.decodeStd(content);
      } catch (AttestationException e) {
        throw Members.fail(Members.path(path, "content"), "is not canonical base64");
      }
    }
    String uri = Members.optString(json, "uri", path);
    Map<String, String> digest = Members.optStringMap(json, "digest", path);
    if (Members.emptyToNull(uri) == null
        && digest.isEmpty()
        && (bytes == null || bytes.length == 0)) {
      throw Members.fail(path, "has none of uri, digest and content");
    }
    return new ResourceDescriptor(
        uri,
        digest,
        Members.optString(json, "name", path),
        Members.optString(json, "downloadLocation", path),
        Members.optString(json, "mediaType", path),
        bytes,
        Members.optObject(json, "annotations", path));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceDescriptor r
        && Objects.equals(uri, r.uri)
        && digest.equals(r.digest)
        && Objects.equals(name, r.name)
        && Objects.equals(downloadLocation, r.downloadLocation)
        && Objects.equals(mediaType, r.mediaType)
        && Arrays.equals(content, r.content)
        && Objects.equals(annotations, r.annotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uri, digest, name, downloadLocation, mediaType, annotations)
        + 31 * Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "ResourceDescriptor[uri="
        + uri
        + ", digest="
        + digest
        + ", name="
        + name
        + ", downloadLocation="
        + downloadLocation
        + ", mediaType="
        + mediaType
        + ", content="
        + (content == null ? "null" : content.length + " bytes")
        + ", annotations="
        + annotations
        + "]";
  }
}
