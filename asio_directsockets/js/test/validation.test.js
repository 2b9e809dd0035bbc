'use strict';
// Constructor validation: the TypeErrors Blink throws, with its messages, and the WebIDL
// conversions ([EnforceRange] or wrapping) of each member.

const test = require('node:test');
const assert = require('node:assert/strict');
const { ds, echoServer, withTimeout } = require('./helpers');

const { TCPSocket, TCPServerSocket, UDPSocket } = ds;

function throwsType(fn, re) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof TypeError, `expected TypeError, got ${e && e.name}: ${e && e.message}`);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('TCPSocket: arguments and option checks', () => {
  ds.install();
  throwsType(() => new TCPSocket(), /2 arguments required, but only 0 present/);
  throwsType(() => new TCPSocket('127.0.0.1'), /^Failed to construct 'TCPSocket': 2 arguments/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, 5), /not of type 'TCPSocketOptions'/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { keepAliveDelay: 999 }),
             /^Failed to construct 'TCPSocket': keepAliveDelay must be no less than 1,000 milliseconds\.$/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { keepAliveDelay: 0 }), /keepAliveDelay/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { sendBufferSize: 0 }),
             /sendBufferSize must be greater than zero\.$/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { receiveBufferSize: 0 }),
             /receiverBufferSize must be greater than zero\.$/);  // sic, as Blink
  // [EnforceRange] unsigned long members
  throwsType(() => new TCPSocket('127.0.0.1', 80, { keepAliveDelay: -1 }),
             /'keepAliveDelay' property from 'TCPSocketOptions': Value is outside/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { sendBufferSize: 2 ** 32 }), /outside/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { receiveBufferSize: NaN }), /finite/);
  throwsType(() => new TCPSocket('127.0.0.1', 80, { dnsQueryType: 'ipv5' }),
             /'ipv5' is not a valid enum value of type SocketDnsQueryType/);
  throwsType(() => new TCPSocket(Symbol('x'), 80), /Symbol/);
  // Accepted: every member at its limit.
  for (const o of [undefined, null, {}, { noDelay: 1, keepAliveDelay: 1000, sendBufferSize: 1,
                                           receiveBufferSize: 2 ** 32 - 1, dnsQueryType: 'ipv6' }]) {
    const s = new TCPSocket('127.0.0.1', 9, o);
    s.opened.catch(() => {});
  }
});

test('TCPSocket: remotePort is an unsigned short without [EnforceRange] (wraps)', async () => {
  const echo = await echoServer();
  try {
    // 65536 + port converts to port, as WebIDL's modulo conversion does in Chromium.
    const s = new TCPSocket('127.0.0.1', 65536 + echo.port);
    const info = await withTimeout(s.opened, 5000, 'opened');
    assert.equal(info.remotePort, echo.port);
    await s.close();
    const s2 = new TCPSocket('127.0.0.1', String(echo.port));
    assert.equal((await s2.opened).remotePort, echo.port);
    await s2.close();
  } finally {
    await echo.close();
  }
  // Port 0 passes the constructor (Blink has no check) and fails to connect.
  const z = new TCPSocket('127.0.0.1', 0);
  await assert.rejects(z.opened, { name: 'NetworkError' });
});

test('TCPServerSocket: option checks', () => {
  throwsType(() => new TCPServerSocket(), /1 argument required/);
  throwsType(() => new TCPServerSocket('localhost'),
             /^Failed to construct 'TCPServerSocket': localAddress must be a valid IP address\.$/);
  throwsType(() => new TCPServerSocket('[::1]'), /valid IP address/);
  throwsType(() => new TCPServerSocket('127.0.0.1', { localPort: 0 }),
             /localPort must be greater than zero\. Leave this field unassigned to allow the OS to pick a port on its own\.$/);
  throwsType(() => new TCPServerSocket('127.0.0.1', { localPort: 65536 }), /unsigned short/);
  throwsType(() => new TCPServerSocket('127.0.0.1', { localPort: -1 }), /outside/);
  throwsType(() => new TCPServerSocket('127.0.0.1', { backlog: 0 }),
             /backlog must be greater than zero\.$/);
  throwsType(() => new TCPServerSocket('127.0.0.1', { ipv6Only: false }),
             /ipv6Only can only be specified when localAddress is \[::\] or equivalent\.$/);
  throwsType(() => new TCPServerSocket('127.0.0.1', 'x'), /TCPServerSocketOptions/);
});

test('TCPServerSocket: omitted localPort lets the OS choose; IPv6 and odd IPv4 literals', async () => {
  const a = new TCPServerSocket('127.0.0.1', { backlog: 1e6 });  // clamped to SOMAXCONN
  const ai = await withTimeout(a.opened, 5000, 'opened');
  assert.ok(ai.localPort > 0);
  // Chromium parses IPv4 literals with the URL host parser: "127.1" is 127.0.0.1.
  const b = new TCPServerSocket('127.1');
  assert.equal((await withTimeout(b.opened, 5000, 'opened')).localAddress, '127.0.0.1');
  const c = new TCPServerSocket('0:0:0:0:0:0:0:1');
  const ci = await withTimeout(c.opened, 5000, 'opened').catch((e) => e);
  if (!(ci instanceof Error) && !(ci instanceof DOMException)) assert.equal(ci.localAddress, '::1');
  await a.close();
  await b.close();
  if (!(ci instanceof Error) && !(ci instanceof DOMException)) await c.close();
});

test('UDPSocket: mode inference and option checks', () => {
  throwsType(() => new UDPSocket(), /1 argument required/);
  throwsType(() => new UDPSocket({}), /^Failed to construct 'UDPSocket': neither remoteAddress nor localAddress specified\.$/);
  throwsType(() => new UDPSocket({ remoteAddress: '127.0.0.1' }),
             /remoteAddress and remotePort should either be specified together or not specified at all\./);
  throwsType(() => new UDPSocket({ remotePort: 53 }), /specified together/);
  throwsType(() => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 53, localAddress: '127.0.0.1' }),
             /remoteAddress and localAddress cannot be specified at the same time\./);
  throwsType(() => new UDPSocket({ localPort: 5000 }),
             /localPort cannot be specified without localAddress\./);
  throwsType(() => new UDPSocket({ localAddress: 'localhost' }),
             /localAddress must be a valid IP address\./);
  throwsType(() => new UDPSocket({ localAddress: '127.0.0.1', localPort: 0 }),
             /localPort must be greater than zero/);
  throwsType(() => new UDPSocket({ localAddress: '127.0.0.1', dnsQueryType: 'ipv4' }),
             /dnsQueryType is only relevant when remoteAddress is specified\./);
  throwsType(() => new UDPSocket({ localAddress: '127.0.0.1', ipv6Only: true }),
             /ipv6Only can only be specified when localAddress is \[::\]/);
  throwsType(() => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 53, ipv6Only: true }),
             /ipv6Only can only be specified with localAddress\./);
  throwsType(() => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 53, sendBufferSize: 0 }),
             /sendBufferSize must be greater than zero/);
  throwsType(() => new UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 70000 }),
             /'remotePort' property from 'UDPSocketOptions': Value is outside the 'unsigned short'/);
  throwsType(() => new UDPSocket({ localAddress: '127.0.0.1', localPort: 1.5e5 }), /outside/);
});

test('UDPSocket: multicast options are ignored unless MulticastInDirectSockets is on', async () => {
  ds.install();
  const s = new UDPSocket({ localAddress: '127.0.0.1', multicastTimeToLive: 999 });
  const info = await withTimeout(s.opened, 5000, 'opened');
  assert.equal('multicastController' in info, false);
  await s.close();
  ds.install(globalThis, { multicast: true });
  try {
    throwsType(() => new UDPSocket({ localAddress: '127.0.0.1', multicastTimeToLive: 256 }),
               /'multicastTimeToLive' property from 'UDPSocketOptions': Value is outside the 'octet'/);
    throwsType(() => new UDPSocket({ localAddress: '127.0.0.1', multicastTimeToLive: -1 }), /octet/);
    const m = new UDPSocket({ localAddress: '127.0.0.1', multicastTimeToLive: 100,
                              multicastLoopback: true, multicastAllowAddressSharing: true });
    await withTimeout(m.opened, 5000, 'opened');
    await m.close();
  } finally {
    ds.install();
  }
});

test('interfaces look like Web IDL interfaces', () => {
  const g = {};
  ds.install(g);
  assert.equal(g.TCPSocket, TCPSocket);
  assert.equal(Object.keys(g).length, 0, 'installed non-enumerable');
  assert.equal(TCPSocket.length, 2);
  assert.equal(TCPServerSocket.length, 1);
  assert.equal(UDPSocket.length, 1);
  assert.equal(Object.prototype.toString.call(Object.create(TCPSocket.prototype)), '[object TCPSocket]');
  for (const C of [TCPSocket, TCPServerSocket, UDPSocket]) {
    for (const k of ['opened', 'closed', 'close']) assert.ok(k in C.prototype, `${C.name}.${k}`);
  }
  assert.throws(() => TCPSocket('127.0.0.1', 1), TypeError);
});
