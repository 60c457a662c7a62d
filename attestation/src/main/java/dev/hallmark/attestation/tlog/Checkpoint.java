package dev.hallmark.attestation.tlog;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.encoding.Base64Strict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A c2sp.org/tlog-checkpoint as a signed note: the note text (origin, tree size, root hash, any
 * extension lines) and its signature lines, as FORMATS §8.3 reads them. The signatures are not
 * verified here; {@link LogPolicy#verify} does that.
 *
 * <pre>{@code
 * Checkpoint cp = Checkpoint.parseSigned(noteText);
 * byte[] signed = cp.noteBytes();      // what the log's and witnesses' signatures cover
 * }</pre>
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions, List<SignatureLine> signatures) {
  /** FORMATS §8.3: 1 to 32 signature lines. */
  public static final int MAX_SIGNATURES = 32;
  /** The em dash that starts a signature line. */
  public static final String DASH = "\u2014 ";

  public Checkpoint {
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions);
    signatures = List.copyOf(signatures);
  }

  /** One line {@code — <name> <b64(key ID ‖ signature)>}. */
  public record SignatureLine(String name, int keyId, byte[] signature) {
    public SignatureLine {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    String format() {
      byte[] b = new byte[4 + signature.length];
      b[0] = (byte) (keyId >>> 24);
      b[1] = (byte) (keyId >>> 16);
      b[2] = (byte) (keyId >>> 8);
      b[3] = (byte) keyId;
      System.arraycopy(signature, 0, b, 4, signature.length);
      return DASH + name + " " + Base64Strict.encodeStd(b) + "\n";
    }
  }

  /** Parses a signed checkpoint note: text, one empty line, 1 to 32 signature lines, each ending in a newline. */
  public static Checkpoint parseSigned(String note) {
    LogProof.checkCharacters(note, "checkpoint");
    if (!note.endsWith("\n")) {
      throw LogProof.invalid("checkpoint does not end with a newline");
    }
    String[] lines = note.substring(0, note.length() - 1).split("\n", -1);
    int blank = -1;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        blank = i;
        break;
      }
    }
    if (blank < 0) {
      throw LogProof.invalid("checkpoint has no empty line before its signatures");
    }
    Checkpoint body = parseBody(Arrays.asList(lines).subList(0, blank));
    List<SignatureLine> sigs = new ArrayList<>();
    for (int i = blank + 1; i < lines.length; i++) {
      sigs.add(signatureLine(lines[i]));
    }
    if (sigs.isEmpty()) {
      throw LogProof.invalid("checkpoint has no signature line");
    }
    if (sigs.size() > MAX_SIGNATURES) {
      throw LogProof.invalid("checkpoint has more than 32 signature lines");
    }
    return new Checkpoint(body.origin, body.size, body.rootHash, body.extensions, sigs);
  }

  /** The unsigned checkpoint of a log. */
  public static Checkpoint of(String origin, long size, byte[] rootHash) {
    return new Checkpoint(origin, size, rootHash, List.of(), List.of());
  }

  private static Checkpoint parseBody(List<String> lines) {
    if (lines.size() < 3) {
      throw LogProof.invalid("checkpoint has fewer than three lines (origin, size, root hash)");
    }
    String origin = lines.get(0);
    long size = LogProof.decimal(lines.get(1), "checkpoint tree size");
    byte[] root = LogProof.hash(lines.get(2), "checkpoint root hash");
    return new Checkpoint(origin, size, root, lines.subList(3, lines.size()), List.of());
  }

  private static SignatureLine signatureLine(String line) {
    if (!line.startsWith(DASH)) {
      throw LogProof.invalid("checkpoint signature line does not start with an em dash and a space");
    }
    String rest = line.substring(DASH.length());
    int space = rest.indexOf(' ');
    if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
      throw LogProof.invalid("checkpoint signature line is not '— <name> <signature>'");
    }
    String name = rest.substring(0, space);
    if (!NoteKey.isKeyName(name)) {
      throw LogProof.invalid("checkpoint signature line has an invalid key name");
    }
    byte[] b;
    try {
      b = Base64Strict.decodeStd(rest.substring(space + 1));
    } catch (AttestationException e) {
      throw LogProof.invalid("checkpoint signature is not canonical base64");
    }
    if (b.length < 5) {
      throw LogProof.invalid("checkpoint signature is shorter than a key ID and a signature");
    }
    int id = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    return new SignatureLine(name, id, Arrays.copyOfRange(b, 4, b.length));
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The note text the signatures cover: the lines up to and including the last newline before the empty line. */
  public String noteText() {
    StringBuilder b = new StringBuilder(origin).append('\n').append(Long.toUnsignedString(size)).append('\n')
        .append(Base64Strict.encodeStd(rootHash)).append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  public byte[] noteBytes() {
    return noteText().getBytes(StandardCharsets.UTF_8);
  }

  /** The whole signed note: text, empty line, signature lines. */
  public String signedText() {
    StringBuilder b = new StringBuilder(noteText()).append('\n');
    for (SignatureLine s : signatures) {
      b.append(s.format());
    }
    return b.toString();
  }

  /** This checkpoint with one more signature line. */
  public Checkpoint withSignature(SignatureLine line) {
    List<SignatureLine> all = new ArrayList<>(signatures);
    all.add(line);
    return new Checkpoint(origin, size, rootHash, extensions, all);
  }

  /** The message of a tlog-cosignature v1 at {@code timestamp}: {@code cosignature/v1\ntime T\n} + note text. */
  public byte[] cosignedMessage(long timestamp) {
    return ("cosignature/v1\ntime " + Long.toUnsignedString(timestamp) + "\n" + noteText()).getBytes(StandardCharsets.UTF_8);
  }
}
