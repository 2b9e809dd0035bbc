'use strict';
// Signed Web Bundles: an Isolated Web App folder packed as a Web Bundle (npm's wbn) and signed with
// an Ed25519 key (wbn-sign; integrity block v2), the form in which an IWA is shipped. The key
// decides the app's origin, isolated-app://<Web Bundle ID>: keep it, or every release is another
// app. See docs/iwa.md ("Shipping: a Signed Web Bundle").

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { readAppManifest } = require('./iwa_app');
const { mimeType } = require('./static_server');
const { base32 } = require('./iwa_id');

// Loaded when used: running programs needs neither.
const wbn = () => require('wbn');
const wbnSign = () => require('wbn-sign');

const INTEGRITY_MAGIC = Buffer.from('🖋📦', 'utf8');
const INTEGRITY_VERSION_2 = Buffer.from('2b\0\0', 'latin1');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNED_ID_SUFFIX = Buffer.from([0x00, 0x01, 0x02]);  // an Ed25519-signed bundle's ID

function newKeyPem() {
  return crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
}

function privateKey(pem) {
  let key;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (e) {
    throw new Error(`not a private key in PEM: ${e.message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the key is ${key.asymmetricKeyType}: a Signed Web Bundle key must be Ed25519 (ads-bundle keygen)`);
  }
  return key;
}

function rawPublicKey(key) {
  return crypto.createPublicKey(key).export({ type: 'spki', format: 'der' }).subarray(ED25519_SPKI_PREFIX.length);
}

// The Web Bundle ID of an Ed25519 public key: base32 of the key and 00 01 02, lower case (56
// characters ending in "aaic").
function bundleIdForPublicKey(raw) {
  return base32(Buffer.concat([raw, SIGNED_ID_SUFFIX]));
}

function bundleIdForKey(pem) {
  return bundleIdForPublicKey(rawPublicKey(privateKey(pem)));
}

// Every file under dir (dot-folders such as .well-known included), as URL paths.
function appFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort().map((r) => `/${r}`);
}

// Packs and signs appDir. Resolves to { id, origin, bytes, urls, version }.
async function buildSignedBundle({ appDir, keyPem }) {
  const dir = path.resolve(appDir);
  const { manifest } = readAppManifest(dir);  // throws with what is missing
  const key = privateKey(keyPem);
  const id = bundleIdForPublicKey(rawPublicKey(key));
  const builder = new (wbn().BundleBuilder)();  // format b2; an IWA bundle has no primary URL
  const urls = appFiles(dir);
  for (const url of urls) {
    builder.addExchange(url, 200, { 'Content-Type': mimeType(url) }, fs.readFileSync(path.join(dir, url)));
  }
  const unsigned = builder.createBundle();
  const { IntegrityBlockSigner, NodeCryptoSigningStrategy } = wbnSign();
  const { signedWebBundle } = await new IntegrityBlockSigner(unsigned, id, [new NodeCryptoSigningStrategy(key)]).sign();
  return { id, origin: `isolated-app://${id}`, bytes: Buffer.from(signedWebBundle), urls, version: manifest.version };
}

// What signing covered (wbn-sign's IntegrityBlockSigner): the bundle's SHA-512, the integrity block
// as it was before this signature, and the signature's attributes, each after its length as a
// 64-bit big-endian number.
function signedData(bundle, blockBeforeCbor, attributesCbor) {
  const parts = [crypto.createHash('sha512').update(bundle).digest(), blockBeforeCbor, attributesCbor];
  return Buffer.concat(parts.flatMap((p) => {
    const n = Buffer.alloc(8);
    n.writeBigUInt64BE(BigInt(p.length));
    return [n, Buffer.from(p)];
  }));
}

// Checks a .swbn as Chromium does before installing it: an integrity block v2 whose Ed25519
// signature covers the bundle and whose Web Bundle ID is the signing key's; and, inside, an IWA
// manifest with a version. Returns { id, origin, urls, version }; throws with the reason.
function verifySignedBundle(bytes) {
  const file = Buffer.from(bytes);
  if (file.length < 16) throw new Error('not a Signed Web Bundle: too short');
  const bundleLength = Number(file.readBigUInt64BE(file.length - 8));  // a b2 bundle ends with its length
  if (!(bundleLength > 0 && bundleLength < file.length)) {
    throw new Error('not a Signed Web Bundle: no integrity block before the Web Bundle');
  }
  const blockBytes = file.subarray(0, file.length - bundleLength);
  const bundle = file.subarray(file.length - bundleLength);
  const { decode, encode } = require('cborg');
  let block;
  try {
    block = decode(blockBytes, { useMaps: true });
  } catch (e) {
    throw new Error(`the integrity block is not valid CBOR: ${e.message}`);
  }
  const [magic, version, attributes, signatures] = Array.isArray(block) ? block : [];
  if (!magic || !INTEGRITY_MAGIC.equals(Buffer.from(magic))) throw new Error('not a Signed Web Bundle: wrong magic');
  if (!version || !INTEGRITY_VERSION_2.equals(Buffer.from(version))) {
    throw new Error('unsupported integrity block version (this tool writes and reads v2)');
  }
  const id = attributes instanceof Map ? attributes.get('webBundleId') : undefined;
  if (typeof id !== 'string') throw new Error('the integrity block names no webBundleId');
  if (!Array.isArray(signatures) || signatures.length === 0) throw new Error('the bundle is not signed');
  const before = encode([magic, version, attributes, []]);
  const [sigAttributes, signature] = signatures[0];
  const raw = sigAttributes instanceof Map ? sigAttributes.get('ed25519PublicKey') : undefined;
  if (!raw || raw.length !== 32) throw new Error('the signature has no Ed25519 public key');
  const publicKey = crypto.createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(raw)]), format: 'der', type: 'spki',
  });
  if (!crypto.verify(null, signedData(bundle, before, encode(sigAttributes)), publicKey, Buffer.from(signature))) {
    throw new Error('the signature does not verify: the bundle was changed after signing, or signed with another key');
  }
  if (bundleIdForPublicKey(Buffer.from(raw)) !== id) {
    throw new Error(`the Web Bundle ID ${id} is not the signing key's`);
  }
  const inner = new (wbn().Bundle)(bundle);
  const manifestUrl = inner.urls.find((u) => u === '/.well-known/manifest.webmanifest' || u.endsWith('/.well-known/manifest.webmanifest'));
  if (!manifestUrl) throw new Error('the bundle has no /.well-known/manifest.webmanifest');
  let manifest;
  try {
    manifest = JSON.parse(Buffer.from(inner.getResponse(manifestUrl).body).toString('utf8'));
  } catch (e) {
    throw new Error(`the bundle's manifest is not JSON: ${e.message}`);
  }
  if (typeof manifest.version !== 'string' || !manifest.version) throw new Error('the bundle\'s manifest has no "version"');
  return { id, origin: `isolated-app://${id}`, urls: inner.urls, version: manifest.version };
}

module.exports = { newKeyPem, bundleIdForKey, bundleIdForPublicKey, appFiles, buildSignedBundle, verifySignedBundle };
