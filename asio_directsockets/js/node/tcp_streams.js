'use strict';
// The readable and writable streams of a connected TCPSocket over a net.Socket, shaped like
// Blink's TCPReadableStreamWrapper (a byte stream, BYOB readers allowed) and
// TCPWritableStreamWrapper (count high-water mark 1, BufferSource chunks).

const { streamError } = require('./errors');
const { toBufferSource } = require('./webidl');
const { createWriter } = require('./send_pipe');
const { PIPE_CAPACITY } = require('./config');

// Blink reads at most what its 64 KiB receive pipe holds into one chunk.
const MAX_CHUNK = PIPE_CAPACITY;

// Pull-based: Node's socket stays paused, we read from it only while a read() is pending. When
// nobody reads, Node stops reading the fd once its buffer passes the high-water mark, the kernel
// receive buffer fills and TCP flow control reaches the peer.
//
// config.emulateChromiumFinDrop: Chromium 156's TCPReadableStreamWrapper, on the peer's FIN,
// sees the receive pipe's producer closed, calls ResetPipe() (discarding every byte still unread
// in the pipe) and closes the stream. Nothing is pulled from the pipe unless a read() is pending
// (byte stream, high-water mark 0), so data that arrived but was not read when the FIN arrives
// is lost. Here Node's buffer (and `leftover`) plays the pipe: if no pull is pending when Node
// reads EOF from the kernel, all of it is dropped and readers get `done`. While a pull is
// pending at that moment, delivery goes on as without the emulation (a simplification: Chromium
// delivers what the pending read and a read issued in its reaction take before the reset runs).
function createReadable(socket, config, onClosed) {
  let state = 'open';  // open | closed | aborted
  let controller;
  let leftover = null;  // bytes a BYOB read had no room for
  let pullDone = null;
  let eof = false;       // Node's 'end': EOF reached and everything buffered read
  let eofArrived = false;  // the kernel reported EOF (Node may still hold data)
  const dropAtFin = config.emulateChromiumFinDrop;
  // With the emulation, Node must read ahead of the reader as far as Chromium's network service
  // fills the 64 KiB receive pipe. Node stops reading the fd once its buffer reaches the readable
  // high-water mark (16 KiB before Node 22), so it sees a FIN only behind less than that. Raised
  // to 64 KiB, a FIN behind less than 64 KiB is seen (and the data dropped) as in Chromium; Node
  // may hold up to one 64 KiB read more than the pipe. Node has buffered nothing yet here.
  if (dropAtFin && socket._readableState && socket._readableState.highWaterMark < PIPE_CAPACITY) {
    socket._readableState.highWaterMark = PIPE_CAPACITY;
  }

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

  // The emulation's drop, once, at the moment EOF arrives from the kernel.
  function onEofArrived() {
    if (eofArrived) return;
    eofArrived = true;
    if (state !== 'open' || pullDone) return;
    leftover = null;                     // ResetPipe(): the unread pipe is gone
    while (socket.read() !== null) {}    // and so is what Node holds (EOF: read() takes it all)
    finishGracefully();                  // then the stream closes: readers get done
  }

  // Finding that moment: Node's 'end' comes only after everything buffered was read, and
  // socket.readableEnded is endEmitted (the same). When the kernel reports EOF, Node's
  // onStreamRead calls socket.push(null), which sets _readableState.ended at once and, the
  // socket being paused with a 'readable' listener, emits 'readable' synchronously
  // (onEofChunk -> emitReadable_), whether or not data is buffered. So the first 'readable'
  // that sees `ended` is EOF's arrival. `ended` is internal but has been there since Node 0.10
  // (kept as a getter when the state became a bit field); were it gone, 'end' is the
  // fallback (then only `leftover` can be dropped). Without the emulation this is the old
  // handler exactly: socket.on('readable', tryRead).
  function onReadable() {
    if (dropAtFin && !eofArrived && socket._readableState?.ended) onEofArrived();
    tryRead();
  }

  socket.on('readable', dropAtFin ? onReadable : tryRead);
  socket.on('end', () => {
    eof = true;
    if (dropAtFin) onEofArrived();
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
