'use strict';
// The Chromium 156 FIN-drop emulation (install(..., { emulateChromiumFinDrop: true })): data that
// arrived but was not read when the peer's FIN arrives is discarded (Blink's ResetPipe()) unless a
// read() is pending at that moment. See docs/chromium-fin-drop.md and docs/node-direct-sockets.md.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ds, MODULE, KiB, withTimeout, sleep, pattern, listen, closeServer, readBytes, waitFor } =
    require('./helpers');

const { TCPSocket, TCPServerSocket } = ds;
const T = { timeout: 30000 };
const FIN_DROP = { emulateChromiumFinDrop: true };

// A node:net peer on 127.0.0.1 that writes `n` pattern bytes and ends, at once or after
// `delayMs`, and keeps what the client sends.
async function finServer(n, { delayMs = 0 } = {}) {
  const conns = new Set();
  const received = [];
  const server = net.createServer((s) => {
    conns.add(s);
    const got = { data: [], ended: false };
    received.push(got);
    s.on('data', (d) => got.data.push(d));
    s.on('end', () => { got.ended = true; });
    s.on('error', () => {});
    s.on('close', () => conns.delete(s));
    const send = () => { if (!s.destroyed) s.end(pattern(0, n)); };
    if (delayMs) setTimeout(send, delayMs);
    else send();
  });
  const port = await listen(server);
  return { port, received, close: () => closeServer(server, conns) };
}

function assertPattern(buf, n) {
  assert.equal(buf.length, n, 'byte count');
  assert.equal(Buffer.compare(buf, Buffer.from(pattern(0, n))), 0, 'content');
}

// Connections a test has not finished; abandon() closes them when an assertion failed, so that
// no socket keeps the process alive after a failure.
const live = new Set();

async function open(port) {
  const s = new TCPSocket('127.0.0.1', port, { noDelay: true });
  const info = await withTimeout(s.opened, 5000, 'opened');
  const c = { s, info, r: null, w: null };
  c.reader = (opts) => (c.r = info.readable.getReader(opts));
  live.add(c);
  return c;
}

// Close the writable and wait for `closed` (the readable is already done).
async function finish(c) {
  if (c.r) c.r.releaseLock();
  if (c.w) c.w.releaseLock();
  c.r = c.w = null;
  await c.info.writable.close();
  assert.equal(await withTimeout(c.s.closed, 5000, 'closed'), undefined);
  live.delete(c);
}

async function abandon() {
  for (const c of live) {
    try {
      if (c.r) await c.r.cancel().catch(() => {});
      if (c.r) c.r.releaseLock();
    } catch { /* already released */ }
    if (c.w) c.w.releaseLock();
    await c.s.close().catch(() => {});
    await withTimeout(c.s.closed.catch(() => {}), 5000, 'abandon').catch(() => {});
  }
  live.clear();
}

test('emulation on: a read 200 ms after the peer sent and closed gets 0 bytes, then done', T,
     async () => {
       ds.install(globalThis, FIN_DROP);
       try {
         for (const n of [5000, 40000]) {
           const peer = await finServer(n);
           try {
             const c = await open(peer.port);
             await sleep(200);
             const r = c.reader();
             const first = await withTimeout(r.read(), 5000, 'read');
             assert.equal(first.done, true, `${n} B: the unread data was discarded at the FIN`);
             assert.equal(first.value, undefined);
             await withTimeout(r.closed, 5000, 'reader.closed');
             // Only the readable closed: the writable still reaches the peer.
             const w = (c.w = c.info.writable.getWriter());
             await w.write(new TextEncoder().encode('still open'));
             const got = peer.received[0];
             await waitFor(() => Buffer.concat(got.data).toString() === 'still open', 5000,
                           'write after the drop');
             await finish(c);
             await waitFor(() => got.ended, 5000, 'FIN at teardown');
           } finally {
             await abandon();
             await peer.close();
           }
         }
       } finally {
         ds.install();
       }
     });

test('emulation on: a read pending from open gets every byte', T, async () => {
  ds.install(globalThis, FIN_DROP);
  try {
    // The peer sends only after the read is pending; more than one chunk for the larger sizes.
    for (const n of [5000, 40000, 200 * KiB + 3]) {
      const peer = await finServer(n, { delayMs: 100 });
      try {
        const c = await open(peer.port);
        const r = c.reader();
        // readBytes issues each next read in the previous read's promise reaction.
        assertPattern(await withTimeout(readBytes(r), 5000, `read ${n}`), n);
        await finish(c);
      } finally {
        await abandon();
        await peer.close();
      }
    }
    // The same with a BYOB reader and a small buffer (the rest waits in `leftover`).
    const n = 30000;
    const peer = await finServer(n, { delayMs: 100 });
    try {
      const c = await open(peer.port);
      const r = c.reader({ mode: 'byob' });
      const parts = [];
      for (;;) {
        const { value, done } = await withTimeout(r.read(new Uint8Array(4096)), 5000, 'byob');
        if (done) break;
        parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
      assertPattern(Buffer.concat(parts), n);
      await finish(c);
    } finally {
      await abandon();
      await peer.close();
    }
  } finally {
    ds.install();
  }
});

test('emulation on: reading at once, in a loop, gets every byte', T, async () => {
  ds.install(globalThis, FIN_DROP);
  try {
    for (const n of [5000, 40000, 200 * KiB + 3, 1024 * KiB]) {
      const peer = await finServer(n);
      try {
        const c = await open(peer.port);
        const r = c.reader();
        assertPattern(await withTimeout(readBytes(r), 5000, `read ${n}`), n);
        await finish(c);
      } finally {
        await abandon();
        await peer.close();
      }
    }
  } finally {
    ds.install();
  }
});

test('emulation on: data handed out before the FIN is kept, the unread rest is lost', T,
     async () => {
       ds.install(globalThis, FIN_DROP);
       const peer = await finServer(30000, { delayMs: 100 });
       try {
         const c = await open(peer.port);
         const r = c.reader({ mode: 'byob' });
         // Pending from open: takes 1000 bytes; the other 29,000 stay unread.
         const first = await withTimeout(r.read(new Uint8Array(1000)), 5000, 'first read');
         assert.equal(first.done, false);
         assertPattern(Buffer.from(first.value.buffer, first.value.byteOffset,
                                   first.value.byteLength), 1000);
         await sleep(200);  // the FIN arrives while no read is pending
         const second = await withTimeout(r.read(new Uint8Array(1000)), 5000, 'second read');
         assert.equal(second.done, true);
         await finish(c);
       } finally {
         await abandon();
         await peer.close();
         ds.install();
       }
     });

test('emulation on: accepted sockets drop too', T, async () => {
  ds.install(globalThis, FIN_DROP);
  const server = new TCPServerSocket('127.0.0.1');
  let acceptReader = null;
  let client = null;
  let accepted = null;
  let r = null;
  try {
    const { readable, localPort } = await withTimeout(server.opened, 5000, 'server opened');
    acceptReader = readable.getReader();
    client = net.connect({ host: '127.0.0.1', port: localPort });
    client.on('error', () => {});
    client.end(pattern(0, 5000));
    accepted = (await withTimeout(acceptReader.read(), 5000, 'accept')).value;
    const info = await withTimeout(accepted.opened, 5000, 'accepted opened');
    await sleep(200);
    r = info.readable.getReader();
    assert.equal((await withTimeout(r.read(), 5000, 'read')).done, true);
    r.releaseLock();
    r = null;
    await info.writable.close();
    assert.equal(await withTimeout(accepted.closed, 5000, 'accepted closed'), undefined);
  } finally {
    if (r) {
      await r.cancel().catch(() => {});
      r.releaseLock();
      await accepted.close().catch(() => {});
    }
    if (client) client.destroy();
    if (acceptReader) acceptReader.releaseLock();
    await withTimeout(server.close(), 5000, 'server close');
    ds.install();
  }
});

test('emulation off (default): a read 200 ms late gets every byte', T, async () => {
  assert.equal(ds.install().emulateChromiumFinDrop, false);
  for (const n of [5000, 40000, 200 * KiB + 3]) {
    const peer = await finServer(n);
    try {
      const c = await open(peer.port);
      await sleep(200);
      const r = c.reader();
      assertPattern(await withTimeout(readBytes(r), 5000, `read ${n}`), n);
      await finish(c);
    } finally {
      await abandon();
      await peer.close();
    }
  }
});

test('DIRECT_SOCKETS_EMULATE_FIN_DROP parsing; options win over it', () => {
  const name = 'DIRECT_SOCKETS_EMULATE_FIN_DROP';
  const saved = process.env[name];
  try {
    for (const [v, want] of [['1', true], ['true', true], ['yes', true], ['on', true],
                             ['0', false], ['false', false], ['No', false], ['OFF', false],
                             ['', false]]) {
      process.env[name] = v;
      assert.equal(ds.install().emulateChromiumFinDrop, want, `${name}=${JSON.stringify(v)}`);
    }
    process.env[name] = '1';
    assert.equal(ds.install(globalThis, { emulateChromiumFinDrop: false }).emulateChromiumFinDrop,
                 false);
    delete process.env[name];
    assert.equal(ds.install().emulateChromiumFinDrop, false);
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
    ds.install();
  }
});

test('emulation on via DIRECT_SOCKETS_EMULATE_FIN_DROP=1 and register.js', { timeout: 15000 },
     () => {
       const register = path.join(__dirname, '..', 'node', 'register.js');
       const out = execFileSync(process.execPath, [
         '-r', register, '-e',
         `const c = require(${JSON.stringify(MODULE)}).getConfig();` +
             'console.log(JSON.stringify([typeof TCPSocket, c.emulateChromiumFinDrop, ' +
             'c.emulateChromiumWriteDrop]))',
       ], { env: { ...process.env, DIRECT_SOCKETS_EMULATE_FIN_DROP: '1' }, timeout: 10000 });
       assert.deepEqual(JSON.parse(out.toString()), ['function', true, false]);
     });

test('emulateChromiumFinDrop is validated', () => {
  try {
    for (const bad of [1, 0, 'true', 'yes', null, {}, [], Symbol('x')]) {
      assert.throws(() => ds.install(globalThis, { emulateChromiumFinDrop: bad }),
                    { name: 'TypeError', message: /emulateChromiumFinDrop must be a boolean/ },
                    String(typeof bad === 'symbol' ? 'Symbol' : JSON.stringify(bad)));
    }
    // A misspelt name is an unknown option.
    assert.throws(() => ds.install(globalThis, { emulateChromeFinDrop: true }), TypeError);
    assert.throws(() => ds.install(globalThis, { emulateChromiumFINDrop: true }), TypeError);
    // undefined counts as false.
    assert.equal(ds.install(globalThis, { emulateChromiumFinDrop: undefined })
                     .emulateChromiumFinDrop, false);
    // Independent of the send pipe model, and of the write-drop emulation.
    assert.equal(ds.install(globalThis, { emulateChromiumFinDrop: true, pipeCapacity: 0 })
                     .emulateChromiumFinDrop, true);
    const both = ds.install(globalThis, { emulateChromiumFinDrop: true,
                                          emulateChromiumWriteDrop: true });
    assert.equal(both.emulateChromiumFinDrop && both.emulateChromiumWriteDrop, true);
    // A failed install() leaves the previous configuration in place.
    assert.throws(() => ds.install(globalThis, { emulateChromiumFinDrop: 'no' }), TypeError);
    assert.equal(ds.getConfig().emulateChromiumFinDrop, true);
  } finally {
    ds.install();
  }
});
