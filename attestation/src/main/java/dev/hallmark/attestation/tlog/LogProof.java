package dev.hallmark.attestation.tlog;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.encoding.Base64Strict;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundle's {@code logProof}: a c2sp.org/tlog-proof@v1 text, read as strictly as FORMATS §8.3
 * says. Parsing proves only the form; {@link Checkpoint#verify} and {@link Merkle#verifyInclusion}
 * prove the rest.
 *
 * <pre>{@code
 * LogProof proof = LogProof.parse(bundle.logProof());
 * boolean in = Merkle.verifyInclusion(proof.index(), proof.checkpoint().size(),
 *     Merkle.leafHash(token), proof.hashes(), proof.checkpoint().rootHash());
 * }</pre>
 */
public record LogProof(byte[] extra, long index, List<byte[]> hashes, Checkpoint checkpoint) {
  /** The first line. */
  public static final String HEADER = "c2sp.org/tlog-proof@v1";
  /** FORMATS §8.3: at most 64 KiB. */
  public static final int MAX_BYTES = 64 * 1024;
  /** FORMATS §8.3: 0 to 63 hashes. */
  public static final int MAX_HASHES = 63;

  public LogProof {
    extra = extra == null ? null : extra.clone();
    hashes = List.copyOf(hashes);
  }

  /** Parses the text; fails with {@link Code#LOG} naming the first defect. */
  public static LogProof parse(String text) {
    if (text.length() > MAX_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw invalid("logProof is larger than 64 KiB");
    }
    checkCharacters(text, "logProof");
    if (!text.endsWith("\n")) {
      throw invalid("logProof does not end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    int i = 0;
    if (!lines[i++].equals(HEADER)) {
      throw invalid("logProof does not start with the line " + HEADER);
    }
    byte[] extra = null;
    if (i < lines.length && lines[i].startsWith("extra ")) {
      try {
        extra = Base64Strict.decodeStd(lines[i].substring("extra ".length()));
      } catch (AttestationException e) {
        throw invalid("logProof extra line is not canonical base64");
      }
      if (extra.length == 0) {
        throw invalid("logProof extra line is empty");
      }
      i++;
    }
    if (i >= lines.length || !lines[i].startsWith("index ")) {
      throw invalid("logProof has no index line");
    }
    long index = decimal(lines[i++].substring("index ".length()), "index");
    List<byte[]> hashes = new ArrayList<>();
    while (i < lines.length && !lines[i].isEmpty()) {
      if (hashes.size() == MAX_HASHES) {
        throw invalid("logProof holds more than 63 hashes");
      }
      hashes.add(hash(lines[i++], "inclusion proof hash"));
    }
    if (i >= lines.length) {
      throw invalid("logProof has no empty line before its checkpoint");
    }
    i++;
    StringBuilder note = new StringBuilder();
    for (int j = i; j < lines.length; j++) {
      note.append(lines[j]).append('\n');
    }
    return new LogProof(extra, index, hashes, Checkpoint.parseSigned(note.toString()));
  }

  /** The text of this proof, as {@link #parse} reads it. */
  public String format() {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    if (extra != null) {
      b.append("extra ").append(Base64Strict.encodeStd(extra)).append('\n');
    }
    b.append("index ").append(Long.toUnsignedString(index)).append('\n');
    for (byte[] h : hashes) {
      b.append(Base64Strict.encodeStd(h)).append('\n');
    }
    return b.append('\n').append(checkpoint.signedText()).toString();
  }

  /**
   * FORMATS §8.3: valid UTF-8 (a Java string from strict JSON already is), no U+0000–U+001F but
   * the newline, none of U+007F–U+009F.
   */
  static void checkCharacters(String text, String what) {
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f)) {
        throw invalid(what + " holds the control character U+" + String.format("%04X", (int) c));
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && k + 1 < text.length() && Character.isLowSurrogate(text.charAt(k + 1))) {
          k++;
        } else {
          throw invalid(what + " is not valid UTF-8");
        }
      }
    }
  }

  /** Strict UTF-8 decoding of bytes (files such as a tlog-policy). */
  static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw invalid(what + " is not valid UTF-8");
    }
  }

  /** "Decimal" of FORMATS: ASCII digits, no sign, no leading zero unless 0; unsigned 64-bit. */
  static long decimal(String s, String what) {
    if (s.isEmpty() || s.length() > 20 || !s.chars().allMatch(c -> c >= '0' && c <= '9') || (s.length() > 1 && s.charAt(0) == '0')) {
      throw invalid("logProof " + what + " is not a decimal number");
    }
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw invalid("logProof " + what + " is larger than 2^64-1");
    }
  }

  static byte[] hash(String line, String what) {
    byte[] h;
    try {
      h = Base64Strict.decodeStd(line);
    } catch (AttestationException e) {
      throw invalid(what + " is not canonical base64");
    }
    if (h.length != Merkle.HASH_BYTES) {
      throw invalid(what + " is not 32 bytes");
    }
    return h;
  }

  static AttestationException invalid(String message) {
    return new AttestationException(Code.LOG, message);
  }
}
