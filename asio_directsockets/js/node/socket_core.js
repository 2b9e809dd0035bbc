'use strict';
// State shared by the three socket classes, as Blink's Socket base class and its
// OnBothStreamsClosed() barrier keep it (socket.cc, tcp_socket.cc, udp_socket.cc):
//   opening -> open -> closed (every stream closed cleanly) | aborted (a stream errored)
//   opening -> aborted (open failed: `opened` and `closed` reject with the same DOMException)

const { domError, methodContext } = require('./errors');

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  // Blink marks `closed` handled; we mark `opened` too, because in Node an unhandled rejection
  // kills the process where a browser only logs it. Awaiting either still sees the rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

class SocketCore {
  constructor(streamCount, onRelease) {
    this.state = 'opening';
    this.opened = deferred();
    this.closed = deferred();
    this.pendingStreams = streamCount;
    this.firstError = undefined;
    this.onRelease = onRelease;
  }

  resolveOpen(info) {
    this.state = 'open';
    this.opened.resolve(info);
  }

  failOpen(exception) {
    this.state = 'aborted';
    this.opened.reject(exception);
    this.closed.reject(exception);
    this.release();
  }

  // A stream reports that it closed (exception undefined) or errored. When the last one does,
  // `closed` settles with the first error, and the socket is torn down.
  streamClosed(exception) {
    if (this.state !== 'open') return;
    if (exception !== undefined && this.firstError === undefined) this.firstError = exception;
    if (--this.pendingStreams > 0) return;
    if (this.firstError !== undefined) {
      this.state = 'aborted';
      this.closed.reject(this.firstError);
    } else {
      this.state = 'closed';
      this.closed.resolve(undefined);
    }
    this.release();
  }

  release() {
    const f = this.onRelease;
    this.onRelease = null;
    if (f) f();
  }

  // The shared part of close(): Blink's TCPSocket/UDPSocket/TCPServerSocket::close().
  // `readable`/`writable` may be null. Errors become rejections (promise-returning operation).
  close(iface, readable, writable) {
    const ctx = methodContext('close', iface);
    if (this.state === 'opening') {
      return Promise.reject(
          domError(ctx, 'Socket is not properly initialized.', 'InvalidStateError'));
    }
    if (this.state !== 'open') return this.closed.promise;
    if ((readable && readable.locked) || (writable && writable.locked)) {
      return Promise.reject(domError(ctx, 'Close called on locked streams.', 'InvalidStateError'));
    }
    const reason = new DOMException('Stream closed.', 'AbortError');
    if (readable) readable.cancel(reason).catch(() => {});
    if (writable) writable.abort(reason).catch(() => {});
    return this.closed.promise;
  }
}

// WebIDL attributes and methods live on the prototype and are enumerable.
function defineInterface(cls, name) {
  Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: name, configurable: true });
  for (const key of Object.getOwnPropertyNames(cls.prototype)) {
    if (key === 'constructor') continue;
    const d = Object.getOwnPropertyDescriptor(cls.prototype, key);
    Object.defineProperty(cls.prototype, key, { ...d, enumerable: true });
  }
}

module.exports = { SocketCore, deferred, defineInterface };
