// Hallmark bundle verification in the browser: checks 1–8 of FORMATS §6 (bundle, trust-root,
// token, key-binding, signature, statement, build-context, log), in that order, stopping at the
// first failure. Checks 9 (artifact) and 10 (policy) do not apply here: the browser holds no
// artifact and no caller expectation.
//
// One dependency-free ES module that runs unchanged in a modern browser and in Node 20 (WebCrypto
// through globalThis.crypto.subtle, with Ed25519 for the log check; fatal UTF-8 decoding through
// TextDecoder, fetch). It agrees
// with the Java reference verifier (dev.hallmark.verifier.Verifier and the attestation classes it
// uses): every rule below cites FORMATS.md, and where the Java code adds a limit of its own (JSON
// number and member-name lengths) that is said where it is enforced.
//
//   const trustRoot = parseTrustRoot(fileBytes);              // or: await fetchTrustRoot(issuerUrl)
//   const result = await verifyBundle(bundleBytes, trustRoot);
//   result.status;        // 'verified' | 'failed' | 'unverifiable'
//   result.failedCheck;   // null, or the name of the first check that failed
//   result.log;           // what the log check proved (FORMATS §7's log member), or null
//
// Messages are one line, bounded, and never hold markup: values from a bundle, a trust root or a
// server pass through untrusted() before they appear in one.

// ------------------------------------------------------------------------------------ constants

/** FORMATS §6: the checks the browser runs, in order. */
export const CHECKS = Object.freeze([
  'bundle', 'trust-root', 'token', 'key-binding', 'signature', 'statement', 'build-context', 'log',
]);

/** FORMATS §6: a bundle larger than 10 MiB fails. */
const BUNDLE_LIMIT = 10 * 1024 * 1024;
/** FORMATS §1: trust root files, discovery documents and JWK Sets are bounded at 1 MiB. */
const DOCUMENT_LIMIT = 1024 * 1024;
/** FORMATS conventions: 64 levels pass, 65 fail (the top-level value is level 1). */
const MAX_DEPTH = 64;
/** As Java's CompactJws: a token is one member of a bundle, bounded well below the bundle. */
const MAX_TOKEN_LENGTH = 65535; // FORMATS conventions: 65,535 bytes, so every token can be a log entry (§8.1)
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

/** The log check failed by a named rule of FORMATS §8.4 (log.proof-missing, …), as Java's LogCheck. */
class LogFailed extends Failed {
  constructor(rule, message) {
    super(message);
    this.rule = rule;
  }
}

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

// ------------------------------------------------------------------------------------ SHA-256

/** FIPS 180-4 round constants. */
const SHA256_K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * SHA-256 of a short input, synchronously. Only for signed-note key IDs (FORMATS §8.2), which
 * parseTrustRoot must check while it parses, and parseTrustRoot is synchronous; everything else
 * hashes with WebCrypto.
 */
export function sha256Sync(input) {
  const bytes = asBytes(input);
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let at = 0; at < padded.length; at += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(at + 4 * i);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i];
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      k = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(4 * i, h[i]);
  return out;
}

// ------------------------------------------------------------------------------------ Ed25519

/** RFC 8032 §5.1: the field prime, the group order L, d, and sqrt(−1). */
const ED_P = 2n ** 255n - 19n;
const ED_L = 2n ** 252n + 27742317777372353535851937790883648493n;
const ED_D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const ED_SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
const ED25519 = Object.freeze({ name: 'Ed25519' });
/** The base point's encoding: any engine that has Ed25519 imports it. */
const ED_BASE_POINT = Uint8Array.from([
  0x58, ...new Array(31).fill(0x66),
]);

function littleEndian(bytes) {
  return bytesToBigInt(Uint8Array.from(bytes).reverse());
}

function modPow(base, exponent, modulus) {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/**
 * True when 32 bytes are a canonical point encoding that decodes per RFC 8032 §5.1.3, as Java's
 * Ed25519.decodes: y below p, x² = (y² − 1) / (d y² + 1) has a square root, and not x = 0 with
 * the sign bit set.
 */
export function ed25519Decodes(encoded) {
  const bytes = asBytes(encoded);
  if (bytes === null || bytes.length !== 32) return false;
  const sign = bytes[31] >> 7;
  const y = littleEndian(bytes) & (2n ** 255n - 1n);
  if (y >= ED_P) return false;
  const y2 = (y * y) % ED_P;
  const u = (y2 - 1n + ED_P) % ED_P;
  const v = (ED_D * y2 + 1n) % ED_P;
  const x2 = (u * modPow(v, ED_P - 2n, ED_P)) % ED_P;
  if (x2 === 0n) return sign === 0;
  let x = modPow(x2, (ED_P + 3n) / 8n, ED_P);
  if ((x * x) % ED_P !== x2) {
    x = (x * ED_SQRT_M1) % ED_P;
    if ((x * x) % ED_P !== x2) return false;
  }
  return true;
}

/** Whether a WebCrypto has Ed25519: asked once per crypto.subtle, by importing the base point. */
const ed25519Support = new WeakMap();

function ed25519Supported() {
  const subtle = requireSubtle();
  let answer = ed25519Support.get(subtle);
  if (answer === undefined) {
    answer = (async () => {
      try {
        await subtle.importKey('raw', ED_BASE_POINT, ED25519, false, ['verify']);
        return true;
      } catch (e) {
        return false;
      }
    })();
    ed25519Support.set(subtle, answer);
  }
  return answer;
}

/**
 * Verifies an Ed25519 signature strictly, as FORMATS §8.1 and Java's Ed25519.verify: a 32-byte
 * key and a 64-byte signature; A and R canonical and decodable (checked here, before WebCrypto
 * sees them, because engines differ on exactly these points); S below L; then WebCrypto's
 * cofactorless RFC 8032 §5.1.7 check, as the Java verifier's (the JDK's own Ed25519). FORMATS
 * §8.1 says nothing of small order: a key of small order is not refused here or in Java. Resolves
 * false for any defect or any WebCrypto error; never rejects.
 */
export async function verifyEd25519(publicKey, message, signature) {
  const pk = asBytes(publicKey);
  const sig = asBytes(signature);
  const msg = asBytes(message);
  if (pk === null || sig === null || msg === null || pk.length !== 32 || sig.length !== 64) return false;
  if (!ed25519Decodes(pk) || !ed25519Decodes(sig.subarray(0, 32))) return false;
  if (littleEndian(sig.subarray(32, 64)) >= ED_L) return false;
  try {
    const subtle = requireSubtle();
    const key = await subtle.importKey('raw', Uint8Array.from(pk), ED25519, false, ['verify']);
    return (await subtle.verify(ED25519, key, Uint8Array.from(sig), Uint8Array.from(msg))) === true;
  } catch (e) {
    return false; // fail closed
  }
}

// ------------------------------------------------------------------------------------ log: notes

/** A log proof, a log policy or a note key that is malformed (FORMATS §8.2, §8.3). */
export class LogError extends Refusal {}

/** signed-note types of FORMATS §8.1: a log's Ed25519 and a witness's cosignature/v1. */
const NOTE_TYPE_ED25519 = 0x01;
const NOTE_TYPE_COSIGNATURE = 0x04;
/** FORMATS §8.2, §8.3: a policy and a proof are at most 64 KiB. */
const LOG_TEXT_LIMIT = 64 * 1024;
const PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
const MAX_PROOF_HASHES = 63;
const MAX_SIGNATURE_LINES = 32;
const SIGNATURE_DASH = '\u2014 ';
const MAX_UINT64 = 2n ** 64n - 1n;
/** FORMATS §8.4: a cosignature more than 300 s in the verifier's future fails. */
const COSIGNATURE_SKEW_SECONDS = 300n;

/**
 * The code points Java's Character.isWhitespace or isSpaceChar accept (Unicode 13 Zs, Zl, Zp and
 * the ASCII/information separators): a signed-note key name holds none of them, as Java's
 * NoteKey.isKeyName says.
 */
function isJavaSpace(cp) {
  return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp === 0xa0 || cp === 0x1680
    || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f
    || cp === 0x205f || cp === 0x3000;
}

/** signed-note: a key name is non-empty, without '+' and without a space. */
function isKeyName(name) {
  if (typeof name !== 'string' || name === '') return false;
  for (const ch of name) {
    const cp = ch.codePointAt(0);
    if (cp === 0x2b || isJavaSpace(cp)) return false;
  }
  return true;
}

function utf8Length(text) {
  return UTF8_ENCODER.encode(text).length;
}

/** SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4], unsigned (FORMATS §8.2). */
function noteKeyId(name, type, key) {
  const h = sha256Sync(concatBytes([UTF8_ENCODER.encode(name), Uint8Array.of(0x0a, type), key]));
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

/**
 * A signed-note verifier key, as Java's NoteKey.parse: name+hex(key ID)+b64(type ‖ key), type
 * 0x01 or 0x04, a 32-byte key, the key ID SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]. Whether the key
 * decodes is judged only when it verifies (a key that does not decode verifies nothing).
 */
function parseNoteKey(vkey) {
  const plus1 = vkey.indexOf('+');
  const plus2 = plus1 < 0 ? -1 : vkey.indexOf('+', plus1 + 1);
  if (plus1 <= 0 || plus2 < 0) throw new LogError('verifier key is not name+keyid+key');
  const name = vkey.slice(0, plus1);
  const hexId = vkey.slice(plus1 + 1, plus2);
  if (!isKeyName(name)) throw new LogError("verifier key name is empty or holds a space or '+'");
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw new LogError('verifier key ID is not 8 lowercase hex digits');
  let material;
  try {
    material = decodeBase64(vkey.slice(plus2 + 1));
  } catch (e) {
    if (e instanceof Refusal) throw new LogError('verifier key material is not canonical base64');
    throw e;
  }
  if (material.length !== 33) {
    throw new LogError('verifier key material is not a type byte and a 32-byte Ed25519 key');
  }
  const type = material[0];
  if (type !== NOTE_TYPE_ED25519 && type !== NOTE_TYPE_COSIGNATURE) {
    throw new LogError(`verifier key type 0x${type.toString(16).padStart(2, '0')} is not Ed25519 (0x01) `
      + 'or cosignature/v1 (0x04)');
  }
  const key = material.slice(1);
  const keyId = parseInt(hexId, 16) >>> 0;
  if (keyId !== noteKeyId(name, type, key)) {
    throw new LogError('verifier key ID is not SHA-256(name, 0x0A, type, key)[:4]');
  }
  return Object.freeze({ name, keyId, type, key, text: vkey });
}

function sameNoteKey(a, b) {
  return a.key.length === b.key.length && a.key.every((v, i) => v === b.key[i]);
}

// ------------------------------------------------------------------------------------ log: policy

/**
 * Parses a c2sp.org/tlog-policy text with the precisions of FORMATS §8.2, rule for rule and in the
 * order of Java's LogPolicy.parse(String). Throws LogError naming the first defect.
 */
export function parseLogPolicy(text) {
  if (typeof text !== 'string') throw new LogError('log policy is not text');
  if (utf8Length(text) > LOG_TEXT_LIMIT) throw new LogError('log policy is larger than 64 KiB');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x09 && c !== 0x0a && (c < 0x20 || c === 0x7f)) {
      throw new LogError(`log policy holds the character U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  const logs = [];
  const witnesses = [];
  const groups = new Map();
  const names = new Set();
  const listed = new Set();
  const keys = [];
  let quorum = null;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const unique = (key, where) => {
    if (keys.some(k => sameNoteKey(k, key))) {
      throw new LogError(`${where}: the same public key is on two log or witness lines`);
    }
    keys.push(key);
  };
  const define = (name, where) => {
    if (name === 'none' || names.has(name)) {
      throw new LogError(`${where}: the name '${untrusted(name)}' is already defined`);
    }
    names.add(name);
  };
  const vkey = (vkeyText, type, where) => {
    let key;
    try {
      key = parseNoteKey(vkeyText);
    } catch (e) {
      if (e instanceof LogError) throw new LogError(`${where}: ${e.message}`);
      throw e;
    }
    if (key.type !== type) {
      throw new LogError(`${where}: a ${type === NOTE_TYPE_ED25519 ? 'log' : 'witness'} key must be of type 0x0${type}`);
    }
    return key;
  };
  body.split('\n').forEach((line, index) => {
    const where = `log policy line ${index + 1}`;
    // tlog-policy's blanks are space and tab only.
    const trimmed = line.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const f = trimmed.split(/[ \t]+/);
    switch (f[0]) {
      case 'log': {
        if (f.length < 2 || f.length > 3) throw new LogError(`${where}: expected 'log <vkey> [<url>]'`);
        const key = vkey(f[1], NOTE_TYPE_ED25519, where);
        unique(key, where);
        logs.push(Object.freeze({ key, url: f.length === 3 ? f[2] : null }));
        break;
      }
      case 'witness': {
        if (f.length < 3 || f.length > 4) throw new LogError(`${where}: expected 'witness <name> <vkey> [<url>]'`);
        define(f[1], where);
        const key = vkey(f[2], NOTE_TYPE_COSIGNATURE, where);
        unique(key, where);
        witnesses.push(Object.freeze({ name: f[1], key, url: f.length === 4 ? f[3] : null }));
        break;
      }
      case 'group': {
        if (f.length < 4) throw new LogError(`${where}: expected 'group <name> all|any|<k> <name>...'`);
        const members = f.slice(3);
        for (const m of members) {
          if (!names.has(m)) {
            throw new LogError(`${where}: group member '${untrusted(m)}' is not defined on an earlier line`);
          }
          if (listed.has(m)) throw new LogError(`${where}: '${untrusted(m)}' is listed as a group member twice`);
          listed.add(m);
        }
        let k;
        if (f[2] === 'all') {
          k = members.length;
        } else if (f[2] === 'any') {
          k = 1;
        } else if (/^[1-9][0-9]{0,8}$/.test(f[2])) {
          k = Number(f[2]);
          if (k > members.length) {
            throw new LogError(`${where}: threshold ${k} exceeds the group's ${members.length} members`);
          }
        } else {
          throw new LogError(`${where}: threshold is not all, any or a number from 1`);
        }
        define(f[1], where);
        groups.set(f[1], Object.freeze({ name: f[1], threshold: k, members: Object.freeze(members) }));
        break;
      }
      case 'quorum': {
        if (f.length !== 2) throw new LogError(`${where}: expected 'quorum <name>'`);
        if (quorum !== null) throw new LogError(`${where}: a second quorum line`);
        if (f[1] !== 'none' && !names.has(f[1])) {
          throw new LogError(`${where}: quorum '${untrusted(f[1])}' is not defined on an earlier line`);
        }
        quorum = f[1];
        break;
      }
      default:
        throw new LogError(`${where}: unknown keyword '${untrusted(f[0])}'`);
    }
  });
  if (logs.length === 0) throw new LogError('log policy has no log line');
  if (quorum === null) throw new LogError('log policy has no quorum line');
  return new LogPolicy(text, logs, witnesses, groups, quorum);
}

/**
 * The byte rules of a policy given as a file (Java's LogPolicy.parse(byte[])): at most 64 KiB,
 * no byte below 0x20 but tab and newline, no 0x7F, valid UTF-8; then the text rules.
 */
function parseLogPolicyBytes(input) {
  const bytes = asBytes(input);
  if (bytes === null) throw new LogError('log policy is not a byte array');
  if (bytes.length > LOG_TEXT_LIMIT) throw new LogError('log policy is larger than 64 KiB');
  for (const c of bytes) {
    if (c !== 0x09 && c !== 0x0a && (c < 0x20 || c === 0x7f)) {
      throw new LogError(`log policy holds the byte 0x${c.toString(16).padStart(2, '0')}`);
    }
  }
  let text;
  try {
    text = UTF8_DECODER.decode(bytes);
  } catch (e) {
    throw new LogError('log policy is not valid UTF-8');
  }
  return parseLogPolicy(text);
}

/** Bounded: a page of many batches keeps only recent checkpoints. */
const CHECKPOINT_CACHE_ENTRIES = 1024;

/** A parsed policy: which logs sign checkpoints, which witnesses cosign, and the quorum. */
class LogPolicy {
  #verified = new Map();

  constructor(text, logs, witnesses, groups, quorum) {
    this.text = text;
    this.logs = Object.freeze(logs);
    this.witnesses = Object.freeze(witnesses);
    this.groups = groups;
    this.quorum = quorum;
    Object.freeze(this);
  }

  /**
   * FORMATS §8.4 steps 2 and 3, as Java's LogPolicy.verify: the checkpoint's signatures and
   * cosignatures (verified once per checkpoint text, so that the bundles of one batch cost one set
   * of Ed25519 verifications), the 300 s future rule at nowSeconds, and the quorum. Resolves
   * {failure: {rule, message} | null, witnesses: [names in policy order], witnessedBefore: BigInt|null}.
   */
  async verify(checkpoint, nowSeconds) {
    const key = checkpoint.signedText;
    let sigs = this.#verified.get(key);
    if (sigs === undefined) {
      sigs = await this.#verifySignatures(checkpoint);
      if (this.#verified.size >= CHECKPOINT_CACHE_ENTRIES) this.#verified.clear();
      this.#verified.set(key, sigs);
    }
    if (sigs.failure !== null) return { failure: sigs.failure, witnesses: [], witnessedBefore: null };
    if (sigs.latest > BigInt(nowSeconds) + COSIGNATURE_SKEW_SECONDS) {
      return {
        failure: logFailure('log.cosignature-future', "a witness cosignature is dated more than 300 s in the verifier's future"),
        witnesses: [],
        witnessedBefore: null,
      };
    }
    const earliest = sigs.earliest;
    const names = this.witnesses.filter(w => earliest.has(w.name)).map(w => w.name);
    if (this.quorum === 'none') return { failure: null, witnesses: names, witnessedBefore: null };
    // The smallest T at which the quorum holds over the witnesses whose earliest cosignature is ≤ T.
    const times = [...new Set(earliest.values())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const t of times) {
      const seen = new Set([...earliest].filter(([, at]) => at <= t).map(([name]) => name));
      if (this.#holds(this.quorum, seen)) return { failure: null, witnesses: names, witnessedBefore: t };
    }
    return {
      failure: logFailure('log.quorum-not-met', "the witnesses' cosignatures do not meet the policy's quorum"),
      witnesses: names,
      witnessedBefore: null,
    };
  }

  /** Steps 2 and 3 without the clock: origin, every known signature, every known cosignature. */
  async #verifySignatures(checkpoint) {
    const refused = (rule, message) => ({ failure: logFailure(rule, message), earliest: new Map(), latest: 0n });
    if (!this.logs.some(log => log.key.name === checkpoint.origin)) {
      return refused('log.origin-unknown', "the checkpoint's origin is not the key name of a log of the policy");
    }
    const note = UTF8_ENCODER.encode(checkpoint.noteText);
    let logSigned = false;
    const earliest = new Map();
    let latest = 0n;
    for (const line of checkpoint.signatures) {
      for (const log of this.logs) {
        if (log.key.name === line.name && log.key.keyId === line.keyId) {
          if (!(await verifyEd25519(log.key.key, note, line.signature))) {
            return refused('log.signature-invalid', `the signature of log key '${untrusted(line.name)}' does not verify`);
          }
          if (line.name === checkpoint.origin) logSigned = true;
        }
      }
      for (const w of this.witnesses) {
        if (w.key.name === line.name && w.key.keyId === line.keyId) {
          const sig = line.signature;
          const who = `the cosignature of witness ${untrusted(w.name)}`;
          if (sig.length !== 8 + 64) return refused('log.cosignature-invalid', `${who} is not a timestamp and a signature`);
          const t = bytesToBigInt(sig.subarray(0, 8));
          if (t >= 2n ** 63n) return refused('log.cosignature-invalid', `${who} has a timestamp above 2^63-1`);
          const message = UTF8_ENCODER.encode(`cosignature/v1\ntime ${t}\n${checkpoint.noteText}`);
          if (!(await verifyEd25519(w.key.key, message, sig.subarray(8)))) {
            return refused('log.cosignature-invalid', `${who} does not verify`);
          }
          const before = earliest.get(w.name);
          earliest.set(w.name, before === undefined || t < before ? t : before);
          if (t > latest) latest = t;
        }
      }
    }
    if (!logSigned) {
      return refused('log.checkpoint-unsigned', "the checkpoint carries no signature of the policy's log for its origin");
    }
    return { failure: null, earliest, latest };
  }

  /** Whether a witness or group has witnessed, given the witnesses that cosigned. */
  #holds(name, cosigned) {
    const g = this.groups.get(name);
    if (g === undefined) return cosigned.has(name);
    let n = 0;
    for (const m of g.members) if (this.#holds(m, cosigned)) n++;
    return n >= g.threshold;
  }
}

function logFailure(rule, message) {
  return Object.freeze({ rule, message });
}

// ------------------------------------------------------------------------------------ log: proof

/**
 * FORMATS §8.3: no U+0000–U+001F but the newline, none of U+007F–U+009F, valid UTF-8 (a string
 * from strict JSON has no lone surrogate; one is refused all the same).
 */
function checkLogCharacters(text, what) {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if ((c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f)) {
      throw new LogError(`${what} holds the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(k + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        k++;
      } else {
        throw new LogError(`${what} is not valid UTF-8`);
      }
    }
  }
}

/** "Decimal" of FORMATS: ASCII digits, no sign, no leading zero unless 0; unsigned 64-bit. */
function logDecimal(s, what) {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(s)) throw new LogError(`logProof ${what} is not a decimal number`);
  const v = BigInt(s);
  if (v > MAX_UINT64) throw new LogError(`logProof ${what} is larger than 2^64-1`);
  return v;
}

function logHash(line, what) {
  let h;
  try {
    h = decodeBase64(line);
  } catch (e) {
    if (e instanceof Refusal) throw new LogError(`${what} is not canonical base64`);
    throw e;
  }
  if (h.length !== 32) throw new LogError(`${what} is not 32 bytes`);
  return h;
}

/**
 * Parses a bundle's logProof, a c2sp.org/tlog-proof@v1 text, as strictly as FORMATS §8.3 says and
 * in the order of Java's LogProof.parse. Returns {extra, index (BigInt), hashes, checkpoint}.
 * Throws LogError naming the first defect.
 */
export function parseLogProof(text) {
  if (typeof text !== 'string') throw new LogError('logProof is not text');
  if (text.length > LOG_TEXT_LIMIT || utf8Length(text) > LOG_TEXT_LIMIT) {
    throw new LogError('logProof is larger than 64 KiB');
  }
  checkLogCharacters(text, 'logProof');
  if (!text.endsWith('\n')) throw new LogError('logProof does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  let i = 0;
  if (lines[i++] !== PROOF_HEADER) throw new LogError(`logProof does not start with the line ${PROOF_HEADER}`);
  let extra = null;
  if (i < lines.length && lines[i].startsWith('extra ')) {
    try {
      extra = decodeBase64(lines[i].slice('extra '.length));
    } catch (e) {
      if (e instanceof Refusal) throw new LogError('logProof extra line is not canonical base64');
      throw e;
    }
    if (extra.length === 0) throw new LogError('logProof extra line is empty');
    i++;
  }
  if (i >= lines.length || !lines[i].startsWith('index ')) throw new LogError('logProof has no index line');
  const index = logDecimal(lines[i++].slice('index '.length), 'index');
  const hashes = [];
  while (i < lines.length && lines[i] !== '') {
    if (hashes.length === MAX_PROOF_HASHES) throw new LogError('logProof holds more than 63 hashes');
    hashes.push(logHash(lines[i++], 'inclusion proof hash'));
  }
  if (i >= lines.length) throw new LogError('logProof has no empty line before its checkpoint');
  i++;
  const note = lines.slice(i).map(l => l + '\n').join('');
  return Object.freeze({ extra, index, hashes: Object.freeze(hashes), checkpoint: parseSignedCheckpoint(note) });
}

/**
 * A c2sp.org/tlog-checkpoint as a signed note, as Java's Checkpoint.parseSigned: origin, tree
 * size, root hash, any extension lines, one empty line, 1 to 32 signature lines
 * "— <name> <b64(key ID ‖ signature)>", each line ending in a newline.
 */
function parseSignedCheckpoint(note) {
  checkLogCharacters(note, 'checkpoint');
  if (!note.endsWith('\n')) throw new LogError('checkpoint does not end with a newline');
  const lines = note.slice(0, -1).split('\n');
  const blank = lines.indexOf('');
  if (blank < 0) throw new LogError('checkpoint has no empty line before its signatures');
  if (blank < 3) throw new LogError('checkpoint has fewer than three lines (origin, size, root hash)');
  const origin = lines[0];
  const size = logDecimal(lines[1], 'checkpoint tree size');
  const rootHash = logHash(lines[2], 'checkpoint root hash');
  const signatures = lines.slice(blank + 1).map(signatureLine);
  if (signatures.length === 0) throw new LogError('checkpoint has no signature line');
  if (signatures.length > MAX_SIGNATURE_LINES) throw new LogError('checkpoint has more than 32 signature lines');
  // What the signatures cover: the lines before the empty one, each with its newline. Size and
  // root hash were read strictly, so this is the text exactly as the proof spells it.
  const noteText = lines.slice(0, blank).map(l => l + '\n').join('');
  return Object.freeze({
    origin, size, rootHash, noteText, signatures: Object.freeze(signatures), signedText: note,
  });
}

function signatureLine(line) {
  if (!line.startsWith(SIGNATURE_DASH)) {
    throw new LogError('checkpoint signature line does not start with an em dash and a space');
  }
  const rest = line.slice(SIGNATURE_DASH.length);
  const space = rest.indexOf(' ');
  if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
    throw new LogError("checkpoint signature line is not '— <name> <signature>'");
  }
  const name = rest.slice(0, space);
  if (!isKeyName(name)) throw new LogError('checkpoint signature line has an invalid key name');
  let b;
  try {
    b = decodeBase64(rest.slice(space + 1));
  } catch (e) {
    if (e instanceof Refusal) throw new LogError('checkpoint signature is not canonical base64');
    throw e;
  }
  if (b.length < 5) throw new LogError('checkpoint signature is shorter than a key ID and a signature');
  const keyId = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  return Object.freeze({ name, keyId, signature: b.slice(4) });
}

// ------------------------------------------------------------------------------------ log: Merkle

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ entry). */
async function leafHash(entry) {
  return sha256(concatBytes([Uint8Array.of(0x00), entry]));
}

/** RFC 6962 interior node: SHA-256(0x01 ‖ left ‖ right). */
async function nodeHash(left, right) {
  return sha256(concatBytes([Uint8Array.of(0x01), left, right]));
}

/**
 * RFC 9162 §2.1.3.2, as Java's Merkle.verifyInclusion: true when the proof leads from the leaf
 * hash at index to root in a tree of size leaves, with exactly the length index and size imply.
 * index and size are unsigned 64-bit BigInts.
 */
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.length === root.length && r.every((v, i) => v === root[i]);
}

// ------------------------------------------------------------------------------------ trust root

/**
 * The trusted issuer and its usable keys (FORMATS §1). Made only by parseTrustRoot and
 * fetchTrustRoot; verifyBundle accepts nothing else as a trust root.
 */
class TrustRoot {
  #byKid;

  constructor(issuer, jwks, keys, log) {
    /** The exact string a token's iss must equal. */
    this.issuer = issuer;
    /** The JWK Set as given, skipped keys included. */
    this.jwks = jwks;
    /** The usable keys: {kid, x, y, nbf, exp, revokedAt} (kid, nbf, exp, revokedAt null when absent). */
    this.keys = Object.freeze(keys);
    /** The transparency-log member (FORMATS §1, §8.2): {policy, since}, or null. */
    this.log = log;
    this.#byKid = new Map();
    for (const k of keys) if (k.kid !== null) this.#byKid.set(k.kid, k);
    Object.freeze(this);
  }

  /** This trust root with another log member (a caller's own policy, like --log-policy). */
  withLog(log) {
    return new TrustRoot(this.issuer, this.jwks, this.keys, log);
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
 * skipped; a malformed usable key, a non-integer nbf/exp/revokedAt or two usable keys with the
 * same kid make it invalid; so does a malformed log member or policy (FORMATS §8.2). Throws
 * TrustRootError.
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
  const log = member(root, 'log');
  return trustRootOf(issuer, jwks, log === undefined ? null : trustRootLog(log));
}

/**
 * A log member {"policy": P, "since": S} (FORMATS §1, §8.2), as Java's TrustRootLog.fromJson: any
 * defect makes the trust root invalid. Returns {policy, since}.
 */
function trustRootLog(value) {
  if (!isJsonObject(value)) throw invalidRoot("'log' is not an object");
  let text;
  let since;
  try {
    text = requireString(value, 'policy');
    since = requireTime(value, 'since');
  } catch (e) {
    throw invalidRoot(`log: ${messageOf(e)}`);
  }
  try {
    return Object.freeze({ policy: parseLogPolicy(text), since });
  } catch (e) {
    throw invalidRoot(`log.policy: ${messageOf(e)}`);
  }
}

/**
 * FORMATS §8.2, as Java's TrustRootLog.appliesTo: a token of key issued at iat needs a proof
 * unless iat is before since and the key has an exp not after since (a key retired at since);
 * and always when the key is revoked.
 */
function logApplies(log, key, iat) {
  if (key.revokedAt !== null) return true;
  return !(iat < log.since && key.exp !== null && key.exp <= log.since);
}

/** An issuer, a JWK Set and a log member or null (both forms end here), as Java's TrustRoot.of. */
function trustRootOf(issuer, jwks, log) {
  if (issuer === '') throw invalidRoot('issuer is empty');
  if (issuer.includes('?') || issuer.includes('#')) throw invalidRoot("issuer contains '?' or '#'");
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
  return new TrustRoot(issuer, jwks, usable, log);
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
  const revokedAt = shaped(() => optTime(jwk, 'revokedAt'), where); // FORMATS §8.4
  let key;
  try {
    key = p256FromJwk(jwk);
  } catch (e) {
    throw invalidRoot(`${where}: ${messageOf(e)}`);
  }
  return Object.freeze({
    kid: kid ?? null, x: key.x, y: key.y, nbf: nbf ?? null, exp: exp ?? null, revokedAt: revokedAt ?? null,
  });
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
    // FORMATS §1: a hallmark_log member is the trust root's log member, under the same rules.
    let log = null;
    if (Object.hasOwn(discovery, 'hallmark_log')) {
      try {
        log = trustRootLog(member(discovery, 'hallmark_log'));
      } catch (e) {
        throw new TrustRootError(`discovery document ${shownDiscovery}: hallmark_log: ${messageOf(e)}`);
      }
    }
    const jwksUri = discoveryMember(discovery, 'jwks_uri', shownDiscovery);
    checkSameOrigin(jwksUri, issuerChecked, shownDiscovery);
    const shownJwks = displayUrl(jwksUri);
    const jwks = parseDocument(await fetchDocument(jwksUri, fetcher), `JWK Set ${shownJwks}`);
    try {
      return trustRootOf(issuer, jwks, log);
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
 * Verifies bundle bytes against a trust root: checks 1–8 of FORMATS §6, in order, stopping at the
 * first failure. Never throws: bad input of any kind, and any unexpected error, is a failed check.
 *
 * trustRoot is the result of parseTrustRoot/fetchTrustRoot, or the TrustRootError either threw, or
 * null. A failing trust-root check gives status 'unverifiable' (the browser could not check;
 * unlike the command line, which reports a failure), as does a browser without WebCrypto, and a
 * browser whose WebCrypto lacks Ed25519 for a bundle to which a log policy applies. Any other
 * failing check gives 'failed'; all eight passing, 'verified'.
 *
 * options.now (milliseconds since the epoch, or a Date; default now) is the clock of the clock
 * rules: a token issued more than 300 s in the future fails (FORMATS §2), and so does a witness
 * cosignature dated more than 300 s in the future (§8.4). Expiry is not compared with the clock
 * (bundles are checked long after signing).
 *
 * options.logPolicy (bytes of a c2sp.org/tlog-policy text; optional) replaces the trust root's log
 * policy, as the command line's --log-policy does (FORMATS §7): since stays the trust root's, or 0;
 * a policy that is not valid fails trust-root.
 *
 * Returns {status, failedCheck, rule, message, log, checks: [{check, ok, message, rule}, ...]}:
 * rule is the failed rule's code where the check names its rules (log.quorum-not-met, …), else
 * null; log is what the log check proved, {origin, index, treeSize, witnesses, witnessedBefore}
 * (index, treeSize and witnessedBefore as BigInt, witnessedBefore null for quorum none), or null
 * when no log policy applied or the check did not pass.
 */
export async function verifyBundle(bundleBytes, trustRoot, options = {}) {
  const run = { bundleBytes, trustRoot, options, logEntry: null };
  const steps = {
    'bundle': checkBundle,
    'trust-root': checkTrustRoot,
    'token': checkToken,
    'key-binding': checkKeyBinding,
    'signature': checkSignature,
    'statement': checkStatement,
    'build-context': checkBuildContext,
    'log': checkLog,
  };
  const checks = [];
  for (const check of CHECKS) {
    let message;
    try {
      message = oneLine(await steps[check](run));
    } catch (e) {
      // Fail closed: an unexpected error fails the check that was running.
      message = oneLine(messageOf(e));
      const rule = e instanceof LogFailed ? e.rule : null;
      checks.push({ check, ok: false, message, rule });
      const status = check === 'trust-root' || e instanceof Unverifiable ? 'unverifiable' : 'failed';
      return { status, failedCheck: check, rule, message, log: null, checks };
    }
    checks.push({ check, ok: true, message, rule: null });
  }
  return {
    status: 'verified', failedCheck: null, rule: null, message: oneLine(verifiedSummary(run)),
    log: run.logEntry, checks,
  };
}

/** The verified badge's line: who built what, and where the log holds it. */
function verifiedSummary(run) {
  const c = run.claims;
  const built = `built from ${untrusted(c.repository)} ${untrusted(c.ref)} at ${untrusted(c.sha)} `
    + `by job ${untrusted(c.job_name)}, signed by ${untrusted(c.iss)}`;
  const e = run.logEntry;
  return e === null ? built : `${built}; log entry ${e.index} of ${untrusted(e.origin)}${witnessedPhrase(e)}`;
}

/** ", witnessed by W1, W2 before 2026-12-03T14:05:09Z", as Java's LogCheck says it. */
function witnessedPhrase(entry) {
  return (entry.witnesses.length === 0 ? '' : `, witnessed by ${entry.witnesses.map(untrusted).join(', ')}`)
    + (entry.witnessedBefore === null ? '' : ` before ${instantText(entry.witnessedBefore)}`);
}

/** Seconds since the epoch as Java's Instant.toString writes whole seconds. */
function instantText(seconds) {
  return new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** An unsigned count with thousands separators, as Java's "%,d" in Locale.ROOT: 1,024. */
function grouped(n) {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
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
  // FORMATS §5: a logProof that is not a string fails bundle; its content is the log check's.
  const logProof = optString(material, 'logProof');
  const envelope = parseEnvelope(requireObject(root, 'dsseEnvelope'));
  return { identityToken, publicKey, envelope, logProof: logProof ?? null };
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
  const policyBytes = run.options === null || run.options === undefined ? undefined : run.options.logPolicy;
  if (policyBytes !== undefined) {
    // FORMATS §7 (--log-policy): the policy replaces the trust root's; since stays its, or 0.
    let policy;
    try {
      policy = parseLogPolicyBytes(policyBytes);
    } catch (e) {
      throw new Failed(`invalid log policy: ${messageOf(e)}`);
    }
    run.root = root.withLog(Object.freeze({ policy, since: root.log === null ? 0 : root.log.since }));
  }
  const log = run.root.log;
  return `issuer ${untrusted(root.issuer)} with ${root.keys.length} usable key(s)`
    + (log === null ? '' : ` and a log policy (quorum ${untrusted(log.policy.quorum)})`);
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
    run.tokenIat = checkClaims(claims, root, key, kid, nowSeconds);
  } catch (e) {
    if (e instanceof Failed || !(e instanceof Refusal)) throw e;
    throw new Failed(`token claim ${e.message}`);
  }
  run.claims = claims;
  run.tokenKey = key;
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

/** The claims table and time rules of FORMATS §2, in the Java verifier's order; returns iat. */
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
  return iat;
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

// 8 ------------------------------------------------------------------------------ log

/**
 * FORMATS §8.4, rule for rule and in the order of Java's LogCheck.verify: whether a log policy
 * applies; the proof present and well-formed; the checkpoint signed by the policy's log and
 * cosigned to quorum (LogPolicy.verify); the index inside the tree and the inclusion proof from
 * the token's leaf hash to the root; a revoked key's entry witnessed before revokedAt.
 */
async function checkLog(run) {
  const log = run.root.log;
  const key = run.tokenKey;
  const applies = log === null ? key.revokedAt !== null : logApplies(log, key, run.tokenIat);
  if (!applies) return 'no log policy applies to this token';
  if (log === null) {
    // FORMATS §8.4 step 5: with no log policy, every token of a revoked key fails.
    throw new LogFailed('log.key-revoked',
      "the token's key is revoked and the trust root names no log to show it was logged before");
  }
  requireSubtle();
  if (!(await ed25519Supported())) {
    throw new Unverifiable("a log policy applies, and this browser's WebCrypto has no Ed25519 to check "
      + 'the log signatures with (FORMATS §8.4)');
  }
  const text = run.bundle.logProof;
  if (text === null) throw new LogFailed('log.proof-missing', 'a log policy applies and the bundle has no logProof');
  let proof;
  try {
    proof = parseLogProof(text);
  } catch (e) {
    if (e instanceof LogError) throw new LogFailed('log.proof-malformed', `logProof is malformed: ${e.message}`);
    throw e;
  }
  const checkpoint = proof.checkpoint;
  const verdict = await log.policy.verify(checkpoint, clockSeconds(run.options));
  if (verdict.failure !== null) throw new LogFailed(verdict.failure.rule, verdict.failure.message);
  const size = checkpoint.size;
  if (proof.index >= size) {
    throw new LogFailed('log.index-out-of-range', `logProof index ${proof.index} is not below the tree size ${size}`);
  }
  // The entry is the token's compact serialization, ASCII by then (check 3 decoded every part).
  const leaf = await leafHash(UTF8_ENCODER.encode(run.bundle.identityToken));
  if (!(await verifyInclusion(proof.index, size, leaf, proof.hashes, checkpoint.rootHash))) {
    throw new LogFailed('log.inclusion-invalid', "the inclusion proof does not lead from the token to the checkpoint's root");
  }
  if (key.revokedAt !== null) {
    if (verdict.witnessedBefore === null) {
      throw new LogFailed('log.key-revoked',
        "the token's key is revoked and the policy's quorum is none, so nothing dates the entry");
    }
    if (verdict.witnessedBefore >= BigInt(key.revokedAt)) {
      throw new LogFailed('log.key-revoked', `the token's key was revoked at ${key.revokedAt}, before the `
        + `witnesses saw the entry (${verdict.witnessedBefore})`);
    }
  }
  const entry = Object.freeze({
    origin: checkpoint.origin,
    index: proof.index,
    treeSize: size,
    witnesses: Object.freeze([...verdict.witnesses]),
    witnessedBefore: verdict.witnessedBefore,
  });
  run.logEntry = entry;
  return `entry ${grouped(entry.index)} of ${untrusted(entry.origin)} (tree ${grouped(size)})${witnessedPhrase(entry)}`;
}
