'use strict';
// Signed Web Bundles (iwa_bundle.js, ads-bundle): keys and Web Bundle IDs, a starter app folder
// packed and signed, and the verification Chromium does before an install: a changed byte, a
// foreign ID, a missing manifest are each refused with their reason.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const b = require('../iwa_bundle');
const { STARTER_IWA } = require('./fixtures');

const BUNDLE_JS = path.join(__dirname, '..', 'bundle.js');

function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-bundle-'));
  fs.cpSync(STARTER_IWA, path.join(dir, 'app'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'app', 'my_app.js'), 'console.log("hello");\n');
  return dir;
}

test('Web Bundle IDs: the Ed25519 public key + 00 01 02 in base32, as wbn-sign computes them', () => {
  const pem = b.newKeyPem();
  const id = b.bundleIdForKey(pem);
  assert.match(id, /^[a-z2-7]{56}$/);
  assert.ok(id.endsWith('aaic'), id);
  const wbnSign = require('wbn-sign');
  assert.equal(id, new wbnSign.WebBundleId(wbnSign.parsePemKey(Buffer.from(pem))).serialize());
  assert.equal(b.bundleIdForPublicKey(Buffer.alloc(32)), 'a'.repeat(52) + 'aaic');
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  assert.throws(() => b.bundleIdForKey(rsa), /must be Ed25519/);
});

test('an app folder packed, signed and verified; every file inside with its path', async () => {
  const dir = scratch();
  const pem = b.newKeyPem();
  const r = await b.buildSignedBundle({ appDir: path.join(dir, 'app'), keyPem: pem });
  assert.equal(r.id, b.bundleIdForKey(pem));
  assert.equal(r.version, '0.1.0');
  const v = b.verifySignedBundle(r.bytes);
  assert.equal(v.origin, `isolated-app://${r.id}`);
  assert.deepEqual([...v.urls].sort(), ['/.well-known/manifest.webmanifest', '/config.js', '/icon.png', '/index.html', '/my_app.js']);
  const inner = new (require('wbn').Bundle)(r.bytes.subarray(r.bytes.length - Number(r.bytes.readBigUInt64BE(r.bytes.length - 8))));
  const page = inner.getResponse('/my_app.js');
  assert.equal(Buffer.from(page.body).toString(), 'console.log("hello");\n');
  assert.match(page.headers['content-type'], /^text\/javascript/);
  assert.equal(inner.getResponse('/.well-known/manifest.webmanifest').headers['content-type'], 'application/manifest+json');
});

test('verification refuses a changed byte, a foreign ID and a bundle without a manifest', async () => {
  const dir = scratch();
  const pem = b.newKeyPem();
  const { bytes } = await b.buildSignedBundle({ appDir: path.join(dir, 'app'), keyPem: pem });
  const changed = Buffer.from(bytes);
  changed[changed.length - 100] ^= 1;
  assert.throws(() => b.verifySignedBundle(changed), /signature does not verify/);
  // The same bundle, its integrity block naming another key's ID.
  const other = b.bundleIdForKey(b.newKeyPem());
  const mine = b.bundleIdForKey(pem);
  const swapped = Buffer.from(bytes.toString('latin1').replace(mine, other), 'latin1');
  assert.throws(() => b.verifySignedBundle(swapped), /signature does not verify|is not the signing key's/);
  assert.throws(() => b.verifySignedBundle(Buffer.from('not a bundle at all')), /not a Signed Web Bundle/);
  fs.rmSync(path.join(dir, 'app', '.well-known'), { recursive: true });
  await assert.rejects(b.buildSignedBundle({ appDir: path.join(dir, 'app'), keyPem: pem }), /manifest\.webmanifest is missing/);
});

test('ads-bundle: keygen (never overwrites), id, build, verify, and its errors', () => {
  const dir = scratch();
  const run = (...args) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [BUNDLE_JS, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      return { code: e.status, out: e.stdout, err: e.stderr };
    }
  };
  let r = run('keygen', 'key.pem');
  assert.equal(r.code, 0);
  const origin = r.out.trim().split(' ')[1];
  assert.match(origin, /^isolated-app:\/\/[a-z2-7]{56}$/);
  assert.equal(fs.statSync(path.join(dir, 'key.pem')).mode & 0o777, 0o600);
  assert.equal(run('keygen', 'key.pem').code, 1, 'an existing key is kept');
  assert.equal(run('id', 'key.pem').out.trim(), origin);
  r = run('build', '--app-dir', 'app', '--key', 'key.pem', '-o', 'out/app.swbn');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`out/app.swbn: ${origin} version 0.1.0, 5 files`));
  r = run('verify', 'out/app.swbn');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\/\.well-known\/manifest\.webmanifest/);
  r = run('build', '--app-dir', 'app');
  assert.equal(r.code, 2);
  assert.match(r.err, /build needs --app-dir, --key and -o/);
  assert.equal(run('frobnicate').code, 2);
});
