'use strict';
// TCPServerSocket over net.Server, following Blink's tcp_server_socket.cc,
// tcp_server_readable_stream_wrapper.cc and DirectSocketsServiceImpl::OpenTCPServerSocket.

const net = require('node:net');
const { getConfig, portLimits } = require('./config');
const { openError, streamError } = require('./errors');
const { parseTCPServerSocketArgs } = require('./options');
const { SocketCore, defineInterface } = require('./socket_core');
const { fromAccepted } = require('./tcp_socket');

const SOMAXCONN = 4096;  // Linux; the browser clamps backlog to it

class TCPServerSocket {
  #core;
  #readable = null;

  constructor(localAddress, options = undefined) {
    const args = parseTCPServerSocketArgs(Array.prototype.slice.call(arguments));
    this.#core = new SocketCore(1, null);
    this.#open(args);
  }

  get opened() { return this.#core.opened.promise; }
  get closed() { return this.#core.closed.promise; }

  close() { return this.#core.close('TCPServerSocket', this.#readable, null); }

  #open({ local, options }) {
    const core = this.#core;
    const { minServerPort } = portLimits(getConfig());
    // The embedder's ValidateAddressAndPort() (Chrome IWAs: port 0 or >= 32768) answers
    // ERR_ACCESS_DENIED, asynchronously, not with a TypeError.
    if (options.localPort !== undefined && options.localPort < minServerPort) {
      setImmediate(() => core.failOpen(openError('ERR_ACCESS_DENIED')));
      return;
    }
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const queue = [];
    let waiter = null;
    server.on('connection', (s) => {
      s.on('error', () => {});
      queue.push(s);
      if (waiter) waiter();
    });
    server.once('error', (err) => core.failOpen(openError(err)));
    server.listen({
      host: local.address, port: options.localPort ?? 0, exclusive: true,
      backlog: Math.min(SOMAXCONN, options.backlog ?? SOMAXCONN), ipv6Only: options.ipv6Only,
    }, () => {
      server.removeAllListeners('error');
      this.#listening(server, queue, (f) => { waiter = f; });
    });
  }

  #listening(server, queue, setWaiter) {
    const core = this.#core;
    let state = 'open';
    let controller;

    const stop = () => {
      server.close();
      // Connections accepted by the OS but never handed out are reset with the listener.
      for (const s of queue.splice(0)) s.destroy();
    };
    core.onRelease = stop;

    // Pulled one connection at a time (high-water mark 0), like Blink's Accept() per pull.
    const readable = new ReadableStream({
      start(c) { controller = c; },
      pull(c) {
        return new Promise((resolve) => {
          const give = () => {
            setWaiter(null);
            if (state !== 'open') return resolve();
            c.enqueue(fromAccepted(queue.shift()));
            resolve();
          };
          if (queue.length) give();
          else setWaiter(give);
        });
      },
      cancel() {
        if (state !== 'open') return;
        state = 'closed';
        setWaiter(null);
        core.streamClosed(undefined);
      },
    }, new CountQueuingStrategy({ highWaterMark: 0 }));

    server.on('error', (err) => {
      if (state !== 'open') return;
      state = 'aborted';
      const ex = streamError(err, 'Server socket closed: ');
      controller.error(ex);
      core.streamClosed(ex);
    });

    this.#readable = readable;
    const addr = server.address();
    core.resolveOpen({ localAddress: addr.address, localPort: addr.port, readable });
  }
}
defineInterface(TCPServerSocket, 'TCPServerSocket');

module.exports = { TCPServerSocket };
