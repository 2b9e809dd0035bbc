'use strict';
// The Emscripten bridge (asio_directsockets/js/bridge/) over the Node Direct Sockets implementation:
// connect, echo, pull-based reads with bounded memory, FIFO reads, EOF, accept, endpoints,
// memory growth. Servers listen on 127.0.0.1 only.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const K = require('./support/testkit');

const { E, KiB, MiB } = K;
const T = { timeout: 30000 };

function pending(env, h) { return env.AdsBridge.socks.get(h); }

test('connect, write, read back, endpoints', T, async () => {
  const env = K.setup();
  const srv = await K.echo();
  try {
    const h = await K.connect(env, srv.port);
    assert.ok(h > 0);
    const a = env.malloc(64);
    const p = env.malloc(4);
    assert.equal(env.imports.ads_endpoint(h, 1, a, p), 0);
    assert.equal(env.readStr(a), '127.0.0.1');
    assert.equal(env.readI32(p), srv.port);
    assert.equal(env.imports.ads_endpoint(h, 0, a, p), 0);
    assert.equal(env.readStr(a), '127.0.0.1');
    assert.ok(env.readI32(p) > 0);

    const out = env.cstr('hello, direct sockets');
    const wop = K.opId();
    env.imports.ads_write(h, wop, out, 21);
    assert.deepEqual(await env.next(wop), { op: wop, err: E.OK, value: 21 });
    const buf = env.malloc(100);
    let got = '';
    while (got.length < 21) {
      const rop = K.opId();
      env.imports.ads_read(h, rop, buf, 100);
      const c = await env.next(rop);
      assert.equal(c.err, E.OK);
      got += Buffer.from(env.heap.subarray(buf, buf + c.value)).toString();
    }
    assert.equal(got, 'hello, direct sockets');
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});

test('a read copies at most len bytes and keeps the rest of the chunk (ads_available)', T, async () => {
  const env = K.setup();
  let peer;
  const server = net.createServer((s) => { peer = s; s.on('error', () => {}); });
  const port = await K.listen(server);
  try {
    const h = await K.connect(env, port);
    await K.waitFor(() => peer, 5000, 'peer');
    peer.write(Buffer.from('0123456789'));
    const buf = env.malloc(16);
    let op = K.opId();
    env.imports.ads_read(h, op, buf, 4);
    let c = await env.next(op);
    assert.equal(c.value, 4);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + 4)).toString(), '0123');
    assert.equal(env.imports.ads_available(h), 6);
    assert.ok(pending(env, h).reading, 'a reader.read() stays pending although no read op is');
    op = K.opId();
    env.imports.ads_read(h, op, buf, 16);
    c = await env.next(op);
    assert.equal(c.value, 6);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + 6)).toString(), '456789');
    assert.equal(env.imports.ads_available(h), 0);
    env.imports.ads_close(h);
  } finally {
    peer?.destroy();
    server.close();
  }
});

test('several pending reads are served FIFO; len 0 is done at once with 0', T, async () => {
  const env = K.setup();
  let peer;
  const server = net.createServer((s) => { peer = s; s.on('error', () => {}); });
  const port = await K.listen(server);
  try {
    const h = await K.connect(env, port);
    await K.waitFor(() => peer, 5000, 'peer');
    const bufs = [env.malloc(3), env.malloc(3), env.malloc(3)];
    const ops = bufs.map((b) => { const op = K.opId(); env.imports.ads_read(h, op, b, 3); return op; });
    const zop = K.opId();
    const queued = env.AdsBridge.cq.length;
    assert.equal(env.raw.ads_read(h, zop, env.malloc(1), 0), 0, 'done now');
    assert.equal(env.AdsBridge.cq.length, queued, 'no completion follows');
    peer.write('abcdefghi');
    const res = [];
    for (const op of ops) res.push(await env.next(op));
    assert.deepEqual(res.map((c) => c.value), [3, 3, 3]);
    assert.deepEqual(bufs.map((b) => Buffer.from(env.heap.subarray(b, b + 3)).toString()),
                     ['abc', 'def', 'ghi']);
    // completion order = issue order
    const order = env.completions.filter((c) => ops.includes(c.op)).map((c) => c.op);
    assert.deepEqual(order, ops);
    env.imports.ads_close(h);
  } finally {
    peer?.destroy();
    server.close();
  }
});

test('EOF: after the peer ends, reads complete with EOF (repeatedly); writes still work', T, async () => {
  const env = K.setup();
  let peer;
  const received = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    peer = s;
    s.on('data', (d) => received.push(d));
    s.on('error', () => {});
  });
  const port = await K.listen(server);
  try {
    const h = await K.connect(env, port);
    await K.waitFor(() => peer, 5000, 'peer');
    peer.end('bye');
    const buf = env.malloc(16);
    let op = K.opId();
    env.imports.ads_read(h, op, buf, 16);
    assert.deepEqual(await env.next(op), { op, err: E.OK, value: 3 });
    for (let i = 0; i < 2; i++) {
      op = K.opId();
      env.imports.ads_read(h, op, buf, 16);
      assert.deepEqual(await env.next(op), { op, err: E.EOF, value: 0 });
    }
    // half-close: our direction still works
    op = K.opId();
    env.imports.ads_write(h, op, env.cstr('still here'), 10);
    assert.equal((await env.next(op)).err, E.OK);
    await K.waitFor(() => Buffer.concat(received).toString() === 'still here', 5000, 'data after peer FIN');
    env.imports.ads_close(h);
  } finally {
    peer?.destroy();
    server.close();
  }
});

test('a slow reader: reading pauses at RECV_AHEAD and TCP flow control stops the peer', T, async () => {
  const env = K.setup();
  const TOTAL = 32 * MiB;
  let peer;
  let written = 0;
  const server = net.createServer((s) => {
    peer = s;
    s.on('error', () => {});
    // Write the pattern as fast as the socket accepts it.
    const pump = () => {
      while (written < TOTAL) {
        const len = Math.min(256 * KiB, TOTAL - written);
        const b = Buffer.allocUnsafe(len);
        for (let i = 0; i < len; i++) b[i] = (written + i) % K.MOD;
        written += len;
        if (!s.write(b)) { s.once('drain', pump); return; }
      }
      s.end();
    };
    pump();
  });
  const port = await K.listen(server);
  try {
    const h = await K.connect(env, port);
    const s = pending(env, h);
    const buf = env.malloc(64 * KiB);
    let off = 0;
    let bad = -1;
    let maxLeft = 0;
    const check = (n) => {
      for (let i = 0; i < n && bad < 0; i++) if (env.heap[buf + i] !== (off + i) % K.MOD) bad = off + i;
      off += n;
    };
    // Slow phase: 1 KiB every 5 ms for 600 ms.
    const end = Date.now() + 600;
    while (Date.now() < end) {
      const op = K.opId();
      env.imports.ads_read(h, op, buf, KiB);
      const c = await env.next(op);
      assert.equal(c.err, E.OK);
      check(c.value);
      maxLeft = Math.max(maxLeft, s.rxBytes);
      assert.ok(!s.reading || s.rxBytes < env.AdsBridge.RECV_AHEAD, 'reading pauses at RECV_AHEAD');
      await K.sleep(5);
    }
    const bound = env.AdsBridge.RECV_AHEAD + 64 * KiB;
    assert.ok(maxLeft <= bound, `held ${maxLeft} <= RECV_AHEAD + one 64 KiB chunk`);
    assert.ok(written < 16 * MiB, `peer stopped by flow control after ${written} bytes`);
    // Fast phase: read the rest.
    for (;;) {
      const op = K.opId();
      env.imports.ads_read(h, op, buf, 64 * KiB);
      const c = await env.next(op);
      if (c.err === E.EOF) break;
      assert.equal(c.err, E.OK);
      check(c.value);
      maxLeft = Math.max(maxLeft, s.rxBytes);
    }
    assert.equal(bad, -1, 'byte-exact');
    assert.equal(off, TOTAL);
    assert.ok(maxLeft <= bound);
    env.imports.ads_close(h);
  } finally {
    peer?.destroy();
    server.close();
  }
});

test('memory growth: a pending read writes into the grown heap', T, async () => {
  const env = K.setup();
  let peer;
  const server = net.createServer((s) => { peer = s; s.on('error', () => {}); });
  const port = await K.listen(server);
  try {
    const h = await K.connect(env, port);
    await K.waitFor(() => peer, 5000, 'peer');
    const buf = env.malloc(8);
    const op = K.opId();
    env.imports.ads_read(h, op, buf, 8);
    const old = new Uint8Array(env.grow(1 << 20));
    peer.write('grown!!!');
    assert.equal((await env.next(op)).value, 8);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + 8)).toString(), 'grown!!!');
    assert.equal(old[buf], 0, 'the detached old buffer was not written');
    // writes copy from the current heap too
    env.heap.set(Buffer.from('new-heap'), buf);
    const wop = K.opId();
    const got = [];
    peer.on('data', (d) => got.push(d));
    env.imports.ads_write(h, wop, buf, 8);
    assert.equal((await env.next(wop)).err, E.OK);
    await K.waitFor(() => Buffer.concat(got).toString() === 'new-heap', 5000, 'data');
    env.imports.ads_close(h);
  } finally {
    peer?.destroy();
    server.close();
  }
});

test('shared memory (SharedArrayBuffer heap): writes and reads work', T, async () => {
  const env = K.setup({}, { shared: true });
  const srv = await K.echo();
  try {
    const h = await K.connect(env, srv.port);
    const n = 300 * KiB;
    const src = env.malloc(n);
    for (let i = 0; i < n; i++) env.heap[src + i] = i % K.MOD;
    const op = K.opId();
    env.imports.ads_write(h, op, src, n);
    assert.equal((await env.next(op)).err, E.OK);
    const dst = env.malloc(n);
    let got = 0;
    while (got < n) {
      const rop = K.opId();
      env.imports.ads_read(h, rop, dst + got, n - got);
      const c = await env.next(rop);
      assert.equal(c.err, E.OK);
      got += c.value;
    }
    assert.deepEqual(env.heap.subarray(dst, dst + n), env.heap.subarray(src, src + n));
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});

test('listen + accept: FIFO accepts, accepted sockets work, local endpoint from the listener', T, async () => {
  const env = K.setup();
  const I = env.imports;
  const lop = K.opId();
  const sh = I.ads_tcp_listen(lop, env.cstr('127.0.0.1'), 0, 0, -1);
  assert.ok(sh > 0);
  assert.equal((await env.next(lop)).err, E.OK);
  const a = env.malloc(64);
  const p = env.malloc(4);
  assert.equal(I.ads_endpoint(sh, 0, a, p), 0);
  const port = env.readI32(p);
  assert.equal(env.readStr(a), '127.0.0.1');
  assert.equal(I.ads_endpoint(sh, 1, a, p), -E.NOT_CONNECTED);

  const aops = [K.opId(), K.opId()];
  for (const op of aops) I.ads_accept(sh, op);
  const clients = [];
  for (let i = 0; i < 2; i++) {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', () => {});
    await new Promise((r) => c.once('connect', r));
    clients.push(c);
  }
  const handles = [];
  for (const op of aops) {
    const c = await env.next(op);
    assert.equal(c.err, E.OK);
    handles.push(c.value);
  }
  assert.equal(new Set(handles).size, 2);
  for (let i = 0; i < 2; i++) {
    const h = handles[i];
    assert.equal(I.ads_endpoint(h, 0, a, p), 0);
    assert.equal(env.readI32(p), port, 'accepted local port = listener port');
    assert.equal(I.ads_endpoint(h, 1, a, p), 0);
    assert.equal(env.readI32(p), clients[i].localPort, 'FIFO: first accept gets first client');
    clients[i].write(`client ${i}`);
    const buf = env.malloc(32);
    const rop = K.opId();
    I.ads_read(h, rop, buf, 32);
    const r = await env.next(rop);
    assert.equal(Buffer.from(env.heap.subarray(buf, buf + r.value)).toString(), `client ${i}`);
    const got = [];
    clients[i].on('data', (d) => got.push(d));
    const wop = K.opId();
    I.ads_write(h, wop, env.cstr('reply'), 5);
    await env.next(wop);
    await K.waitFor(() => Buffer.concat(got).toString() === 'reply', 5000, 'reply');
    I.ads_close(h);
  }
  I.ads_close(sh);
  for (const c of clients) c.destroy();
});
