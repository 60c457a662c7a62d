package dev.hallmark.attestation.tlog;

import static java.util.Objects.requireNonNull;

import dev.hallmark.attestation.AttestationException;
import dev.hallmark.attestation.AttestationException.Code;
import dev.hallmark.attestation.crypto.Sha256;
import dev.hallmark.attestation.encoding.Base64Strict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A signed-note verifier key ("vkey", c2sp.org/signed-note): {@code name+hex(key ID)+b64(type ‖
 * key)}, for the two types FORMATS §8.1 uses: 0x01 (a log's Ed25519 checkpoint signatures) and
 * 0x04 (tlog-cosignature v1 Ed25519). The key ID must be the recommended one,
 * {@code SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]} (FORMATS §8.2).
 *
 * <pre>{@code
 * NoteKey log = NoteKey.parse("ci.example.com/oidc/log+1a2b3c4d+AU0x…");
 * boolean mine = log.matches(line.name(), line.keyId());
 * }</pre>
 */
public final class NoteKey {
  /** Signature type of a log's Ed25519 note signatures. */
  public static final int TYPE_ED25519 = 0x01;
  /** Signature type of tlog-cosignature v1 (timestamped Ed25519). */
  public static final int TYPE_COSIGNATURE_V1 = 0x04;

  private final String name;
  private final int keyId;
  private final int type;
  private final byte[] key;
  private final String text;

  private NoteKey(String name, int keyId, int type, byte[] key, String text) {
    this.name = name;
    this.keyId = keyId;
    this.type = type;
    this.key = key;
    this.text = text;
  }

  /** Parses a vkey; fails with {@link Code#LOG} on any defect. */
  public static NoteKey parse(String vkey) {
    requireNonNull(vkey, "vkey");
    // The name holds no '+'; the base64 key material may.
    int plus1 = vkey.indexOf('+');
    int plus2 = plus1 < 0 ? -1 : vkey.indexOf('+', plus1 + 1);
    if (plus1 <= 0 || plus2 < 0) {
      throw invalid("verifier key is not name+keyid+key");
    }
    String name = vkey.substring(0, plus1);
    String hexId = vkey.substring(plus1 + 1, plus2);
    if (!isKeyName(name)) {
      throw invalid("verifier key name is empty or holds a space or '+'");
    }
    if (hexId.length() != 8 || !hexId.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw invalid("verifier key ID is not 8 lowercase hex digits");
    }
    byte[] material;
    try {
      material = Base64Strict.decodeStd(vkey.substring(plus2 + 1));
    } catch (AttestationException e) {
      throw invalid("verifier key material is not canonical base64");
    }
    if (material.length != 1 + Ed25519.KEY_BYTES) {
      throw invalid("verifier key material is not a type byte and a 32-byte Ed25519 key");
    }
    int type = material[0] & 0xff;
    if (type != TYPE_ED25519 && type != TYPE_COSIGNATURE_V1) {
      throw invalid("verifier key type 0x" + String.format("%02x", type) + " is not Ed25519 (0x01) or cosignature/v1 (0x04)");
    }
    byte[] key = Arrays.copyOfRange(material, 1, material.length);
    int id = (int) Long.parseLong(hexId, 16);
    if (id != keyId(name, type, key)) {
      throw invalid("verifier key ID is not SHA-256(name, 0x0A, type, key)[:4]");
    }
    return new NoteKey(name, id, type, key, vkey);
  }

  /** The vkey of an Ed25519 public key under {@code name} and {@code type}. */
  public static NoteKey of(String name, int type, byte[] publicKey) {
    if (!isKeyName(name)) {
      throw invalid("key name is empty or holds a space or '+'");
    }
    if (publicKey.length != Ed25519.KEY_BYTES) {
      throw invalid("an Ed25519 public key is 32 bytes");
    }
    byte[] material = new byte[1 + Ed25519.KEY_BYTES];
    material[0] = (byte) type;
    System.arraycopy(publicKey, 0, material, 1, Ed25519.KEY_BYTES);
    int id = keyId(name, type, publicKey);
    return new NoteKey(name, id, type, publicKey.clone(),
        name + "+" + String.format("%08x", id) + "+" + Base64Strict.encodeStd(material));
  }

  /** SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4] as a big-endian integer. */
  public static int keyId(String name, int type, byte[] key) {
    MessageDigest d = Sha256.newDigest();
    d.update(name.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0x0a);
    d.update((byte) type);
    d.update(key);
    byte[] h = d.digest();
    return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
  }

  /** signed-note: non-empty, no Unicode space, no '+'. */
  public static boolean isKeyName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c));
  }

  public String name() {
    return name;
  }

  public int keyId() {
    return keyId;
  }

  public int type() {
    return type;
  }

  /** The 32-byte Ed25519 public key. */
  public byte[] publicKey() {
    return key.clone();
  }

  /** True when a signature line's name and key ID are this key's. */
  public boolean matches(String lineName, int lineKeyId) {
    return name.equals(lineName) && keyId == lineKeyId;
  }

  /** True when both wrap the same Ed25519 public key (tlog-policy "duplicate"). */
  public boolean sameKeyAs(NoteKey other) {
    return MessageDigest.isEqual(key, other.key);
  }

  /** Verifies an Ed25519 signature by this key over {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    return Ed25519.verify(key, message, signature);
  }

  /** The vkey text. */
  @Override
  public String toString() {
    return text;
  }

  static AttestationException invalid(String message) {
    return new AttestationException(Code.LOG, message);
  }
}
