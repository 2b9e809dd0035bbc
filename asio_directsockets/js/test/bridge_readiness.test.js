'use strict';
// ads_poll (socket.async_wait) and ads_available through the bridge: readiness to read pulls
// one chunk (never more), readiness to write follows the staging queue, errors are observed
// without being consumed; a listener is readable when a connection waits and never writable.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const K = require('./support/testkit');

const { E, KiB, MiB } = K;
const T = { timeout: 30000 };

function poll(env, h, dir) {
  const op = K.opId();
  env.imports.ads_poll(h, op, dir);
  return op;
}

async function server() {
  const peers = [];
  const srv = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
    s.on('error', () => {});
    peers.push(s);
  });
  const port = await K.listen(srv);
  return {
    port,
    async peer() { await K.waitFor(() => peers.length, 5000, 'connection'); return peers[0]; },
    close() { for (const p of peers) p.destroy(); return new Promise((r) => srv.close(() => r())); },
  };
}

// Stages pattern bytes with non-blocking writes (op 0) until the queue stays full: the peer reads nothing,
// so the queue stops draining once the kernel buffers between us are full too.
async function fillUntilStuck(env, h) {
  const size = 256 * KiB;
  const chunk = env.malloc(size);
  let total = 0;
  let idle = 0;
  while (idle < 3) {
    let progress = false;
    for (;;) {
      for (let j = 0; j < size; j++) env.heap[chunk + j] = (total + j) % K.MOD;
      const n = env.imports.ads_write(h, 0, chunk, size);
      if (n === -E.WOULD_BLOCK) break;
      assert.ok(n > 0, `ads_write -> ${n}`);
      total += n;
      progress = true;
    }
    idle = progress ? 0 : idle + 1;
    await K.sleep(40);
  }
  return total;
}

test('read readiness: pending until data arrives, then ads_available counts what was received', T, async () => {
  const env = K.setup();
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    const peer = await srv.peer();
    assert.equal(env.imports.ads_available(h), 0);
    const op = poll(env, h, 0);
    await K.sleep(50);
    assert.equal(env.completion(op), undefined, 'nothing to read yet: still pending');
    peer.write(Buffer.from('x'.repeat(1234)));
    assert.deepEqual(await env.next(op), { op, err: E.OK, value: 0 });
    assert.equal(env.imports.ads_available(h), 1234);
    const s = env.AdsBridge.socks.get(h);
    assert.ok(s.reading, 'a reader.read() stays pending ahead of the program (docs/chromium-fin-drop.md)');
    // ready at once while the chunk is there; reading it does not lose a byte
    const op2 = poll(env, h, 0);
    assert.equal((await env.next(op2)).err, E.OK);
    const buf = env.malloc(2000);
    const rop = K.opId();
    env.imports.ads_read(h, rop, buf, 1000);
    assert.equal((await env.next(rop)).value, 1000);
    assert.equal(env.imports.ads_available(h), 234);
    // end-of-file is readiness too
    env.imports.ads_read(h, K.opId(), buf, 1000);
    peer.end();
    const op3 = poll(env, h, 0);
    assert.equal((await env.next(op3)).err, E.OK);
    const eop = K.opId();
    env.imports.ads_read(h, eop, buf, 1000);
    assert.equal((await env.next(eop)).err, E.EOF);
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});

test('write readiness follows the staging queue; cancel aborts a pending poll', T, async () => {
  const env = K.setup();
  const srv = await server();   // pauseOnConnect: the peer reads nothing
  try {
    const h = await K.connect(env, srv.port);
    await srv.peer();
    const op = poll(env, h, 1);
    assert.equal((await env.next(op)).err, E.OK, 'an empty queue is writable');
    const staged = await fillUntilStuck(env, h);
    assert.ok(staged >= env.AdsBridge.QUEUE_LIMIT, `staged ${staged}`);
    const wop = poll(env, h, 1);
    const rop = poll(env, h, 0);
    await K.sleep(100);
    assert.equal(env.completion(wop), undefined, 'queue full, peer not reading: not writable');
    env.imports.ads_cancel(h);
    assert.equal((await env.next(wop)).err, E.OPERATION_ABORTED);
    assert.equal((await env.next(rop)).err, E.OPERATION_ABORTED);
    env.imports.ads_abort(h);
  } finally {
    await srv.close();
  }
});

test('write readiness returns once the peer drains the queue', T, async () => {
  const env = K.setup();
  const sk = await K.sink({ mode: 'paused' });
  try {
    const h = await K.connect(env, sk.port);
    await fillUntilStuck(env, h);
    const wop = poll(env, h, 1);
    await K.sleep(100);
    assert.equal(env.completion(wop), undefined);
    sk.resumeAll();
    assert.equal((await env.next(wop)).err, E.OK);
    env.imports.ads_close(h);
    const st = await sk.next();
    await K.waitFor(() => st.ended, 10000, 'FIN after the staged bytes');
    assert.equal(st.firstBad, -1, 'the staged bytes arrive in order');
  } finally {
    await sk.close();
  }
});

test('an error poll sees a reset without consuming it: the first write reports it, later ops find the connection gone', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    const peer = await srv.peer();
    const eop = poll(env, h, 2);
    const rop = poll(env, h, 0);
    await K.sleep(50);
    assert.equal(env.completion(eop), undefined, 'no error yet');
    peer.resetAndDestroy();
    assert.equal((await env.next(eop)).err, E.OK);
    assert.equal((await env.next(rop)).err, E.OK, 'a reset makes the socket readable');
    const buf = env.malloc(64);
    const codes = [];
    for (const f of ['write', 'write', 'read']) {
      const op = K.opId();
      if (f === 'write') env.imports.ads_write(h, op, buf, 4);
      else env.imports.ads_read(h, op, buf, 64);
      codes.push((await env.next(op)).err);
    }
    // as Linux reports SO_ERROR once: ECONNRESET, then EPIPE for writes and EOF for reads
    assert.deepEqual(codes, [E.CONNECTION_RESET, E.BROKEN_PIPE, E.EOF]);
    env.imports.ads_close(h);
    await K.sleep(50);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    await srv.close();
  }
});

test('listener: readable when a connection waits (accept then takes it), never writable', T, async () => {
  const env = K.setup();
  const lop = K.opId();
  const l = env.imports.ads_tcp_listen(lop, env.cstr('127.0.0.1'), 0, 0, -1);
  assert.equal((await env.next(lop)).err, E.OK);
  const a = env.malloc(64);
  const p = env.malloc(4);
  env.imports.ads_endpoint(l, 0, a, p);
  const rop = poll(env, l, 0);
  const wop = poll(env, l, 1);
  await K.sleep(50);
  assert.equal(env.completion(rop), undefined);
  const c = net.connect(env.readI32(p), '127.0.0.1');
  c.on('error', () => {});
  assert.equal((await env.next(rop)).err, E.OK);
  const aop = K.opId();
  env.imports.ads_accept(l, aop);
  const acc = await env.next(aop);
  assert.equal(acc.err, E.OK);
  assert.ok(acc.value > 0);
  assert.equal(env.completion(wop), undefined, 'a listener is never writable');
  env.imports.ads_close(l);
  assert.equal((await env.next(wop)).err, E.OPERATION_ABORTED);
  env.imports.ads_close(acc.value);
  c.destroy();
});

test('poll argument checks: unknown handle, bad direction', T, async () => {
  const env = K.setup();
  const op = poll(env, 4242, 0);
  assert.equal((await env.next(op)).err, E.BAD_DESCRIPTOR);
  const srv = await server();
  try {
    const h = await K.connect(env, srv.port);
    const op2 = poll(env, h, 7);
    assert.equal((await env.next(op2)).err, E.INVALID_ARGUMENT);
    env.imports.ads_close(h);
  } finally {
    await srv.close();
  }
});
