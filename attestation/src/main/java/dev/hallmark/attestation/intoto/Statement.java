package dev.hallmark.attestation.intoto;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.json.JsonObject;
import dev.hallmark.attestation.json.StrictJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signed payload of FORMATS §3: an in-toto Statement v1 whose predicate is SLSA Provenance v1.
 * If one exists it is valid: {@code subject} is non-empty and every entry passes the subject rules
 * of §3 ({@link Subject}), {@code predicateType} is {@link #SLSA_PROVENANCE_V1}, and the predicate
 * is present. {@code _type} is always {@link #TYPE}. Its JSON is written with the members in the
 * order {@code _type, subject, predicateType, predicate}, so that the same statement always gives
 * the same bytes; a verifier never re-encodes, it parses the signed bytes with {@link #parse}.
 *
 * <pre>{@code
 * Statement s = Statement.parse(envelope.payload());
 * for (Subject subject : s.subjects()) { ... subject.sha256() ... }
 * byte[] payload = HallmarkProvenance.build(ctx, subjects).toJsonBytes();
 * }</pre>
 */
public record Statement(
    List<ResourceDescriptor> subject, String predicateType, SlsaProvenance predicate) {
  /** The in-toto Statement v1 {@code _type}. */
  public static final String TYPE = "https://in-toto.io/Statement/v1";

  /** The SLSA Provenance v1 {@code predicateType}. */
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

  public Statement {
    subject = Members.copyList(subject, "statement subject");
    if (subject.isEmpty()) {
      throw new AttestationException(Code.STATEMENT, "statement subject is empty");
    }
    for (int i = 0; i < subject.size(); i++) {
      try {
        Subject.from(subject.get(i));
      } catch (AttestationException e) {
        throw new AttestationException(
            Code.STATEMENT, "statement subject[" + i + "]: " + e.getMessage());
      }
    }
    if (!SLSA_PROVENANCE_V1.equals(predicateType)) {
      throw new AttestationException(
          Code.STATEMENT, "statement predicateType is not " + SLSA_PROVENANCE_V1);
    }
    if (predicate == null) {
      throw new AttestationException(Code.STATEMENT, "statement predicate is missing");
    }
  }

  /** A statement with the SLSA Provenance v1 predicate type. */
  public static Statement of(List<ResourceDescriptor> subject, SlsaProvenance predicate) {
    return new Statement(subject, SLSA_PROVENANCE_V1, predicate);
  }

  /** The subjects, checked (FORMATS §3), in statement order. */
  public List<Subject> subjects() {
    List<Subject> out = new ArrayList<>(subject.size());
    for (ResourceDescriptor d : subject) {
      out.add(Subject.from(d));
    }
    return Collections.unmodifiableList(out);
  }

  /** The JSON tree, members in the order {@code _type, subject, predicateType, predicate}. */
  public JsonObject toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("_type", TYPE);
    out.put("subject", Members.toJson(subject));
    out.put("predicateType", predicateType);
    out.put("predicate", predicate.toJson());
    return JsonObject.of(out);
  }

  /** Compact UTF-8 JSON of {@link #toJson()}: the bytes the orchestrator signs. */
  public byte[] toJsonBytes() {
    return StrictJson.write(toJson());
  }

  /**
   * Parses signed payload bytes strictly (FORMATS conventions, at most {@link
   * StrictJson#BUNDLE_LIMIT} bytes) into a statement; every failure, malformed JSON included, is
   * {@link Code#STATEMENT}.
   */
  public static Statement parse(byte[] payload) {
    JsonObject json;
    try {
      json = StrictJson.parseObject(payload, StrictJson.BUNDLE_LIMIT);
    } catch (AttestationException e) {
      throw new AttestationException(
          Code.STATEMENT, "statement payload is not a JSON object: " + e.getMessage(), e);
    }
    return fromJson(json);
  }

  /** Reads a statement; unknown members are ignored, known ones of the wrong type fail. */
  public static Statement fromJson(JsonObject json) {
    String type = Members.requireString(json, "_type", "");
    if (!TYPE.equals(type)) {
      throw Members.fail("_type", "is not " + TYPE);
    }
    List<JsonObject> subjects = Members.optObjectArray(json, "subject", "");
    if (subjects == null || subjects.isEmpty()) {
      throw Members.fail("subject", "is missing or empty");
    }
    List<ResourceDescriptor> subject = new ArrayList<>(subjects.size());
    for (int i = 0; i < subjects.size(); i++) {
      subject.add(ResourceDescriptor.fromJson(subjects.get(i), "subject[" + i + "]"));
    }
    String predicateType = Members.requireString(json, "predicateType", "");
    if (!SLSA_PROVENANCE_V1.equals(predicateType)) {
      throw Members.fail("predicateType", "is not " + SLSA_PROVENANCE_V1);
    }
    SlsaProvenance predicate =
        SlsaProvenance.fromJson(Members.requireObject(json, "predicate", ""), "predicate");
    return new Statement(subject, predicateType, predicate);
  }
}
