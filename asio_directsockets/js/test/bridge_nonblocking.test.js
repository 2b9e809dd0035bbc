'use strict';
// Transfers done inside the call (docs/browser-bridge.md, "Transfers: done now or pending"):
// the non-blocking attempts (op 0: user non-blocking mode, synchronous calls in callback mode),
// which finish inside the call and keep no pointer, WOULD_BLOCK when they would have to wait,
// never ahead of asynchronous operations already waiting in the same direction; and ops whose
// result is known at once, which return it and queue no completion.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const dgram = require('node:dgram');
const K = require('./support/testkit');

const { E, KiB } = K;
const T = { timeout: 30000 };

async function server() {
  const peers = [];
  const received = [];
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.on('data', (d) => received.push(d));
    peers.push(s);
  });
  const port = await K.listen(srv);
  return {
    port, received,
    async peer() { await K.waitFor(() => peers.length, 5000, 'connection'); return peers[0]; },
    close() { for (const p of peers) p.destroy(); return new Promise((r) => srv.close(() => r())); },
  };
}

test('ads_read with op 0: WOULD_BLOCK (and one chunk pulled) until data is there; partial reads; EOF', T, async () => {
  const env = K.setup();
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    const peer = await srv.peer();
    const buf = env.malloc(64);
    assert.equal(env.raw.ads_read(h, 0, buf, 0), 0, 'len 0');
    assert.equal(env.raw.ads_read(h, 0, buf, 64), -E.WOULD_BLOCK);
    assert.ok(env.AdsBridge.socks.get(h).reading, 'the next chunk is being pulled');
    peer.write('0123456789');
    await K.waitFor(() => env.imports.ads_available(h) === 10, 5000, 'chunk');
    assert.equal(env.raw.ads_read(h, 0, buf, 4), 4);
    assert.equal(env.readStr(buf).slice(0, 4), '0123');
    assert.equal(env.raw.ads_read(h, 0, buf, 64), 6);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + 6)).toString(), '456789');
    peer.end();
    let r;
    await K.waitFor(() => (r = env.raw.ads_read(h, 0, buf, 64)) !== -E.WOULD_BLOCK, 5000, 'EOF');
    assert.equal(r, -E.EOF);
    assert.equal(env.raw.ads_read(4242, 0, buf, 64), -E.BAD_DESCRIPTOR);
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});

test('ads_read with op 0 never jumps ahead of a pending asynchronous read', T, async () => {
  const env = K.setup();
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    const peer = await srv.peer();
    const abuf = env.malloc(64);
    const op = K.opId();
    env.imports.ads_read(h, op, abuf, 64);
    const buf = env.malloc(64);
    assert.equal(env.raw.ads_read(h, 0, buf, 64), -E.WOULD_BLOCK);
    peer.write('first');
    const c = await env.next(op);
    assert.equal(c.value, 5);
    assert.equal(Buffer.from(env.heap.subarray(abuf, abuf + 5)).toString(), 'first');
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});

test('ads_write with op 0: copies whole while the queue is below its limit, then WOULD_BLOCK; bytes arrive in order', T, async () => {
  const env = K.setup();
  const sk = await K.sink({ mode: 'paused' });
  try {
    const h = await K.connect(env, sk.port);
    const size = 300 * KiB;
    const chunk = env.malloc(size);
    let total = 0;
    const sizes = [];
    for (;;) {
      for (let j = 0; j < size; j++) env.heap[chunk + j] = (total + j) % K.MOD;
      const n = env.raw.ads_write(h, 0, chunk, size);
      if (n === -E.WOULD_BLOCK) break;
      env.heap.fill(0xee, chunk, chunk + size);   // copied: the buffer is free again
      sizes.push(n);
      total += n;
    }
    const limit = env.AdsBridge.QUEUE_LIMIT;
    assert.ok(sizes.every((n) => n === size), 'each write copied whole');
    const queued = env.AdsBridge.socks.get(h).wqBytes;
    assert.ok(queued >= limit && queued < limit + size, `queue ${queued}: its limit + at most one write`);
    // an asynchronous write waiting for room keeps its place
    const wbuf = env.malloc(4);
    const op = K.opId();
    env.imports.ads_write(h, op, wbuf, 4);   // the queue is full: it waits for room
    assert.equal(env.raw.ads_write(h, 0, chunk, 10), -E.WOULD_BLOCK);
    env.imports.ads_cancel(h);
    assert.equal((await env.next(op)).err, E.OPERATION_ABORTED);
    sk.resumeAll();
    env.imports.ads_close(h);
    const st = await sk.next();
    await K.waitFor(() => st.ended, 10000, 'FIN');
    assert.equal(st.bytes, total);
    assert.equal(st.firstBad, -1);
  } finally {
    await sk.close();
  }
});

test('ads_write with op 0 after shutdown; after a reset: the error once, then BROKEN_PIPE / EOF', T, async () => {
  const env = K.setup();
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    await srv.peer();
    const buf = env.cstr('data');
    assert.equal(env.raw.ads_write(h, 0, buf, 4), 4);
    env.imports.ads_shutdown_send(h);
    assert.equal(env.raw.ads_write(h, 0, buf, 4), -E.BROKEN_PIPE);
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
  const srv2 = await server();
  try {
    const h = await K.connect(env, srv2.port);
    const peer = await srv2.peer();
    const eop = K.opId();
    env.imports.ads_poll(h, eop, 2);
    peer.resetAndDestroy();
    assert.equal((await env.next(eop)).err, E.OK);
    const buf = env.malloc(8);
    assert.equal(env.raw.ads_write(h, 0, buf, 4), -E.CONNECTION_RESET);
    assert.equal(env.raw.ads_write(h, 0, buf, 4), -E.BROKEN_PIPE);
    assert.equal(env.raw.ads_read(h, 0, buf, 8), -E.EOF);
    env.imports.ads_close(h);
  } finally {
    await srv2.close();
  }
});

function udpPeer() {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const got = [];
    sock.on('message', (msg, rinfo) => got.push({ msg, rinfo }));
    sock.bind(0, '127.0.0.1', () => resolve({ sock, got, port: sock.address().port }));
  });
}

test('ads_udp_send / ads_udp_receive with op 0: send at once, receive what the browser holds', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  try {
    const op = K.opId();
    const h = env.imports.ads_udp_open(op, 0, 0, env.cstr('127.0.0.1'), 0, 0, 0, -1);
    assert.equal((await env.next(op)).err, E.OK);
    const a = env.malloc(64);
    const p = env.malloc(4);
    env.imports.ads_endpoint(h, 0, a, p);
    const myPort = env.readI32(p);
    const data = env.cstr('ping');
    const dest = env.cstr('127.0.0.1');
    assert.equal(env.raw.ads_udp_send(h, 0, data, 4, dest, peer.port), 4);
    assert.equal(env.raw.ads_udp_send(h, 0, data, 0, dest, peer.port), -E.NOT_SUPPORTED);
    await K.waitFor(() => peer.got.length === 1, 5000, 'datagram');
    assert.equal(peer.got[0].msg.toString(), 'ping');

    const buf = env.malloc(64);
    const from = env.malloc(64);
    const fromPort = env.malloc(4);
    assert.equal(env.raw.ads_udp_receive(h, 0, buf, 64, from, fromPort), -E.WOULD_BLOCK);
    peer.sock.send('pong', myPort, '127.0.0.1');
    let n;
    await K.waitFor(() => (n = env.raw.ads_udp_receive(h, 0, buf, 64, from, fromPort)) !==
                          -E.WOULD_BLOCK, 5000, 'datagram');
    assert.equal(n, 4);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + 4)).toString(), 'pong');
    assert.equal(env.readStr(from), '127.0.0.1');
    assert.equal(env.readI32(fromPort), peer.port);
    env.imports.ads_close(h);
  } finally {
    peer.sock.close();
  }
});

test('an op whose result is known is done inside the call: returned, never queued as a completion', T, async () => {
  const env = K.setup();
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    const peer = await srv.peer();
    const R = env.raw;
    const cq = () => env.AdsBridge.cq.length;
    const buf = env.malloc(64);
    const wop = K.opId();
    const before = cq();
    assert.equal(R.ads_write(h, wop, env.cstr('hello'), 5), 5, 'copied into the queue at once');
    assert.equal(cq(), before);
    assert.equal(env.AdsBridge.ops.has(wop), false, 'the op id is not held');
    await K.waitFor(() => Buffer.concat(srv.received).toString() === 'hello', 5000, 'hello');
    // a read with nothing received pends, and completes once, later
    const rop = K.opId();
    assert.equal(R.ads_read(h, rop, buf, 64), -E.PENDING);
    peer.write('abc');
    const c = await env.next(rop);
    assert.deepEqual(c, { op: rop, err: E.OK, value: 3 });
    // data already received: done now
    peer.write('defg');
    await K.waitFor(() => env.imports.ads_available(h) === 4, 5000, 'chunk');
    const rop2 = K.opId();
    const q = cq();
    assert.equal(R.ads_read(h, rop2, buf, 64), 4);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + 4)).toString(), 'defg');
    assert.equal(cq(), q);
    // end-of-file, known at once
    peer.end();
    await K.waitFor(() => env.AdsBridge.socks.get(h).rdone, 5000, 'EOF seen');
    assert.equal(R.ads_read(h, K.opId(), buf, 64), -E.EOF);
    assert.equal(cq(), q);
    await K.sleep(20);
    assert.equal(env.completions.filter((x) => x.op === rop).length, 1, 'exactly one completion');
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});
