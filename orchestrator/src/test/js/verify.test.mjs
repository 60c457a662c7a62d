// verify.js against the Java verifier and the conformance corpus.
//
// HALLMARK_BROWSER_VECTORS: the vectors BrowserVerifierTest forges and records with the Java
// verifier (target/browser-vectors/<id>/{bundle.json,trust-root.json,expected.json}).
// HALLMARK_CONFORMANCE: the conformance corpus (the repository's vectors/conformance, read-only).
// Both are required: without them these tests fail, they never skip. The Java test sets both:
//   mvn -o -pl orchestrator test -Dtest=BrowserVerifierTest
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  CHECKS, TrustRootError, fetchTrustRoot, parseTrustRoot, verifyBundle,
} from '../../main/resources/dev/hallmark/orchestrator/dashboard/verify.js';

const VECTORS = process.env.HALLMARK_BROWSER_VECTORS;
const CORPUS = process.env.HALLMARK_CONFORMANCE;
const HOW = 'run BrowserVerifierTest (mvn -o -pl orchestrator test -Dtest=BrowserVerifierTest), '
  + 'which generates the vectors and runs these tests with both variables set';

const isDir = (p) => typeof p === 'string' && p !== '' && fs.existsSync(p) && fs.statSync(p).isDirectory();
const read = (...parts) => new Uint8Array(fs.readFileSync(path.join(...parts)));

/** parseTrustRoot, or the TrustRootError it threw (verifyBundle takes either). */
function trustRootFrom(bytes) {
  try {
    return parseTrustRoot(bytes);
  } catch (e) {
    if (e instanceof TrustRootError) return e;
    throw e;
  }
}

/** The status FORMATS §6 and the dashboard's contract give to a failed check (or null). */
function statusFor(failedCheck) {
  if (failedCheck === null) return 'verified';
  return failedCheck === 'trust-root' ? 'unverifiable' : 'failed';
}

/** The result's shape: checks in order, ending at the failure, every message one line. */
function assertWellFormed(result) {
  assert.ok(['verified', 'failed', 'unverifiable'].includes(result.status), result.status);
  assert.equal(typeof result.message, 'string');
  assert.doesNotMatch(result.message, /[\r\n<>]/);
  assert.ok(Array.isArray(result.checks) && result.checks.length >= 1);
  result.checks.forEach((c, i) => {
    assert.equal(c.check, CHECKS[i]);
    assert.equal(typeof c.ok, 'boolean');
    assert.equal(typeof c.message, 'string');
    assert.doesNotMatch(c.message, /[\r\n<>]/);
    assert.ok(c.rule === null || (c.check === 'log' && !c.ok && /^log\.[a-z-]+$/.test(c.rule)), String(c.rule));
    assert.equal(c.ok, i < result.checks.length - 1 || result.failedCheck === null, `ok of ${c.check}`);
  });
  if (result.failedCheck === null) {
    assert.equal(result.status, 'verified');
    assert.equal(result.checks.length, CHECKS.length);
    assert.equal(result.rule, null);
  } else {
    assert.equal(result.log, null);
    assert.equal(result.rule, result.checks.at(-1).rule);
    assert.equal(result.checks.at(-1).check, result.failedCheck);
    assert.equal(result.checks.at(-1).message, result.message);
  }
}

/** The result's log entry as the Java side writes it (FORMATS §7): integers as numbers. */
function logOf(result) {
  const e = result.log;
  if (e === null) return null;
  return {
    origin: e.origin,
    index: Number(e.index),
    treeSize: Number(e.treeSize),
    witnesses: [...e.witnesses],
    witnessedBefore: e.witnessedBefore === null ? null : Number(e.witnessedBefore),
  };
}

function describeResult(result) {
  return result.checks.map(c => `${c.check} ${c.ok ? 'ok' : 'FAILED: ' + c.message}`).join('; ');
}

// ---------------------------------------------------------------------------------- environment

test('HALLMARK_BROWSER_VECTORS names the folder of Java-made vectors', () => {
  assert.ok(VECTORS, `HALLMARK_BROWSER_VECTORS is not set: ${HOW}`);
  assert.ok(isDir(VECTORS), `HALLMARK_BROWSER_VECTORS=${VECTORS} is not a folder: ${HOW}`);
  assert.ok(fs.readdirSync(VECTORS).length > 0, `no vector in ${VECTORS}: ${HOW}`);
});

test('HALLMARK_CONFORMANCE names the conformance corpus', () => {
  assert.ok(CORPUS, `HALLMARK_CONFORMANCE is not set (it is vectors/conformance): ${HOW}`);
  assert.ok(fs.existsSync(path.join(CORPUS, 'manifest.json')), `no manifest.json in HALLMARK_CONFORMANCE=${CORPUS}`);
});

// ---------------------------------------------------------------------------------- Java vectors

describe('the Java verifier\'s vectors', () => {
  const ids = isDir(VECTORS) ? fs.readdirSync(VECTORS).filter(id => isDir(path.join(VECTORS, id))).sort() : [];
  for (const id of ids) {
    test(id, async () => {
      const expected = JSON.parse(fs.readFileSync(path.join(VECTORS, id, 'expected.json'), 'utf8'));
      const trustRoot = trustRootFrom(read(VECTORS, id, 'trust-root.json'));
      const result = await verifyBundle(read(VECTORS, id, 'bundle.json'), trustRoot,
        { now: expected.nowEpochSeconds * 1000 });
      const why = `${describeResult(result)} | Java: ${expected.failedCheck} ${expected.javaMessage ?? ''}`;
      assert.equal(result.failedCheck, expected.failedCheck, why);
      assert.deepEqual(result.checks.filter(c => c.ok).map(c => c.check), expected.checks, why);
      assert.equal(result.status, statusFor(expected.failedCheck), why);
      // The rule of the failed check (log.quorum-not-met, …) where Java names one, and the entry
      // the log check proved.
      assert.equal(result.rule, expected.rule ?? null, why);
      assert.deepEqual(logOf(result), expected.log, why);
      assertWellFormed(result);
    });
  }
});

// ---------------------------------------------------------------------------------- conformance

const manifest = CORPUS && fs.existsSync(path.join(CORPUS, 'manifest.json'))
  ? JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'))
  : { cases: [] };

describe('the conformance corpus', () => {
  test('the manifest is the v1 corpus and lists cases', () => {
    assert.equal(manifest.format, 'hallmark-v1-conformance');
    assert.ok(manifest.cases.length >= 20, `only ${manifest.cases.length} cases`);
  });
  for (const c of manifest.cases) {
    // Checks 9 (artifact) and 10 (policy) do not apply in the browser: such cases pass checks 1–8.
    const expected = CHECKS.includes(c.expect.failedCheck) ? c.expect.failedCheck : null;
    test(`${c.id} (${expected ?? 'verified in the browser'})`, async () => {
      let bundle;
      try {
        bundle = read(CORPUS, c.bundle);
      } catch (e) {
        assert.ok(c.mayBeUsageError, `cannot read ${c.bundle}`);
        bundle = null; // an unreadable bundle fails the bundle check
      }
      const result = await verifyBundle(bundle, trustRootFrom(read(CORPUS, c.trustRoot)));
      assert.equal(result.failedCheck, expected, describeResult(result));
      assert.equal(result.status, statusFor(expected));
      assertWellFormed(result);
    });
  }
});

// ---------------------------------------------------------------------------------- verifyBundle

const corpusCase = (id) => manifest.cases.find(c => c.id === id);
const genuine = () => read(CORPUS, corpusCase('valid-aud-array').bundle);
const corpusRoot = () => parseTrustRoot(read(CORPUS, manifest.trustRoot));

describe('verifyBundle', () => {
  test('a well-formed bundle without a trust root is unverifiable at trust-root', async () => {
    const result = await verifyBundle(genuine(), null);
    assert.equal(result.status, 'unverifiable');
    assert.equal(result.failedCheck, 'trust-root');
    assert.deepEqual(result.checks.map(c => [c.check, c.ok]), [['bundle', true], ['trust-root', false]]);
    assertWellFormed(result);
  });

  test('a trust root that could not be loaded is unverifiable, with its message', async () => {
    const error = new TrustRootError('https://ci.example/oidc/.well-known/openid-configuration answered HTTP 503');
    const result = await verifyBundle(genuine(), error);
    assert.equal(result.status, 'unverifiable');
    assert.equal(result.failedCheck, 'trust-root');
    assert.match(result.message, /HTTP 503/);
  });

  test('only a trust root made by parseTrustRoot or fetchTrustRoot counts', async () => {
    const root = corpusRoot();
    const lookalike = { issuer: root.issuer, keys: root.keys, jwks: root.jwks, key: (kid) => root.key(kid) };
    for (const fake of [lookalike, undefined, 'trust-root.json', {}, new Error('x')]) {
      const result = await verifyBundle(genuine(), fake);
      assert.equal(result.failedCheck, 'trust-root');
      assert.equal(result.status, 'unverifiable');
    }
  });

  test('a malformed bundle without a trust root fails at bundle (check 1 runs first)', async () => {
    const result = await verifyBundle(new TextEncoder().encode('{"mediaType":1}'), null);
    assert.equal(result.status, 'failed');
    assert.equal(result.failedCheck, 'bundle');
    assert.equal(result.checks.length, 1);
  });

  test('a genuine bundle verifies, as bytes, an ArrayBuffer or a Buffer', async () => {
    const bytes = genuine();
    for (const input of [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), Buffer.from(bytes)]) {
      const result = await verifyBundle(input, corpusRoot());
      assert.equal(result.status, 'verified', describeResult(result));
      assertWellFormed(result);
    }
  });

  test('the clock: a Date, milliseconds, or now; iat more than 300 s ahead fails token', async () => {
    const root = corpusRoot();
    const token = JSON.parse(new TextDecoder().decode(genuine())).verificationMaterial.identityToken;
    const iat = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).iat;
    const at = async (now) => (await verifyBundle(genuine(), root, { now })).failedCheck;
    assert.equal(await at((iat - 300) * 1000), null);
    assert.equal(await at((iat - 300) * 1000 - 1), 'token'); // floor to whole seconds, as Java
    assert.equal(await at(new Date((iat - 301) * 1000)), 'token');
    assert.equal(await at(new Date(Date.UTC(2100, 0, 1))), null); // expiry is not compared with the clock
    assert.equal(await at(undefined), null);
    assert.equal((await verifyBundle(genuine(), root)).failedCheck, null);
    assert.equal((await verifyBundle(genuine(), root, null)).failedCheck, null);
    assert.equal(await at(NaN), 'token');
    assert.equal(await at('2026-04-28'), 'token');
  });

  test('input that is not bytes fails the bundle check, never throws', async () => {
    for (const input of [null, undefined, 'bundle', 42, {}, [1, 2], new Uint16Array(4)]) {
      const result = await verifyBundle(input, corpusRoot());
      assert.equal(result.failedCheck, 'bundle');
      assert.equal(result.status, 'failed');
    }
  });

  test('an unexpected error inside a check fails that check (fail closed), never throws', async (t) => {
    const digest = t.mock.method(crypto.subtle, 'digest', async () => { throw new RangeError('boom'); });
    try {
      const result = await verifyBundle(genuine(), corpusRoot());
      assert.equal(result.status, 'failed');
      assert.equal(result.failedCheck, 'key-binding');
      assert.match(result.message, /unexpected error: RangeError/);
    } finally {
      digest.mock.restore();
    }
  });

  test('a WebCrypto verify that throws is a signature that does not verify', async (t) => {
    const verify = t.mock.method(crypto.subtle, 'verify', async () => { throw new Error('provider'); });
    try {
      const result = await verifyBundle(genuine(), corpusRoot());
      assert.equal(result.failedCheck, 'token');
      assert.equal(result.status, 'failed');
    } finally {
      verify.mock.restore();
    }
  });

  test('without WebCrypto (an insecure page) the bundle is unverifiable, not failed', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    const root = corpusRoot();
    Object.defineProperty(globalThis, 'crypto', { value: {}, configurable: true, writable: true });
    let result;
    try {
      result = await verifyBundle(genuine(), root);
    } finally {
      Object.defineProperty(globalThis, 'crypto', descriptor);
    }
    assert.equal(result.status, 'unverifiable');
    assert.equal(result.failedCheck, 'token');
    assert.match(result.message, /WebCrypto/);
  });

  test('the caller changing its buffer while verification runs does not change the verdict', async () => {
    const bytes = genuine();
    const pending = verifyBundle(bytes, corpusRoot());
    bytes.fill(0x20);
    assert.equal((await pending).status, 'verified');
  });

  test('random damage to a genuine bundle never makes verifyBundle throw', async () => {
    const original = genuine();
    const root = corpusRoot();
    let seed = 0x2545f491;
    const random = (n) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    for (let i = 0; i < 300; i++) {
      const bytes = original.slice();
      for (let k = 1 + random(3); k > 0; k--) bytes[random(bytes.length)] = random(256);
      const result = await verifyBundle(bytes, root);
      assertWellFormed(result);
    }
  });

  test('a bundle whose trust root comes from fetchTrustRoot verifies', async () => {
    const root = JSON.parse(fs.readFileSync(path.join(CORPUS, manifest.trustRoot), 'utf8'));
    const issuer = root.issuer;
    const documents = {
      [issuer + '/.well-known/openid-configuration']: { issuer, jwks_uri: issuer + '/jwks' },
      [issuer + '/jwks']: root.jwks,
    };
    const fetch = async (url) => documents[url] === undefined
      ? new Response('', { status: 404 })
      : new Response(JSON.stringify(documents[url]), { status: 200 });
    const result = await verifyBundle(genuine(), await fetchTrustRoot(issuer, { fetch }));
    assert.equal(result.status, 'verified', describeResult(result));
  });

  test('CHECKS are the eight browser checks of FORMATS §6, in order', () => {
    assert.deepEqual([...CHECKS],
      ['bundle', 'trust-root', 'token', 'key-binding', 'signature', 'statement', 'build-context', 'log']);
    assert.ok(Object.isFrozen(CHECKS));
  });
});
