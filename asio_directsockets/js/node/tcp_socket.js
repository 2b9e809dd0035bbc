'use strict';
// TCPSocket over node:net, following Blink's tcp_socket.cc and the browser-side
// DirectSocketsServiceImpl::OpenTCPSocket (resolve, then try each address in order).

const net = require('node:net');
const { getConfig } = require('./config');
const { openError, streamError } = require('./errors');
const { parseTCPSocketArgs } = require('./options');
const { resolveHost } = require('./resolve');
const { isLocalNetwork } = require('./ip');
const { SocketCore, defineInterface } = require('./socket_core');
const { createReadable, createWritable } = require('./tcp_streams');

const ACCEPTED = Symbol('accepted');  // private constructor path for TCPServerSocket

function connectOnce(address, family, port, o) {
  return new Promise((resolve, reject) => {
    const s = net.connect({
      host: address, port, family, allowHalfOpen: true, autoSelectFamily: false,
      noDelay: o.noDelay, keepAlive: o.keepAliveDelay !== undefined,
      keepAliveInitialDelay: o.keepAliveDelay,
    });
    const onError = (err) => { s.destroy(); reject(err); };
    s.once('error', onError);
    s.once('connect', () => { s.off('error', onError); resolve(s); });
  });
}

// Tear the connection down once both streams are closed (TCPSocket::OnBothStreamsClosed ->
// ReleaseResources). One event-loop turn later, like the IPC that carries it: whatever the
// network service has taken from the pipe by then (now in Node's socket, i.e. "the kernel") is
// still sent, followed by FIN; what is left in the pipe is discarded.
function teardown(socket, writer) {
  setImmediate(() => {
    writer.discard();
    if (socket.destroyed) return;
    if (socket.writableLength > 0) {
      socket.end();
      socket.once('finish', () => socket.destroy());
      setTimeout(() => socket.destroy(), 30000).unref();
    } else {
      socket.destroy();
    }
  });
}

class TCPSocket {
  #core;
  #readable = null;
  #writable = null;

  constructor(remoteAddress, remotePort, options = undefined) {
    if (remoteAddress === ACCEPTED) {
      this.#core = new SocketCore(2, null);
      this.#attach(remotePort, options);
      return;
    }
    const args = parseTCPSocketArgs(Array.prototype.slice.call(arguments));
    this.#core = new SocketCore(2, null);
    this.#open(args);
  }

  get opened() { return this.#core.opened.promise; }
  get closed() { return this.#core.closed.promise; }

  close() {
    return this.#core.close('TCPSocket', this.#readable, this.#writable);
  }

  async #open({ remoteAddress, remotePort, options }) {
    const cfg = getConfig();
    let addresses;
    try {
      addresses = await resolveHost(remoteAddress, options.dnsQueryType);
    } catch (e) {
      return this.#core.failOpen(openError(e, 'resolve'));
    }
    if (cfg.denyLocalNetwork && addresses.some((a) => isLocalNetwork(a.address, a.family))) {
      return this.#core.failOpen(openError('ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS'));
    }
    let lastError;
    for (const a of addresses) {
      try {
        const socket = await connectOnce(a.address, a.family, remotePort, options);
        return this.#attach(socket, { includeLocal: true });
      } catch (e) {
        lastError = e;
      }
    }
    this.#core.failOpen(openError(lastError, 'connect'));
  }

  // TCPSocket::FinishOpenOrAccept(): build the streams and resolve `opened`.
  #attach(socket, { includeLocal }) {
    const core = this.#core;
    const cfg = getConfig();
    socket.on('error', () => {});  // errors are reported through the streams below
    const r = createReadable(socket, cfg, (ex) => core.streamClosed(ex));
    const w = createWritable(socket, cfg, (ex) => core.streamClosed(ex));
    core.onRelease = () => teardown(socket, w.writer);

    // A reset (or any socket error) fails both directions, as the network service reports read
    // and write errors for the same broken connection.
    socket.on('error', (err) => {
      const ex = streamError(err);
      r.errorStream(ex);
      w.errorStream(ex);
    });
    socket.on('close', () => {
      if (r.state === 'open' || w.state === 'open') {
        const ex = streamError('ERR_CONNECTION_ABORTED');
        r.errorStream(ex);
        w.errorStream(ex);
      }
    });

    this.#readable = r.readable;
    this.#writable = w.writable;
    // TCPSocketOpenInfo, members in IDL dictionary order.
    const info = {};
    if (includeLocal && socket.localAddress !== undefined) {
      info.localAddress = socket.localAddress;
      info.localPort = socket.localPort;
    }
    info.readable = r.readable;
    info.remoteAddress = socket.remoteAddress;
    info.remotePort = socket.remotePort;
    info.writable = w.writable;
    core.resolveOpen(info);
  }
}
defineInterface(TCPSocket, 'TCPSocket');

// For TCPServerSocket: wrap an accepted net.Socket; its `opened` resolves at once. Chromium does
// not report the local address of accepted sockets (crbug.com/1417998) unless configured.
function fromAccepted(socket) {
  return new TCPSocket(ACCEPTED, socket, { includeLocal: getConfig().acceptedSocketLocalAddress });
}

module.exports = { TCPSocket, fromAccepted };
