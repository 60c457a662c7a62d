// Hallmark bundle verification in the browser: checks 1–7 of FORMATS §6 (bundle, trust-root,
// token, key-binding, signature, statement, build-context), in that order, stopping at the first
// failure. Checks 8 (artifact) and 9 (policy) do not apply here: the browser holds no artifact and
// no caller expectation.
//
// One dependency-free ES module that runs unchanged in a modern browser and in Node 20 (WebCrypto
// through globalThis.crypto.subtle, fatal UTF-8 decoding through TextDecoder, fetch). It agrees
// with the Java reference verifier (dev.hallmark.verifier.Verifier and the attestation classes it
// uses): every rule below cites FORMATS.md, and where the Java code adds a limit of its own (JSON
// number and member-name lengths) that is said where it is enforced.
//
//   const trustRoot = parseTrustRoot(fileBytes);              // or: await fetchTrustRoot(issuerUrl)
//   const result = await verifyBundle(bundleBytes, trustRoot);
//   result.status;        // 'verified' | 'failed' | 'unverifiable'
//   result.failedCheck;   // null, or the name of the first check that failed
//
// Messages are one line, bounded, and never hold markup: values from a bundle, a trust root or a
// server pass through untrusted() before they appear in one.

// ------------------------------------------------------------------------------------ constants

/** FORMATS §6: the checks the browser runs, in order. */
export const CHECKS = Object.freeze([
  'bundle', 'trust-root', 'token', 'key-binding', 'signature', 'statement', 'build-context',
]);

/** FORMATS §6: a bundle larger than 10 MiB fails. */
const BUNDLE_LIMIT = 10 * 1024 * 1024;
/** FORMATS §1: trust root files, discovery documents and JWK Sets are bounded at 1 MiB. */
const DOCUMENT_LIMIT = 1024 * 1024;
/** FORMATS conventions: 64 levels pass, 65 fail (the top-level value is level 1). */
const MAX_DEPTH = 64;
/** As Java's CompactJws: a token is one member of a bundle, bounded well below the bundle. */
const MAX_TOKEN_LENGTH = 64 * 1024;
/**
 * Not in FORMATS: Java's StrictJson (Jackson StreamReadConstraints) refuses a number of more than
 * 1000 digits and a member name of more than 50000 UTF-16 code units; mirrored so that both
 * verifiers refuse the same documents.
 */
const MAX_NUMBER_DIGITS = 1000;
const MAX_NAME_LENGTH = 50000;
/** FORMATS conventions: time values run from 0 to 2^53−1. */
const MAX_TIME = 2n ** 53n - 1n;
/** FORMATS §2: a token may be issued at most 300 s in the future. */
const MAX_CLOCK_SKEW_SECONDS = 300;
/** FORMATS §2: exp − iat must be positive and at most 3600 s. */
const MAX_LIFETIME_SECONDS = 3600;

const BUNDLE_MEDIA_TYPE = 'application/vnd.hallmark.bundle.v1+json';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
const PREDICATE_TYPE = 'https://slsa.dev/provenance/v1';
const ATTESTATION_TYPE = 'hallmark-attestation+jwt';
const ATTESTATION_AUDIENCE = 'hallmark:attestation';
const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** FORMATS §2: headers that would let a token choose its own key. */
const FORBIDDEN_HEADERS = Object.freeze(['jku', 'jwk', 'x5u', 'x5c', 'crit']);
/** FORMATS §1, §5: members that only private JWKs carry. */
const PRIVATE_MEMBERS = Object.freeze(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
/** FORMATS §2: the string claims, in the order the Java verifier requires them. */
const STRING_CLAIMS = Object.freeze([
  'iss', 'sub', 'jti', 'repository', 'ref', 'sha', 'workflow', 'event_name', 'run_id',
  'run_attempt', 'job_id', 'job_name', 'runner_environment', 'payload_sha256',
]);

/** P-256 (FIPS 186-4 D.1.2.3): field prime, curve coefficient b (a = −3) and group order. */
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const ECDSA_P256 = Object.freeze({ name: 'ECDSA', namedCurve: 'P-256' });
const ECDSA_SHA256 = Object.freeze({ name: 'ECDSA', hash: 'SHA-256' });

// FORMATS conventions: UTF-8 without BOM, invalid UTF-8 is fatal. ignoreBOM keeps a BOM in the
// text (where the parser refuses it) instead of silently dropping it.
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

// ------------------------------------------------------------------------------------ errors

/** An input was refused for a stated reason (as opposed to an unexpected error). */
class Refusal extends Error {
  constructor(message) {
    super(oneLine(message));
    this.name = new.target.name;
  }
}

/** Not strict JSON (FORMATS conventions). */
export class JsonError extends Refusal {}

/** A trust root that cannot be used: invalid (FORMATS §1), unreachable, too large, refused URL. */
export class TrustRootError extends Refusal {}

/** A member missing or of the wrong type, bad base64, a malformed key or signature encoding. */
class FormatError extends Refusal {}

/** A check failed; the message is the check's final one-line message. */
class Failed extends Refusal {}

/** A check could not run in this browser at all (no WebCrypto): the result is 'unverifiable'. */
class Unverifiable extends Failed {}

/** The trust root's fetch deadline passed (turned into a TrustRootError naming the URL). */
class DeadlinePassed extends Refusal {}

// ------------------------------------------------------------------------------------ messages

/**
 * A string from a bundle, a trust root, a server or a user, made safe for a one-line message:
 * control characters (C0, DEL, C1, line and paragraph separators), bidirectional controls and the
 * markup characters < and > become '?', and it is bounded at 200 code points.
 */
function untrusted(value) {
  const s = String(value);
  let out = '';
  let count = 0;
  for (const ch of s) {
    if (count === 200) return out + '…';
    out += isUnsafeCodePoint(ch.codePointAt(0)) ? '?' : ch;
    count++;
  }
  return out;
}

function isUnsafeCodePoint(cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029
    || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
    || cp === 0x3c || cp === 0x3e // no markup, ever: < and >
    || (cp >= 0xd800 && cp <= 0xdfff); // a lone surrogate
}

/** The last guard on every message: one line, no markup, bounded. */
function oneLine(message) {
  const s = typeof message === 'string' ? message : String(message ?? '');
  let out = '';
  for (const ch of s) {
    out += isUnsafeCodePoint(ch.codePointAt(0)) ? (ch === '\n' || ch === '\r' ? ' ' : '?') : ch;
    if (out.length > 1000) return out.slice(0, 1000) + '…';
  }
  return out;
}

/** How a header value appears in a message, as Java's Verifier.describe does. */
function describe(value) {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return `'${untrusted(value)}'`;
  return 'of the wrong type';
}

function messageOf(e) {
  return e instanceof Refusal ? e.message : `unexpected error: ${errorName(e)}`;
}

function errorName(e) {
  if (e && typeof e === 'object' && typeof e.name === 'string') return untrusted(e.name);
  return typeof e;
}

// ------------------------------------------------------------------------------------ bytes

/** A Uint8Array view of the input, or null when it is not bytes. */
function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]') {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength); // another realm's
  }
  return null;
}

function concatBytes(parts) {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const HEX_DIGITS = '0123456789abcdef';

/** Lowercase hex, the only hex FORMATS allows. */
function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15];
  return out;
}

function isLowerHex(value, length) {
  return typeof value === 'string' && value.length === length && /^[0-9a-f]*$/.test(value);
}

function bytesToBigInt(bytes) {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** v (0 ≤ v < 2^256) as exactly 32 big-endian bytes. */
function fixed32(v) {
  const hex = v.toString(16).padStart(64, '0');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// ------------------------------------------------------------------------------------ strict JSON

/**
 * A JSON number as written. Numbers are kept as their lexeme so that "time values are JSON
 * integers (no fraction, no exponent)" can be enforced exactly: 1.0 and 1e3 are not integers.
 */
export class JsonNumber {
  constructor(lexeme) {
    this.lexeme = lexeme;
    Object.freeze(this);
  }

  /** Written without a fraction or an exponent. */
  get isInteger() {
    return !/[.eE]/.test(this.lexeme);
  }

  valueOf() {
    return Number(this.lexeme);
  }

  toString() {
    return this.lexeme;
  }
}

/**
 * Parses bytes as one strict JSON value (FORMATS conventions): UTF-8 without BOM, fatal on
 * invalid UTF-8, duplicate keys refused at every depth, at most 64 levels of nesting, nothing but
 * JSON whitespace after the value, no lone surrogates from \u escapes, at most maxBytes bytes,
 * RFC 8259 syntax only. Objects come back with a null prototype (so "__proto__" is a plain
 * member), arrays as arrays, numbers as JsonNumber, and null, true, false, strings as themselves.
 * Throws JsonError.
 */
export function parseStrictJson(bytes, maxBytes) {
  const input = asBytes(bytes);
  if (input === null) throw new JsonError('JSON input is not a byte array');
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new JsonError('the JSON size limit is not a non-negative integer');
  }
  if (input.length > maxBytes) {
    throw new JsonError(`JSON document of ${input.length} bytes exceeds the limit of ${maxBytes}`);
  }
  if (input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) {
    throw new JsonError('JSON starts with a byte-order mark');
  }
  let text;
  try {
    text = UTF8_DECODER.decode(input);
  } catch (e) {
    throw new JsonError('JSON is not valid UTF-8');
  }
  return new JsonParser(text).document();
}

/** Recursive descent over RFC 8259; recursion is bounded by MAX_DEPTH. */
class JsonParser {
  constructor(text) {
    this.s = text;
    this.i = 0;
  }

  document() {
    this.skipWhitespace();
    if (this.i >= this.s.length) throw new JsonError('empty JSON document');
    const value = this.value(1);
    this.skipWhitespace();
    if (this.i !== this.s.length) throw new JsonError('unexpected bytes after the JSON value');
    return value;
  }

  fail(what) {
    return new JsonError(`invalid JSON at character ${this.i}: ${what}`);
  }

  /** RFC 8259 §2: whitespace is space, tab, line feed and carriage return only. */
  skipWhitespace() {
    const s = this.s;
    let i = this.i;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
    this.i = i;
  }

  value(depth) {
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b) return this.object(depth); // {
    if (c === 0x5b) return this.array(depth); // [
    if (c === 0x22) return this.string(); // "
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.s.startsWith('true', this.i)) return this.literal(4, true);
    if (this.s.startsWith('false', this.i)) return this.literal(5, false);
    if (this.s.startsWith('null', this.i)) return this.literal(4, null);
    throw this.fail(this.i >= this.s.length ? 'unexpected end of input' : 'expected a JSON value');
  }

  literal(length, value) {
    this.i += length;
    return value;
  }

  enter(depth) {
    // FORMATS conventions: every object and array counts, the top-level one being level 1.
    if (depth > MAX_DEPTH) throw new JsonError(`JSON nesting is deeper than ${MAX_DEPTH} levels`);
    this.i++;
    this.skipWhitespace();
  }

  object(depth) {
    this.enter(depth);
    const members = Object.create(null);
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return members;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) throw this.fail('expected a member name');
      const name = this.string();
      if (name.length > MAX_NAME_LENGTH) {
        throw new JsonError(`JSON member name is longer than ${MAX_NAME_LENGTH} characters`);
      }
      // FORMATS conventions: duplicate keys are refused (after unescaping: "a" and "\u0061" clash).
      if (Object.hasOwn(members, name)) {
        throw new JsonError(`duplicate JSON member '${untrusted(name)}'`);
      }
      this.skipWhitespace();
      if (this.s.charCodeAt(this.i) !== 0x3a) throw this.fail("expected ':'");
      this.i++;
      this.skipWhitespace();
      const value = this.value(depth + 1);
      Object.defineProperty(members, name, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x7d) return members; // }
      if (c !== 0x2c) { // ,
        this.i--;
        throw this.fail("expected ',' or '}'");
      }
      this.skipWhitespace();
    }
  }

  array(depth) {
    this.enter(depth);
    const items = [];
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x5d) return items; // ]
      if (c !== 0x2c) { // ,
        this.i--;
        throw this.fail("expected ',' or ']'");
      }
      this.skipWhitespace();
    }
  }

  string() {
    const s = this.s;
    let i = this.i + 1;
    let start = i;
    let out = '';
    for (;;) {
      if (i >= s.length) {
        this.i = i;
        throw this.fail('unterminated string');
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        out += s.slice(start, i);
        this.i = i;
        out += this.escape();
        i = this.i;
        start = i;
        continue;
      }
      if (c < 0x20) {
        this.i = i;
        throw this.fail('unescaped control character in a string');
      }
      i++;
    }
    out += s.slice(start, i);
    this.i = i + 1;
    // FORMATS conventions: a \u escape of a lone surrogate is invalid JSON.
    if (hasLoneSurrogate(out)) throw new JsonError('JSON string holds a lone surrogate');
    return out;
  }

  /** At a backslash: returns the escaped text and moves past the escape. */
  escape() {
    const e = this.s[this.i + 1];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      this.i += 2;
      return simple;
    }
    if (e === 'u') {
      const hex = this.s.slice(this.i + 2, this.i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('invalid \\u escape');
      this.i += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    throw this.fail('invalid escape in a string');
  }

  /** RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
  number() {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    if (s.charCodeAt(i) === 0x30) {
      i++;
    } else if (isDigit(s.charCodeAt(i))) {
      while (isDigit(s.charCodeAt(i))) i++;
    } else {
      this.i = i;
      throw this.fail('invalid number');
    }
    let digits = i - intStart;
    if (s.charCodeAt(i) === 0x2e) { // .
      const fracStart = ++i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === fracStart) {
        this.i = i;
        throw this.fail('decimal point not followed by a digit');
      }
      digits += i - fracStart;
    }
    if (s.charCodeAt(i) === 0x65 || s.charCodeAt(i) === 0x45) { // e E
      i++;
      if (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d) i++;
      const expStart = i;
      while (isDigit(s.charCodeAt(i))) i++;
      if (i === expStart) {
        this.i = i;
        throw this.fail('exponent without digits');
      }
      digits += i - expStart;
    }
    // Java's limit (see MAX_NUMBER_DIGITS): digits of the integer, fraction and exponent together.
    if (digits > MAX_NUMBER_DIGITS) {
      throw new JsonError(`JSON number has more than ${MAX_NUMBER_DIGITS} digits`);
    }
    this.i = i;
    return new JsonNumber(s.slice(start, i));
  }
}

/** RFC 8259 §7: the two-character escapes. */
const SIMPLE_ESCAPES = new Map([
  ['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t'],
]);

function isDigit(c) {
  return c >= 0x30 && c <= 0x39;
}

function hasLoneSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
    } else {
      return true;
    }
  }
  return false;
}

/** A parsed JSON object: only parseStrictJson makes objects with a null prototype. */
function isJsonObject(v) {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null;
}

function parseObject(bytes, limit) {
  const value = parseStrictJson(bytes, limit);
  if (!isJsonObject(value)) throw new JsonError('JSON value is not an object');
  return value;
}

// Typed member access, as Java's JsonObject: require* fails when the member is absent; opt*
// returns undefined when absent. FORMATS conventions: a known optional member of the wrong type
// fails like a required one, and JSON null is a value of the wrong type, not an absence.

function member(obj, name) {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

function requireMember(obj, name) {
  const v = member(obj, name);
  if (v === undefined) throw new FormatError(`'${name}' is missing`);
  return v;
}

function requireString(obj, name) {
  const v = requireMember(obj, name);
  if (typeof v !== 'string') throw new FormatError(`'${name}' is not a string`);
  return v;
}

function optString(obj, name) {
  const v = member(obj, name);
  if (v === undefined || typeof v === 'string') return v;
  throw new FormatError(`'${name}' is not a string`);
}

function requireObject(obj, name) {
  const v = requireMember(obj, name);
  if (!isJsonObject(v)) throw new FormatError(`'${name}' is not an object`);
  return v;
}

function requireArray(obj, name) {
  const v = requireMember(obj, name);
  if (!Array.isArray(v)) throw new FormatError(`'${name}' is not an array`);
  return v;
}

/** FORMATS conventions: a time value is a JSON integer from 0 to 2^53−1. */
function requireTime(obj, name) {
  return timeValue(name, requireMember(obj, name));
}

function optTime(obj, name) {
  const v = member(obj, name);
  return v === undefined ? undefined : timeValue(name, v);
}

function timeValue(name, v) {
  if (!(v instanceof JsonNumber) || !v.isInteger) throw new FormatError(`'${name}' is not an integer`);
  const big = BigInt(v.lexeme);
  if (big < 0n || big > MAX_TIME) throw new FormatError(`'${name}' is outside 0 to 2^53-1`);
  return Number(big);
}

// ------------------------------------------------------------------------------------ base64

const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STD_VALUES = alphabetValues(STD_ALPHABET);
const URL_VALUES = alphabetValues(URL_ALPHABET);

/** code unit → 6-bit value, −1 outside the alphabet. */
function alphabetValues(alphabet) {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
}

/**
 * Decodes canonical padded standard base64 (FORMATS conventions "b64", RFC 4648 §4): padding
 * present, zero pad bits, no whitespace or line breaks, no base64url characters. Throws.
 */
export function decodeBase64(text) {
  return decodeCanonical(text, STD_ALPHABET, STD_VALUES, true, 'base64');
}

/** Decodes canonical unpadded base64url ("b64url", RFC 4648 §5), with the same rules. Throws. */
export function decodeBase64Url(text) {
  if (typeof text === 'string' && text.includes('=')) {
    throw new FormatError('base64url carries padding');
  }
  return decodeCanonical(text, URL_ALPHABET, URL_VALUES, false, 'base64url');
}

/**
 * Decodes, then re-encodes and compares, as Java's Base64Strict: only the one canonical spelling
 * of each byte string passes (padding exactly as the variant says, zero pad bits, the variant's
 * alphabet and nothing else).
 */
function decodeCanonical(text, alphabet, values, padded, what) {
  if (typeof text !== 'string') throw new FormatError(`${what} value is not a string`);
  let body = text;
  if (padded) {
    let pad = 0;
    while (pad < 2 && body.endsWith('=')) {
      body = body.slice(0, -1);
      pad++;
    }
  }
  if (body.length % 4 === 1) throw new FormatError(`invalid ${what}`);
  const out = new Uint8Array(Math.floor((body.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? values[c] : -1;
    if (v < 0) throw new FormatError(`invalid ${what}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (!sameAscii(encodeBase64(out, alphabet, padded), text)) {
    throw new FormatError(`${what} is not canonical`);
  }
  return out;
}

/** Base64 of bytes as ASCII codes (a string of 10 MiB is built faster this way). */
function encodeBase64(bytes, alphabet, padded) {
  const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const a = (v) => alphabet.charCodeAt(v);
  let i = 0;
  let o = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    codes[o++] = a(n >> 18);
    codes[o++] = a((n >> 12) & 63);
    codes[o++] = a((n >> 6) & 63);
    codes[o++] = a(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    codes[o++] = a(n >> 18);
    codes[o++] = a((n >> 12) & 63);
    if (rest === 2) codes[o++] = a((n >> 6) & 63);
    if (padded) {
      while (o % 4 !== 0) codes[o++] = 0x3d; // '='
    }
  }
  return codes.subarray(0, o);
}

function sameAscii(codes, text) {
  if (codes.length !== text.length) return false;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

function encodeBase64Url(bytes) {
  return String.fromCharCode(...encodeBase64(bytes, URL_ALPHABET, false));
}

// ------------------------------------------------------------------------------------ signatures

/**
 * Converts a strict ASN.1 DER ECDSA signature (SEQUENCE { INTEGER r, INTEGER s }) to the 64-byte
 * r‖s that WebCrypto verifies, as Java's DerSignature (FORMATS §4): at most 72 bytes, short-form
 * lengths, exactly two minimal positive INTEGERs, no trailing bytes, r and s in [1, n−1]. Throws
 * on anything else, before any arithmetic.
 */
export function derToRaw(der) {
  const b = asBytes(der);
  if (b === null) throw new FormatError('DER signature is not a byte array');
  const n = b.length;
  if (n < 8 || n > 72 || b[0] !== 0x30) throw new FormatError('not a DER ECDSA signature');
  const seqLen = b[1];
  if (seqLen >= 0x80 || seqLen !== n - 2) throw new FormatError('DER sequence length is wrong');
  const pos = { at: 2 };
  const r = readDerInteger(b, pos);
  const s = readDerInteger(b, pos);
  if (pos.at !== n) throw new FormatError('trailing bytes in DER signature');
  checkScalarRange(r, 'r');
  checkScalarRange(s, 's');
  return concatBytes([fixed32(r), fixed32(s)]);
}

function readDerInteger(b, pos) {
  const p = pos.at;
  if (p + 2 > b.length || b[p] !== 0x02) throw new FormatError('DER integer expected');
  const len = b[p + 1];
  if (len === 0 || len > 33 || p + 2 + len > b.length) throw new FormatError('DER integer length is wrong');
  const start = p + 2;
  if ((b[start] & 0x80) !== 0) throw new FormatError('DER integer is negative');
  if (len > 1 && b[start] === 0 && (b[start + 1] & 0x80) === 0) {
    throw new FormatError('DER integer is not minimal');
  }
  pos.at = start + len;
  return bytesToBigInt(b.subarray(start, start + len));
}

/** FORMATS §4 (and RFC 7518 §3.4 for tokens): r and s lie in [1, n−1]. */
function checkScalarRange(v, name) {
  if (v <= 0n || v >= P256_N) throw new FormatError(`${name} is outside [1, n-1]`);
}

/** FORMATS §2: a JWS ES256 signature is exactly 64 bytes r‖s (RFC 7518 §3.4). */
function checkRawSignature(raw) {
  if (raw.length !== 64) throw new FormatError(`ES256 signature is ${raw.length} bytes, not 64`);
  checkScalarRange(bytesToBigInt(raw.subarray(0, 32)), 'r');
  checkScalarRange(bytesToBigInt(raw.subarray(32, 64)), 's');
}

// ------------------------------------------------------------------------------------ P-256 keys

/**
 * A public EC P-256 JWK, validated as Java's P256PublicKey.fromJwk (FORMATS §1, §5): no private
 * members, kty "EC", crv "P-256", canonical base64url x and y of exactly 32 bytes, a point on the
 * curve. Returns the canonical coordinate strings. Throws FormatError.
 */
function p256FromJwk(jwk) {
  for (const m of PRIVATE_MEMBERS) {
    if (Object.hasOwn(jwk, m)) throw new FormatError(`key holds the private member '${m}'`);
  }
  const field = (read) => {
    try {
      return read();
    } catch (e) {
      if (e instanceof Refusal) throw new FormatError(`invalid EC key: ${e.message}`);
      throw e;
    }
  };
  if (field(() => requireString(jwk, 'kty')) !== 'EC') throw new FormatError('key type is not EC');
  if (field(() => requireString(jwk, 'crv')) !== 'P-256') throw new FormatError('key curve is not P-256');
  const x = field(() => decodeBase64Url(requireString(jwk, 'x')));
  const y = field(() => decodeBase64Url(requireString(jwk, 'y')));
  if (x.length !== 32 || y.length !== 32) {
    throw new FormatError('EC P-256 coordinates must be exactly 32 bytes');
  }
  if (!isOnP256(bytesToBigInt(x), bytesToBigInt(y))) {
    throw new FormatError('EC point is not on the P-256 curve');
  }
  return Object.freeze({ x: encodeBase64Url(x), y: encodeBase64Url(y) });
}

/** y² = x³ − 3x + b (mod p), with both coordinates reduced (below p). */
function isOnP256(x, y) {
  if (x >= P256_P || y >= P256_P) return false;
  const p = P256_P;
  const left = (y * y) % p;
  const right = (((((x * x) % p) * x) % p) - 3n * x + P256_B) % p;
  return left === (right + p) % p;
}

function requireSubtle() {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) {
    throw new Unverifiable('WebCrypto (crypto.subtle) is not available in this browser context; '
      + 'it needs a secure (HTTPS or localhost) page');
  }
  return subtle;
}

function importP256(key) {
  return requireSubtle().importKey(
    'jwk', { kty: 'EC', crv: 'P-256', x: key.x, y: key.y }, ECDSA_P256, false, ['verify']);
}

/** ECDSA P-256 with SHA-256 over data; any WebCrypto surprise is an invalid signature. */
async function verifyEcdsa(cryptoKey, raw64, data) {
  try {
    return (await requireSubtle().verify(ECDSA_SHA256, cryptoKey, raw64, data)) === true;
  } catch (e) {
    if (e instanceof Unverifiable) throw e;
    return false; // fail closed, as Java's P256PublicKey.verify
  }
}

async function sha256(bytes) {
  return new Uint8Array(await requireSubtle().digest('SHA-256', bytes));
}

/** RFC 7638 §3.2 SHA-256 thumbprint: required members only, lexicographic order, no whitespace. */
async function thumbprint(key) {
  const canonical = `{"crv":"P-256","kty":"EC","x":"${key.x}","y":"${key.y}"}`;
  return encodeBase64Url(await sha256(UTF8_ENCODER.encode(canonical)));
}

/** FORMATS §4: PAE = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
function pae(payloadType, body) {
  const type = UTF8_ENCODER.encode(payloadType);
  const head = UTF8_ENCODER.encode(`DSSEv1 ${type.length} ${payloadType} ${body.length} `);
  return concatBytes([head, body]);
}

// ------------------------------------------------------------------------------------ trust root

/**
 * The trusted issuer and its usable keys (FORMATS §1). Made only by parseTrustRoot and
 * fetchTrustRoot; verifyBundle accepts nothing else as a trust root.
 */
class TrustRoot {
  #byKid;

  constructor(issuer, jwks, keys) {
    /** The exact string a token's iss must equal. */
    this.issuer = issuer;
    /** The JWK Set as given, skipped keys included. */
    this.jwks = jwks;
    /** The usable keys: {kid, x, y, nbf, exp} (kid, nbf, exp null when absent). */
    this.keys = Object.freeze(keys);
    this.#byKid = new Map();
    for (const k of keys) if (k.kid !== null) this.#byKid.set(k.kid, k);
    Object.freeze(this);
  }

  /** The usable key with this kid, or null. */
  key(kid) {
    return this.#byKid.get(kid) ?? null;
  }

  static isTrustRoot(value) {
    return typeof value === 'object' && value !== null && #byKid in value;
  }
}

/**
 * Parses the offline trust root file (FORMATS §1), with the acceptance of Java's TrustRoot.parse:
 * a private member on any key voids the whole root; keys of another type, curve, alg or use are
 * skipped; a malformed usable key, a non-integer nbf/exp or two usable keys with the same kid make
 * it invalid. Throws TrustRootError.
 */
export function parseTrustRoot(bytes) {
  const input = asBytes(bytes);
  if (input === null) throw new TrustRootError('trust root is not a byte array');
  if (input.length > DOCUMENT_LIMIT) {
    throw new TrustRootError(`trust root exceeds ${DOCUMENT_LIMIT} bytes`);
  }
  let root;
  try {
    root = parseObject(input, DOCUMENT_LIMIT);
  } catch (e) {
    throw invalidRoot(messageOf(e));
  }
  const issuer = shaped(() => requireString(root, 'issuer'));
  const jwks = shaped(() => requireObject(root, 'jwks'));
  return trustRootOf(issuer, jwks);
}

/** An issuer and a JWK Set (both forms end here), as Java's TrustRoot.of. */
function trustRootOf(issuer, jwks) {
  if (issuer === '') throw invalidRoot('issuer is empty');
  const entries = shaped(() => requireArray(jwks, 'keys'));
  const usable = [];
  const kids = new Set();
  entries.forEach((entry, index) => {
    const where = `jwks.keys[${index}]`;
    if (!isJsonObject(entry)) throw invalidRoot(`${where} is not an object`);
    const key = usableKey(entry, where);
    if (key === null) return;
    if (key.kid !== null) {
      if (kids.has(key.kid)) throw invalidRoot(`two usable keys have the kid '${untrusted(key.kid)}'`);
      kids.add(key.kid);
    }
    usable.push(key);
  });
  return new TrustRoot(issuer, jwks, usable);
}

/** A usable key, null for a key the verifier cannot use, or an invalid trust root. */
function usableKey(jwk, where) {
  // FORMATS §1: private members make the whole trust root invalid, even on a skipped key.
  for (const m of PRIVATE_MEMBERS) {
    if (Object.hasOwn(jwk, m)) throw invalidRoot(`${where} holds the private member '${m}'`);
  }
  // FORMATS §1: another kty/crv, or an alg other than ES256, or a use other than sig: skipped.
  if (member(jwk, 'kty') !== 'EC' || member(jwk, 'crv') !== 'P-256') return null;
  const alg = shaped(() => optString(jwk, 'alg'), where);
  const use = shaped(() => optString(jwk, 'use'), where);
  if ((alg !== undefined && alg !== 'ES256') || (use !== undefined && use !== 'sig')) return null;
  const kid = shaped(() => optString(jwk, 'kid'), where);
  const nbf = shaped(() => optTime(jwk, 'nbf'), where);
  const exp = shaped(() => optTime(jwk, 'exp'), where);
  let key;
  try {
    key = p256FromJwk(jwk);
  } catch (e) {
    throw invalidRoot(`${where}: ${messageOf(e)}`);
  }
  return Object.freeze({ kid: kid ?? null, x: key.x, y: key.y, nbf: nbf ?? null, exp: exp ?? null });
}

function invalidRoot(message) {
  return new TrustRootError(`invalid trust root: ${message}`);
}

function shaped(read, where) {
  try {
    return read();
  } catch (e) {
    if (e instanceof TrustRootError) throw e;
    const m = messageOf(e);
    throw invalidRoot(where === undefined ? m : `${where}: ${m}`);
  }
}

/** FORMATS §1: a token whose iat falls outside [nbf, exp] of its key fails. */
function issuedWithinPeriod(key, iat) {
  return (key.nbf === null || iat >= key.nbf) && (key.exp === null || iat <= key.exp);
}

// ------------------------------------------------------------------------------------ online form

/**
 * Fetches the online trust root of an issuer URL (FORMATS §1), as Java's OnlineIssuer: strip one
 * trailing '/'; GET <issuer>/.well-known/openid-configuration; its issuer member must equal the
 * issuer exactly; its jwks_uri must have the issuer's origin; both fetches over HTTPS (plain HTTP
 * only to a literal loopback host), no redirect followed, at most 1 MiB each, one time-out for
 * both together. Throws TrustRootError with a one-line message on every failure.
 */
export async function fetchTrustRoot(issuerUrl, options = {}) {
  const { fetch: fetchImpl = globalThis.fetch, timeoutMs = 10000 } = options ?? {};
  if (typeof issuerUrl !== 'string') throw new TrustRootError('the issuer URL is not a string');
  if (typeof fetchImpl !== 'function') throw new TrustRootError('no fetch function is available');
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new TrustRootError('the time-out is not a positive number of milliseconds');
  }
  // FORMATS §1: strip one trailing "/", no more; the result is the exact issuer string.
  const issuer = issuerUrl.endsWith('/') ? issuerUrl.slice(0, -1) : issuerUrl;
  const issuerChecked = checkUrl(issuer);
  if (issuerChecked.query !== undefined) {
    throw new TrustRootError(`issuer URL ${displayUrl(issuer)} has a query`);
  }
  const discoveryUrl = issuer + DISCOVERY_PATH;
  const shownDiscovery = displayUrl(discoveryUrl);

  // FORMATS §1: one time-out for both fetches together.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const fetcher = { fetchImpl, signal: controller.signal, timeoutMs };
  try {
    const discovery = parseDocument(
      await fetchDocument(discoveryUrl, fetcher), `discovery document ${shownDiscovery}`);
    const named = discoveryMember(discovery, 'issuer', shownDiscovery);
    // FORMATS §1: exact code points, no normalisation, so that a server cannot vouch for keys
    // under another issuer's name.
    if (named !== issuer) {
      throw new TrustRootError(`discovery document ${shownDiscovery} names the issuer `
        + `'${untrusted(named)}', expected '${untrusted(issuer)}'`);
    }
    const jwksUri = discoveryMember(discovery, 'jwks_uri', shownDiscovery);
    checkSameOrigin(jwksUri, issuerChecked, shownDiscovery);
    const shownJwks = displayUrl(jwksUri);
    const jwks = parseDocument(await fetchDocument(jwksUri, fetcher), `JWK Set ${shownJwks}`);
    try {
      return trustRootOf(issuer, jwks);
    } catch (e) {
      throw new TrustRootError(`JWK Set ${shownJwks}: ${messageOf(e)}`);
    }
  } catch (e) {
    if (e instanceof TrustRootError) throw e;
    throw new TrustRootError(`trust root of ${displayUrl(issuer)}: ${messageOf(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

function discoveryMember(discovery, name, shownDiscovery) {
  try {
    return requireString(discovery, name);
  } catch (e) {
    throw new TrustRootError(`discovery document ${shownDiscovery}: ${messageOf(e)}`);
  }
}

function parseDocument(bytes, what) {
  try {
    return parseObject(bytes, DOCUMENT_LIMIT);
  } catch (e) {
    throw new TrustRootError(`${what}: ${messageOf(e)}`);
  }
}

/**
 * FORMATS §1: the jwks_uri has the issuer URL's origin (scheme, host, port, default ports made
 * explicit); then the URL rules apply to it like to any fetch. Origin first: a URL on another
 * origin is refused as such, whatever else is wrong with it.
 */
function checkSameOrigin(jwksUri, issuerChecked, shownDiscovery) {
  const parts = splitUrl(jwksUri);
  if (parts === null) {
    throw new TrustRootError(`discovery document ${shownDiscovery}: jwks_uri `
      + `${displayUrl(jwksUri)} is not an absolute URL with a host`);
  }
  if (parts.origin !== issuerChecked.origin) {
    throw new TrustRootError(`discovery document ${shownDiscovery}: jwks_uri ${displayUrl(jwksUri)} `
      + `is not on the issuer's origin ${untrusted(issuerChecked.origin)}`);
  }
  return checkUrl(jwksUri);
}

/**
 * Fetches one document under the FORMATS §1 rules: the URL checked before any connection, no
 * redirect followed, status 200 only, the size bound enforced while the body streams, the shared
 * deadline's signal on the request and the body.
 */
async function fetchDocument(url, { fetchImpl, signal, timeoutMs }) {
  checkUrl(url);
  const shown = displayUrl(url);
  const timeout = () => new TrustRootError(
    `the time-out of ${timeoutMs} ms for the trust root ran out while fetching ${shown}`);
  if (signal.aborted) throw timeout();
  let response;
  try {
    response = await untilAborted(fetchImpl(url, {
      method: 'GET',
      redirect: 'error', // FORMATS §1: no redirects followed
      signal,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      headers: { Accept: 'application/json' },
    }), signal);
  } catch (e) {
    if (signal.aborted) throw timeout();
    // With redirect: 'error' a redirect rejects here, as a network error does: neither is followed.
    throw new TrustRootError(`${shown} is unreachable or answered with a redirect; redirects are not followed`);
  }
  if (response === null || typeof response !== 'object' || typeof response.status !== 'number') {
    throw new TrustRootError(`${shown} gave no HTTP response`);
  }
  const status = response.status;
  if ((status >= 300 && status < 400) || response.redirected === true || response.type === 'opaqueredirect') {
    throw new TrustRootError(`${shown} answered with a redirect (HTTP ${status}); redirects are not followed`);
  }
  if (typeof response.url === 'string' && response.url !== '' && response.url !== new URL(url).href) {
    throw new TrustRootError(`${shown} was answered from another URL; redirects are not followed`);
  }
  if (status !== 200) throw new TrustRootError(`${shown} answered HTTP ${status}`);
  const tooLarge = () => new TrustRootError(`the body from ${shown} exceeds ${DOCUMENT_LIMIT} bytes`);
  const declared = response.headers && typeof response.headers.get === 'function'
    ? response.headers.get('content-length') : null;
  if (typeof declared === 'string' && /^[0-9]+$/.test(declared) && Number(declared) > DOCUMENT_LIMIT) {
    throw tooLarge();
  }
  try {
    return await readLimited(response, DOCUMENT_LIMIT, tooLarge, signal);
  } catch (e) {
    if (e instanceof TrustRootError) throw e;
    if (signal.aborted) throw timeout();
    throw new TrustRootError(`the body from ${shown} could not be read`);
  }
}

/** Reads a body chunk by chunk and stops as soon as more than maxBytes have arrived. */
async function readLimited(response, maxBytes, tooLarge, signal) {
  const stream = response.body;
  if (stream && typeof stream.getReader === 'function') {
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      let next;
      try {
        next = await untilAborted(reader.read(), signal);
      } catch (e) {
        reader.cancel().catch(() => {});
        throw e;
      }
      const { done, value } = next;
      if (done) break;
      const chunk = asBytes(value);
      if (chunk === null) throw new TrustRootError('the response body is not bytes');
      total += chunk.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(chunk);
    }
    return concatBytes(chunks);
  }
  if (typeof response.arrayBuffer === 'function') {
    // No stream to read piecewise (a null body, or a minimal fetch): bounded after reading.
    const body = asBytes(await untilAborted(response.arrayBuffer(), signal));
    if (body === null) throw new TrustRootError('the response body is not bytes');
    if (body.length > maxBytes) throw tooLarge();
    return body;
  }
  throw new TrustRootError('the response has no body');
}

/**
 * The promise, or a rejection as soon as the deadline's signal aborts: the time-out holds even
 * when an injected fetch, or a body stream, ignores the signal.
 */
function untilAborted(promise, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new DeadlinePassed('the time-out ran out'));
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      });
  });
}

const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/;
const AUTHORITY_SHAPE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]*))?$/;

/**
 * Splits an absolute hierarchical URL of printable ASCII into its parts, or returns null. The
 * host must be a plain name, an IPv4 literal or a bracketed IPv6 literal, spelled as the WHATWG
 * URL parser (which fetch uses) spells it, so that the host checked here is the host fetched.
 */
function splitUrl(text) {
  if (typeof text !== 'string' || !/^[\x21-\x7e]+$/.test(text) || text.includes('\\')) return null;
  const m = URL_SHAPE.exec(text);
  if (m === null) return null;
  const scheme = m[1].toLowerCase();
  const authority = m[2];
  const hostPort = AUTHORITY_SHAPE.exec(authority);
  const host = hostPort === null ? null : hostPort[1];
  const portText = hostPort === null ? undefined : hostPort[2];
  let port = portText === undefined || portText === '' ? null : Number(portText);
  if (port === null) port = scheme === 'https' ? 443 : scheme === 'http' ? 80 : -1;
  let canonicalHost = null;
  try {
    canonicalHost = new URL(text).hostname.toLowerCase();
  } catch (e) {
    canonicalHost = null;
  }
  const sameHost = host !== null && isHostLiteral(host) && canonicalHost === host.toLowerCase();
  return {
    scheme,
    authority,
    host: sameHost ? host : null,
    port,
    portText,
    query: m[4],
    fragment: m[5],
    origin: `${scheme}://${(host ?? authority).toLowerCase()}:${port}`,
  };
}

/**
 * A bracketed IPv6 literal, or a host name of RFC 1123 labels (an IPv4 literal is one), with at
 * most an empty last label (a trailing dot): what Java's URI parser accepts as a server host.
 */
function isHostLiteral(host) {
  if (host.startsWith('[')) return true;
  const labels = host.split('.');
  if (labels.length > 1 && labels[labels.length - 1] === '') labels.pop();
  return labels.every(l => /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l));
}

/** The URL rules of FORMATS §1, as Java's CheckedUrl; throws TrustRootError. */
function checkUrl(text) {
  const shown = displayUrl(text);
  const parts = splitUrl(text);
  if (parts === null) throw new TrustRootError(`${shown} is not an absolute URL`);
  if (parts.scheme !== 'https' && parts.scheme !== 'http') {
    throw new TrustRootError(`${shown} does not use HTTPS (FORMATS §1)`);
  }
  // No user info: it would send credentials, and "https://good@evil/" misleads about the host.
  if (parts.authority.includes('@')) throw new TrustRootError(`${shown} carries user info`);
  if (parts.host === null || parts.host === '') throw new TrustRootError(`${shown} has no valid host`);
  if (parts.portText !== undefined && parts.portText !== ''
      && (parts.portText.length > 5 || parts.port < 1 || parts.port > 65535)) {
    throw new TrustRootError(`${shown} has an invalid port`);
  }
  if (parts.fragment !== undefined) throw new TrustRootError(`${shown} has a fragment`);
  if (parts.scheme === 'http' && !isLoopbackLiteral(parts.host)) {
    throw new TrustRootError(`${shown} is plain HTTP to a host that is not a literal loopback `
      + 'address; use HTTPS (FORMATS §1)');
  }
  return parts;
}

/** FORMATS §1: exactly localhost, a 127.x.y.z literal (canonical decimal) or [::1]. */
function isLoopbackLiteral(host) {
  if (host.toLowerCase() === 'localhost' || host === '[::1]') return true;
  const octets = host.split('.');
  if (octets.length !== 4 || octets[0] !== '127') return false;
  return octets.every(o => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
}

/** A URL for a message, with its query elided (a pre-signed URL's query is a credential). */
function displayUrl(text) {
  const s = String(text);
  const q = s.indexOf('?');
  return untrusted(q < 0 ? s : s.slice(0, q) + '?…');
}

// ------------------------------------------------------------------------------------ verifying

/**
 * Verifies bundle bytes against a trust root: checks 1–7 of FORMATS §6, in order, stopping at the
 * first failure. Never throws: bad input of any kind, and any unexpected error, is a failed check.
 *
 * trustRoot is the result of parseTrustRoot/fetchTrustRoot, or the TrustRootError either threw, or
 * null. A failing trust-root check gives status 'unverifiable' (the browser could not check;
 * unlike the command line, which reports a failure), as does a browser without WebCrypto. Any
 * other failing check gives 'failed'; all seven passing, 'verified'.
 *
 * options.now (milliseconds since the epoch, or a Date; default now) is the clock of the only
 * clock rule of FORMATS §2: a token issued more than 300 s in the future fails. Expiry is not
 * compared with the clock (bundles are checked long after signing).
 *
 * Returns {status, failedCheck, message, checks: [{check, ok, message}, ...]}.
 */
export async function verifyBundle(bundleBytes, trustRoot, options = {}) {
  const run = { bundleBytes, trustRoot, options };
  const steps = {
    'bundle': checkBundle,
    'trust-root': checkTrustRoot,
    'token': checkToken,
    'key-binding': checkKeyBinding,
    'signature': checkSignature,
    'statement': checkStatement,
    'build-context': checkBuildContext,
  };
  const checks = [];
  for (const check of CHECKS) {
    let message;
    try {
      message = oneLine(await steps[check](run));
    } catch (e) {
      // Fail closed: an unexpected error fails the check that was running.
      message = oneLine(messageOf(e));
      checks.push({ check, ok: false, message });
      const status = check === 'trust-root' || e instanceof Unverifiable ? 'unverifiable' : 'failed';
      return { status, failedCheck: check, message, checks };
    }
    checks.push({ check, ok: true, message });
  }
  return { status: 'verified', failedCheck: null, message: oneLine(verifiedSummary(run)), checks };
}

function verifiedSummary(run) {
  const c = run.claims;
  return `built from ${untrusted(c.repository)} ${untrusted(c.ref)} at ${untrusted(c.sha)} `
    + `by job ${untrusted(c.job_name)}, signed by ${untrusted(c.iss)}`;
}

// 1 ------------------------------------------------------------------------------ bundle

function checkBundle(run) {
  const bytes = asBytes(run.bundleBytes);
  if (bytes === null) throw new Failed('cannot read the bundle: it is not a byte array');
  // Parsed synchronously, before any await: later changes to the caller's buffer cannot matter,
  // since everything the later checks use (strings, decoded payload and sig) is a copy.
  try {
    run.bundle = parseBundle(bytes);
  } catch (e) {
    if (e instanceof Refusal) throw new Failed(`invalid bundle: ${e.message}`);
    throw e;
  }
  return `bundle is well-formed (${bytes.length} bytes)`;
}

/**
 * FORMATS §5, as Java's Bundle.parse: size, strict JSON, mediaType, members and their types, and
 * the envelope's base64. The token's and the key's insides are judged by later checks.
 */
function parseBundle(bytes) {
  const root = parseObject(bytes, BUNDLE_LIMIT);
  if (requireString(root, 'mediaType') !== BUNDLE_MEDIA_TYPE) {
    throw new FormatError(`mediaType is not ${BUNDLE_MEDIA_TYPE}`);
  }
  const material = requireObject(root, 'verificationMaterial');
  const identityToken = requireString(material, 'identityToken');
  const publicKey = requireObject(material, 'publicKey');
  const envelope = parseEnvelope(requireObject(root, 'dsseEnvelope'));
  return { identityToken, publicKey, envelope };
}

/** FORMATS §4 shape; the payload's and each sig's base64 belong to the bundle check (§6). */
function parseEnvelope(json) {
  const payload = decodeEnvelopeBase64(requireString(json, 'payload'), 'payload');
  const payloadType = requireString(json, 'payloadType');
  const signatures = requireArray(json, 'signatures').map(item => {
    if (!isJsonObject(item)) throw new FormatError("'signatures' holds a non-object");
    const keyid = optString(item, 'keyid'); // FORMATS §4: an empty string is present
    const sig = decodeEnvelopeBase64(requireString(item, 'sig'), 'sig');
    return { keyid: keyid === undefined ? null : keyid, sig };
  });
  return { payload, payloadType, signatures };
}

function decodeEnvelopeBase64(text, name) {
  try {
    return decodeBase64(text);
  } catch (e) {
    if (e instanceof Refusal) throw new FormatError(`'${name}': ${e.message}`);
    throw e;
  }
}

// 2 ------------------------------------------------------------------------------ trust-root

function checkTrustRoot(run) {
  const root = run.trustRoot;
  if (root instanceof TrustRootError) throw new Failed(root.message);
  if (root instanceof Error) {
    throw new Failed(`the trust root could not be loaded: ${untrusted(root.message)}`);
  }
  if (!TrustRoot.isTrustRoot(root)) throw new Failed('no trust root was loaded');
  run.root = root;
  return `issuer ${untrusted(root.issuer)} with ${root.keys.length} usable key(s)`;
}

// 3 ------------------------------------------------------------------------------ token

/** Splits a compact JWS (RFC 7515 §7.1) and decodes its parts, as Java's CompactJws.parse. */
function parseCompactJws(token) {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new Failed(`token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw new Failed('token is not a compact JWS of three parts');
  const decodePart = (text, what) => {
    try {
      return decodeBase64Url(text);
    } catch (e) {
      if (e instanceof Refusal) throw new Failed(`token ${what}: ${e.message}`);
      throw e;
    }
  };
  let header;
  try {
    header = parseObject(decodePart(parts[0], 'header'), MAX_TOKEN_LENGTH);
  } catch (e) {
    if (e instanceof JsonError) throw new Failed(`token header: ${e.message}`);
    throw e;
  }
  // Decoded now, so the signing input is known to be pure base64url ASCII; parsed only after
  // the signature verified.
  const payload = decodePart(parts[1], 'payload');
  const signature = decodePart(parts[2], 'signature');
  const signingInput = UTF8_ENCODER.encode(`${parts[0]}.${parts[1]}`);
  return { header, payload, signature, signingInput };
}

async function checkToken(run) {
  const nowSeconds = clockSeconds(run.options);
  requireSubtle();
  const root = run.root;
  const jws = parseCompactJws(run.bundle.identityToken);
  const header = jws.header;
  // FORMATS §2: alg is configured per key (ES256 for P-256), never taken from the token.
  const alg = member(header, 'alg');
  if (alg !== 'ES256') throw new Failed(`token alg ${describe(alg)} is not ES256`);
  for (const h of FORBIDDEN_HEADERS) {
    if (Object.hasOwn(header, h)) throw new Failed(`token header carries '${h}'`);
  }
  const typ = member(header, 'typ');
  if (typ !== ATTESTATION_TYPE) throw new Failed(`token typ ${describe(typ)} is not ${ATTESTATION_TYPE}`);
  const kid = member(header, 'kid');
  if (typeof kid !== 'string') {
    throw new Failed(kid === undefined ? 'token header has no kid' : 'token kid is not a string');
  }
  const key = root.key(kid);
  if (key === null) throw new Failed(`token kid '${untrusted(kid)}' names no key of the trust root`);
  try {
    checkRawSignature(jws.signature);
  } catch (e) {
    if (e instanceof Refusal) throw new Failed(`token signature: ${e.message}`);
    throw e;
  }
  let issuerKey;
  try {
    issuerKey = await importP256(key);
  } catch (e) {
    if (e instanceof Unverifiable) throw e;
    throw new Failed(`token signature: WebCrypto refused the key '${untrusted(kid)}'`);
  }
  if (!(await verifyEcdsa(issuerKey, jws.signature, jws.signingInput))) {
    throw new Failed(`token signature does not verify with key '${untrusted(kid)}'`);
  }
  let claims;
  try {
    claims = parseObject(jws.payload, MAX_TOKEN_LENGTH);
  } catch (e) {
    if (e instanceof Refusal) throw new Failed(`token claims: ${e.message}`);
    throw e;
  }
  try {
    checkClaims(claims, root, key, kid, nowSeconds);
  } catch (e) {
    if (e instanceof Failed || !(e instanceof Refusal)) throw e;
    throw new Failed(`token claim ${e.message}`);
  }
  run.claims = claims;
  return `identity token signed by key '${untrusted(kid)}' of ${untrusted(root.issuer)}`;
}

/**
 * FORMATS §2 (revision 2): sha is 40 lowercase hex, payload_sha256 64 lowercase hex, run_id and
 * run_attempt plain decimal; otherwise the token fails.
 */
function checkClaimForms(claims) {
  if (!/^[0-9a-f]{40}$/.test(claims.sha)) throw new Failed("token claim 'sha' is not 40 lowercase hex digits");
  if (!/^[0-9a-f]{64}$/.test(claims.payload_sha256)) {
    throw new Failed("token claim 'payload_sha256' is not 64 lowercase hex digits");
  }
  for (const name of ['run_id', 'run_attempt']) {
    if (!/^(0|[1-9][0-9]*)$/.test(claims[name])) throw new Failed(`token claim '${name}' is not a plain decimal number`);
  }
}

/** The claims table and time rules of FORMATS §2, in the Java verifier's order. */
function checkClaims(claims, root, key, kid, nowSeconds) {
  for (const name of STRING_CLAIMS) requireString(claims, name);
  checkClaimForms(claims);
  const iat = requireTime(claims, 'iat');
  requireTime(claims, 'nbf'); // FORMATS §2: a number, not compared with the clock
  const exp = requireTime(claims, 'exp');
  if (requireString(claims, 'iss') !== root.issuer) {
    throw new Failed(`token iss is not the trust root's issuer ${untrusted(root.issuer)}`);
  }
  checkAudience(member(claims, 'aud'));
  const lifetime = exp - iat;
  if (lifetime <= 0 || lifetime > MAX_LIFETIME_SECONDS) {
    throw new Failed(`token lifetime exp - iat = ${lifetime} s is outside (0, ${MAX_LIFETIME_SECONDS}]`);
  }
  // FORMATS §2: not expired-now (bundles are checked long after signing), but not from the future.
  if (iat > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
    throw new Failed(`token iat is more than ${MAX_CLOCK_SKEW_SECONDS} s in the future`);
  }
  if (!issuedWithinPeriod(key, iat)) {
    throw new Failed(`token iat falls outside the nbf/exp period of key '${untrusted(kid)}'`);
  }
  // FORMATS §2: only the absence of cnf is key-binding's; a cnf of the wrong type is token's.
  const cnf = member(claims, 'cnf');
  if (cnf !== undefined && !isJsonObject(cnf)) throw new Failed("token claim 'cnf' is not an object");
}

/** FORMATS §2: aud is "hallmark:attestation", or an array of strings that contains it. */
function checkAudience(aud) {
  if (typeof aud === 'string') {
    if (aud === ATTESTATION_AUDIENCE) return;
  } else if (Array.isArray(aud)) {
    let found = false;
    for (const a of aud) {
      if (typeof a !== 'string') throw new Failed("token claim 'aud' holds a non-string");
      found = found || a === ATTESTATION_AUDIENCE;
    }
    if (found) return;
  } else if (aud === undefined) {
    throw new Failed("token claim 'aud' is missing");
  } else {
    throw new Failed("token claim 'aud' is not a string or an array");
  }
  throw new Failed(`token audience is not ${ATTESTATION_AUDIENCE}`);
}

/** The verifier's clock in whole seconds since the epoch, as Java's Instant.getEpochSecond(). */
function clockSeconds(options) {
  const given = options === null || options === undefined ? undefined : options.now;
  const ms = given === undefined ? Date.now() : given instanceof Date ? given.getTime() : given;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new Failed('the verification clock (options.now) is not a time');
  }
  return Math.floor(ms / 1000);
}

// 4 ------------------------------------------------------------------------------ key-binding

async function checkKeyBinding(run) {
  // FORMATS §6: every defect of publicKey (members, encoding, curve, point) is key-binding's.
  let publicKey;
  try {
    publicKey = p256FromJwk(run.bundle.publicKey);
  } catch (e) {
    if (e instanceof Refusal) throw new Failed(`publicKey: ${e.message}`);
    throw e;
  }
  try {
    run.cryptoKey = await importP256(publicKey);
  } catch (e) {
    if (e instanceof Unverifiable) throw e;
    throw new Failed('publicKey: WebCrypto refused the EC P-256 key');
  }
  const cnf = member(run.claims, 'cnf');
  if (!isJsonObject(cnf)) throw new Failed('token has no cnf claim');
  const jkt = member(cnf, 'jkt');
  if (typeof jkt !== 'string') {
    throw new Failed(jkt === undefined ? 'token cnf has no jkt' : 'token cnf.jkt is not a string');
  }
  run.thumbprint = await thumbprint(publicKey);
  if (jkt !== run.thumbprint) throw new Failed("publicKey thumbprint is not the token's cnf.jkt");
  const payloadSha256 = toHex(await sha256(run.bundle.envelope.payload));
  if (payloadSha256 !== run.claims.payload_sha256) {
    throw new Failed("SHA-256 of the envelope payload is not the token's payload_sha256");
  }
  return 'publicKey matches cnf.jkt and the payload matches payload_sha256';
}

// 5 ------------------------------------------------------------------------------ signature

async function checkSignature(run) {
  const envelope = run.bundle.envelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new Failed(`payloadType is not ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  // FORMATS §4: exactly one signature.
  if (envelope.signatures.length !== 1) {
    throw new Failed(`envelope has ${envelope.signatures.length} signatures, not exactly one`);
  }
  const sig = envelope.signatures[0];
  // FORMATS §4: keyid, when present (an empty string is present), is the publicKey's thumbprint.
  if (sig.keyid !== null && sig.keyid !== run.thumbprint) {
    throw new Failed("signature keyid is not the publicKey's thumbprint");
  }
  let raw;
  try {
    raw = derToRaw(sig.sig);
  } catch (e) {
    if (e instanceof Refusal) throw new Failed(`signature: ${e.message}`);
    throw e;
  }
  if (!(await verifyEcdsa(run.cryptoKey, raw, pae(envelope.payloadType, envelope.payload)))) {
    throw new Failed('DSSE signature over PAE does not verify with the publicKey');
  }
  return 'DSSE signature over PAE verifies with the publicKey';
}

// 6 ------------------------------------------------------------------------------ statement

function checkStatement(run) {
  let count;
  try {
    // FORMATS §4: parse the verified payload bytes, never a re-encoding.
    const statement = parseObject(run.bundle.envelope.payload, BUNDLE_LIMIT);
    if (requireString(statement, '_type') !== STATEMENT_TYPE) {
      throw new Failed(`statement _type is not ${STATEMENT_TYPE}`);
    }
    if (requireString(statement, 'predicateType') !== PREDICATE_TYPE) {
      throw new Failed(`statement predicateType is not ${PREDICATE_TYPE}`);
    }
    requireObject(statement, 'predicate');
    const subjects = requireArray(statement, 'subject');
    if (subjects.length === 0) throw new Failed('statement has no subject');
    subjects.forEach((s, i) => {
      if (!isJsonObject(s)) throw new Failed(`statement subject[${i}] is not an object`);
      checkSubjectName(requireString(s, 'name'));
      const sha = requireString(requireObject(s, 'digest'), 'sha256');
      if (!isLowerHex(sha, 64)) throw new Failed(`statement subject[${i}] sha256 is not 64 lowercase hex`);
    });
    run.statement = statement;
    count = subjects.length;
  } catch (e) {
    if (e instanceof Failed || !(e instanceof Refusal)) throw e;
    throw new Failed(`statement: ${e.message}`);
  }
  return `in-toto Statement v1 with SLSA provenance v1, ${count} subject(s)`;
}

/**
 * FORMATS §3 (revision 2): 1 to 1024 UTF-8 bytes; no U+0000–U+001F, U+007F–U+009F, U+061C,
 * U+200B–U+200F, U+2028–U+202E, U+2066–U+2069 or U+FEFF; a lone surrogate has no UTF-8 form and
 * fails too.
 */
function checkSubjectName(name) {
  if (name === '') throw new FormatError('subject name is missing or empty');
  let bytes = 0;
  for (const ch of name) {
    const cp = ch.codePointAt(0);
    if (cp >= 0xd800 && cp <= 0xdfff) throw new FormatError('subject name holds a lone surrogate');
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || cp === 0x061c || (cp >= 0x200b && cp <= 0x200f)
        || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0xfeff) {
      throw new FormatError(
        `subject name holds the control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  if (bytes > 1024) throw new FormatError(`subject name is ${bytes} UTF-8 bytes, more than 1024`);
}

// 7 ------------------------------------------------------------------------------ build-context

/** FORMATS §3: the statement's build context equals the token's claims, exact strings. */
function checkBuildContext(run) {
  const claims = run.claims;
  const predicate = member(run.statement, 'predicate');
  const buildDefinition = at(predicate, 'buildDefinition');
  const external = at(buildDefinition, 'externalParameters');
  const workflow = at(external, 'workflow');
  const internal = at(buildDefinition, 'internalParameters');
  const deps = at(buildDefinition, 'resolvedDependencies');
  const firstDep = Array.isArray(deps) && deps.length > 0 ? deps[0] : undefined;
  const builder = at(at(predicate, 'runDetails'), 'builder');
  const same = (field, value, claim) => {
    // A missing field on either side is a mismatch; so is a value of another JSON type.
    if (typeof value !== 'string' || value !== member(claims, claim)) {
      throw new Failed(value === undefined
        ? `statement ${field} is missing`
        : `statement ${field} does not equal the token's ${claim}`);
    }
  };
  same('externalParameters.workflow.repository', at(workflow, 'repository'), 'repository');
  same('externalParameters.workflow.ref', at(workflow, 'ref'), 'ref');
  same('externalParameters.workflow.path', at(workflow, 'path'), 'workflow');
  same('externalParameters.event', at(external, 'event'), 'event_name');
  same('internalParameters.jobName', at(internal, 'jobName'), 'job_name');
  same('resolvedDependencies[0].digest.gitCommit', at(at(firstDep, 'digest'), 'gitCommit'), 'sha');
  same('internalParameters.runId', at(internal, 'runId'), 'run_id');
  same('internalParameters.runAttempt', at(internal, 'runAttempt'), 'run_attempt');
  same('internalParameters.jobId', at(internal, 'jobId'), 'job_id');
  const builderId = `${claims.iss}/runner/${claims.runner_environment}`;
  if (at(builder, 'id') !== builderId) {
    throw new Failed(`runDetails.builder.id is not ${untrusted(builderId)}`);
  }
  return "statement's build context equals the token's claims";
}

function at(node, name) {
  return isJsonObject(node) ? member(node, name) : undefined;
}
