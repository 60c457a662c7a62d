package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Hex;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A statement subject under the rules of FORMATS §3: a {@code name} of 1 to 1024 UTF-8 bytes
 * without control or bidirectional-control characters, and a {@code digest} whose {@code sha256} is
 * 64 lowercase hex characters (other algorithms may sit beside it and are not checked). On the wire
 * a subject is an in-toto {@link ResourceDescriptor}; this type is the checked view of one.
 *
 * <pre>{@code
 * Subject s = Subject.of("my-pkg-1.2.3.tgz", Sha256.hex(Sha256.of(bytes)));
 * Path out = folder.resolve(Subject.fileName(s.name()));
 * }</pre>
 */
public record Subject(String name, Map<String, String> digest) {
  /** FORMATS §3: a subject name is at most 1024 UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  public Subject {
    checkSubjectName(name);
    digest = Members.copyStringMap(digest, "subject digest");
    checkSha256(digest.get("sha256"));
  }

  /** A subject with only a {@code sha256} digest. */
  public static Subject of(String name, String sha256) {
    LinkedHashMap<String, String> digest = new LinkedHashMap<>();
    digest.put("sha256", sha256);
    return new Subject(name, digest);
  }

  /** Checks a descriptor against FORMATS §3; its other members are kept on the wire, not here. */
  public static Subject from(ResourceDescriptor descriptor) {
    return new Subject(descriptor.name(), descriptor.digest());
  }

  /** The 64 lowercase hex characters of the SHA-256 digest. */
  public String sha256() {
    return digest.get("sha256");
  }

  /** The wire form: {@code {"name": …, "digest": {…}}}. */
  public ResourceDescriptor toDescriptor() {
    return ResourceDescriptor.ofName(name, digest);
  }

  /**
   * FORMATS §3: 1 to 1024 UTF-8 bytes; none of the characters of {@link #isForbidden} (controls,
   * invisible and bidirectional marks). A string that is not valid Unicode (a lone surrogate) has no UTF-8 form and
   * fails too. Throws {@link Code#STATEMENT}.
   */
  public static void checkSubjectName(String name) {
    if (name == null || name.isEmpty()) {
      throw new AttestationException(Code.STATEMENT, "subject name is missing or empty");
    }
    long bytes = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        throw new AttestationException(Code.STATEMENT, "subject name holds a lone surrogate");
      }
      if (isForbidden(cp)) {
        throw new AttestationException(
            Code.STATEMENT, String.format("subject name holds the forbidden character U+%04X", cp));
      }
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += Character.charCount(cp);
    }
    if (bytes > MAX_NAME_BYTES) {
      throw new AttestationException(
          Code.STATEMENT, "subject name is " + bytes + " UTF-8 bytes, more than " + MAX_NAME_BYTES);
    }
  }

  /**
   * FORMATS §3 (revision 2, exhaustive): controls U+0000–U+001F and U+007F–U+009F, and U+061C,
   * U+200B–U+200F, U+2028–U+202E, U+2066–U+2069, U+FEFF (invisible and bidirectional marks).
   */
  public static boolean isForbidden(int cp) {
    return cp <= 0x1F
        || (cp >= 0x7F && cp <= 0x9F)
        || cp == 0x061C
        || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x2028 && cp <= 0x202E)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0xFEFF;
  }

  /**
   * FORMATS §3: the file name a tool derives from a subject name is its last path segment, with
   * both {@code /} and {@code \} taken as separators; {@code .}, {@code ..} and an empty segment
   * are refused ({@link Code#STATEMENT}), as is a name that breaks {@link #checkSubjectName}. The
   * caller still writes only inside its target folder.
   *
   * <pre>{@code
   * Subject.fileName("dist/app-1.2.3.tgz");   // "app-1.2.3.tgz"
   * Subject.fileName("../../etc/passwd");     // "passwd"
   * Subject.fileName("dist/");                // throws STATEMENT
   * }</pre>
   */
  public static String fileName(String subjectName) {
    checkSubjectName(subjectName);
    int cut = Math.max(subjectName.lastIndexOf('/'), subjectName.lastIndexOf('\\'));
    String segment = subjectName.substring(cut + 1);
    if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      throw new AttestationException(
          Code.STATEMENT, "subject name has no usable last path segment for a file name");
    }
    return segment;
  }

  static void checkSha256(String sha256) {
    if (sha256 == null) {
      throw new AttestationException(Code.STATEMENT, "subject digest has no sha256");
    }
    if (!Hex.isLowerHex(sha256, 64)) {
      throw new AttestationException(
          Code.STATEMENT, "subject digest sha256 is not 64 lowercase hex characters");
    }
  }
}
