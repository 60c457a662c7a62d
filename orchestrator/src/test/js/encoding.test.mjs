// Unit tests of verify.js's strict decoders (FORMATS conventions and §4): parseStrictJson,
// decodeBase64 / decodeBase64Url and derToRaw. Each rule is tested on its passing and its failing
// side. Run: node --test orchestrator/src/test/js/
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JsonError, JsonNumber, decodeBase64, decodeBase64Url, derToRaw, parseStrictJson,
} from '../../main/resources/dev/hallmark/orchestrator/dashboard/verify.js';

const utf8 = (s) => new TextEncoder().encode(s);
const bytes = (...b) => Uint8Array.from(b);
const LIMIT = 10 * 1024 * 1024;
const parse = (s, limit = LIMIT) => parseStrictJson(typeof s === 'string' ? utf8(s) : s, limit);
const rejects = (s, limit = LIMIT) => assert.throws(() => parse(s, limit), JsonError, String(s).slice(0, 80));
const nestArrays = (levels) => '['.repeat(levels) + ']'.repeat(levels);
const nestObjects = (levels) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

describe('parseStrictJson', () => {
  test('parses every JSON value type', () => {
    const v = parse('{"s":"x","n":-1.5e3,"t":true,"f":false,"z":null,"a":[1,{}],"o":{"k":"v"}}');
    assert.equal(v.s, 'x');
    assert.ok(v.n instanceof JsonNumber);
    assert.equal(v.n.lexeme, '-1.5e3');
    assert.equal(Number(v.n), -1500);
    assert.equal(v.t, true);
    assert.equal(v.f, false);
    assert.equal(v.z, null);
    assert.ok(Array.isArray(v.a));
    assert.equal(v.o.k, 'v');
    assert.equal(parse(' "top-level string" '), 'top-level string');
  });

  test('objects have a null prototype and "__proto__" is an ordinary member', () => {
    const v = parse('{"__proto__":{"polluted":true},"constructor":1}');
    assert.equal(Object.getPrototypeOf(v), null);
    assert.ok(Object.hasOwn(v, '__proto__'));
    assert.equal(v.__proto__.polluted, true);
    assert.equal({}.polluted, undefined);
    assert.equal(Object.hasOwn(parse('{}'), 'toString'), false);
  });

  test('unescapes strings', () => {
    assert.equal(parse('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"'), '"\\/\b\f\n\r\té😀');
    assert.equal(parse('"\u007f é 😀"'), '\u007f é 😀'); // raw DEL and non-ASCII are fine
  });

  describe('duplicate keys are refused at any depth', () => {
    test('top level', () => rejects('{"a":1,"a":1}'));
    test('nested in an array in an object', () => rejects('{"x":[{"b":1,"c":2,"b":3}]}'));
    test('spelled with an escape', () => rejects('{"a":1,"\\u0061":2}'));
    test('the same name in sibling objects is fine', () => parse('{"x":{"a":1},"y":{"a":1}}'));
    test('names differing in case are different', () => parse('{"a":1,"A":1}'));
  });

  describe('nesting: 64 levels pass, 65 fail', () => {
    test('arrays, 64', () => parse(nestArrays(64)));
    test('arrays, 65', () => rejects(nestArrays(65)));
    test('objects, 64', () => parse(nestObjects(64)));
    test('objects, 65', () => rejects(nestObjects(65)));
    test('mixed, 65', () => rejects('{"a":' + nestArrays(64) + '}'));
    test('scalars do not count as levels', () => parse('{"a":' + '['.repeat(63) + '1' + ']'.repeat(63) + '}'));
  });

  describe('byte-order mark', () => {
    test('leading BOM is refused', () => rejects(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d)));
    test('BOM after the value is refused', () => rejects(bytes(0x7b, 0x7d, 0xef, 0xbb, 0xbf)));
  });

  describe('UTF-8 must be valid (fatal decoding)', () => {
    const inString = (...b) => bytes(0x22, ...b, 0x22);
    test('overlong', () => rejects(inString(0xc0, 0xaf)));
    test('encoded surrogate', () => rejects(inString(0xed, 0xa0, 0x80)));
    test('truncated sequence', () => rejects(inString(0xe2, 0x82)));
    test('stray continuation byte', () => rejects(inString(0x80)));
    test('beyond U+10FFFF', () => rejects(inString(0xf4, 0x90, 0x80, 0x80)));
    test('0xFF', () => rejects(inString(0xff)));
    test('valid 2-, 3- and 4-byte sequences pass', () => {
      assert.equal(parse(inString(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)), 'é€😀');
    });
  });

  describe('nothing but JSON whitespace after the value', () => {
    for (const tail of ['x', ' {}', '}', ']', '\u0000', ',', '\f', '\u00a0', '\u2028']) {
      test(`refuses ${JSON.stringify(tail)} after the value`, () => rejects('{}' + tail));
    }
    test('space, tab, CR and LF around the value pass', () => parse(' \t\r\n{} \t\r\n'));
    test('form feed before the value is refused', () => rejects('\f{}'));
    test('a no-break space before the value is refused', () => rejects('\u00a0{}'));
  });

  describe('lone surrogates from \\u escapes are refused', () => {
    for (const s of ['"\\ud800"', '"\\udc00"', '"\\udc00\\ud800"', '"\\ud800x"', '"x\\udbff"', '{"\\ud800":1}']) {
      test(s, () => rejects(s));
    }
    test('a surrogate pair passes', () => assert.equal(parse('"\\uD83D\\uDE00"'), '😀'));
  });

  describe('size limit', () => {
    test('a document of exactly the limit passes', () => parse('[1]', 3));
    test('one byte over fails', () => rejects('[1] ', 3));
    test('an empty limit fails a non-empty document', () => rejects('1', 0));
  });

  describe('only RFC 8259 syntax', () => {
    const bad = [
      '', '   ', "'a'", '{a:1}', '{"a" 1}', '{"a":1,}', '[1,]', '[,1]', '[1 2]', '{"a":1 "b":2}', '{1:1}',
      '01', '-01', '+1', '.5', '1.', '1.e3', '1e', '1e+', '-', '--1', '0x10', 'NaN', 'Infinity', '-Infinity',
      'TRUE', 'nul', 'truex', 'undefined', '/*c*/1', '1//c', '#c\n1', '"a\tb"', '"a\nb"', '"a\u0000b"',
      '"\\x41"', '"\\u12G4"', '"\\u12"', '"\\U0041"', "\"\\'\"", '"\\a"', '"unterminated', '[1', '{"a":1',
      '{"a"', '{"a":}', '[}', '{]',
    ];
    for (const s of bad) test(`refuses ${JSON.stringify(s)}`, () => rejects(s));
    const good = ['0', '-0', '1', '-1', '1.5', '1e3', '1E+3', '1e-3', '0.0', '-0.0e-0', '[]', '{}', '""', 'null'];
    for (const s of good) test(`accepts ${JSON.stringify(s)}`, () => parse(s));
  });

  describe('numbers keep their lexeme (time values must be JSON integers)', () => {
    test('integers', () => {
      for (const s of ['0', '-0', '1777377600', '9007199254740991', '123456789012345678901234567890']) {
        const n = parse(s);
        assert.equal(n.lexeme, s);
        assert.equal(n.isInteger, true, s);
      }
    });
    test('a fraction or an exponent is not an integer, even when the value is whole', () => {
      for (const s of ['1.0', '1e3', '1E3', '1777377600.0', '1.7773776e9', '1777377600E0', '0e0']) {
        assert.equal(parse(s).isInteger, false, s);
      }
    });
    test('Java\'s limit: 1000 digits pass, 1001 fail', () => {
      parse('{"n":' + '7'.repeat(1000) + '}');
      rejects('{"n":' + '7'.repeat(1001) + '}');
      parse('{"n":-' + '7'.repeat(1000) + '}');
      parse('{"n":1.' + '5'.repeat(999) + '}');
      rejects('{"n":1.' + '5'.repeat(1000) + '}');
      rejects('{"n":1e' + '1'.repeat(1000) + '}');
    });
  });

  describe('member names', () => {
    test('Java\'s limit: 50000 characters pass', () => parse('{"' + 'n'.repeat(50000) + '":1}'));
    test('50001 fail', () => rejects('{"' + 'n'.repeat(50001) + '":1}'));
  });

  describe('input', () => {
    test('an ArrayBuffer is accepted', () => assert.deepEqual(Object.keys(parseStrictJson(utf8('{"a":1}').buffer, 100)), ['a']));
    test('a string is not bytes', () => assert.throws(() => parseStrictJson('{}', 100), JsonError));
    test('null is not bytes', () => assert.throws(() => parseStrictJson(null, 100), JsonError));
    test('a missing limit fails', () => assert.throws(() => parseStrictJson(utf8('{}')), JsonError));
    test('messages are one line', () => {
      try {
        parse('{"a":1,\n"a":2}');
        assert.fail('expected a JsonError');
      } catch (e) {
        assert.ok(e instanceof JsonError);
        assert.doesNotMatch(e.message, /[\r\n]/);
      }
    });
  });
});

describe('base64 is canonical (FORMATS conventions, Base64Strict)', () => {
  const samples = [[], [0], [0, 1], [0, 1, 2], [255, 254, 253, 252], [251, 255, 191, 62, 63]];
  test('padded standard base64 round-trips', () => {
    for (const s of samples) {
      const b = Uint8Array.from(s);
      const text = Buffer.from(b).toString('base64');
      assert.deepEqual(decodeBase64(text), b, text);
    }
  });
  test('unpadded base64url round-trips', () => {
    for (const s of samples) {
      const b = Uint8Array.from(s);
      const text = Buffer.from(b).toString('base64url');
      assert.deepEqual(decodeBase64Url(text), b, text);
    }
  });
  const badStd = {
    'missing padding': 'QQ',
    'missing one pad': 'QUI',
    'extra padding': 'QUJD====',
    'pad on a full quantum': 'QUJD=',
    'non-zero pad bits (2 bytes)': 'QUJ=',
    'non-zero pad bits (1 byte)': 'QR==',
    'line break': 'QUJD\nQUJD',
    'CRLF': 'QUJD\r\n',
    'space': 'QUJD QUJD',
    'base64url character -': 'a-8=',
    'base64url character _': 'a_8=',
    'padding in the middle': 'QQ==QQ==',
    'a single character': 'Q',
    'five characters': 'QUJDR',
    'non-ASCII': 'QUJé',
  };
  for (const [name, text] of Object.entries(badStd)) {
    test(`b64 refuses ${name}`, () => assert.throws(() => decodeBase64(text)));
  }
  const badUrl = {
    'padding': 'QQ==',
    'a single pad': 'QUI=',
    'standard character +': 'a+8',
    'standard character /': 'a/8',
    'non-zero pad bits': 'QR',
    'non-zero pad bits (2 bytes)': 'QUJ',
    'whitespace': 'QUJD ',
    'a single character': 'Q',
  };
  for (const [name, text] of Object.entries(badUrl)) {
    test(`b64url refuses ${name}`, () => assert.throws(() => decodeBase64Url(text)));
  }
  test('the empty string is the empty byte string', () => {
    assert.equal(decodeBase64('').length, 0);
    assert.equal(decodeBase64Url('').length, 0);
  });
  test('non-strings are refused', () => {
    assert.throws(() => decodeBase64(null));
    assert.throws(() => decodeBase64Url(42));
  });
});

describe('derToRaw is strict DER (FORMATS §4, DerSignature)', () => {
  const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  /** Minimal positive DER INTEGER content for v. */
  const intBytes = (v) => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    const b = Buffer.from(hex, 'hex');
    return b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
  };
  const integer = (content) => Buffer.concat([Buffer.from([0x02, content.length]), content]);
  const sequence = (...parts) => {
    const body = Buffer.concat(parts);
    return Uint8Array.from(Buffer.concat([Buffer.from([0x30, body.length]), body]));
  };
  const der = (r, s) => sequence(integer(intBytes(r)), integer(intBytes(s)));
  const raw = (r, s) => Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex');
  const R = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n; // top bit clear
  const S = 0xc8f0e8e6f0a5e44b6b2a9d0b8d2fd6a7a3f1c4d1e6b2a9d0b8d2fd6a7a3f1c4dn; // top bit set

  test('converts to 64-byte r‖s', () => {
    assert.deepEqual(Buffer.from(derToRaw(der(R, S))), raw(R, S));
    assert.deepEqual(Buffer.from(derToRaw(der(1n, N - 1n))), raw(1n, N - 1n));
    assert.equal(derToRaw(der(1n, 1n)).length, 64);
  });
  test('r = 0 is refused', () => assert.throws(() => derToRaw(der(0n, S))));
  test('s = 0 is refused', () => assert.throws(() => derToRaw(der(R, 0n))));
  test('r = n is refused', () => assert.throws(() => derToRaw(der(N, S))));
  test('s = n + s is refused (no reduction mod n)', () => assert.throws(() => derToRaw(der(R, N + 5n))));
  test('a non-minimal integer (redundant 0x00) is refused', () => {
    assert.throws(() => derToRaw(sequence(integer(Buffer.concat([Buffer.from([0]), intBytes(R)])), integer(intBytes(S)))));
  });
  test('a negative integer (top bit set, no 0x00) is refused', () => {
    assert.throws(() => derToRaw(sequence(integer(intBytes(R)), integer(intBytes(S).subarray(1)))));
  });
  test('a zero-length integer is refused', () => {
    assert.throws(() => derToRaw(sequence(integer(Buffer.alloc(0)), integer(intBytes(S)), integer(intBytes(1n)))));
  });
  test('a 34-byte integer is refused', () => {
    assert.throws(() => derToRaw(sequence(integer(Buffer.concat([Buffer.from([0, 0]), intBytes(R)])), integer(intBytes(1n)))));
  });
  test('a long-form sequence length is refused', () => {
    const d = der(R, S);
    assert.throws(() => derToRaw(Uint8Array.from([0x30, 0x81, ...d.subarray(1)])));
  });
  test('a wrong sequence length is refused', () => {
    const d = der(R, S);
    d[1] -= 1;
    assert.throws(() => derToRaw(d));
  });
  test('a byte after the sequence is refused', () => {
    assert.throws(() => derToRaw(Uint8Array.from([...der(R, S), 0])));
  });
  test('a byte inside the sequence after the integers is refused', () => {
    assert.throws(() => derToRaw(sequence(integer(intBytes(R)), integer(intBytes(S)), Buffer.from([0]))));
  });
  test('three integers are refused', () => {
    assert.throws(() => derToRaw(sequence(integer(intBytes(R)), integer(intBytes(S)), integer(intBytes(1n)))));
  });
  test('one integer is refused', () => assert.throws(() => derToRaw(sequence(integer(intBytes(R))))));
  test('another outer tag is refused', () => {
    const d = der(R, S);
    d[0] = 0x31;
    assert.throws(() => derToRaw(d));
  });
  test('another integer tag is refused', () => {
    const d = der(R, S);
    d[2] = 0x03;
    assert.throws(() => derToRaw(d));
  });
  test('raw r‖s is not DER', () => assert.throws(() => derToRaw(Uint8Array.from(raw(R, S)))));
  test('fewer than 8 bytes are refused', () => assert.throws(() => derToRaw(Uint8Array.from([0x30, 0x05, 0x02, 0x01, 0x01, 0x02, 0x00]))));
  test('more than 72 bytes are refused', () => assert.throws(() => derToRaw(new Uint8Array(73).fill(0x30))));
  test('the empty signature is refused', () => assert.throws(() => derToRaw(new Uint8Array(0))));
  test('non-bytes are refused', () => assert.throws(() => derToRaw('MEUCIQ==')));
});
