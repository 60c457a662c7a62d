// An independent OpenSSL-based auditor (node:crypto), the reference for `hallmark audit` in
// scripts/bench: the same folder, the same checks' parsing and cryptography (FORMATS §6), none of
// Hallmark's code. It is a yardstick, not a verifier to rely on: it stops at the first failure and
// prints only counts.
//
//   node benchmarks/reference/audit.mjs DIR TRUST_ROOT [--threads N]
//
// Prints one line: "verified N failed M"; exit 0 when nothing failed.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const SUFFIX = '.hallmark.json';

function b64url(s) { return Buffer.from(s, 'base64url'); }

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && e.name.endsWith(SUFFIX)) out.push(p);
  }
  return out;
}

function thumbprint(jwk) {
  // RFC 7638: required members, lexicographic order.
  const c = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash('sha256').update(c).digest('base64url');
}

function pae(type, body) {
  const t = Buffer.from(type, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${body.length} `), body]);
}

function check(path, root, keys) {
  // 1 bundle
  const raw = readFileSync(path);
  if (raw.length > 10 << 20) throw new Error('bundle');
  const bundle = JSON.parse(raw);
  const vm = bundle.verificationMaterial;
  const env = bundle.dsseEnvelope;
  // 2-3 trust root and token: ES256 with the trust root's key named by kid
  const [h, c, s] = vm.identityToken.split('.');
  const header = JSON.parse(b64url(h));
  if (header.alg !== 'ES256' || header.typ !== 'hallmark-attestation+jwt') throw new Error('token header');
  const key = keys.get(header.kid);
  if (!key) throw new Error('token kid');
  if (!verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, b64url(s))) throw new Error('token signature');
  const claims = JSON.parse(b64url(c));
  if (claims.iss !== root.issuer || claims.aud !== 'hallmark:attestation') throw new Error('token claims');
  // 4 key binding: the one-time key's thumbprint and the payload's digest
  const jwk = vm.publicKey;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) throw new Error('public key');
  if (thumbprint(jwk) !== claims.cnf.jkt) throw new Error('cnf.jkt');
  const payload = Buffer.from(env.payload, 'base64');
  if (createHash('sha256').update(payload).digest('hex') !== claims.payload_sha256) throw new Error('payload_sha256');
  // 5 signature: exactly one DER ECDSA signature over PAE with a key decoded fresh
  if (env.signatures.length !== 1) throw new Error('signatures');
  const ephemeral = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  if (!verify('sha256', pae(env.payloadType, payload), { key: ephemeral, dsaEncoding: 'der' }, Buffer.from(env.signatures[0].sig, 'base64')))
    throw new Error('DSSE signature');
  // 6-7 statement and build context against the token's claims
  const st = JSON.parse(payload);
  if (st._type !== 'https://in-toto.io/Statement/v1' || st.predicateType !== 'https://slsa.dev/provenance/v1') throw new Error('statement');
  const bd = st.predicate.buildDefinition;
  const w = bd.externalParameters.workflow;
  const ip = bd.internalParameters;
  if (w.repository !== claims.repository || w.ref !== claims.ref || w.path !== claims.workflow
      || bd.externalParameters.event !== claims.event_name || ip.runId !== claims.run_id
      || ip.runAttempt !== claims.run_attempt || ip.jobId !== claims.job_id || ip.jobName !== claims.job_name
      || bd.resolvedDependencies[0].digest.gitCommit !== claims.sha) throw new Error('build context');
  // 8 artifact beside the bundle, named by a subject, with that subject's digest
  const artifact = path.slice(0, -SUFFIX.length);
  if (existsSync(artifact) && statSync(artifact).isFile()) {
    const name = artifact.slice(artifact.lastIndexOf('/') + 1);
    const hex = createHash('sha256').update(readFileSync(artifact)).digest('hex');
    if (!st.subject.some(x => x.name.split(/[\/\\]/).pop() === name && x.digest.sha256 === hex)) throw new Error('artifact');
  }
  // 9 policy: what scripts/bench asks of hallmark audit
  if (claims.repository !== 'acme/app' || claims.ref !== 'refs/heads/main') throw new Error('policy');
}

function run(files, rootPath) {
  const root = JSON.parse(readFileSync(rootPath));
  const keys = new Map(root.jwks.keys.map(k => [k.kid, createPublicKey({ key: { kty: k.kty, crv: k.crv, x: k.x, y: k.y }, format: 'jwk' })]));
  let ok = 0, bad = 0;
  for (const f of files) {
    try { check(f, root, keys); ok++; } catch { bad++; }
  }
  return { ok, bad };
}

if (isMainThread) {
  const [dir, rootPath, flag, n] = process.argv.slice(2);
  if (!dir || !rootPath) { console.error('usage: audit.mjs DIR TRUST_ROOT [--threads N]'); process.exit(2); }
  const threads = flag === '--threads' ? Number(n) : 2;
  const files = walk(dir, []);
  const parts = Array.from({ length: threads }, (_, i) => files.filter((_, j) => j % threads === i));
  const results = await Promise.all(parts.map(p => new Promise((res, rej) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { files: p, rootPath } });
    w.on('message', res); w.on('error', rej);
  })));
  const ok = results.reduce((a, r) => a + r.ok, 0), bad = results.reduce((a, r) => a + r.bad, 0);
  console.log(`verified ${ok} failed ${bad}`);
  process.exit(bad === 0 && ok > 0 ? 0 : 1);
} else {
  parentPort.postMessage(run(workerData.files, workerData.rootPath));
}
