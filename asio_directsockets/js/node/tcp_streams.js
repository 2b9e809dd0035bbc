'use strict';
// The readable and writable streams of a connected TCPSocket over a net.Socket, shaped like
// Blink's TCPReadableStreamWrapper (a byte stream, BYOB readers allowed) and
// TCPWritableStreamWrapper (count high-water mark 1, BufferSource chunks).

const { streamError } = require('./errors');
const { toBufferSource } = require('./webidl');
const { createWriter } = require('./send_pipe');

// Blink reads at most what its 64 KiB receive pipe holds into one chunk.
const MAX_CHUNK = 64 * 1024;

// Pull-based: Node's socket stays paused, we read from it only while a read() is pending. When
// nobody reads, Node stops reading the fd once its buffer passes the high-water mark, the kernel
// receive buffer fills and TCP flow control reaches the peer.
function createReadable(socket, onClosed) {
  let state = 'open';  // open | closed | aborted
  let controller;
  let leftover = null;  // bytes a BYOB read had no room for
  let pullDone = null;
  let eof = false;

  function settlePull() {
    const f = pullDone;
    pullDone = null;
    if (f) f();
  }

  function deliver(chunk) {
    const req = controller.byobRequest;
    if (req) {
      const view = req.view;
      const n = Math.min(view.byteLength, chunk.length);
      new Uint8Array(view.buffer, view.byteOffset, n).set(chunk.subarray(0, n));
      leftover = n < chunk.length ? chunk.subarray(n) : null;
      req.respond(n);
    } else {
      const n = Math.min(chunk.length, MAX_CHUNK);
      controller.enqueue(new Uint8Array(chunk.subarray(0, n)));  // a fresh, transferable copy
      leftover = n < chunk.length ? chunk.subarray(n) : null;
    }
  }

  // Peer FIN (TCPSocket::OnReadError(net::OK)): the readable closes, the writable stays usable.
  function finishGracefully() {
    if (state !== 'open' || leftover) return;
    state = 'closed';
    controller.close();
    const req = controller.byobRequest;
    if (req) req.respond(0);
    settlePull();
    onClosed(undefined);
  }

  function tryRead() {
    if (state !== 'open' || !pullDone) return;
    const chunk = leftover || socket.read();
    if (chunk === null) {
      if (eof) finishGracefully();
      return;  // wait for 'readable' or 'end'
    }
    leftover = null;
    deliver(chunk);
    settlePull();
    if (eof && !leftover) finishGracefully();
  }

  function errorStream(err) {
    if (state !== 'open') return;
    state = 'aborted';
    const ex = err instanceof DOMException ? err : streamError(err);
    controller.error(ex);
    settlePull();
    onClosed(ex);
  }

  // cancel(): Blink's CloseStream(). Node keeps at most its high-water mark buffered.
  function closeStream() {
    if (state !== 'open') return;
    state = 'closed';
    leftover = null;
    settlePull();
    onClosed(undefined);
  }

  socket.on('readable', tryRead);
  socket.on('end', () => {
    eof = true;
    if (state === 'open' && !leftover) finishGracefully();
  });

  const readable = new ReadableStream({
    type: 'bytes',
    start(c) { controller = c; },
    pull() {
      return new Promise((resolve) => {
        pullDone = resolve;
        tryRead();
      });
    },
    cancel() { closeStream(); },
  });
  return { readable, errorStream, get state() { return state; } };
}

function createWritable(socket, config, onClosed) {
  let state = 'open';
  let controller;
  const writer = createWriter(socket, config);

  function errorStream(err) {
    if (state !== 'open') return;
    state = 'aborted';
    const ex = err instanceof DOMException ? err : streamError(err);
    // A write in progress rejects (which errors the stream); otherwise error it directly.
    const pending = writer.hasPendingWrite;
    writer.fail(ex);
    if (!pending) controller.error(ex);
    onClosed(ex);
  }

  // writer.close() and abort(): no FIN (Chromium has no half-close); the pipe keeps draining.
  function closeStream() {
    if (state !== 'open') return;
    state = 'closed';
    onClosed(undefined);
  }

  const writable = new WritableStream({
    start(c) {
      controller = c;
      c.signal.addEventListener('abort', () => writer.abortPending(c.signal.reason));
    },
    write(chunk) {
      if (state === 'aborted') {
        throw new DOMException('The underlying data pipe was disconnected.', 'NetworkError');
      }
      try {
        toBufferSource(chunk, "Failed to execute 'write' on 'UnderlyingSinkBase'");
      } catch (e) {
        // The stream errors with the TypeError. Blink never tells the socket (its `closed` would
        // stay pending forever); we count the writable as failed so `closed` can settle.
        state = 'aborted';
        onClosed(e);
        throw e;
      }
      return writer.write(chunk);
    },
    close() { closeStream(); },
    abort() { closeStream(); },
  }, new CountQueuingStrategy({ highWaterMark: 1 }));
  return { writable, errorStream, writer, get state() { return state; } };
}

module.exports = { createReadable, createWritable };
