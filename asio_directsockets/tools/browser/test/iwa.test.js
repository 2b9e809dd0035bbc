'use strict';
// The Isolated Web App route (iwa.js) in real headless full Chromium: manifest, bundle IDs, and
// unchanged Emscripten builds installed as a dev-mode IWA, launched, and run in the app window
// and in a dedicated Worker, including a real TCPSocket to 127.0.0.1 (which needs the
// loopback-network grant made after install).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { runProgram } = require('../run_program');
const { iwaRoute, manifestFor, MANIFEST_TEMPLATE } = require('../iwa');
const { devProxyBundleId, base32 } = require('../iwa_id');
const { solidPng } = require('../solid_png');
const { buildFixture, echoServer } = require('./fixtures');

test('manifest template: Direct Sockets permissions and the run\'s start page', () => {
  const template = JSON.parse(fs.readFileSync(MANIFEST_TEMPLATE, 'utf8'));
  assert.deepEqual(template.permissions_policy, {
    'cross-origin-isolated': ['self'],
    'direct-sockets': ['self'],
    'loopback-network': ['self'],
    'local-network': ['self'],
  });
  const m = JSON.parse(manifestFor('my_prog'));
  assert.equal(m.name, 'my_prog (asio_directsockets)');
  assert.equal(m.start_url, '/runner/index.html');
  assert.match(m.version, /^\d+\.\d+\.\d+$/);
  assert.equal(m.icons[0].src, '/icon.png');
  const png = solidPng(256, [1, 2, 3]);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 256);
});

test('dev-proxy bundle IDs: RFC 4648 base32 of 32 random bytes + 00 00 02', () => {
  const vectors = [['', ''], ['f', 'my'], ['fo', 'mzxq'], ['foo', 'mzxw6'], ['foob', 'mzxw6yq'],
                   ['fooba', 'mzxw6ytb'], ['foobar', 'mzxw6ytboi']];
  for (const [input, output] of vectors) assert.equal(base32(Buffer.from(input)), output);
  const id = devProxyBundleId();
  assert.match(id, /^[a-z2-7]{56}$/);
  assert.ok(id.endsWith('aaac'), 'the type marker 00 00 02 ends in "aaac"');
  assert.notEqual(id, devProxyBundleId());
  assert.equal(devProxyBundleId(Buffer.alloc(32)), 'a'.repeat(52) + 'aaac');
  assert.throws(() => devProxyBundleId(Buffer.alloc(31)), /32 bytes/);
});

for (const mode of ['page', 'worker']) {
  test(`IWA ${mode}: argv, output, status and a TCPSocket to 127.0.0.1`, async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    for (const [prog, args, status, stdout] of [
      [await buildFixture('asyncify'), ['sleep', 'in an app'], 43, ['slept', 'arg 2: in an app']],
      [await buildFixture('tcp_connect'), [String(echo.port)], 0, ['echo: hello']],
    ]) {
      const out = [];
      const err = [];
      const r = await runProgram({
        program: prog, mode, args, route: iwaRoute, timeoutS: 120,
        onStdout: (l) => out.push(l), onStderr: (l) => err.push(l), onDiagnostic: () => {},
      });
      assert.equal(r.kind, 'exit', r.message);
      assert.equal(r.status, status, err.join('\n'));
      assert.deepEqual(out, stdout);
    }
  });
}
