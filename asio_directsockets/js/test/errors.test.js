'use strict';
// Open failures: refused, unresolvable, address in use, embedder port rules, local-network block.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { ds, withTimeout, listen } = require('./helpers');

const { TCPSocket, TCPServerSocket, UDPSocket } = ds;
const T = { timeout: 20000 };

// A port on 127.0.0.1 with nobody listening.
async function closedPort() {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

test('connection refused: opened and closed reject with NetworkError', T, async () => {
  ds.install();
  const port = await closedPort();
  const s = new TCPSocket('127.0.0.1', port);
  const err = await withTimeout(s.opened.then(() => null, (e) => e), 5000, 'opened');
  assert.ok(err instanceof DOMException);
  assert.equal(err.name, 'NetworkError');
  assert.equal(err.code, 19);  // legacy DOMException code of NetworkError
  // Chromium's text, plus the cause in a form a consumer can map to connection_refused.
  assert.equal(err.message, 'Network Error. (net::ERR_CONNECTION_REFUSED; ECONNREFUSED)');
  assert.equal(err.netError, 'net::ERR_CONNECTION_REFUSED');
  assert.equal(err.netErrorCode, -102);
  assert.equal(err.systemError, 'ECONNREFUSED');
  const closedErr = await s.closed.then(() => null, (e) => e);
  assert.equal(closedErr, err, 'closed rejects with the same exception');
  // A closed socket's close() returns `closed`.
  await assert.rejects(s.close(), { name: 'NetworkError' });
});

test('exactMessages: Chromium text only', T, async () => {
  ds.install(globalThis, { exactMessages: true });
  try {
    const s = new TCPSocket('127.0.0.1', await closedPort());
    await assert.rejects(s.opened, (e) => e.name === 'NetworkError' &&
                             e.message === 'Network Error.' &&
                             e.netError === 'net::ERR_CONNECTION_REFUSED');
  } finally {
    ds.install();
  }
});

test('unresolvable host name: NetworkError naming the resolver failure', T, async () => {
  const s = new TCPSocket('no-such-host.invalid', 80);
  const err = await withTimeout(s.opened.then(() => null, (e) => e), 15000, 'opened');
  assert.equal(err.name, 'NetworkError');
  assert.match(err.message, /^Hostname couldn't be resolved\. \(net::ERR_NAME_NOT_RESOLVED; E[A-Z_]+\)$/);
  assert.equal(err.netError, 'net::ERR_NAME_NOT_RESOLVED');
  await assert.rejects(s.closed, { name: 'NetworkError' });

  // dnsQueryType restricts the family: an IPv4 literal cannot satisfy an AAAA query.
  const v6 = new TCPSocket('127.0.0.1', 80, { dnsQueryType: 'ipv6' });
  await assert.rejects(v6.opened, (e) => e.netError === 'net::ERR_NAME_NOT_RESOLVED');
  const empty = new TCPSocket('', 80);
  await assert.rejects(empty.opened, (e) => e.netError === 'net::ERR_NAME_NOT_RESOLVED');

  const u = new UDPSocket({ remoteAddress: 'no-such-host.invalid', remotePort: 53 });
  await assert.rejects(withTimeout(u.opened, 15000, 'udp opened'),
                       (e) => e.name === 'NetworkError' && /Hostname couldn't be resolved/.test(e.message));
});

test('listening on a port in use: NetworkError ERR_ADDRESS_IN_USE', T, async () => {
  const a = new TCPServerSocket('127.0.0.1');
  const { localPort } = await a.opened;
  const b = new TCPServerSocket('127.0.0.1', { localPort });
  await assert.rejects(b.opened, (e) => e.name === 'NetworkError' &&
                           e.netError === 'net::ERR_ADDRESS_IN_USE' && /EADDRINUSE/.test(e.message));
  await assert.rejects(b.closed, { name: 'NetworkError' });
  const ua = new UDPSocket({ localAddress: '127.0.0.1' });
  const { localPort: up } = await ua.opened;
  const ub = new UDPSocket({ localAddress: '127.0.0.1', localPort: up });
  await assert.rejects(ub.opened, (e) => e.netError === 'net::ERR_ADDRESS_IN_USE');
  await a.close();
  await ua.close();
});

test("portPolicy 'iwa': Chrome's IWA port rules reject opened with InvalidAccessError", T,
     async () => {
       ds.install(globalThis, { portPolicy: 'iwa' });
       try {
         const low = new TCPServerSocket('127.0.0.1', { localPort: 32767 });
         await assert.rejects(low.opened, (e) => e instanceof DOMException &&
                                  e.name === 'InvalidAccessError' &&
                                  /^Access to the requested host or port is blocked\./.test(e.message));
         await assert.rejects(low.closed, { name: 'InvalidAccessError' });
         const auto = new TCPServerSocket('127.0.0.1');  // OS-chosen: allowed
         await auto.opened;
         await auto.close();
         const udp = new UDPSocket({ localAddress: '127.0.0.1', localPort: 1023 });
         await assert.rejects(udp.opened, { name: 'InvalidAccessError' });
         // The constructor rules still apply first.
         assert.throws(() => new TCPServerSocket('127.0.0.1', { localPort: 0 }), TypeError);
       } finally {
         ds.install();
       }
       // Default policy (content_shell / no embedder rules): any port.
       const any = new TCPServerSocket('127.0.0.1', { localPort: 32767 });
       await any.opened.then(() => any.close(), (e) => assert.equal(e.netError, 'net::ERR_ADDRESS_IN_USE'));
     });

test('minServerPort overrides the policy value', T, async () => {
  ds.install(globalThis, { portPolicy: 'iwa', minServerPort: 32678 });
  try {
    const s = new TCPServerSocket('127.0.0.1', { localPort: 32677 });
    await assert.rejects(s.opened, { name: 'InvalidAccessError' });
  } finally {
    ds.install();
  }
});

test('denyLocalNetwork: InvalidAccessError "Access to local network is blocked."', T, async () => {
  ds.install(globalThis, { denyLocalNetwork: true });
  try {
    const s = new TCPSocket('127.0.0.1', 80);
    await assert.rejects(s.opened, (e) => e.name === 'InvalidAccessError' &&
                             /^Access to local network is blocked\./.test(e.message));
    const u = new UDPSocket({ localAddress: '127.0.0.1' });
    await assert.rejects(u.opened, { name: 'InvalidAccessError' });
  } finally {
    ds.install();
  }
});

test('unknown install options are refused', () => {
  assert.throws(() => ds.install(globalThis, { emulateChromeWriteDrop: true }), TypeError);
  assert.throws(() => ds.install(globalThis, { portPolicy: 'strict' }), TypeError);
  ds.install();
});
