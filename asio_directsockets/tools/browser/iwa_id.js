'use strict';
// Web Bundle IDs for dev-mode Isolated Web Apps served by a dev proxy: 32 random bytes followed
// by the type marker 00 00 02, in lower-case base32 without padding (56 characters). The app's
// origin is isolated-app://<id>.

const crypto = require('node:crypto');

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';  // RFC 4648 base32, lower case

function base32(bytes) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function devProxyBundleId(random = crypto.randomBytes(32)) {
  if (random.length !== 32) throw new Error('a dev-proxy bundle ID needs 32 bytes');
  return base32(Buffer.concat([random, Buffer.from([0, 0, 2])]));
}

module.exports = { devProxyBundleId, base32 };
