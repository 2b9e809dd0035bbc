'use strict';
// ads_cancel, ads_close and ads_shutdown_send: pending ops complete with OPERATION_ABORTED and
// their buffers are forgotten before the call returns; a closed handle is invalid at once while
// the connection is torn down gracefully in the background; what the peer sees.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const K = require('./support/testkit');

const { E, KiB, MiB } = K;
const T = { timeout: 30000 };

// A server that keeps each accepted socket and records what arrives.
async function recorder({ allowHalfOpen = true } = {}) {
  const peers = [];
  const server = net.createServer({ allowHalfOpen }, (s) => {
    const p = { s, data: [], bytes: 0, ended: false, error: null, closed: false };
    peers.push(p);
    s.on('data', (d) => { p.data.push(d); p.bytes += d.length; });
    s.on('end', () => { p.ended = true; });
    s.on('error', (e) => { p.error = e.code; });
    s.on('close', () => { p.closed = true; });
  });
  const port = await K.listen(server);
  return {
    port, peers,
    async peer() { await K.waitFor(() => peers.length, 5000, 'connection'); return peers[peers.length - 1]; },
    close() { for (const p of peers) p.s.destroy(); return new Promise((r) => server.close(() => r())); },
  };
}

test('ads_cancel: pending reads abort before it returns, their buffers are never written, the chunk is kept', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const srv = await recorder();
  try {
    const h = await K.connect(env, srv.port);
    const p = await srv.peer();
    const bufs = [env.malloc(64), env.malloc(64)];
    const ops = bufs.map((b) => { const op = K.opId(); env.imports.ads_read(h, op, b, 64); return op; });
    assert.ok(env.AdsBridge.socks.get(h).reading, 'a reader.read() is in flight');
    env.imports.ads_cancel(h);
    // Queued synchronously (delivered later): both ops are already completed in JS.
    const q = env.AdsBridge.cq;
    for (const op of ops) {
      const i = q.indexOf(op);
      assert.ok(i >= 0 && i % 3 === 0 && q[i + 1] === E.OPERATION_ABORTED, `op ${op} aborted`);
    }
    for (const b of bufs) env.heap.fill(0x5a, b, b + 64);   // poison
    p.s.write('after cancel');
    await K.sleep(100);
    for (const b of bufs) assert.ok(env.heap.subarray(b, b + 64).every((x) => x === 0x5a), 'untouched');
    for (const op of ops) assert.equal((await env.next(op)).err, E.OPERATION_ABORTED);
    // The socket stays usable and the chunk read meanwhile is not lost.
    assert.equal(env.imports.ads_available(h), 12);
    const b2 = env.malloc(64);
    const op2 = K.opId();
    env.imports.ads_read(h, op2, b2, 64);
    const c = await env.next(op2);
    assert.equal(Buffer.from(env.heap.subarray(b2, b2 + c.value)).toString(), 'after cancel');
    const wop = K.opId();
    env.imports.ads_write(h, wop, env.cstr('ok'), 2);
    assert.equal((await env.next(wop)).err, E.OK);
    await K.waitFor(() => p.bytes === 2, 5000, 'write after cancel');
    env.imports.ads_close(h);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    await srv.close();
  }
});

test('ads_cancel: a write waiting for queue room aborts (never copied); admitted bytes are still sent', T, async () => {
  const env = K.setup({ emulateChromiumWriteDrop: true }, { memory: 64 << 20 });
  const sk = await K.sink({ mode: 'paused' });
  try {
    const h = await K.connect(env, sk.port);
    const n = 16 * MiB;   // more than the kernel + pipe + queue can take
    const b = env.malloc(n);
    for (let j = 0; j < n; j++) env.heap[b + j] = j % K.MOD;
    // As async_write does: one write at a time, each for what is left, until one has to wait.
    let sent = 0;
    let op;
    for (;;) {
      op = K.opId();
      env.imports.ads_write(h, op, b + sent, Math.min(512 * KiB, n - sent));
      const c = await Promise.race([env.next(op), K.sleep(1000).then(() => null)]);
      if (!c) break;
      assert.equal(c.err, E.OK);
      assert.equal(c.value, Math.min(512 * KiB, n - sent));
      sent += c.value;
    }
    const s = env.AdsBridge.socks.get(h);
    assert.equal(s.wops.length, 1, 'the last write waits for room');
    assert.ok(sent >= env.AdsBridge.QUEUE_LIMIT, `${sent} bytes admitted before the queue filled`);
    env.imports.ads_cancel(h);
    assert.equal(s.wops.length, 0);
    env.heap.fill(0xee, b + sent, b + n);   // poison what was never admitted
    assert.deepEqual(await env.next(op), { op, err: E.OPERATION_ABORTED, value: 0 });
    sk.resumeAll();
    const st = await sk.next();
    await K.waitFor(() => st.bytes === sent, 20000, `${sent} admitted bytes`);
    assert.equal(st.firstBad, -1, 'admitted bytes intact, nothing of the aborted write');
    env.imports.ads_close(h);
    await K.waitFor(() => st.closed, 10000, 'closed');
    assert.equal(st.bytes, sent);
  } finally {
    await sk.close();
  }
});

test('ads_close: handle invalid at once, pending ops abort, peer gets all data then FIN', T, async () => {
  const env = K.setup({ emulateChromiumWriteDrop: true }, { memory: 32 << 20 });
  const esc = K.trapEscapes();
  const sk = await K.sink();
  try {
    const h = await K.connect(env, sk.port);
    const n = 4 * MiB;
    const src = env.malloc(n);
    for (let i = 0; i < n; i++) env.heap[src + i] = i % K.MOD;
    const wop = K.opId();
    env.imports.ads_write(h, wop, src, n);
    const rbuf = env.malloc(64);
    const rop = K.opId();
    env.imports.ads_read(h, rop, rbuf, 64);
    env.imports.ads_close(h);
    env.heap.fill(0x77, rbuf, rbuf + 64);
    assert.deepEqual(await env.next(wop), { op: wop, err: E.OK, value: n });
    assert.equal((await env.next(rop)).err, E.OPERATION_ABORTED);
    // Later calls: BAD_DESCRIPTOR, or ignored.
    const op = K.opId();
    env.imports.ads_read(h, op, rbuf, 64);
    assert.equal((await env.next(op)).err, E.BAD_DESCRIPTOR);
    const op2 = K.opId();
    env.imports.ads_write(h, op2, src, 10);
    assert.equal((await env.next(op2)).err, E.BAD_DESCRIPTOR);
    assert.equal(env.imports.ads_endpoint(h, 1, env.malloc(64), env.malloc(4)), -E.BAD_DESCRIPTOR);
    assert.equal(env.imports.ads_available(h), -E.BAD_DESCRIPTOR);
    env.imports.ads_cancel(h);
    env.imports.ads_shutdown_send(h);
    env.imports.ads_close(h);
    const st = await sk.next();
    await K.waitFor(() => st.closed, 10000, 'closed');
    assert.equal(st.bytes, n);
    assert.equal(st.firstBad, -1);
    assert.ok(st.ended, 'FIN');
    assert.ok(env.heap.subarray(rbuf, rbuf + 64).every((x) => x === 0x77));
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    await sk.close();
  }
});

test('ads_close with unread inbound data: the peer sees FIN, not RST', T, async () => {
  const env = K.setup();
  const srv = await recorder();
  try {
    const h = await K.connect(env, srv.port);
    const p = await srv.peer();
    p.s.write(Buffer.alloc(256 * KiB, 1));   // we never read it
    const wop = K.opId();
    env.imports.ads_write(h, wop, env.cstr('last words'), 10);
    await env.next(wop);
    await K.sleep(50);
    env.imports.ads_close(h);
    await K.waitFor(() => p.ended || p.error, 10000, 'peer sees the close');
    assert.equal(Buffer.concat(p.data).toString(), 'last words');
    assert.ok(p.ended, 'FIN');
    assert.equal(p.error, null, 'no ECONNRESET');
  } finally {
    await srv.close();
  }
});

test('ads_close while connecting: connect op aborts, nothing escapes, the connection goes away', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const srv = await recorder();
  try {
    const op = K.opId();
    const h = env.imports.ads_tcp_connect(op, env.cstr('127.0.0.1'), srv.port, -1, -1, 0, 0, 0);
    assert.ok(h > 0);
    env.imports.ads_close(h);
    assert.equal((await env.next(op)).err, E.OPERATION_ABORTED);
    const p = await srv.peer();
    await K.waitFor(() => p.ended, 5000, 'server side sees FIN');
    // a failing connect closed early
    const op2 = K.opId();
    const h2 = env.imports.ads_tcp_connect(op2, env.cstr('127.0.0.1'), 1, -1, -1, 0, 0, 0);
    env.imports.ads_close(h2);
    assert.equal((await env.next(op2)).err, E.OPERATION_ABORTED);
    await K.sleep(100);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    await srv.close();
  }
});

test('ads_shutdown_send: data delivered, later writes BROKEN_PIPE, reads still work; no FIN until close', T, async () => {
  const env = K.setup({ emulateChromiumWriteDrop: true }, { memory: 32 << 20 });
  const srv = await recorder();
  try {
    const h = await K.connect(env, srv.port);
    const p = await srv.peer();
    const n = 2 * MiB;
    const src = env.malloc(n);
    for (let i = 0; i < n; i++) env.heap[src + i] = i % K.MOD;
    const wop = K.opId();
    env.imports.ads_write(h, wop, src, n);
    await env.next(wop);
    env.imports.ads_shutdown_send(h);
    const op = K.opId();
    env.imports.ads_write(h, op, src, 10);
    assert.equal((await env.next(op)).err, E.BROKEN_PIPE);
    await K.waitFor(() => p.bytes === n, 10000, 'all data');
    await K.sleep(300);
    assert.equal(p.ended, false, 'Chromium sends no FIN on writer.close(): the peer sees nothing yet');
    p.s.write('response');
    const rbuf = env.malloc(16);
    const rop = K.opId();
    env.imports.ads_read(h, rop, rbuf, 16);
    const c = await env.next(rop);
    assert.equal(Buffer.from(env.heap.subarray(rbuf, rbuf + c.value)).toString(), 'response');
    env.imports.ads_close(h);
    await K.waitFor(() => p.ended, 10000, 'FIN at close');
    const all = Buffer.concat(p.data);
    assert.equal(all.length, n);
    for (let i = 0; i < n; i++) if (all[i] !== i % K.MOD) assert.fail(`byte ${i}`);
  } finally {
    await srv.close();
  }
});

test('peer closes first (EOF), then we shut down and close: nothing written is lost', T, async () => {
  const env = K.setup({ emulateChromiumWriteDrop: true }, { memory: 32 << 20 });
  const sk = await K.sink();   // ends its side when ours ends; here the peer ends first:
  try {
    const h = await K.connect(env, sk.port);
    const st = await sk.next();
    st.socket.end();   // peer FIN first
    const buf = env.malloc(16);
    const rop = K.opId();
    env.imports.ads_read(h, rop, buf, 16);
    assert.equal((await env.next(rop)).err, E.EOF);
    const n = 3 * MiB;
    const src = env.malloc(n);
    for (let i = 0; i < n; i++) env.heap[src + i] = i % K.MOD;
    const wop = K.opId();
    env.imports.ads_write(h, wop, src, n);
    await env.next(wop);
    env.imports.ads_shutdown_send(h);
    env.imports.ads_close(h);
    await K.waitFor(() => st.closed, 10000, 'closed');
    assert.equal(st.bytes, n);
    assert.equal(st.firstBad, -1);
  } finally {
    await sk.close();
  }
});

test('server: ads_cancel/ads_close abort pending accepts; closing stops listening', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const I = env.imports;
  const lop = K.opId();
  const sh = I.ads_tcp_listen(lop, env.cstr('127.0.0.1'), 0, 4, -1);
  await env.next(lop);
  const a = env.malloc(64);
  const pp = env.malloc(4);
  I.ads_endpoint(sh, 0, a, pp);
  const port = env.readI32(pp);
  const op1 = K.opId();
  I.ads_accept(sh, op1);
  I.ads_cancel(sh);
  assert.equal((await env.next(op1)).err, E.OPERATION_ABORTED);
  // The connection that arrives now is kept for the next accept.
  const c1 = net.connect(port, '127.0.0.1');
  c1.on('error', () => {});
  await new Promise((r) => c1.once('connect', r));
  const op2 = K.opId();
  I.ads_accept(sh, op2);
  const r2 = await env.next(op2);
  assert.equal(r2.err, E.OK);
  const op3 = K.opId();
  I.ads_accept(sh, op3);
  I.ads_close(sh);
  assert.equal((await env.next(op3)).err, E.OPERATION_ABORTED);
  const op4 = K.opId();
  I.ads_accept(sh, op4);
  assert.equal((await env.next(op4)).err, E.BAD_DESCRIPTOR);
  await K.sleep(100);
  const refused = await new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', (e) => resolve(e.code));
    c.on('connect', () => { c.destroy(); resolve('connected'); });
  });
  assert.equal(refused, 'ECONNREFUSED');
  I.ads_close(r2.value);
  c1.destroy();
  await K.sleep(50);
  assert.deepEqual(esc.stop(), []);
});

test('ads_abort (SO_LINGER 0) with unread inbound data: the peer sees RST; pending ops abort at once', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const srv = await recorder();
  try {
    const h = await K.connect(env, srv.port);
    const p = await srv.peer();
    p.s.write(Buffer.alloc(4 * MiB, 1));   // we never read it
    await K.sleep(100);
    const rop = K.opId();
    env.imports.ads_poll(h, rop, 1);
    await env.next(rop);
    const pending = K.opId();
    env.imports.ads_poll(h, pending, 2);
    env.imports.ads_abort(h);
    assert.equal((await env.next(pending)).err, E.OPERATION_ABORTED);
    const after = K.opId();
    env.imports.ads_read(h, after, env.malloc(8), 8);
    assert.equal((await env.next(after)).err, E.BAD_DESCRIPTOR, 'the handle is gone at once');
    await K.waitFor(() => p.error || p.ended, 10000, 'peer sees the close');
    assert.equal(p.error, 'ECONNRESET');
    await K.sleep(50);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    await srv.close();
  }
});

test('ads_abort without unread inbound data: an orderly FIN (Direct Sockets cannot force RST)', T, async () => {
  const env = K.setup();
  const srv = await recorder();
  try {
    const h = await K.connect(env, srv.port);
    const p = await srv.peer();
    const wop = K.opId();
    env.imports.ads_write(h, wop, env.cstr('sent before'), 11);
    await env.next(wop);
    await K.waitFor(() => p.bytes === 11, 5000, 'data');
    env.imports.ads_abort(h);
    await K.waitFor(() => p.ended || p.error, 10000, 'peer sees the close');
    assert.ok(p.ended);
    assert.equal(p.error, null);
    assert.equal(Buffer.concat(p.data).toString(), 'sent before');
  } finally {
    await srv.close();
  }
});

test('ads_realm_end: the thread ended, its JS forgets everything: sockets closed, ops and completions gone', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const srv = await recorder();
  try {
    const B = env.AdsBridge;
    const h = await K.connect(env, srv.port);
    const p = await srv.peer();
    const rbuf = env.malloc(64);
    const rop = K.opId();
    env.imports.ads_read(h, rop, rbuf, 64);
    env.imports.ads_schedule_drain(60000);  // a timer that would call into wasm
    assert.ok(B.drainTimer !== null);
    env.imports.ads_realm_end();
    assert.equal(B.socks.size, 0, 'no socket left');
    assert.equal(B.ops.size, 0, 'no op left');
    assert.equal(B.cq.length, 0, 'no completion for the next thread');
    assert.equal(B.drainTimer, null, 'no timer');
    assert.equal(B.waiter, null);
    env.heap.fill(0x77, rbuf, rbuf + 64);
    p.s.write('late data');  // arrives after the end: written nowhere
    await K.waitFor(() => p.closed, 10000, 'the peer sees the connection go');
    assert.ok(env.heap.subarray(rbuf, rbuf + 64).every((x) => x === 0x77), 'buffer never written');
    assert.equal(B.cq.length, 0);
    // The bridge still serves the next thread: a new connection works (re-armed as the next
    // thread's context would).
    env.imports.ads_schedule_drain(-1);
    const h2 = await K.connect(env, srv.port);
    assert.ok(B.socks.has(h2));
    env.imports.ads_close(h2);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    await srv.close();
  }
});
