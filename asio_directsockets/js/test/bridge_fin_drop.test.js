'use strict';
// The bridge against Chromium 156's FIN drop (docs/chromium-fin-drop.md), emulated by the Node
// implementation (emulateChromiumFinDrop): a peer that sends and closes at once, and a program
// that reads late, still gets every byte, because the bridge keeps a read pending from open.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const K = require('./support/testkit');

const { E, KiB } = K;
const T = { timeout: 30000 };

// A peer that writes `n` pattern bytes and ends as soon as a client connects.
async function respondAndClose(n) {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = i % K.MOD;
    s.end(b);
  });
  return { server, port: await K.listen(server) };
}

// Reads until EOF through ads_read, `delayMs` after the connection opened; returns the bytes.
async function readLate(env, port, delayMs) {
  const h = await K.connect(env, port);
  await K.sleep(delayMs);
  const buf = env.malloc(64 * KiB);
  const got = [];
  for (;;) {
    const op = K.opId();
    env.imports.ads_read(h, op, buf, 64 * KiB);
    const c = await env.next(op);
    if (c.err === E.EOF) break;
    assert.equal(c.err, E.OK);
    got.push(Buffer.from(env.heap.subarray(buf, buf + c.value)));
  }
  env.imports.ads_close(h);
  return Buffer.concat(got);
}

for (const n of [5087, 64 * KiB, 200 * KiB]) {
  test(`emulated FIN drop: ${n} bytes sent and closed at once, read 200 ms late: every byte`, T, async () => {
    const env = K.setup({ emulateChromiumFinDrop: true });
    const { server, port } = await respondAndClose(n);
    try {
      const data = await readLate(env, port, 200);
      assert.equal(data.length, n);
      for (let i = 0; i < n; i++) if (data[i] !== i % K.MOD) assert.fail(`byte ${i} differs`);
    } finally {
      server.close();
    }
  });
}

test('emulated FIN drop bites a late raw reader (the emulation is on)', T, async () => {
  K.setup({ emulateChromiumFinDrop: true });
  const { server, port } = await respondAndClose(5087);
  try {
    const sock = new TCPSocket('127.0.0.1', port);
    const { readable } = await sock.opened;
    await K.sleep(200);
    const r = readable.getReader();
    let bytes = 0;
    for (;;) {
      const { value, done } = await r.read();
      if (done) break;
      bytes += value.byteLength;
    }
    assert.equal(bytes, 0, 'the emulated Chromium discarded the unread data');
    r.releaseLock();
    await sock.close();
  } finally {
    server.close();
  }
});
