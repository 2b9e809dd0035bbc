'use strict';
// Error mapping (Direct Sockets outcome -> contract error code) with real failures from the Node
// implementation and with Chromium 156's exact exceptions (as content_shell 156 throws them; the
// mapping is docs/errors.md); validation of handles, op ids, pointers; no exception leaves the bridge.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const K = require('./support/testkit');

const { E } = K;
const T = { timeout: 30000 };

async function connectErr(env, host, port, extra = {}) {
  const op = K.opId();
  const h = env.imports.ads_tcp_connect(op, env.cstr(host), port, -1, extra.keepAlive ?? -1, 0, 0,
                                        extra.dns ?? 0);
  if (h < 0) return { sync: h };
  const c = await env.next(op, 20000);
  env.imports.ads_close(h);
  return { h, err: c.err };
}

async function closedPort() {
  const s = net.createServer();
  const port = await K.listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

for (const exactMessages of [false, true]) {
  const label = exactMessages ? "Chromium's exact messages" : 'messages with the net error';
  test(`open errors (${label}): refused, not resolved, access denied, in use`, T, async () => {
    const env = K.setup({ exactMessages });
    assert.equal((await connectErr(env, '127.0.0.1', await closedPort())).err, E.CONNECTION_REFUSED);
    assert.equal((await connectErr(env, 'no-such-host.invalid', 80)).err, E.HOST_NOT_FOUND);
    // a literal of the wrong family for dnsQueryType: "Hostname couldn't be resolved."
    assert.equal((await connectErr(env, '127.0.0.1', 80, { dns: 6 })).err, E.HOST_NOT_FOUND);
    // listening on a port in use
    const busy = net.createServer();
    const port = await K.listen(busy);
    try {
      const op = K.opId();
      const h = env.imports.ads_tcp_listen(op, env.cstr('127.0.0.1'), port, 0, -1);
      assert.ok(h > 0);
      assert.equal((await env.next(op)).err, E.ADDRESS_IN_USE);
      // operations on a socket whose open failed
      const aop = K.opId();
      env.imports.ads_accept(h, aop);
      assert.equal((await env.next(aop)).err, E.NOT_CONNECTED);
      env.imports.ads_close(h);
    } finally {
      busy.close();
    }
    // InvalidAccessError "Access to local network is blocked."
    const env2 = K.setup({ exactMessages, denyLocalNetwork: true });
    assert.equal((await connectErr(env2, '127.0.0.1', 9)).err, E.ACCESS_DENIED);
    // InvalidAccessError "Access to the requested host or port is blocked." (IWA port rules)
    const env3 = K.setup({ exactMessages, portPolicy: 'iwa' });
    const op3 = K.opId();
    const h3 = env3.imports.ads_tcp_listen(op3, env3.cstr('127.0.0.1'), 2000, 0, -1);
    assert.equal((await env3.next(op3)).err, E.ACCESS_DENIED);
    env3.imports.ads_close(h3);
    K.ds.install(globalThis, {});
  });
}

test('constructor TypeErrors are synchronous INVALID_ARGUMENT; missing API is NOT_SUPPORTED', T, async () => {
  const env = K.setup();
  const I = env.imports;
  // keepAliveDelay below 1000 ms is a TypeError in Blink
  assert.equal((await connectErr(env, '127.0.0.1', 80, { keepAlive: 500 })).sync, -E.INVALID_ARGUMENT);
  assert.equal(I.ads_tcp_connect(K.opId(), env.cstr('127.0.0.1'), 70000, -1, -1, 0, 0, 0), -E.INVALID_ARGUMENT);
  assert.equal(I.ads_tcp_connect(K.opId(), 0, 80, -1, -1, 0, 0, 0), -E.INVALID_ARGUMENT);
  assert.equal(I.ads_tcp_listen(K.opId(), env.cstr('not-an-ip'), 0, 0, -1), -E.INVALID_ARGUMENT);
  assert.equal(I.ads_tcp_listen(K.opId(), env.cstr('127.0.0.1'), 0, 0, 1), -E.INVALID_ARGUMENT);
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'TCPSocket');
  delete globalThis.TCPSocket;
  try {
    assert.equal(I.ads_tcp_connect(K.opId(), env.cstr('127.0.0.1'), 80, -1, -1, 0, 0, 0), -E.NOT_SUPPORTED);
  } finally {
    Object.defineProperty(globalThis, 'TCPSocket', saved);
  }
  // a constructor throwing a SecurityError / NotAllowedError
  const Real = globalThis.TCPSocket;
  for (const [name, code] of [['SecurityError', E.ACCESS_DENIED], ['NotAllowedError', E.ACCESS_DENIED]]) {
    globalThis.TCPSocket = function () { throw new DOMException('denied', name); };
    try {
      assert.equal(I.ads_tcp_connect(K.opId(), env.cstr('127.0.0.1'), 80, -1, -1, 0, 0, 0), -code);
    } finally {
      globalThis.TCPSocket = Real;
    }
  }
});

test('mapping table: Chromium and Node exceptions', T, () => {
  const B = K.setup().AdsErrors;
  const dom = (msg, name = 'NetworkError') => new DOMException(msg, name);
  const open = [
    [dom('Network Error.'), 'tcp', E.CONNECTION_REFUSED],
    [dom('Network Error.'), 'listen', E.ADDRESS_IN_USE],
    [dom('Network Error.'), 'udp-bound', E.ADDRESS_IN_USE],
    [dom('Network Error.'), 'udp-connected', E.HOST_UNREACHABLE],
    [dom("Hostname couldn't be resolved."), 'tcp', E.HOST_NOT_FOUND],
    [dom('Network Error. (net::ERR_CONNECTION_REFUSED; ECONNREFUSED)'), 'tcp', E.CONNECTION_REFUSED],
    [dom('Network Error. (net::ERR_ADDRESS_UNREACHABLE; EHOSTUNREACH)'), 'tcp', E.HOST_UNREACHABLE],
    [dom('Network Error. (net::ERR_CONNECTION_TIMED_OUT; ETIMEDOUT)'), 'tcp', E.TIMED_OUT],
    [dom('Network Error. (net::ERR_INTERNET_DISCONNECTED; ENETDOWN)'), 'tcp', E.NETWORK_DOWN],
    [dom('Network Error. (net::ERR_ADDRESS_IN_USE; EADDRINUSE)'), 'listen', E.ADDRESS_IN_USE],
    [dom('Network Error. (net::ERR_ADDRESS_INVALID; EADDRNOTAVAIL)'), 'udp-bound', E.INVALID_ARGUMENT],
    [dom('connect: host unreachable'), 'tcp', E.HOST_UNREACHABLE],
    [dom('the connection timed out'), 'tcp', E.TIMED_OUT],
    [dom('name not resolved'), 'tcp', E.HOST_NOT_FOUND],
    [dom('Access to local network is blocked.', 'InvalidAccessError'), 'tcp', E.ACCESS_DENIED],
    [dom('Firewall error.', 'InvalidAccessError'), 'tcp', E.ACCESS_DENIED],
    [dom('Access to the requested host or port is blocked.', 'InvalidAccessError'), 'listen', E.ACCESS_DENIED],
    [dom('Permissions policy', 'NotAllowedError'), 'tcp', E.ACCESS_DENIED],
    [dom('x', 'SecurityError'), 'tcp', E.ACCESS_DENIED],
    [new TypeError("Failed to construct 'TCPSocket': ..."), 'tcp', E.INVALID_ARGUMENT],
    [dom('x', 'NotSupportedError'), 'tcp', E.NOT_SUPPORTED],
    [Object.assign(dom('Network Error.'), { netError: 'net::ERR_NAME_NOT_RESOLVED' }), 'tcp', E.HOST_NOT_FOUND],
    [undefined, 'tcp', E.CONNECTION_REFUSED],
  ];
  for (const [e, kind, code] of open) assert.equal(B.mapOpenError(e, kind), code, `${e && e.message} (${kind})`);
  const stream = [
    [dom('Stream aborted by the remote: net::ERR_CONNECTION_RESET'), 'read', false, E.CONNECTION_RESET],
    [dom('Stream aborted by the remote: net::ERR_CONNECTION_RESET'), 'write', false, E.CONNECTION_RESET],
    [dom('Stream aborted by the remote: net::ERR_CONNECTION_ABORTED'), 'read', false, E.CONNECTION_RESET],
    [dom('The underlying data pipe was disconnected.'), 'write', false, E.BROKEN_PIPE],
    [dom('Stream aborted by the remote: net::ERR_TIMED_OUT'), 'read', false, E.TIMED_OUT],
    [new TypeError('Releasing Default Writer'), 'write', false, E.BROKEN_PIPE],
    [dom('Stream aborted by the remote: net::ERR_FAILED'), 'read', false, E.CONNECTION_RESET],
    [dom('Stream aborted by the remote: net::ERR_CONNECTION_REFUSED'), 'read', true, E.CONNECTION_REFUSED],
    [dom('Stream aborted by the remote: net::ERR_MSG_TOO_BIG'), 'write', true, E.MESSAGE_SIZE],
    [dom('Stream aborted by the remote: net::ERR_NO_BUFFER_SPACE'), 'write', true, E.NO_BUFFER_SPACE],
    [dom('Stream aborted by the remote: net::ERR_FAILED'), 'write', true, E.BROKEN_PIPE],
  ];
  for (const [e, dir, udp, code] of stream) {
    assert.equal(B.mapStreamError(e, dir, udp), code, `${e.message} (${dir}, ${udp ? 'udp' : 'tcp'})`);
  }
});

test('peer reset: reported once, as Linux reports SO_ERROR: read -> CONNECTION_RESET, then EOF; writes -> BROKEN_PIPE', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  let peer;
  const server = net.createServer((s) => { peer = s; s.on('error', () => {}); });
  const port = await K.listen(server);
  try {
    const h = await K.connect(env, port);
    await K.waitFor(() => peer, 5000, 'peer');
    const buf = env.malloc(64);
    const rop = K.opId();
    env.imports.ads_read(h, rop, buf, 64);
    peer.resetAndDestroy();
    assert.equal((await env.next(rop)).err, E.CONNECTION_RESET);
    const rop2 = K.opId();
    env.imports.ads_read(h, rop2, buf, 64);
    assert.equal((await env.next(rop2)).err, E.EOF);
    await K.sleep(50);
    const codes = [];
    for (let i = 0; i < 2; i++) {
      const op = K.opId();
      env.imports.ads_write(h, op, buf, 64);
      codes.push((await env.next(op)).err);
    }
    assert.deepEqual(codes, [E.BROKEN_PIPE, E.BROKEN_PIPE]);
    env.imports.ads_close(h);
    await K.sleep(100);
    assert.deepEqual(esc.stop(), []);
  } finally {
    esc.stop();
    server.close();
  }
});

test('validation: bad handles, op ids, pointers and kinds never throw and never write memory', T, async () => {
  const env = K.setup();
  const esc = K.trapEscapes();
  const I = env.imports;
  const srv = await K.echo();
  try {
    const h = await K.connect(env, srv.port);
    const buf = env.malloc(64);
    const size = env.heap.length;
    const bad = async (call, code) => {
      const op = K.opId();
      call(op);
      assert.equal((await env.next(op)).err, code);
    };
    // unknown handles
    await bad((op) => I.ads_read(9999, op, buf, 8), E.BAD_DESCRIPTOR);
    await bad((op) => I.ads_write(9999, op, buf, 8), E.BAD_DESCRIPTOR);
    await bad((op) => I.ads_accept(9999, op), E.BAD_DESCRIPTOR);
    await bad((op) => I.ads_udp_send(9999, op, buf, 8, 0, 0), E.BAD_DESCRIPTOR);
    await bad((op) => I.ads_udp_receive(9999, op, buf, 8, 0, 0), E.BAD_DESCRIPTOR);
    await bad((op) => I.ads_read(-1, op, buf, 8), E.BAD_DESCRIPTOR);
    // wrong kind of handle
    await bad((op) => I.ads_accept(h, op), E.BAD_DESCRIPTOR);
    await bad((op) => I.ads_udp_receive(h, op, buf, 8, 0, 0), E.BAD_DESCRIPTOR);
    // pointers outside memory, negative lengths, NULL with a length
    await bad((op) => I.ads_read(h, op, size - 4, 8), E.INVALID_ARGUMENT);
    await bad((op) => I.ads_read(h, op, buf, -1), E.INVALID_ARGUMENT);
    await bad((op) => I.ads_write(h, op, 0, 8), E.INVALID_ARGUMENT);
    await bad((op) => I.ads_write(h, op, -16, 8), E.INVALID_ARGUMENT);
    await bad((op) => I.ads_write(h, op, buf, NaN), E.INVALID_ARGUMENT);
    assert.equal(I.ads_endpoint(h, 0, size - 10, 0), -E.INVALID_ARGUMENT);
    assert.equal(I.ads_endpoint(9999, 0, buf, buf + 32), -E.BAD_DESCRIPTOR);
    assert.equal(I.ads_available(9999), -E.BAD_DESCRIPTOR);
    assert.equal(I.ads_multicast(9999, 1, 0), -E.BAD_DESCRIPTOR);
    // invalid op ids: nothing can be completed for them. A transfer that would pend returns
    // -INVALID_ARGUMENT (op 0 is a non-blocking attempt); other imports ignore the call. Logged.
    const R = env.raw;
    const before = env.completions.length + env.AdsBridge.cq.length;
    assert.equal(R.ads_read(h, 0, buf, 8), -E.WOULD_BLOCK);
    assert.equal(R.ads_read(h, -5, buf, 8), -E.INVALID_ARGUMENT);
    assert.equal(R.ads_read(h, 1.5, buf, 8), -E.INVALID_ARGUMENT);
    assert.equal(R.ads_udp_receive(h, undefined, buf, 8, 0, 0), -E.BAD_DESCRIPTOR);
    I.ads_accept(h, undefined);
    I.ads_poll(h, -1, 0);
    assert.equal(env.completions.length + env.AdsBridge.cq.length, before);
    assert.ok(env.logs.some((l) => /invalid op id/.test(l)));
    assert.equal(I.ads_tcp_connect(0, env.cstr('127.0.0.1'), 80, -1, -1, 0, 0, 0), -E.INVALID_ARGUMENT);
    // a duplicate of a pending op id: the second call is refused, the first op is untouched
    const op = K.opId();
    assert.equal(R.ads_read(h, op, buf, 8), -E.PENDING);
    assert.equal(R.ads_read(h, op, buf + 8, 8), -E.INVALID_ARGUMENT);
    assert.ok(env.logs.some((l) => /already pending/.test(l)));
    I.ads_cancel(h);
    assert.equal((await env.next(op)).err, E.OPERATION_ABORTED);
    await K.sleep(20);
    assert.equal(env.completions.filter((c) => c.op === op).length, 1, 'exactly one completion');
    // reads/writes before the connection is open
    const cop = K.opId();
    const h2 = I.ads_tcp_connect(cop, env.cstr('127.0.0.1'), srv.port, -1, -1, 0, 0, 0);
    await bad((o) => I.ads_read(h2, o, buf, 8), E.NOT_CONNECTED);
    await bad((o) => I.ads_write(h2, o, buf, 8), E.NOT_CONNECTED);
    assert.equal(I.ads_endpoint(h2, 1, buf, buf + 32), -E.NOT_CONNECTED);
    await env.next(cop);
    // garbage everywhere
    for (const f of Object.keys(I)) {
      if (f === 'ads_wait' || f === 'ads_take_completions') continue;
      I[f](undefined, null, 'x', {}, NaN, -1, 1e12, Symbol.iterator === 1);
    }
    I.ads_cancel(12345);
    I.ads_shutdown_send(12345);
    I.ads_close(12345);
    I.ads_close(h2);
    I.ads_close(h);
    await K.sleep(100);
    assert.deepEqual(esc.stop(), []);
    assert.equal(env.AdsBridge.stats.internalErrors, 0);
  } finally {
    esc.stop();
    await srv.close();
  }
});
