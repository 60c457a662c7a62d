// verify.js's check 8, log (FORMATS §8): the log corpus (vectors/log, made by an independent
// implementation), strict Ed25519 (§8.1), the policy parser (§8.2), the proof parser (§8.3), the
// Merkle inclusion proof, the trust root's log member, and a browser without Ed25519.
//
// HALLMARK_LOG_CORPUS: the log corpus (the repository's vectors/log, read-only); required, these
// tests fail without it. BrowserVerifierTest sets it:
//   mvn -o -pl orchestrator -am verify -DskipITs -Dtest=BrowserVerifierTest -Dsurefire.failIfNoSpecifiedTests=false
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign } from 'node:crypto';
import {
  CHECKS, LogError, TrustRootError, ed25519Decodes, fetchTrustRoot, parseLogPolicy, parseLogProof,
  parseTrustRoot, sha256Sync, verifyBundle, verifyEd25519, verifyInclusion,
} from '../../main/resources/dev/hallmark/orchestrator/dashboard/verify.js';

const CORPUS = process.env.HALLMARK_LOG_CORPUS;
const HOW = 'run BrowserVerifierTest, which sets HALLMARK_LOG_CORPUS to vectors/log';
const utf8 = (s) => new TextEncoder().encode(s);
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const hex = (bytes) => Buffer.from(bytes).toString('hex');

// ---------------------------------------------------------------------------------- Ed25519 helpers

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const le = (bytes) => BigInt('0x' + (hex(Uint8Array.from(bytes).reverse()) || '0'));
const le32 = (v) => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse());
const sha512 = (...parts) => createHash('sha512').update(Buffer.concat(parts.map(p => Buffer.from(p)))).digest();
const cat = (...parts) => Uint8Array.from(Buffer.concat(parts.map(p => Buffer.from(p))));

/** A key pair from a seed: the private key, the public key A = [a]B, and the scalar a. */
function keyPair(seedByte) {
  const seed = Buffer.alloc(32, seedByte);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
  const h = sha512(seed);
  const s = Uint8Array.from(h.subarray(0, 32));
  s[0] &= 248;
  s[31] &= 127;
  s[31] |= 64;
  return { privateKey, publicKey: Uint8Array.from(publicKey), scalar: le(s) % L };
}

/** k = SHA-512(R ‖ A ‖ M) mod L (RFC 8032 §5.1.7). */
const challenge = (r, a, message) => le(sha512(r, a, message)) % L;

const MESSAGE = utf8('ci.test.example/oidc/log\n6\n' + b64(new Uint8Array(32)) + '\n');
const SIGNER = keyPair(7);
const IDENTITY = le32(1n);

/**
 * A signature that satisfies the cofactorless equation [S]B = R + [k]A for a public key of small
 * order (so [k]A is the identity for the k found): R = [a]B of some seed, S = a. The seed is
 * searched until k is a multiple of order.
 */
function smallOrderSignature(publicKey, order, message = MESSAGE) {
  for (let seed = 1; ; seed++) {
    const { publicKey: r, scalar } = keyPair(seed);
    if (challenge(r, publicKey, message) % BigInt(order) === 0n) return cat(r, le32(scalar));
  }
}

/** A signature by SIGNER whose R is the given encoding of the identity: S = k·a. */
function identityRSignature(rEncoding, message = MESSAGE) {
  const k = challenge(rEncoding, SIGNER.publicKey, message);
  return cat(rEncoding, le32((k * SIGNER.scalar) % L));
}

async function webCryptoAccepts(publicKey, message, signature) {
  const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

describe('Ed25519, strictly (FORMATS §8.1)', () => {
  const genuine = Uint8Array.from(nodeSign(null, MESSAGE, SIGNER.privateKey));

  test('a genuine signature verifies; another message, key or signature does not', async () => {
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, genuine), true);
    assert.equal(await verifyEd25519(SIGNER.publicKey, utf8('another message'), genuine), false);
    assert.equal(await verifyEd25519(keyPair(8).publicKey, MESSAGE, genuine), false);
    const flipped = genuine.slice();
    flipped[10] ^= 1;
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, flipped), false);
  });

  test('S ≥ L is refused (S + L is the same scalar)', async () => {
    const s = le(genuine.subarray(32));
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, cat(genuine.subarray(0, 32), le32(s + L))), false);
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, cat(genuine.subarray(0, 32), le32(s))), true);
  });

  test('R of small order, canonically encoded, verifies: RFC 8032 refuses encodings, not orders', async () => {
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, identityRSignature(IDENTITY)), true);
  });

  test('R encoded non-canonically (y = p + 1, the identity) is refused', async () => {
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, identityRSignature(le32(P + 1n))), false);
  });

  test('R with x = 0 and the sign bit set is refused', async () => {
    const r = IDENTITY.slice();
    r[31] |= 0x80;
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, identityRSignature(r)), false);
  });

  test('R with a component of small order fails: the check is cofactorless ([S]B = R + [k]A exactly)', async () => {
    // R' = R + (0, −1) = (−x, −y), and S = r + k'·a with k' = H(R' ‖ A ‖ M): a cofactored check
    // ([8][S]B = [8]R' + [8][k']A) accepts this; FORMATS §8.1 does not.
    const { publicKey: r, scalar } = keyPair(21);
    const y = le(r) & (2n ** 255n - 1n);
    const rPrime = le32(P - y);
    if ((r[31] & 0x80) === 0) rPrime[31] |= 0x80;
    const k = challenge(rPrime, SIGNER.publicKey, MESSAGE);
    const sig = cat(rPrime, le32((scalar + k * SIGNER.scalar) % L));
    assert.equal(ed25519Decodes(rPrime), true);
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, sig), false);
  });

  test('A of small order is not refused: FORMATS §8.1 refuses encodings, not orders (as Java and WebCrypto)', async () => {
    const sig = smallOrderSignature(IDENTITY, 1);
    assert.equal(await webCryptoAccepts(IDENTITY, MESSAGE, sig), true);
    assert.equal(await verifyEd25519(IDENTITY, MESSAGE, sig), true);
    const order8 = le32(0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n);
    const order2 = le32(P - 1n);
    for (const [key, order] of [[order8, 8], [order2, 2], [le32(0n), 4]]) {
      const s = smallOrderSignature(key, order);
      assert.equal(await webCryptoAccepts(key, MESSAGE, s), true, `premise for order ${order}`);
      assert.equal(await verifyEd25519(key, MESSAGE, s), true, `order ${order}`);
    }
  });

  test('A encoded non-canonically (y = p + 1) or with x = 0 and the sign bit set is refused', async () => {
    const signed = IDENTITY.slice();
    signed[31] |= 0x80;
    for (const key of [le32(P + 1n), signed]) {
      assert.equal(ed25519Decodes(key), false);
      assert.equal(await verifyEd25519(key, MESSAGE, smallOrderSignature(key, 1)), false);
    }
  });

  test('a key that does not decode (no square root for x) is refused', async () => {
    let y = 2n;
    while (ed25519Decodes(le32(y))) y++;
    assert.equal(await verifyEd25519(le32(y), MESSAGE, genuine), false);
  });

  test('ed25519Decodes: canonical, decodable encodings only', () => {
    assert.equal(ed25519Decodes(SIGNER.publicKey), true);
    assert.equal(ed25519Decodes(Uint8Array.from([0x58, ...new Array(31).fill(0x66)])), true); // the base point
    assert.equal(ed25519Decodes(IDENTITY), true);
    assert.equal(ed25519Decodes(le32(P)), false); // y = p
    assert.equal(ed25519Decodes(le32(2n ** 255n - 1n)), false);
    assert.equal(ed25519Decodes(new Uint8Array(31)), false);
  });

  test('wrong lengths and non-bytes are refused, never thrown', async () => {
    assert.equal(await verifyEd25519(SIGNER.publicKey.subarray(1), MESSAGE, genuine), false);
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, genuine.subarray(1)), false);
    assert.equal(await verifyEd25519(SIGNER.publicKey, MESSAGE, cat(genuine, [0])), false);
    assert.equal(await verifyEd25519('key', MESSAGE, genuine), false);
  });

  test('sha256Sync agrees with WebCrypto', async () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 200]) {
      const input = crypto.getRandomValues(new Uint8Array(n));
      assert.equal(hex(sha256Sync(input)), hex(new Uint8Array(await crypto.subtle.digest('SHA-256', input))), `${n} bytes`);
    }
  });
});

// ---------------------------------------------------------------------------------- policy parser

/** A vkey: name+hex(SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4])+b64(type ‖ key). */
function vkey(name, type, key) {
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, type]), Buffer.from(key)]))
    .digest().subarray(0, 4);
  return `${name}+${hex(id)}+${b64(cat([type], key))}`;
}

const LOG_VKEY = vkey('ci.test.example/oidc/log', 1, keyPair(1).publicKey);
const W1 = vkey('w1.example', 4, keyPair(2).publicKey);
const W2 = vkey('w2.example', 4, keyPair(3).publicKey);
const W3 = vkey('w3.example', 4, keyPair(4).publicKey);
const POLICY = `log ${LOG_VKEY}\nwitness W1 ${W1}\nwitness W2 ${W2}\nwitness W3 ${W3}\ngroup G 2 W1 W2 W3\nquorum G\n`;

describe('parseLogPolicy (FORMATS §8.2)', () => {
  test('reads logs, witnesses, groups and the quorum', () => {
    const p = parseLogPolicy(POLICY);
    assert.equal(p.logs.length, 1);
    assert.equal(p.logs[0].key.name, 'ci.test.example/oidc/log');
    assert.deepEqual(p.witnesses.map(w => w.name), ['W1', 'W2', 'W3']);
    assert.equal(p.quorum, 'G');
    assert.equal(p.text, POLICY);
  });

  test('accepts comments, blank lines, tabs, URLs, all/any, quorum none and a missing last newline', () => {
    for (const text of [
      `# the policy\n\n  log\t${LOG_VKEY}  https://log.example/  \nwitness W1 ${W1} https://w1.example/\n`
        + `  # indented comment\ngroup G all W1\ngroup H any G\nquorum H`,
      `log ${LOG_VKEY}\nquorum none\n`,
      `log ${LOG_VKEY}\nwitness W1 ${W1}\nquorum W1\n`,
      `log ${LOG_VKEY}\nwitness W1 ${W1}\nwitness W2 ${W2}\ngroup G 2 W1 W2\nquorum G\n`,
    ]) {
      assert.doesNotThrow(() => parseLogPolicy(text), text);
    }
  });

  const refused = {
    'larger than 64 KiB': POLICY + '#'.repeat(64 * 1024) + '\n',
    'a carriage return': POLICY.replace('quorum G\n', 'quorum G\r\n'),
    'a NUL byte': POLICY + '\0',
    'a DEL character': POLICY + '# \x7f\n',
    'no log line': POLICY.slice(POLICY.indexOf('\n') + 1),
    'no quorum line': POLICY.replace('quorum G\n', ''),
    'two quorum lines': POLICY + 'quorum W1\n',
    'quorum of an undefined name': POLICY.replace('quorum G', 'quorum X'),
    'quorum before its group': POLICY.replace('group G 2 W1 W2 W3\nquorum G\n', 'quorum G\ngroup G 2 W1 W2 W3\n'),
    'quorum with two names': POLICY.replace('quorum G', 'quorum G W1'),
    'an unknown keyword': POLICY + 'witnesses 2\n',
    'a keyword in upper case': POLICY.replace('quorum G', 'Quorum G'),
    'log line without a key': POLICY + 'log\n',
    'log line with four fields': POLICY.replace(`log ${LOG_VKEY}`, `log ${LOG_VKEY} https://a/ extra`),
    'witness line without a key': POLICY + 'witness W9\n',
    'witness line with five fields': POLICY.replace(`witness W1 ${W1}`, `witness W1 ${W1} https://a/ extra`),
    'a witness named none': POLICY.replace('witness W1 ', 'witness none ').replace('G 2 W1', 'G 2 W2').replace(' W2 W3', ' W3'),
    'a name defined twice': POLICY.replace(`witness W2 ${W2}`, `witness W1 ${W2}`),
    'a group named like a witness': POLICY.replace('group G ', 'group W1 '),
    'a group member not defined before': POLICY.replace('group G 2 W1 W2 W3', 'group G 2 W1 W2 W4'),
    'a member listed twice': POLICY.replace('group G 2 W1 W2 W3\nquorum G', 'group G 1 W1 W2\ngroup H 1 W1 W3\nquorum H'),
    'a threshold of 0': POLICY.replace('group G 2', 'group G 0'),
    'a threshold with a leading zero': POLICY.replace('group G 2', 'group G 02'),
    'a threshold above the members': POLICY.replace('group G 2', 'group G 4'),
    'a threshold that is a word': POLICY.replace('group G 2', 'group G most'),
    'a group without members': POLICY.replace('group G 2 W1 W2 W3', 'group G 2'),
    'a vkey without its parts': POLICY.replace(LOG_VKEY, 'ci.test.example/oidc/log'),
    'a vkey with an empty name': POLICY.replace(LOG_VKEY, LOG_VKEY.slice(LOG_VKEY.indexOf('+'))),
    'a vkey name with a no-break space': POLICY.replace(`witness W1 ${W1}`, `witness W1 ${vkey('w1\u00a0x', 4, keyPair(2).publicKey)}`),
    'a key ID in upper case': POLICY.replace(W1, W1.replace(/\+([0-9a-f]{8})\+/, (m, id) => `+${id.toUpperCase()}+`)),
    'a key ID of 7 digits': POLICY.replace(W1, W1.replace(/\+([0-9a-f]{8})\+/, (m, id) => `+${id.slice(1)}+`)),
    'a key ID that is not SHA-256(name, type, key)': POLICY.replace(W1, W1.replace(/\+([0-9a-f]{8})\+/, '+00000000+')),
    'key material not canonical base64': POLICY.replace(W1, W1.slice(0, -1) + String.fromCharCode(W1.charCodeAt(W1.length - 1) ^ 1)),
    'key material of 32 bytes': POLICY.replace(W1, `w1.example+00000000+${b64(keyPair(2).publicKey)}`),
    'key type 0x02': POLICY.replace(W1, vkey('w1.example', 2, keyPair(2).publicKey)),
    'a log key of type 0x04': POLICY.replace(LOG_VKEY, vkey('ci.test.example/oidc/log', 4, keyPair(1).publicKey)),
    'a witness key of type 0x01': POLICY.replace(W1, vkey('w1.example', 1, keyPair(2).publicKey)),
    'one public key on two lines': POLICY.replace(W3, vkey('w3.example', 4, keyPair(1).publicKey)),
  };
  for (const [name, text] of Object.entries(refused)) {
    test(`refuses ${name}`, () => {
      assert.throws(() => parseLogPolicy(text), LogError);
    });
  }
});

// ---------------------------------------------------------------------------------- proof parser

const HASH = b64(new Uint8Array(32).fill(7));
const SIG_LINE = `\u2014 ci.test.example/oidc/log ${b64(new Uint8Array(68).fill(9))}\n`;
const NOTE = `ci.test.example/oidc/log\n6\n${HASH}\n`;
const PROOF = `c2sp.org/tlog-proof@v1\nindex 3\n${HASH}\n${HASH}\n${HASH}\n\n${NOTE}\n${SIG_LINE}`;

describe('parseLogProof (FORMATS §8.3)', () => {
  test('reads the index, the hashes and the signed checkpoint', () => {
    const p = parseLogProof(PROOF);
    assert.equal(p.index, 3n);
    assert.equal(p.hashes.length, 3);
    assert.equal(p.extra, null);
    assert.equal(p.checkpoint.origin, 'ci.test.example/oidc/log');
    assert.equal(p.checkpoint.size, 6n);
    assert.equal(p.checkpoint.noteText, NOTE);
    assert.equal(p.checkpoint.signatures.length, 1);
    assert.equal(p.checkpoint.signatures[0].signature.length, 64);
  });

  test('accepts an extra line, extension lines, no hash, 63 hashes, an index of 2^64 - 1 and 32 signatures', () => {
    const many = (n, line) => line.repeat(n);
    for (const text of [
      PROOF.replace('@v1\n', '@v1\nextra AAEC\n'),
      PROOF.replace(`${HASH}\n\n— `, `${HASH}\nextension one\nextension two\n\n— `),
      `c2sp.org/tlog-proof@v1\nindex 0\n\n${NOTE}\n${SIG_LINE}`,
      `c2sp.org/tlog-proof@v1\nindex 3\n${many(63, HASH + '\n')}\n${NOTE}\n${SIG_LINE}`,
      PROOF.replace('index 3', 'index 18446744073709551615'),
      `c2sp.org/tlog-proof@v1\nindex 3\n\n${NOTE}\n${many(32, SIG_LINE)}`,
    ]) {
      assert.doesNotThrow(() => parseLogProof(text), text.slice(0, 60));
    }
    assert.equal(parseLogProof(PROOF.replace('index 3', 'index 18446744073709551615')).index, 2n ** 64n - 1n);
  });

  const refused = {
    'larger than 64 KiB': PROOF.replace('@v1\n', `@v1\nextra ${'A'.repeat(64 * 1024)}\n`),
    'a carriage return': PROOF.replace(/\n/g, '\r\n'),
    'a tab': PROOF.replace('index 3', 'index\t3'),
    'a C1 control character': PROOF.replace('ci.test.example/oidc/log\n6', 'ci.test.example/oidc/log\u0085\n6'),
    'a DEL character': PROOF.replace('ci.test.example/oidc/log\n6', 'ci.test.example/oidc/log\u007f\n6'),
    'no final newline': PROOF.slice(0, -1),
    'another first line': PROOF.replace('tlog-proof@v1', 'tlog-proof@v2'),
    'an empty extra line': PROOF.replace('@v1\n', '@v1\nextra \n'),
    'an extra line that is not canonical base64': PROOF.replace('@v1\n', '@v1\nextra AAF=\n'),
    'no index line': PROOF.replace('index 3\n', ''),
    'an index with a leading zero': PROOF.replace('index 3', 'index 03'),
    'an index with a sign': PROOF.replace('index 3', 'index +3'),
    'an index of 2^64': PROOF.replace('index 3', 'index 18446744073709551616'),
    'an index line with two spaces': PROOF.replace('index 3', 'index  3'),
    'a hash of 31 bytes': PROOF.replace(`3\n${HASH}`, `3\n${b64(new Uint8Array(31))}`),
    'a hash in base64url': PROOF.replace(`3\n${HASH}`, `3\n${b64(new Uint8Array(32).fill(0xfb)).replace(/\+/g, '-').replace(/\//g, '_')}`),
    'a hash with non-zero pad bits': PROOF.replace(`3\n${HASH}`, `3\n${HASH.slice(0, 42)}x=`),
    '64 hashes': `c2sp.org/tlog-proof@v1\nindex 3\n${(HASH + '\n').repeat(64)}\n${NOTE}\n${SIG_LINE}`,
    'no empty line before the checkpoint': PROOF.replace(`${HASH}\n\nci.`, `${HASH}\nci.`),
    'nothing after the empty line': `c2sp.org/tlog-proof@v1\nindex 3\n${HASH}\n\n`,
    'a checkpoint of two lines': PROOF.replace(`6\n${HASH}\n\n`, '6\n\n'),
    'a tree size with a leading zero': PROOF.replace('log\n6\n', 'log\n06\n'),
    'a root hash of 31 bytes': PROOF.replace(`6\n${HASH}`, `6\n${b64(new Uint8Array(31))}`),
    'no signature line': PROOF.replace(SIG_LINE, ''),
    'no empty line before the signatures': PROOF.replace(`${NOTE}\n`, NOTE),
    'a second empty line': PROOF.replace(SIG_LINE, `\n${SIG_LINE}`),
    'a signature line with a hyphen': PROOF.replace('\u2014 ', '- '),
    'a signature line without its space after the dash': PROOF.replace('\u2014 ', '\u2014'),
    'a signature line with two spaces': PROOF.replace(SIG_LINE, SIG_LINE.replace(' CQkJ', '  CQkJ')),
    'a signature line with a third field': PROOF.replace(SIG_LINE, SIG_LINE.slice(0, -1) + ' x\n'),
    'a signature key name with a no-break space': PROOF.replace('\u2014 ci.test', '\u2014 ci\u00a0test'),
    'a signature key name with a plus': PROOF.replace('\u2014 ci.test', '\u2014 ci+test'),
    'a signature that is not canonical base64': PROOF.replace(SIG_LINE, SIG_LINE.replace(/=*\n$/, '\n')),
    'a signature of 4 bytes': PROOF.replace(SIG_LINE, `\u2014 ci.test.example/oidc/log ${b64(new Uint8Array(4))}\n`),
    '33 signature lines': `c2sp.org/tlog-proof@v1\nindex 3\n\n${NOTE}\n${SIG_LINE.repeat(33)}`,
    'a lone surrogate': PROOF.replace('ci.test.example/oidc/log\n6', 'ci.test.example/oidc/log\ud800\n6'),
  };
  for (const [name, text] of Object.entries(refused)) {
    test(`refuses ${name}`, () => {
      assert.throws(() => parseLogProof(text), LogError);
    });
  }
});

// ---------------------------------------------------------------------------------- Merkle

/** RFC 6962 §2.1: MTH and PATH over leaf hashes, written independently of verify.js. */
const nodeHash = (l, r) => Uint8Array.from(createHash('sha256').update(Buffer.concat([Buffer.from([1]), l, r])).digest());
const split = (n) => 2 ** Math.floor(Math.log2(n - 1));
const mth = (leaves) => (leaves.length === 1 ? leaves[0]
  : nodeHash(mth(leaves.slice(0, split(leaves.length))), mth(leaves.slice(split(leaves.length)))));
function pathOf(m, leaves) {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k ? [...pathOf(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...pathOf(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

describe('verifyInclusion (RFC 9162 §2.1.3.2)', () => {
  const leaves = Array.from({ length: 13 }, (_, i) =>
    Uint8Array.from(createHash('sha256').update(Buffer.from([0, i])).digest()));

  test('every entry of every tree size up to 13 is proved, and only at its own index', async () => {
    for (let size = 1; size <= leaves.length; size++) {
      const tree = leaves.slice(0, size);
      const root = mth(tree);
      for (let i = 0; i < size; i++) {
        const proof = pathOf(i, tree);
        assert.equal(await verifyInclusion(BigInt(i), BigInt(size), tree[i], proof, root), true, `${i} of ${size}`);
        if (size > 1) {
          assert.equal(await verifyInclusion(BigInt((i + 1) % size), BigInt(size), tree[i], proof, root), false);
        }
      }
    }
  });

  test('a proof one hash too long or too short, an index outside the tree, or another root fails', async () => {
    const root = mth(leaves);
    const proof = pathOf(5, leaves);
    assert.equal(await verifyInclusion(5n, 13n, leaves[5], [...proof, leaves[0]], root), false);
    assert.equal(await verifyInclusion(5n, 13n, leaves[5], proof.slice(0, -1), root), false);
    assert.equal(await verifyInclusion(13n, 13n, leaves[5], proof, root), false);
    assert.equal(await verifyInclusion(5n, 13n, leaves[5], proof, mth(leaves.slice(0, 12))), false);
  });
});

// ---------------------------------------------------------------------------------- corpus

const isDir = (p) => typeof p === 'string' && p !== '' && fs.existsSync(p) && fs.statSync(p).isDirectory();
const manifest = isDir(CORPUS) && fs.existsSync(path.join(CORPUS, 'manifest.json'))
  ? JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8'))
  : { cases: [] };
const read = (...parts) => new Uint8Array(fs.readFileSync(path.join(...parts)));

function trustRootFrom(bytes) {
  try {
    return parseTrustRoot(bytes);
  } catch (e) {
    if (e instanceof TrustRootError) return e;
    throw e;
  }
}

async function verifyCase(c, extra = {}) {
  const options = c.logPolicy ? { logPolicy: read(CORPUS, c.logPolicy), ...extra } : extra;
  return verifyBundle(read(CORPUS, c.bundle), trustRootFrom(read(CORPUS, c.trustRoot)), options);
}

const corpusCase = (id) => manifest.cases.find(c => c.id === id);
const describeResult = (r) => r.checks.map(c => `${c.check} ${c.ok ? 'ok' : `FAILED (${c.rule}): ${c.message}`}`).join('; ');

describe('the log corpus (vectors/log)', () => {
  test('HALLMARK_LOG_CORPUS names the log corpus', () => {
    assert.ok(CORPUS, `HALLMARK_LOG_CORPUS is not set: ${HOW}`);
    assert.ok(fs.existsSync(path.join(CORPUS, 'manifest.json')), `no manifest.json in HALLMARK_LOG_CORPUS=${CORPUS}`);
    assert.ok(manifest.cases.length >= 20, `only ${manifest.cases.length} cases`);
    assert.ok(manifest.cases.some(c => c.expect.failedCheck === 'log'));
  });
  for (const c of manifest.cases) {
    // Checks 9 (artifact) and 10 (policy) do not apply in the browser: such cases pass checks 1–8.
    const expected = CHECKS.includes(c.expect.failedCheck) ? c.expect.failedCheck : null;
    test(`${c.id} (${expected ?? 'verified in the browser'})`, async () => {
      const result = await verifyCase(c);
      assert.equal(result.failedCheck, expected, describeResult(result));
      assert.equal(result.status, expected === null ? 'verified' : expected === 'trust-root' ? 'unverifiable' : 'failed');
      assert.equal(result.checks.length, expected === null ? CHECKS.length : CHECKS.indexOf(expected) + 1);
      if (expected === null && c.expect.log !== undefined) {
        const log = c.expect.log;
        if (log === null) {
          assert.equal(result.log, null);
        } else {
          assert.equal(result.log.origin, log.origin);
          assert.equal(result.log.index, BigInt(log.index));
          assert.equal(result.log.treeSize, BigInt(log.treeSize));
          assert.deepEqual([...result.log.witnesses], log.witnesses);
          assert.equal(result.log.witnessedBefore, log.witnessedBefore === null ? null : BigInt(log.witnessedBefore));
        }
      }
    });
  }

  test('the badge line and the log check name the entry, the log and the witnesses', async () => {
    const result = await verifyCase(corpusCase('valid-log-2-of-3'));
    assert.equal(result.status, 'verified', describeResult(result));
    assert.match(result.message,
      /; log entry 14 of ci\.logvectors\.test\/oidc\/log, witnessed by W1, W2 before 2026-11-01T12:07:00Z$/);
    assert.equal(result.checks.at(-1).message,
      'entry 14 of ci.logvectors.test/oidc/log (tree 18), witnessed by W1, W2 before 2026-11-01T12:07:00Z');
    const none = await verifyCase(corpusCase('valid-log-retired-key-before-since-no-proof'));
    assert.equal(none.checks.at(-1).message, 'no log policy applies to this token');
    assert.doesNotMatch(none.message, /log entry/);
  });

  test('a cosignature dated more than 300 s after the clock fails log; at 300 s it passes', async () => {
    const c = corpusCase('valid-log-2-of-3'); // W2 cosigned at 1793534820
    const at = async (seconds) => verifyCase(c, { now: seconds * 1000 });
    assert.equal((await at(1793534820 - 300)).status, 'verified');
    const early = await at(1793534820 - 301);
    assert.equal(early.failedCheck, 'log');
    assert.equal(early.rule, 'log.cosignature-future');
  });

  test('the rules of the corpus failures are those of the Java verifier', async () => {
    const rules = {
      'log-proof-missing': 'log.proof-missing',
      'log-origin-other': 'log.origin-unknown',
      'log-signature-invalid': 'log.signature-invalid',
      'log-witness-cosignature-invalid': 'log.cosignature-invalid',
      'log-witness-quorum-not-met': 'log.quorum-not-met',
      'log-proof-too-short': 'log.inclusion-invalid',
      'log-revoked-after': 'log.key-revoked',
    };
    for (const [id, rule] of Object.entries(rules)) {
      assert.equal((await verifyCase(corpusCase(id))).rule, rule, id);
    }
  });

  test('a batch verifies its checkpoint once: the second bundle under it costs no Ed25519 verification', async (t) => {
    const c = corpusCase('valid-log-2-of-3');
    const root = trustRootFrom(read(CORPUS, c.trustRoot));
    const bundle = read(CORPUS, c.bundle);
    assert.equal((await verifyBundle(bundle, root)).status, 'verified');
    const verify = t.mock.method(crypto.subtle, 'verify');
    try {
      assert.equal((await verifyBundle(bundle, root)).status, 'verified');
      assert.equal(verify.mock.calls.filter(call => call.arguments[0].name === 'Ed25519').length, 0);
    } finally {
      verify.mock.restore();
    }
  });

  test('options.logPolicy replaces the trust root\'s policy; an invalid one fails trust-root', async () => {
    const c = corpusCase('valid-log-policy-flag-overrides');
    const without = await verifyBundle(read(CORPUS, c.bundle), trustRootFrom(read(CORPUS, c.trustRoot)));
    assert.equal(without.rule, 'log.origin-unknown');
    assert.equal((await verifyCase(c)).status, 'verified');
    for (const bad of [utf8('quorum none\n'), Uint8Array.of(0x6c, 0x6f, 0x67, 0xff), 'not bytes']) {
      const result = await verifyBundle(read(CORPUS, c.bundle), trustRootFrom(read(CORPUS, c.trustRoot)), { logPolicy: bad });
      assert.equal(result.failedCheck, 'trust-root');
      assert.equal(result.status, 'unverifiable');
    }
  });
});

// ---------------------------------------------------------------------------------- no Ed25519

describe('a browser whose WebCrypto lacks Ed25519', () => {
  /** Runs fn with a crypto.subtle that refuses Ed25519 as an older browser does. */
  async function withoutEd25519(fn) {
    const real = globalThis.crypto;
    const subtle = real.subtle;
    const noEd25519 = {
      importKey: (format, key, algorithm, ...rest) => (algorithm && algorithm.name === 'Ed25519'
        ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
        : subtle.importKey(format, key, algorithm, ...rest)),
      verify: (...args) => subtle.verify(...args),
      digest: (...args) => subtle.digest(...args),
    };
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', {
      value: { subtle: noEd25519, getRandomValues: (a) => real.getRandomValues(a) }, configurable: true, writable: true,
    });
    try {
      return await fn();
    } finally {
      Object.defineProperty(globalThis, 'crypto', descriptor);
    }
  }

  test('a bundle to which a log policy applies is unverifiable at log, not failed, not verified', async () => {
    for (const id of ['valid-log-2-of-3', 'log-signature-invalid', 'log-proof-missing']) {
      const result = await withoutEd25519(() => verifyCase(corpusCase(id)));
      assert.equal(result.status, 'unverifiable', id);
      assert.equal(result.failedCheck, 'log', id);
      assert.match(result.message, /Ed25519/);
    }
  });

  test('a bundle to which no log policy applies still verifies', async () => {
    const result = await withoutEd25519(() => verifyCase(corpusCase('valid-log-retired-key-before-since-no-proof')));
    assert.equal(result.status, 'verified', describeResult(result));
  });
});

// ---------------------------------------------------------------------------------- trust root

describe('the trust root\'s log member and revokedAt (FORMATS §1, §8.2)', () => {
  const rootJson = () => JSON.parse(fs.readFileSync(path.join(CORPUS, 'trust-root.json'), 'utf8'));
  const bytes = (json) => utf8(JSON.stringify(json));

  test('the corpus trust root carries its policy and since', () => {
    const root = parseTrustRoot(read(CORPUS, 'trust-root.json'));
    assert.equal(root.log.since, 1790812800);
    assert.equal(root.log.policy.quorum, 'W123');
    assert.deepEqual(root.log.policy.witnesses.map(w => w.name), ['W1', 'W2', 'W3']);
    assert.equal(root.keys[0].revokedAt, null);
  });

  const invalid = {
    'log is null': (r) => { r.log = null; },
    'log is a string': (r) => { r.log = r.log.policy; },
    'log without since': (r) => { delete r.log.since; },
    'log without policy': (r) => { delete r.log.policy; },
    'since negative': (r) => { r.log.since = -1; },
    'since a string': (r) => { r.log.since = '1790812800'; },
    'policy not a string': (r) => { r.log.policy = [r.log.policy]; },
    'policy without a quorum': (r) => { r.log.policy = r.log.policy.replace('quorum W123\n', ''); },
    'revokedAt a string': (r) => { r.jwks.keys[0].revokedAt = '2026-11-01'; },
    'revokedAt negative': (r) => { r.jwks.keys[0].revokedAt = -5; },
    'revokedAt null': (r) => { r.jwks.keys[0].revokedAt = null; },
    'an issuer with a query': (r) => { r.issuer += '?x=1'; },
    'an issuer with a fragment': (r) => { r.issuer += '#x'; },
  };
  for (const [name, edit] of Object.entries(invalid)) {
    test(`invalid when ${name}`, () => {
      const json = rootJson();
      edit(json);
      assert.throws(() => parseTrustRoot(bytes(json)), TrustRootError);
    });
  }

  test('since with a fraction is not a time value', () => {
    const text = JSON.stringify(rootJson()).replace('"since":1790812800', '"since":1790812800.0');
    assert.throws(() => parseTrustRoot(utf8(text)), TrustRootError);
  });

  test('revokedAt on a usable key is read', () => {
    const json = rootJson();
    json.jwks.keys[0].revokedAt = 1793534701;
    assert.equal(parseTrustRoot(bytes(json)).keys[0].revokedAt, 1793534701);
  });

  test('fetchTrustRoot reads the discovery document\'s hallmark_log, under the same rules', async () => {
    const json = rootJson();
    const issuer = json.issuer;
    const serve = (discovery) => async (url) => {
      const documents = { [issuer + '/.well-known/openid-configuration']: discovery, [issuer + '/jwks']: json.jwks };
      return documents[url] === undefined ? new Response('', { status: 404 })
        : new Response(JSON.stringify(documents[url]), { status: 200 });
    };
    const plain = { issuer, jwks_uri: issuer + '/jwks' };
    assert.equal((await fetchTrustRoot(issuer, { fetch: serve(plain) })).log, null);
    const withLog = await fetchTrustRoot(issuer, { fetch: serve({ ...plain, hallmark_log: json.log }) });
    assert.equal(withLog.log.policy.quorum, 'W123');
    for (const bad of [null, 'x', { policy: json.log.policy }, { policy: 'quorum none\n', since: 0 }]) {
      await assert.rejects(fetchTrustRoot(issuer, { fetch: serve({ ...plain, hallmark_log: bad }) }),
        (e) => e instanceof TrustRootError && /hallmark_log/.test(e.message));
    }
    const c = corpusCase('valid-log-2-of-3');
    const result = await verifyBundle(read(CORPUS, c.bundle), withLog);
    assert.equal(result.status, 'verified', describeResult(result));
    assert.equal(result.log.index, 14n);
  });
});
