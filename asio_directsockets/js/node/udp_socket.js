'use strict';
// UDPSocket over node:dgram, following Blink's udp_socket.cc, udp_readable_stream_wrapper.cc,
// udp_writable_stream_wrapper.cc and DirectSocketsServiceImpl::Open{Connected,Bound}UDPSocket.

const dgram = require('node:dgram');
const { getConfig, portLimits } = require('./config');
const { openError, streamError } = require('./errors');

const ICMP_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
const { parseUDPSocketArgs, parseUDPMessage } = require('./options');
const { resolveHost } = require('./resolve');
const { isLocalNetwork } = require('./ip');
const { bytesOf } = require('./webidl');
const { SocketCore, defineInterface } = require('./socket_core');
const { createMulticastController, CLOSE } = require('./multicast_controller');

const READ_HWM = 32;             // Blink: kReadableStreamBufferSize datagrams
const KERNEL_RCVBUF = 212992;    // Linux rmem_default: what waits for ReceiveMore()

// Datagrams are handed to the stream only while it wants more (desiredSize > 0), as Blink asks
// the network service for ReceiveMore(desiredSize). The rest waits in a bounded queue standing in
// for the kernel receive buffer, and overflow is dropped as the kernel would drop it.
function createReadable(sock, mode, limit, onClosed) {
  let state = 'open';
  let controller;
  let inbox = [];
  let inboxBytes = 0;

  function feed() {
    while (state === 'open' && inbox.length && controller.desiredSize > 0) {
      const { msg, rinfo } = inbox.shift();
      inboxBytes -= msg.length;
      const m = { data: new Uint8Array(msg) };
      if (mode === 'bound') {  // connected mode reports no source address
        m.remoteAddress = rinfo.address;
        m.remotePort = rinfo.port;
      }
      controller.enqueue(m);
    }
  }

  sock.on('message', (msg, rinfo) => {
    if (state !== 'open' || inboxBytes + msg.length > limit) return;
    inbox.push({ msg, rinfo });
    inboxBytes += msg.length;
    feed();
  });

  function errorStream(err) {
    if (state !== 'open') return;
    state = 'aborted';
    const ex = streamError(err);
    inbox = [];
    controller.error(ex);
    onClosed(ex);
  }

  const readable = new ReadableStream({
    start(c) { controller = c; },
    pull() { feed(); },
    cancel() {
      if (state !== 'open') return;
      state = 'closed';
      inbox = [];
      onClosed(undefined);
    },
  }, new CountQueuingStrategy({ highWaterMark: READ_HWM }));
  return { readable, errorStream };
}

function pickAddress(list, sock) {
  const family = sock.type === 'udp6' ? 6 : 4;
  return list.find((a) => a.family === family) || list[0];
}

function createWritable(sock, mode, onClosed) {
  let state = 'open';
  let controller;
  let pending = null;

  function errorStream(err) {
    if (state !== 'open') return;
    state = 'aborted';
    const ex = streamError(err);
    if (pending) {
      const p = pending;
      pending = null;
      p.reject(ex);
    } else {
      controller.error(ex);
    }
    onClosed(ex);
  }

  function closeStream() {
    if (state !== 'open') return;
    state = 'closed';
    onClosed(undefined);
  }

  async function send(m) {
    const data = Buffer.from(bytesOf(m.data));  // copied now, as Blink copies into the IPC
    let port, address;
    if (mode === 'bound') {
      try {
        address = pickAddress(await resolveHost(m.remoteAddress, m.dnsQueryType), sock).address;
      } catch (e) {
        throw Object.assign(e, { netError: 'ERR_NAME_NOT_RESOLVED' });
      }
      port = m.remotePort;
    }
    await new Promise((resolve, reject) => {
      const cb = (err) => (err ? reject(err) : resolve());
      if (mode === 'bound') sock.send(data, port, address, cb);
      else sock.send(data, cb);
    });
  }

  const writable = new WritableStream({
    start(c) {
      controller = c;
      c.signal.addEventListener('abort', () => {
        if (!pending) return;
        const p = pending;
        pending = null;
        p.reject(c.signal.reason);
      });
    },
    write(chunk) {
      let m;
      try {
        m = parseUDPMessage(chunk, mode);
      } catch (e) {
        state = 'aborted';  // see tcp_streams.js: counted so `closed` can settle
        onClosed(e);
        throw e;
      }
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        send(m).then(() => {
          if (pending && pending.resolve === resolve) {
            pending = null;
            resolve();
          }
        }, (err) => {
          if (pending && pending.resolve === resolve) errorStream(err);
        });
      });
    },
    close() { closeStream(); },
    abort() { closeStream(); },
  }, new CountQueuingStrategy({ highWaterMark: 1 }));
  return { writable, errorStream };
}

function applyMulticastOptions(sock, o) {
  if (o.multicastTimeToLive !== undefined) sock.setMulticastTTL(o.multicastTimeToLive);
  if (o.multicastLoopback !== undefined) sock.setMulticastLoopback(o.multicastLoopback);
}

class UDPSocket {
  #core;
  #readable = null;
  #writable = null;

  constructor(options) {
    const args = parseUDPSocketArgs(Array.prototype.slice.call(arguments));
    this.#core = new SocketCore(2, null);
    if (args.mode === 'connected') this.#openConnected(args.options);
    else this.#openBound(args.local, args.options);
  }

  get opened() { return this.#core.opened.promise; }
  get closed() { return this.#core.closed.promise; }

  close() { return this.#core.close('UDPSocket', this.#readable, this.#writable); }

  async #openConnected(o) {
    const core = this.#core;
    let peer;
    try {
      peer = (await resolveHost(o.remoteAddress, o.dnsQueryType))[0];
    } catch (e) {
      return core.failOpen(openError(e, 'resolve'));
    }
    if (getConfig().denyLocalNetwork && isLocalNetwork(peer.address, peer.family)) {
      return core.failOpen(openError('ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS'));
    }
    const sock = dgram.createSocket({
      type: peer.family === 6 ? 'udp6' : 'udp4',
      recvBufferSize: o.receiveBufferSize, sendBufferSize: o.sendBufferSize,
    });
    const fail = (err) => {
      try { sock.close(); } catch { /* already closed */ }
      core.failOpen(openError(err));
    };
    sock.once('error', fail);
    try {
      sock.connect(o.remotePort, peer.address, () => {
        sock.off('error', fail);
        try {
          applyMulticastOptions(sock, o);
        } catch (e) {
          return fail(e);
        }
        this.#attach(sock, 'connected', o);
      });
    } catch (e) {
      sock.off('error', fail);
      fail(e);  // e.g. port 0, which Node refuses synchronously
    }
  }

  #openBound(local, o) {
    const core = this.#core;
    const cfg = getConfig();
    // Chrome's IWA delegate allows bound UDP on port 0 or >= 1024 only: ERR_ACCESS_DENIED.
    if (o.localPort !== undefined && o.localPort < portLimits(cfg).minBoundUdpPort) {
      setImmediate(() => core.failOpen(openError('ERR_ACCESS_DENIED')));
      return;
    }
    if (cfg.denyLocalNetwork) {
      setImmediate(() => core.failOpen(openError('ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS')));
      return;
    }
    const sock = dgram.createSocket({
      type: local.family === 6 ? 'udp6' : 'udp4', ipv6Only: o.ipv6Only,
      reuseAddr: Boolean(o.multicastAllowAddressSharing),
      recvBufferSize: o.receiveBufferSize, sendBufferSize: o.sendBufferSize,
    });
    const fail = (err) => {
      try { sock.close(); } catch { /* already closed */ }
      core.failOpen(openError(err));
    };
    sock.once('error', fail);
    sock.bind({ address: local.address, port: o.localPort ?? 0, exclusive: true }, () => {
      sock.off('error', fail);
      try {
        applyMulticastOptions(sock, o);
      } catch (e) {
        return fail(e);
      }
      this.#attach(sock, 'bound', o);
    });
  }

  #attach(sock, mode, o) {
    const core = this.#core;
    const r = createReadable(sock, mode, o.receiveBufferSize ?? KERNEL_RCVBUF,
                             (ex) => core.streamClosed(ex));
    const w = createWritable(sock, mode, (ex) => core.streamClosed(ex));
    const mc = mode === 'bound' && getConfig().multicast ? createMulticastController(sock) : null;
    // ICMP errors (port or host unreachable) are what a connected socket gets from
    // the kernel for a datagram nobody took. Chromium 156 does not report them: the
    // read stays pending and later writes succeed (measured in content_shell), so
    // neither does this. Other receive errors error the readable.
    sock.on('error', (err) => { if (!ICMP_ERRORS.has(err.code)) r.errorStream(err); });
    core.onRelease = () => {
      if (mc) mc[CLOSE]();
      try { sock.close(); } catch { /* already closed */ }
    };
    this.#readable = r.readable;
    this.#writable = w.writable;

    const local = sock.address();
    const info = { localAddress: local.address, localPort: local.port, readable: r.readable };
    if (mode === 'connected') {
      const remote = sock.remoteAddress();
      info.remoteAddress = remote.address;
      info.remotePort = remote.port;
    }
    info.writable = w.writable;
    if (mc) info.multicastController = mc;
    core.resolveOpen(info);
  }
}
defineInterface(UDPSocket, 'UDPSocket');

module.exports = { UDPSocket };
