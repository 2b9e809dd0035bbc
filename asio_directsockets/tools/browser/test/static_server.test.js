'use strict';
// The runner's static server: isolation headers, MIME types, JSON routes, no escape from the
// mapped folders. No browser needed.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startStaticServer } = require('../static_server');
const { ISOLATION_HEADERS } = require('../isolation_headers');

function get(port, urlPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    // A raw request path: http.get would normalise "..".
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('static server: headers, MIME types, JSON, confinement', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ads-static-'));
  const app = path.join(root, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'prog.js'), 'var x = 1;\n');
  fs.writeFileSync(path.join(app, 'prog.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  fs.writeFileSync(path.join(app, 'a b.txt'), 'spaced');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside');
  const server = await startStaticServer({ mounts: { '/app/': app }, json: { '/run/config.json': () => ({ n: 1 }) } });
  t.after(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const js = await get(server.port, '/app/prog.js');
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.body.toString(), 'var x = 1;\n');
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) assert.equal(js.headers[k.toLowerCase()], v, k);

  const wasm = await get(server.port, '/app/prog.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers['content-type'], 'application/wasm');
  assert.equal(wasm.body.length, 8);

  assert.equal((await get(server.port, '/app/a%20b.txt')).body.toString(), 'spaced');

  const cfg = await get(server.port, '/run/config.json');
  assert.equal(cfg.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(cfg.body), { n: 1 });
  assert.equal(cfg.headers['cross-origin-embedder-policy'], 'require-corp');

  // Errors carry the headers too, and nothing outside the mount is served.
  const missing = await get(server.port, '/app/nope.js');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['cross-origin-opener-policy'], 'same-origin');
  for (const p of ['/app/../secret.txt', '/app/%2e%2e/secret.txt', '/app/..%2fsecret.txt', '/secret.txt',
                   '/app/%00', '/app/%E0%A4%A', '/app/']) {
    assert.equal((await get(server.port, p)).status, 404, p);
  }
  assert.equal((await get(server.port, '/app/prog.js', 'POST')).status, 405);
  const head = await get(server.port, '/app/prog.js', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
});

test('static server: a header set to null is left out', async (t) => {
  const server = await startStaticServer({ headers: { ...ISOLATION_HEADERS, 'Permissions-Policy': null } });
  t.after(() => server.close());
  const r = await get(server.port, '/anything');
  assert.equal(r.headers['permissions-policy'], undefined);
  assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
});
