'use strict';
// TCPSocket / TCPServerSocket: echo, accept, half-close, reset, close() semantics, BYOB.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const {
  ds, KiB, MiB, withTimeout, sleep, pattern, echoServer, listen, readBytes, waitFor, closeServer,
} = require('./helpers');

const { TCPSocket, TCPServerSocket } = ds;
const T = { timeout: 20000 };

test('echo over TCP against a Node echo server', T, async () => {
  ds.install();
  const echo = await echoServer();
  try {
    const s = new TCPSocket('127.0.0.1', echo.port, { noDelay: true, keepAliveDelay: 60000 });
    const info = await withTimeout(s.opened, 5000, 'opened');
    assert.deepEqual(Object.keys(info),
                     ['localAddress', 'localPort', 'readable', 'remoteAddress', 'remotePort',
                      'writable']);
    assert.equal(info.remoteAddress, '127.0.0.1');
    assert.equal(info.remotePort, echo.port);
    assert.equal(info.localAddress, '127.0.0.1');
    assert.ok(info.localPort > 0);
    assert.ok(info.readable instanceof ReadableStream);
    assert.ok(info.writable instanceof WritableStream);
    assert.equal(s.opened, s.opened, 'same promise every time');

    const w = info.writable.getWriter();
    const r = info.readable.getReader();
    const msg = pattern(0, 300 * KiB);
    const reading = readBytes(r, msg.length);
    await w.write(msg.subarray(0, 100 * KiB));     // a view
    await w.write(msg.slice(100 * KiB).buffer);    // an ArrayBuffer
    const got = await withTimeout(reading, 5000, 'echo');
    assert.equal(Buffer.compare(got, Buffer.from(msg)), 0);
    r.releaseLock();
    w.releaseLock();
    await withTimeout(s.close(), 5000, 'close');
    await s.closed;
  } finally {
    await echo.close();
  }
});

test('chunks are Uint8Array of at most 64 KiB, and a BYOB reader works', T, async () => {
  const big = Buffer.from(pattern(0, 256 * KiB));
  const conns = new Set();
  const server = net.createServer((c) => {
    conns.add(c);
    c.end(big);
  });
  const port = await listen(server);
  try {
    const s = new TCPSocket('127.0.0.1', port);
    const { readable } = await s.opened;
    const r = readable.getReader({ mode: 'byob' });
    const parts = [];
    let total = 0;
    for (;;) {
      const { value, done } = await withTimeout(r.read(new Uint8Array(10000)), 5000, 'byob read');
      if (done) break;
      assert.ok(value instanceof Uint8Array && value.byteLength <= 10000);
      parts.push(Buffer.from(value));
      total += value.byteLength;
    }
    assert.equal(total, big.length);
    assert.equal(Buffer.compare(Buffer.concat(parts), big), 0);
    r.releaseLock();
    await s.close();

    const s2 = new TCPSocket('127.0.0.1', port);
    const r2 = (await s2.opened).readable.getReader();
    let n = 0;
    for (;;) {
      const { value, done } = await r2.read();
      if (done) break;
      assert.ok(value instanceof Uint8Array);
      assert.ok(value.byteLength <= 64 * KiB, `chunk of ${value.byteLength}`);
      n += value.byteLength;
    }
    assert.equal(n, big.length);
    r2.releaseLock();
    await s2.close();
  } finally {
    await closeServer(server, conns);
  }
});

test('TCPServerSocket accepts our own TCPSocket; 1 MiB each way', T, async () => {
  const srv = new TCPServerSocket('127.0.0.1');
  const sinfo = await withTimeout(srv.opened, 5000, 'server opened');
  assert.deepEqual(Object.keys(sinfo), ['localAddress', 'localPort', 'readable']);
  assert.equal(sinfo.localAddress, '127.0.0.1');
  assert.ok(sinfo.localPort > 0);

  const payload = pattern(0, MiB);
  const server = (async () => {
    const acc = sinfo.readable.getReader();
    const { value: conn } = await acc.read();
    assert.ok(conn instanceof TCPSocket);
    acc.releaseLock();
    const ci = await conn.opened;  // resolves at once for accepted sockets
    // Chromium leaves the local address of accepted sockets out (crbug.com/1417998).
    assert.deepEqual(Object.keys(ci), ['readable', 'remoteAddress', 'remotePort', 'writable']);
    assert.equal(ci.remoteAddress, '127.0.0.1');
    const cr = ci.readable.getReader();
    const cw = ci.writable.getWriter();
    const got = await readBytes(cr, payload.length);
    await cw.write(got);
    return { conn, cr, cw, got, peerPort: ci.remotePort };
  })();

  const c = new TCPSocket('127.0.0.1', sinfo.localPort);
  const info = await withTimeout(c.opened, 5000, 'client opened');
  const w = info.writable.getWriter();
  const r = info.readable.getReader();
  await w.write(payload);
  const back = await withTimeout(readBytes(r, payload.length), 10000, 'echo back');
  const sv = await withTimeout(server, 10000, 'server side');
  assert.equal(sv.peerPort, info.localPort);
  assert.equal(Buffer.compare(sv.got, Buffer.from(payload)), 0);
  assert.equal(Buffer.compare(back, Buffer.from(payload)), 0);

  // Closing the client: both streams closed -> FIN -> the accepted socket reads EOF.
  r.releaseLock();
  w.releaseLock();
  await c.close();
  const eof = await withTimeout(sv.cr.read(), 5000, 'server EOF');
  assert.equal(eof.done, true);
  sv.cr.releaseLock();
  sv.cw.releaseLock();
  await sv.conn.close();
  await withTimeout(srv.close(), 5000, 'server close');
  await srv.closed;
  // The listener is gone.
  const refused = new TCPSocket('127.0.0.1', sinfo.localPort);
  await assert.rejects(refused.opened, { name: 'NetworkError' });
});

test('accepted sockets report localAddress when configured', T, async () => {
  ds.install(globalThis, { acceptedSocketLocalAddress: true });
  try {
    const srv = new TCPServerSocket('127.0.0.1');
    const { readable, localPort } = await srv.opened;
    const c = new TCPSocket('127.0.0.1', localPort);
    const acc = readable.getReader();
    const { value: conn } = await acc.read();
    const ci = await conn.opened;
    assert.equal(ci.localAddress, '127.0.0.1');
    assert.equal(ci.localPort, localPort);
    await c.opened;
    acc.releaseLock();
    await conn.close();
    await c.close();
    await srv.close();
  } finally {
    ds.install();
  }
});

test('peer FIN closes the readable; the writable keeps working', T, async () => {
  let serverSide;
  const received = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    serverSide = s;
    s.on('data', (d) => received.push(d));
    s.end('bye');  // FIN right away
  });
  const port = await listen(server);
  try {
    const s = new TCPSocket('127.0.0.1', port);
    const { readable, writable } = await s.opened;
    const r = readable.getReader();
    assert.equal(Buffer.from((await r.read()).value).toString(), 'bye');
    assert.deepEqual(await withTimeout(r.read(), 5000, 'EOF'), { value: undefined, done: true });
    const w = writable.getWriter();
    await w.write(new TextEncoder().encode('still here'));
    await waitFor(() => Buffer.concat(received).toString() === 'still here', 5000, 'data after FIN');
    // `closed` waits for the writable too.
    let settled = false;
    s.closed.then(() => { settled = true; });
    await sleep(50);
    assert.equal(settled, false);
    await w.close();
    await withTimeout(s.closed, 5000, 'closed after both streams');
    await waitFor(() => serverSide.readableEnded || serverSide.destroyed, 5000, 'teardown');
  } finally {
    await closeServer(server, new Set([serverSide].filter(Boolean)));
  }
});

test('writer.close() alone sends no FIN (no half-close in Chromium)', T, async () => {
  let peer;
  let peerEnded = false;
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    peer = s;
    s.on('end', () => { peerEnded = true; });
    s.resume();
  });
  const port = await listen(server);
  try {
    const s = new TCPSocket('127.0.0.1', port);
    const { readable, writable } = await s.opened;
    await writable.getWriter().close();
    await sleep(200);
    assert.equal(peerEnded, false, 'peer must not see EOF while the readable is open');
    await readable.cancel();
    await withTimeout(s.closed, 5000, 'closed');
    await waitFor(() => peerEnded, 5000, 'FIN at teardown');
  } finally {
    await closeServer(server, new Set([peer].filter(Boolean)));
  }
});

test('peer reset errors the readable with NetworkError; writes reject; closed rejects', T,
     async () => {
       let peer;
       const server = net.createServer((s) => {
         peer = s;
         s.on('error', () => {});
       });
       const port = await listen(server);
       try {
         const s = new TCPSocket('127.0.0.1', port);
         const { readable, writable } = await s.opened;
         await waitFor(() => peer, 5000, 'accept');
         peer.resetAndDestroy();
         const r = readable.getReader();
         const err = await withTimeout(r.read().then(() => null, (e) => e), 5000, 'read error');
         assert.ok(err instanceof DOMException);
         assert.equal(err.name, 'NetworkError');
         assert.equal(err.message, 'Stream aborted by the remote: net::ERR_CONNECTION_RESET');
         const w = writable.getWriter();
         await assert.rejects(w.write(new Uint8Array(10)), { name: 'NetworkError' });
         await assert.rejects(s.closed, { name: 'NetworkError' });
         // close() on an aborted socket returns the (rejected) closed promise.
         r.releaseLock();
         w.releaseLock();
         await assert.rejects(s.close(), { name: 'NetworkError' });
       } finally {
         await closeServer(server, new Set([peer].filter(Boolean)));
       }
     });

test('close(): InvalidStateError while opening and with locked streams', T, async () => {
  const echo = await echoServer();
  try {
    const s = new TCPSocket('127.0.0.1', echo.port);
    const early = s.close();
    assert.ok(early instanceof Promise, 'close() returns a promise, even on error');
    await assert.rejects(early, (e) => e instanceof DOMException &&
                             e.name === 'InvalidStateError' &&
                             /Socket is not properly initialized\./.test(e.message));
    const { readable, writable } = await s.opened;
    const r = readable.getReader();
    await assert.rejects(s.close(), (e) => e.name === 'InvalidStateError' &&
                             /Close called on locked streams\./.test(e.message));
    r.releaseLock();
    const w = writable.getWriter();
    await assert.rejects(s.close(), { name: 'InvalidStateError' });
    w.releaseLock();
    const p = s.close();
    assert.equal(await withTimeout(p, 5000, 'close'), undefined);
    assert.equal(s.close(), s.closed, 'close() after close returns `closed`');
    // The streams were cancelled/aborted with AbortError "Stream closed.".
    await assert.rejects(writable.getWriter().write(new Uint8Array(1)),
                         (e) => e.name === 'AbortError' && e.message === 'Stream closed.');
    assert.deepEqual(await readable.getReader().read(), { value: undefined, done: true });
  } finally {
    await echo.close();
  }
});

test('writing a non-BufferSource errors the writable with TypeError', T, async () => {
  const echo = await echoServer();
  try {
    const s = new TCPSocket('127.0.0.1', echo.port);
    const { readable, writable } = await s.opened;
    const w = writable.getWriter();
    // Views of shared memory (a threaded wasm heap) are refused, as without [AllowShared].
    await assert.rejects(w.write(new Uint8Array(new SharedArrayBuffer(8))),
                         /not of type '\(ArrayBuffer or ArrayBufferView\)'/);
    await assert.rejects(w.write('text'), TypeError);  // the stream is errored
    w.releaseLock();
    await readable.cancel();
    await assert.rejects(withTimeout(s.closed, 5000, 'closed'), TypeError);
  } finally {
    await echo.close();
  }
});

test('host names resolve through node:dns', T, async () => {
  const echo = await echoServer();
  try {
    const s = new TCPSocket('localhost', echo.port, { dnsQueryType: 'ipv4' });
    const info = await withTimeout(s.opened, 5000, 'opened');
    assert.equal(info.remoteAddress, '127.0.0.1');
    await s.close();
  } finally {
    await echo.close();
  }
});

test('pipeCapacity 0: writes go straight to Node\'s socket; nothing lost at close', T, async () => {
  ds.install(globalThis, { pipeCapacity: 0 });
  const echo = await echoServer();
  try {
    const s = new TCPSocket('127.0.0.1', echo.port);
    const { readable, writable } = await s.opened;
    const w = writable.getWriter();
    const r = readable.getReader();
    const data = pattern(0, 4 * MiB);
    const reading = readBytes(r, data.length);
    for (let off = 0; off < data.length; off += 64 * KiB) await w.write(data.subarray(off, off + 64 * KiB));
    assert.equal(Buffer.compare(await withTimeout(reading, 10000, 'echo'), Buffer.from(data)), 0);
    r.releaseLock();
    w.releaseLock();
    await s.close();
  } finally {
    await echo.close();
    ds.install();
  }
  assert.throws(() => ds.install(globalThis, { pipeCapacity: 0, emulateChromiumWriteDrop: true }),
                TypeError);
  ds.install();
});
