// Unit tests of verify.js's trust roots (FORMATS §1): parseTrustRoot (the offline file, as
// Java's TrustRoot) and fetchTrustRoot (the online form, as Java's OnlineIssuer) with an injected
// fake fetch. Run: node --test orchestrator/src/test/js/
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TrustRootError, fetchTrustRoot, parseTrustRoot,
} from '../../main/resources/dev/hallmark/orchestrator/dashboard/verify.js';

const ISSUER = 'https://ci.test.example/oidc';
const MiB = 1024 * 1024;
const utf8 = (s) => new TextEncoder().encode(s);

async function freshPublicJwk() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty, crv, x, y };
}

const KEY = { ...(await freshPublicJwk()), alg: 'ES256', use: 'sig', kid: 'k-2026', nbf: 1767225600, exp: 1893456000 };
const OTHER = await freshPublicJwk();

const rootBytes = (keys, issuer = ISSUER) => utf8(JSON.stringify({ issuer, jwks: { keys } }));
const invalid = (bytes) => assert.throws(() => parseTrustRoot(bytes), TrustRootError);
/** A JWK's JSON with one member's value written raw (numbers JSON.stringify cannot spell). */
const withRawMember = (jwk, name, raw) => JSON.stringify({ ...jwk, [name]: '@@' }).replace('"@@"', raw);
const rootWithRawKey = (keyJson) => utf8(`{"issuer":"${ISSUER}","jwks":{"keys":[${keyJson}]}}`);

describe('parseTrustRoot', () => {
  test('a valid root: issuer and usable keys with kid and period', () => {
    const root = parseTrustRoot(rootBytes([KEY, { ...OTHER, kid: 'k-2025' }]));
    assert.equal(root.issuer, ISSUER);
    assert.equal(root.keys.length, 2);
    assert.equal(root.key('k-2026').nbf, 1767225600);
    assert.equal(root.key('k-2026').exp, 1893456000);
    assert.equal(root.key('k-2025').nbf, null);
    assert.equal(root.key('nope'), null);
    assert.ok(Object.isFrozen(root));
  });

  test('an ArrayBuffer is accepted; a string is not', () => {
    assert.equal(parseTrustRoot(rootBytes([KEY]).buffer).issuer, ISSUER);
    invalid(JSON.stringify({ issuer: ISSUER, jwks: { keys: [] } }));
  });

  describe('private members void the whole root', () => {
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      test(`'${m}' on a usable key`, () => invalid(rootBytes([{ ...KEY, [m]: 'AQAB' }])));
    }
    test("'k' on a skipped oct key", () => invalid(rootBytes([KEY, { kty: 'oct', k: 'c2VjcmV0', kid: 'h' }])));
    test("'d' on a skipped RSA key", () => invalid(rootBytes([KEY, { kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' }])));
  });

  describe('keys the verifier cannot use are skipped, not fatal', () => {
    const skipped = {
      'kty RSA': { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k-2026' },
      'kty OKP': { kty: 'OKP', crv: 'Ed25519', x: 'AQAB', kid: 'k-2026' },
      'crv P-384': { kty: 'EC', crv: 'P-384', x: 'bad', y: 'bad', kid: 'k-2026' },
      'alg ES384': { ...OTHER, x: 'bad', alg: 'ES384', kid: 'k-2026' },
      'use enc': { ...OTHER, x: 'bad', use: 'enc', kid: 'k-2026' },
      'kty as a number': { ...OTHER, kty: 7 },
    };
    for (const [name, jwk] of Object.entries(skipped)) {
      test(name, () => {
        const root = parseTrustRoot(rootBytes([jwk, KEY]));
        assert.equal(root.keys.length, 1);
        assert.equal(root.key('k-2026').x, KEY.x);
      });
    }
    test('a root with no usable key is valid', () => assert.equal(parseTrustRoot(rootBytes([])).keys.length, 0));
    test('a usable key without kid is kept but cannot be named', () => {
      const root = parseTrustRoot(rootBytes([OTHER]));
      assert.equal(root.keys.length, 1);
      assert.equal(root.keys[0].kid, null);
    });
  });

  describe('a malformed usable key makes the root invalid', () => {
    const x = Buffer.from(KEY.x, 'base64url');
    test('x of 33 bytes', () => invalid(rootBytes([{ ...KEY, x: Buffer.concat([Buffer.alloc(1), x]).toString('base64url') }])));
    test('x of 31 bytes', () => invalid(rootBytes([{ ...KEY, x: x.subarray(1).toString('base64url') }])));
    test('point off the curve', () => invalid(rootBytes([{ ...KEY, y: KEY.x }])));
    test('x not below the field prime', () => invalid(rootBytes([{ ...KEY, x: Buffer.alloc(32, 0xff).toString('base64url') }])));
    test('x padded', () => invalid(rootBytes([{ ...KEY, x: KEY.x + '=' }])));
    test('x missing', () => invalid(rootBytes([{ ...KEY, x: undefined }])));
    test('alg null', () => invalid(rootBytes([{ ...KEY, alg: null }])));
    test('use a number', () => invalid(rootBytes([{ ...KEY, use: 1 }])));
    test('kid a number', () => invalid(rootBytes([{ ...KEY, kid: 7 }])));
  });

  describe('nbf and exp are JSON integers from 0 to 2^53-1', () => {
    for (const raw of ['"1893456000"', '1893456000.0', '1.893456E9', '-1', '9007199254740992', 'null', 'true', '[1]']) {
      test(`exp ${raw} is invalid`, () => invalid(rootWithRawKey(withRawMember(KEY, 'exp', raw))));
      test(`nbf ${raw} is invalid`, () => invalid(rootWithRawKey(withRawMember(KEY, 'nbf', raw))));
    }
    test('0 and 2^53-1 are valid', () => {
      const root = parseTrustRoot(rootWithRawKey(withRawMember({ ...KEY, nbf: 0 }, 'exp', '9007199254740991')));
      assert.equal(root.keys[0].nbf, 0);
      assert.equal(root.keys[0].exp, 2 ** 53 - 1);
    });
    test('-0 is the integer 0, as in Java', () => {
      assert.equal(parseTrustRoot(rootWithRawKey(withRawMember(KEY, 'nbf', '-0'))).keys[0].nbf, 0);
    });
  });

  describe('kids', () => {
    test('two usable keys with one kid are invalid', () => invalid(rootBytes([KEY, { ...OTHER, kid: 'k-2026' }])));
    test('a skipped key may share a usable key\'s kid', () => {
      assert.equal(parseTrustRoot(rootBytes([KEY, { ...OTHER, kid: 'k-2026', alg: 'ES512' }])).keys.length, 1);
    });
    test('the empty string is a kid', () => assert.notEqual(parseTrustRoot(rootBytes([{ ...KEY, kid: '' }])).key(''), null));
  });

  describe('shape', () => {
    test('empty issuer', () => invalid(rootBytes([KEY], '')));
    test('issuer missing', () => invalid(utf8(JSON.stringify({ jwks: { keys: [] } }))));
    test('issuer a number', () => invalid(utf8(JSON.stringify({ issuer: 1, jwks: { keys: [] } }))));
    test('jwks missing', () => invalid(utf8(JSON.stringify({ issuer: ISSUER }))));
    test('keys not an array', () => invalid(utf8(JSON.stringify({ issuer: ISSUER, jwks: { keys: KEY } }))));
    test('a key not an object', () => invalid(rootBytes(['key'])));
    test('not JSON', () => invalid(utf8('issuer: x')));
    test('a JSON array', () => invalid(utf8('[]')));
    test('duplicate member', () => invalid(utf8(`{"issuer":"${ISSUER}","issuer":"${ISSUER}","jwks":{"keys":[]}}`)));
    test('byte-order mark', () => invalid(Uint8Array.from([0xef, 0xbb, 0xbf, ...rootBytes([KEY])])));
    test('larger than 1 MiB', () => {
      const base = rootBytes([KEY]);
      const padded = new Uint8Array(MiB + 1).fill(0x20);
      padded.set(base);
      invalid(padded);
    });
    test('exactly 1 MiB (whitespace-padded) is fine', () => {
      const base = rootBytes([KEY]);
      const padded = new Uint8Array(MiB).fill(0x20);
      padded.set(base);
      assert.equal(parseTrustRoot(padded).issuer, ISSUER);
    });
  });

  test('messages are one line and name the problem', () => {
    try {
      parseTrustRoot(rootBytes([{ ...KEY, d: 'AQAB' }]));
      assert.fail('expected a TrustRootError');
    } catch (e) {
      assert.ok(e instanceof TrustRootError);
      assert.match(e.message, /private member 'd'/);
      assert.doesNotMatch(e.message, /[\r\n<>]/);
    }
  });
});

// ---------------------------------------------------------------------------------- online form

const JWKS = { keys: [KEY] };

/**
 * A fake fetch serving JSON documents by URL. Each route is a value (served as JSON with status
 * 200) or a function (url, init) → Response. Records every call.
 */
function fakeFetch(routes) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init });
    const route = routes[url];
    if (route === undefined) return new Response('not found', { status: 404 });
    if (typeof route === 'function') return route(url, init);
    return new Response(typeof route === 'string' ? route : JSON.stringify(route), { status: 200 });
  };
  return { fetch, calls };
}

function discoveryFor(issuer, jwksUri = issuer + '/jwks') {
  return { issuer, jwks_uri: jwksUri };
}

function servedIssuer(issuer, { discovery = discoveryFor(issuer), jwks = JWKS, jwksUri } = {}) {
  return fakeFetch({
    [issuer + '/.well-known/openid-configuration']: discovery,
    [jwksUri ?? discovery.jwks_uri ?? issuer + '/jwks']: jwks,
  });
}

async function refused(promise, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof TrustRootError, `not a TrustRootError: ${e}`);
    assert.doesNotMatch(e.message, /[\r\n]/);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

describe('fetchTrustRoot', () => {
  test('fetches discovery, then the JWK Set, and yields the same trust root as the file', async () => {
    const { fetch, calls } = servedIssuer(ISSUER);
    const root = await fetchTrustRoot(ISSUER, { fetch });
    assert.equal(root.issuer, ISSUER);
    assert.equal(root.key('k-2026').x, KEY.x);
    assert.deepEqual(calls.map(c => c.url), [ISSUER + '/.well-known/openid-configuration', ISSUER + '/jwks']);
    for (const c of calls) {
      assert.equal(c.init.redirect, 'error', 'redirects must not be followed');
      assert.equal(c.init.credentials, 'omit');
      assert.ok(c.init.signal instanceof AbortSignal, 'every fetch carries the deadline');
    }
    assert.equal(calls[0].init.signal, calls[1].init.signal, 'one deadline for both fetches');
  });

  test('strips one trailing slash, no more', async () => {
    const { fetch } = servedIssuer(ISSUER);
    assert.equal((await fetchTrustRoot(ISSUER + '/', { fetch })).issuer, ISSUER);
    const twice = servedIssuer(ISSUER + '/');
    assert.equal((await fetchTrustRoot(ISSUER + '//', { fetch: twice.fetch })).issuer, ISSUER + '/');
    await refused(fetchTrustRoot(ISSUER + '//', { fetch }));
  });

  describe('issuer mismatch', () => {
    for (const named of [ISSUER + '/', 'https://CI.test.example/oidc', 'https://attacker.example/oidc', ISSUER + ' ']) {
      test(`discovery naming ${JSON.stringify(named)}`, async () => {
        const { fetch } = servedIssuer(ISSUER, { discovery: discoveryFor(named, ISSUER + '/jwks') });
        await refused(fetchTrustRoot(ISSUER, { fetch }), /names the issuer/);
      });
    }
    test('discovery without issuer', async () => {
      const { fetch } = servedIssuer(ISSUER, { discovery: { jwks_uri: ISSUER + '/jwks' } });
      await refused(fetchTrustRoot(ISSUER, { fetch }));
    });
  });

  describe('jwks_uri must be on the issuer\'s origin', () => {
    const foreign = [
      'https://attacker.example/jwks', 'https://ci.test.example:8443/jwks', 'http://ci.test.example/jwks',
      'https://ci.test.example.attacker.example/jwks', 'https://attacker.example@ci.test.example/jwks',
      '/oidc/jwks', 'jwks', '//attacker.example/jwks', 'https://ci.test.example/jwks#frag',
      'https:\\\\attacker.example\\jwks', 'https://ci.test.example\\@attacker.example/jwks',
    ];
    for (const uri of foreign) {
      test(`refuses ${uri}`, async () => {
        const { fetch, calls } = servedIssuer(ISSUER, { discovery: discoveryFor(ISSUER, uri), jwksUri: uri });
        await refused(fetchTrustRoot(ISSUER, { fetch }));
        assert.equal(calls.length, 1, 'the JWK Set must not be fetched');
      });
    }
    test('the same origin spelled with an explicit default port and upper-case host is the same', async () => {
      const uri = 'https://CI.test.example:443/keys/jwks.json';
      const { fetch } = servedIssuer(ISSUER, { discovery: discoveryFor(ISSUER, uri), jwksUri: uri });
      assert.equal((await fetchTrustRoot(ISSUER, { fetch })).keys.length, 1);
    });
  });

  describe('HTTPS only, except plain HTTP to a literal loopback host', () => {
    for (const issuer of [
      'http://ci.test.example/oidc', 'http://127.1:8080', 'http://0x7f.0.0.1', 'http://127.0.0.1.nip.io',
      'http://localhost.example', 'http://128.0.0.1', 'http://[::2]', 'http://2130706433', 'http://127.000.0.1',
      'ftp://ci.test.example', 'file:///etc/passwd', 'javascript:alert(1)', 'ci.test.example/oidc', '',
      'https://user:pw@ci.test.example/oidc', 'https://ci.test.example/oidc#x', 'https://ci.test.example/oidc?q=1',
      'https://ci.test.example:0/oidc', 'https://ci.test.example:99999/oidc', 'https://ci_test.example/oidc',
      'https://ci.test.example/o idc', 'https://%63i.test.example/oidc', 'https://ci.tést.example/oidc',
    ]) {
      test(`refuses ${JSON.stringify(issuer)} before any fetch`, async () => {
        const { fetch, calls } = fakeFetch({});
        await refused(fetchTrustRoot(issuer, { fetch }));
        assert.equal(calls.length, 0);
      });
    }
    for (const issuer of ['http://127.0.0.1:8080', 'http://localhost:9', 'http://LOCALHOST', 'http://[::1]:8080/oidc', 'http://127.255.0.1']) {
      test(`allows ${issuer}`, async () => {
        const { fetch } = servedIssuer(issuer);
        assert.equal((await fetchTrustRoot(issuer, { fetch })).issuer, issuer);
      });
    }
    test('a jwks_uri over plain HTTP on a loopback issuer\'s origin is allowed', async () => {
      const issuer = 'http://127.0.0.1:8080';
      const { fetch } = servedIssuer(issuer, { discovery: discoveryFor(issuer, 'http://127.0.0.1:8080/jwks') });
      assert.equal((await fetchTrustRoot(issuer, { fetch })).keys.length, 1);
    });
  });

  describe('size: at most 1 MiB each', () => {
    test('an oversize discovery body', async () => {
      const big = JSON.stringify(discoveryFor(ISSUER)) + ' '.repeat(MiB);
      const { fetch } = servedIssuer(ISSUER, { discovery: big });
      await refused(fetchTrustRoot(ISSUER, { fetch }), /exceeds/);
    });
    test('an oversize JWK Set', async () => {
      const big = JSON.stringify(JWKS) + ' '.repeat(MiB);
      const { fetch } = servedIssuer(ISSUER, { jwks: big });
      await refused(fetchTrustRoot(ISSUER, { fetch }), /exceeds/);
    });
    test('a body of exactly 1 MiB is fine', async () => {
      const text = JSON.stringify(JWKS);
      const { fetch } = servedIssuer(ISSUER, { jwks: text + ' '.repeat(MiB - text.length) });
      assert.equal((await fetchTrustRoot(ISSUER, { fetch })).keys.length, 1);
    });
    test('a declared Content-Length over 1 MiB is refused before reading', async () => {
      const { fetch } = fakeFetch({
        [ISSUER + '/.well-known/openid-configuration']: () => new Response(JSON.stringify(discoveryFor(ISSUER)), {
          status: 200, headers: { 'content-length': String(MiB + 1) },
        }),
      });
      await refused(fetchTrustRoot(ISSUER, { fetch }), /exceeds/);
    });
    test('a long stream is cut off after 1 MiB, not buffered', async () => {
      let pulled = 0;
      let cancelled = false;
      const endless = new ReadableStream({
        pull(controller) {
          if (pulled >= 16 * MiB) {
            controller.close(); // bounded, so that a reader without the cap fails rather than hangs
            return;
          }
          pulled += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        },
        cancel() {
          cancelled = true;
        },
      });
      const { fetch } = fakeFetch({ [ISSUER + '/.well-known/openid-configuration']: () => new Response(endless, { status: 200 }) });
      await refused(fetchTrustRoot(ISSUER, { fetch }), /exceeds/);
      assert.ok(pulled <= MiB + 2 * 64 * 1024, `read ${pulled} bytes`);
      assert.ok(cancelled, 'the stream was cancelled');
    });
  });

  describe('no redirect followed', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      test(`HTTP ${status}`, async () => {
        const { fetch } = fakeFetch({
          [ISSUER + '/.well-known/openid-configuration']: () => new Response(null, {
            status, headers: { location: 'https://attacker.example/.well-known/openid-configuration' },
          }),
        });
        await refused(fetchTrustRoot(ISSUER, { fetch }), /redirect/);
      });
    }
    test('a fetch that rejects the redirect (redirect: "error")', async () => {
      const fetch = async (url, init) => {
        assert.equal(init.redirect, 'error');
        throw new TypeError('fetch failed: unexpected redirect');
      };
      await refused(fetchTrustRoot(ISSUER, { fetch }), /redirect/);
    });
    test('a response that was redirected anyway', async () => {
      const fetch = async () => {
        const r = new Response(JSON.stringify(discoveryFor(ISSUER)), { status: 200 });
        Object.defineProperty(r, 'redirected', { value: true });
        return r;
      };
      await refused(fetchTrustRoot(ISSUER, { fetch }), /redirect/);
    });
    test('a response from another URL', async () => {
      const fetch = async () => {
        const r = new Response(JSON.stringify(discoveryFor(ISSUER)), { status: 200 });
        Object.defineProperty(r, 'url', { value: 'https://attacker.example/.well-known/openid-configuration' });
        return r;
      };
      await refused(fetchTrustRoot(ISSUER, { fetch }));
    });
  });

  describe('other failures', () => {
    for (const status of [204, 404, 500]) {
      test(`HTTP ${status}`, async () => {
        const { fetch } = fakeFetch({ [ISSUER + '/.well-known/openid-configuration']: () => new Response(null, { status }) });
        await refused(fetchTrustRoot(ISSUER, { fetch }), new RegExp(String(status)));
      });
    }
    test('unreachable', async () => {
      await refused(fetchTrustRoot(ISSUER, { fetch: async () => { throw new TypeError('ECONNREFUSED'); } }));
    });
    test('discovery not JSON', async () => {
      const { fetch } = servedIssuer(ISSUER, { discovery: '<html>' });
      await refused(fetchTrustRoot(ISSUER, { fetch }));
    });
    test('discovery with duplicate keys', async () => {
      const { fetch } = servedIssuer(ISSUER, {
        discovery: `{"issuer":"${ISSUER}","issuer":"${ISSUER}","jwks_uri":"${ISSUER}/jwks"}`, jwksUri: ISSUER + '/jwks',
      });
      await refused(fetchTrustRoot(ISSUER, { fetch }));
    });
    test('jwks_uri missing', async () => {
      const { fetch } = servedIssuer(ISSUER, { discovery: { issuer: ISSUER } });
      await refused(fetchTrustRoot(ISSUER, { fetch }));
    });
    test('a JWK Set with a private key', async () => {
      const { fetch } = servedIssuer(ISSUER, { jwks: { keys: [{ ...KEY, d: 'AQAB' }] } });
      await refused(fetchTrustRoot(ISSUER, { fetch }), /private member/);
    });
    test('a fetch that answers nonsense', async () => {
      await refused(fetchTrustRoot(ISSUER, { fetch: async () => 42 }));
    });
    test('no fetch, or an issuer that is not a string', async () => {
      await refused(fetchTrustRoot(ISSUER, { fetch: null }));
      await refused(fetchTrustRoot(new URL(ISSUER), { fetch: fakeFetch({}).fetch }));
    });
    test('a server-chosen issuer name with markup does not reach the message as markup', async () => {
      const { fetch } = servedIssuer(ISSUER, { discovery: discoveryFor('<img src=x onerror=alert(1)>\n', ISSUER + '/jwks') });
      await refused(fetchTrustRoot(ISSUER, { fetch }), /^[^<>]*$/);
    });
  });

  describe('one time-out for both fetches together', () => {
    /** Answers after delayMs unless the request's signal aborts first. */
    const slow = (delayMs, body) => (url, init) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(new Response(JSON.stringify(body), { status: 200 })), delayMs);
      init.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
    test('a server that never answers', async () => {
      const started = Date.now();
      const { fetch } = fakeFetch({ [ISSUER + '/.well-known/openid-configuration']: slow(60_000, {}) });
      await refused(fetchTrustRoot(ISSUER, { fetch, timeoutMs: 150 }), /time-out/);
      assert.ok(Date.now() - started < 5000);
    });
    test('each fetch within the budget, both together over it', async () => {
      const { fetch } = fakeFetch({
        [ISSUER + '/.well-known/openid-configuration']: slow(200, discoveryFor(ISSUER)),
        [ISSUER + '/jwks']: slow(200, JWKS),
      });
      await refused(fetchTrustRoot(ISSUER, { fetch, timeoutMs: 300 }), /time-out/);
    });
    test('both within the budget', async () => {
      const { fetch } = fakeFetch({
        [ISSUER + '/.well-known/openid-configuration']: slow(20, discoveryFor(ISSUER)),
        [ISSUER + '/jwks']: slow(20, JWKS),
      });
      assert.equal((await fetchTrustRoot(ISSUER, { fetch, timeoutMs: 2000 })).keys.length, 1);
    });
    test('a body that stalls', async () => {
      const stalled = new ReadableStream({ start(c) { c.enqueue(utf8('{')); } });
      const fetch = async (url, init) => {
        const r = new Response(stalled, { status: 200 });
        return r;
      };
      await refused(fetchTrustRoot(ISSUER, { fetch, timeoutMs: 150 }));
    });
    test('an invalid time-out', async () => {
      await refused(fetchTrustRoot(ISSUER, { fetch: fakeFetch({}).fetch, timeoutMs: 0 }));
      await refused(fetchTrustRoot(ISSUER, { fetch: fakeFetch({}).fetch, timeoutMs: NaN }));
    });
  });
});
