'use strict';
// UDP through the bridge: bound and connected mode, sender address/port, silent truncation,
// zero-length and oversized sends, cancel, ICMP errors, multicast. Loopback only.

const test = require('node:test');
const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const K = require('./support/testkit');

const { E } = K;
const T = { timeout: 20000 };

function udpPeer() {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const got = [];
    sock.on('message', (msg, rinfo) => got.push({ msg, rinfo }));
    sock.bind(0, '127.0.0.1', () => resolve({ sock, got, port: sock.address().port }));
  });
}

async function openUdp(env, { remote, remotePort = 0, local, localPort = 0, ipv6Only = -1 }) {
  const op = K.opId();
  const h = env.imports.ads_udp_open(op, remote ? env.cstr(remote) : 0, remotePort,
                                     local ? env.cstr(local) : 0, localPort, 0, 0, ipv6Only);
  if (h < 0) return { h, c: null };
  return { h, c: await env.next(op) };
}

function recv(env, h, len) {
  const buf = env.malloc(Math.max(len, 1));
  const addr = env.malloc(64);
  const port = env.malloc(4);
  env.heap.fill(0, addr, addr + 64);
  const op = K.opId();
  env.imports.ads_udp_receive(h, op, buf, len, addr, port);
  return { op, buf, addr, port, done: () => env.next(op) };
}

test('bound mode: receive with sender address and port, send_to, local endpoint', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  try {
    const { h, c } = await openUdp(env, { local: '127.0.0.1' });
    assert.ok(h > 0);
    assert.equal(c.err, E.OK);
    const a = env.malloc(64);
    const p = env.malloc(4);
    assert.equal(env.imports.ads_endpoint(h, 0, a, p), 0);
    assert.equal(env.readStr(a), '127.0.0.1');
    const myPort = env.readI32(p);
    assert.ok(myPort > 0);
    assert.equal(env.imports.ads_endpoint(h, 1, a, p), -E.NOT_CONNECTED);

    const r = recv(env, h, 100);
    peer.sock.send(Buffer.from('ping'), myPort, '127.0.0.1');
    const rc = await r.done();
    assert.deepEqual(rc, { op: r.op, err: E.OK, value: 4 });
    assert.equal(Buffer.from(env.heap.subarray(r.buf, r.buf + 4)).toString(), 'ping');
    assert.equal(env.readStr(r.addr), '127.0.0.1');
    assert.equal(env.readI32(r.port), peer.port);

    const sop = K.opId();
    const data = env.cstr('pong');
    env.imports.ads_udp_send(h, sop, data, 4, env.cstr('127.0.0.1'), peer.port);
    assert.deepEqual(await env.next(sop), { op: sop, err: E.OK, value: 4 });
    await K.waitFor(() => peer.got.length === 1, 5000, 'datagram');
    assert.equal(peer.got[0].msg.toString(), 'pong');
    assert.equal(peer.got[0].rinfo.port, myPort);

    // bound mode needs a destination
    const op2 = K.opId();
    env.imports.ads_udp_send(h, op2, data, 4, 0, 0);
    assert.equal((await env.next(op2)).err, E.NOT_CONNECTED);
    env.imports.ads_close(h);
  } finally {
    peer.sock.close();
  }
});

test('connected mode: send, receive (address of the connected peer), endpoints', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  peer.sock.on('message', (msg, rinfo) => peer.sock.send(Buffer.concat([Buffer.from('re:'), msg]), rinfo.port, rinfo.address));
  try {
    const { h, c } = await openUdp(env, { remote: '127.0.0.1', remotePort: peer.port });
    assert.equal(c.err, E.OK);
    const a = env.malloc(64);
    const p = env.malloc(4);
    assert.equal(env.imports.ads_endpoint(h, 1, a, p), 0);
    assert.equal(env.readI32(p), peer.port);
    assert.equal(env.imports.ads_endpoint(h, 0, a, p), 0);
    assert.ok(env.readI32(p) > 0);
    const r = recv(env, h, 100);
    const sop = K.opId();
    env.imports.ads_udp_send(h, sop, env.cstr('hello'), 5, 0, 0);
    assert.deepEqual(await env.next(sop), { op: sop, err: E.OK, value: 5 });
    const rc = await r.done();
    assert.equal(rc.value, 8);
    assert.equal(Buffer.from(env.heap.subarray(r.buf, r.buf + 8)).toString(), 're:hello');
    assert.equal(env.readStr(r.addr), '127.0.0.1');
    assert.equal(env.readI32(r.port), peer.port);
    env.imports.ads_close(h);
  } finally {
    peer.sock.close();
  }
});

test('truncation is silent; zero-length and oversized sends fail without breaking the socket', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  try {
    const { h } = await openUdp(env, { remote: '127.0.0.1', remotePort: peer.port });
    const data = env.malloc(70000);
    // zero-length: Direct Sockets cannot send it; refused rather than silently not sent
    const z = K.opId();
    env.imports.ads_udp_send(h, z, data, 0, 0, 0);
    assert.deepEqual(await env.next(z), { op: z, err: E.NOT_SUPPORTED, value: 0 });
    // oversized
    const big = K.opId();
    env.imports.ads_udp_send(h, big, data, 65508, 0, 0);
    assert.equal((await env.next(big)).err, E.MESSAGE_SIZE);
    // still usable; the largest IPv4 payload works
    const max = K.opId();
    env.imports.ads_udp_send(h, max, data, 65507, 0, 0);
    assert.deepEqual(await env.next(max), { op: max, err: E.OK, value: 65507 });
    await K.waitFor(() => peer.got.length === 1, 5000, 'datagram');
    assert.equal(peer.got[0].msg.length, 65507);
    // truncation
    const a = env.malloc(64);
    const p = env.malloc(4);
    env.imports.ads_endpoint(h, 0, a, p);
    const r = recv(env, h, 4);
    peer.sock.send(Buffer.from('0123456789'), env.readI32(p), '127.0.0.1');
    const rc = await r.done();
    assert.deepEqual(rc, { op: r.op, err: E.OK, value: 4 });
    assert.equal(Buffer.from(env.heap.subarray(r.buf, r.buf + 4)).toString(), '0123');
    assert.equal(env.imports.ads_available(h), 0, 'the rest of the datagram is gone');
    env.imports.ads_close(h);
  } finally {
    peer.sock.close();
  }
});

test('cancel: a pending receive aborts, its buffers are never written, the datagram is kept', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  try {
    const { h } = await openUdp(env, { local: '127.0.0.1' });
    const a = env.malloc(64);
    const p = env.malloc(4);
    env.imports.ads_endpoint(h, 0, a, p);
    const myPort = env.readI32(p);
    const r = recv(env, h, 32);
    env.imports.ads_cancel(h);
    env.heap.fill(0x33, r.buf, r.buf + 32);
    env.heap.fill(0x33, r.addr, r.addr + 64);
    env.heap.fill(0x33, r.port, r.port + 4);
    assert.equal((await r.done()).err, E.OPERATION_ABORTED);
    peer.sock.send(Buffer.from('kept'), myPort, '127.0.0.1');
    await K.waitFor(() => env.imports.ads_available(h) === 4, 5000, 'datagram kept as leftover');
    for (const [x, n] of [[r.buf, 32], [r.addr, 64], [r.port, 4]]) {
      assert.ok(env.heap.subarray(x, x + n).every((v) => v === 0x33));
    }
    const r2 = recv(env, h, 32);
    assert.equal((await r2.done()).value, 4);
    assert.equal(Buffer.from(env.heap.subarray(r2.buf, r2.buf + 4)).toString(), 'kept');
    env.imports.ads_close(h);
  } finally {
    peer.sock.close();
  }
});

test('connected mode: no ICMP error reaches a receive (Chromium reports none); cancel ends it', T, async () => {
  const env = K.setup();
  const tmp = await udpPeer();
  const deadPort = tmp.port;
  tmp.sock.close();
  const { h } = await openUdp(env, { remote: '127.0.0.1', remotePort: deadPort });
  const r = recv(env, h, 16);
  const sop = K.opId();
  env.imports.ads_udp_send(h, sop, env.cstr('anyone?'), 7, 0, 0);
  await env.next(sop);
  await K.sleep(300);
  assert.equal(env.completion(r.op), undefined);  // still pending
  env.imports.ads_cancel(h);
  assert.equal((await r.done()).err, E.OPERATION_ABORTED);
  env.imports.ads_close(h);
});

test('multicast: NOT_SUPPORTED without the feature, join/leave with it, bad input rejected', T, async () => {
  const env = K.setup();
  const { h } = await openUdp(env, { local: '0.0.0.0' });
  assert.equal(env.imports.ads_multicast(h, 1, env.cstr('239.1.2.3')), -E.NOT_SUPPORTED);
  env.imports.ads_close(h);
  assert.equal(env.imports.ads_multicast(h, 1, env.cstr('239.1.2.3')), -E.BAD_DESCRIPTOR);

  const env2 = K.setup({ multicast: true });
  const { h: h2 } = await openUdp(env2, { local: '0.0.0.0' });
  assert.equal(env2.imports.ads_multicast(h2, 1, env2.cstr('239.1.2.3')), 0);
  assert.equal(env2.imports.ads_multicast(h2, 1, env2.cstr('not an address')), -E.INVALID_ARGUMENT);
  assert.equal(env2.imports.ads_multicast(h2, 1, 0), -E.INVALID_ARGUMENT);
  await K.sleep(20);
  assert.equal(env2.imports.ads_multicast(h2, 0, env2.cstr('239.1.2.3')), 0);
  const srv = await K.echo();
  const th = await K.connect(env2, srv.port);
  assert.equal(env2.imports.ads_multicast(th, 1, env2.cstr('239.1.2.3')), -E.NOT_SUPPORTED);
  env2.imports.ads_close(th);
  env2.imports.ads_close(h2);
  await srv.close();
  K.ds.install(globalThis, {});
});

test('UDP open errors: bad arguments are synchronous, bind conflicts are ADDRESS_IN_USE', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  try {
    // ipv6Only is a TypeError for a non-[::] address (Blink)
    let r = await openUdp(env, { local: '127.0.0.1', ipv6Only: 1 });
    assert.equal(r.h, -E.INVALID_ARGUMENT);
    r = await openUdp(env, { local: 'not-an-ip' });
    assert.equal(r.h, -E.INVALID_ARGUMENT);
    r = await openUdp(env, { local: '127.0.0.1', localPort: 70000 });
    assert.equal(r.h, -E.INVALID_ARGUMENT);
    r = await openUdp(env, { local: '127.0.0.1', localPort: peer.port });
    assert.ok(r.h > 0);
    assert.equal(r.c.err, E.ADDRESS_IN_USE);
    // ops on the failed socket
    const op = K.opId();
    env.imports.ads_udp_send(r.h, op, env.cstr('x'), 1, env.cstr('127.0.0.1'), peer.port);
    assert.equal((await env.next(op)).err, E.NOT_CONNECTED);
    env.imports.ads_close(r.h);
  } finally {
    peer.sock.close();
  }
});

test('ads_udp_connect: a bound socket then only takes datagrams from that peer', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  const other = await udpPeer();
  try {
    const { h, c } = await openUdp(env, { local: '127.0.0.1' });
    assert.equal(c.err, E.OK);
    const a = env.malloc(64);
    const p = env.malloc(4);
    env.imports.ads_endpoint(h, 0, a, p);
    const myPort = env.readI32(p);
    const ip = env.cstr('127.0.0.1');
    assert.equal(env.imports.ads_udp_connect(h, ip, peer.port), 0);
    const r = recv(env, h, 64);
    other.sock.send('intruder', myPort, '127.0.0.1');
    await K.sleep(50);
    peer.sock.send('genuine', myPort, '127.0.0.1');
    const rc = await r.done();
    assert.equal(rc.err, E.OK);
    assert.equal(Buffer.from(env.heap.subarray(r.buf, r.buf + rc.value)).toString(), 'genuine');
    assert.equal(env.readI32(r.port), peer.port);
    // argument checks; a host name cannot be compared with senders' addresses
    assert.equal(env.imports.ads_udp_connect(h, ip, 0), -E.INVALID_ARGUMENT);
    assert.equal(env.imports.ads_udp_connect(h, env.cstr('localhost'), peer.port), -E.NOT_SUPPORTED);
    assert.equal(env.imports.ads_udp_connect(4242, ip, peer.port), -E.BAD_DESCRIPTOR);
    env.imports.ads_close(h);
    // a connected-mode socket is filtered by the browser itself
    const cm = await openUdp(env, { remote: '127.0.0.1', remotePort: peer.port });
    assert.equal(env.imports.ads_udp_connect(cm.h, ip, peer.port), -E.NOT_SUPPORTED);
    env.imports.ads_close(cm.h);
  } finally {
    peer.sock.close();
    other.sock.close();
  }
});

test('read-ahead: once receiving, the next datagram the browser holds is in ads_available', T, async () => {
  const env = K.setup();
  const peer = await udpPeer();
  try {
    const { h } = await openUdp(env, { local: '127.0.0.1' });
    const a = env.malloc(64);
    const p = env.malloc(4);
    env.imports.ads_endpoint(h, 0, a, p);
    const myPort = env.readI32(p);
    assert.equal(env.imports.ads_available(h), 0);
    peer.sock.send(Buffer.alloc(37, 100), myPort, '127.0.0.1');
    peer.sock.send(Buffer.alloc(5, 101), myPort, '127.0.0.1');
    await K.sleep(50);   // both reached the page (the UDPSocket's readable)
    const r = recv(env, h, 64);
    assert.equal((await r.done()).value, 37);
    assert.equal(env.imports.ads_available(h), 5, 'read ahead before the receive completed');
    const r2 = recv(env, h, 64);
    assert.equal((await r2.done()).value, 5);
    assert.equal(env.imports.ads_available(h), 0);
    const s = env.AdsBridge.socks.get(h);
    assert.ok(s.inbox.length === 0 && s.reading, 'waiting for the next datagram, none held');
    env.imports.ads_close(h);
  } finally {
    peer.sock.close();
  }
});
