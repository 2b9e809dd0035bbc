'use strict';
// The renderer -> network-service send pipe of a Chromium TCPSocket, in front of a net.Socket.
//
// Chromium (docs/chromium-write-drop.md, "Cause in detail"):
//  * the pipe holds exactly 64 KiB (mojo default capacity);
//  * Blink's Write() copies as much of the chunk as fits, synchronously; if all of it fit, the
//    write promise resolves at once (same task); otherwise the rest is copied from a watcher
//    callback, i.e. in later tasks, as the network service drains the pipe;
//  * the network service (SocketDataPump) moves pipe content into the OS socket while the
//    socket accepts it, concurrently with the page;
//  * teardown discards what is still in the pipe.
// Chromium 156 bug (emulated when `dropWhenFull`): a Write() that starts while the pipe is
// completely full gets MOJO_RESULT_SHOULD_WAIT, Blink takes the untouched "bytes written"
// out-value (= the whole chunk) as written, resolves the promise and copies nothing. Writes that
// start with 0 < free < length are partial and complete correctly.
//
// Model in Node: the pump runs only from the event loop (setImmediate / 'drain'), never inside a
// task, so within one task the pipe does not drain: the worst case of Chromium's race. It hands
// the pipe to the net.Socket while socket.write() keeps returning true, and waits for 'drain'
// otherwise, so the pipe drains at the rate Node's socket takes data.

const { bytesOf, isDetached } = require('./webidl');

class SendPipe {
  #socket;
  #capacity;
  #drop;
  #chunks = [];
  #fill = 0;
  #pending = null;         // the write in progress: { source, offset, resolve, reject }
  #watcherArmed = false;   // Blink waits for MOJO_HANDLE_SIGNAL_WRITABLE
  #pumpScheduled = false;
  #waitingDrain = false;
  #dead = false;

  constructor(socket, { capacity, dropWhenFull }) {
    this.#socket = socket;
    this.#capacity = capacity;
    this.#drop = dropWhenFull;
    this.stats = { writes: 0, droppedWrites: 0, droppedBytes: 0, discardedBytes: 0 };
  }

  get fill() { return this.#fill; }
  get hasPendingWrite() { return this.#pending !== null; }

  // Blink's TCPWritableStreamWrapper::Write(); the stream guarantees one write at a time.
  write(source) {
    return new Promise((resolve, reject) => {
      this.stats.writes++;
      this.#pending = { source, offset: 0, resolve, reject };
      this.#writeAsync();
    });
  }

  // WriteDataAsynchronously(): copy what fits now, finish later if needed.
  #writeAsync() {
    const p = this.#pending;
    if (!p || this.#dead) return;
    if (isDetached(p.source)) return this.#finalize();  // reads as an empty byte sequence
    const bytes = bytesOf(p.source);
    const remaining = bytes.byteLength - p.offset;
    const free = this.#capacity - this.#fill;
    let written;
    if (free === 0) {
      written = this.#drop ? remaining : 0;  // the bug: SHOULD_WAIT counted as all written
      if (this.#drop && remaining > 0) {
        this.stats.droppedWrites++;
        this.stats.droppedBytes += remaining;
      }
    } else {
      written = Math.min(free, remaining);
      if (written > 0) this.#push(bytes.subarray(p.offset, p.offset + written));
    }
    if (p.offset + written === bytes.byteLength) return this.#finalize();
    p.offset += written;
    this.#watcherArmed = true;
  }

  #finalize() {
    const p = this.#pending;
    this.#pending = null;
    p.resolve();
  }

  #push(view) {
    this.#chunks.push(Buffer.from(view));  // Blink copies into the pipe; so do we
    this.#fill += view.byteLength;
    this.#schedulePump();
  }

  #schedulePump() {
    if (this.#pumpScheduled || this.#waitingDrain || this.#dead) return;
    this.#pumpScheduled = true;
    setImmediate(() => this.#pump());
  }

  // The network service side: move everything in the pipe into the net.Socket.
  #pump() {
    this.#pumpScheduled = false;
    if (this.#dead || this.#fill === 0) return;
    const s = this.#socket;
    if (s.destroyed || !s.writable) return;
    const buf = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.#fill = 0;
    const ok = s.write(buf);
    if (!ok) {
      this.#waitingDrain = true;
      s.once('drain', () => {
        this.#waitingDrain = false;
        this.#schedulePump();
      });
    }
    // The pipe has room again: a waiting Write() continues from a later task, as Blink's
    // SimpleWatcher callback does.
    if (this.#watcherArmed) {
      this.#watcherArmed = false;
      setImmediate(() => this.#writeAsync());
    }
  }

  // writable.abort(): Blink rejects the write in progress with the abort reason.
  abortPending(reason) {
    const p = this.#pending;
    this.#pending = null;
    this.#watcherArmed = false;
    if (p) p.reject(reason);
  }

  // The socket failed: no more pumping; a write in progress rejects with `exception`.
  fail(exception) {
    this.#dead = true;
    this.abortPending(exception);
    this.#chunks = [];
    this.#fill = 0;
  }

  // Teardown: whatever the network service has not taken yet is lost, as in Chromium.
  discard() {
    this.stats.discardedBytes += this.#fill;
    this.fail(new DOMException('Stream closed.', 'AbortError'));
  }
}

// Without the pipe model (pipeCapacity 0): a write resolves as soon as Node's socket accepted
// it, i.e. socket.write() returned true, or at the next 'drain'.
class DirectWriter {
  #socket;
  #pending = null;

  constructor(socket) {
    this.#socket = socket;
    this.stats = { writes: 0, droppedWrites: 0, droppedBytes: 0, discardedBytes: 0 };
  }

  get fill() { return 0; }
  get hasPendingWrite() { return this.#pending !== null; }

  write(source) {
    this.stats.writes++;
    if (isDetached(source)) return Promise.resolve();
    const copy = Buffer.from(bytesOf(source));
    if (this.#socket.write(copy)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.once('drain', () => {
        const p = this.#pending;
        this.#pending = null;
        if (p) p.resolve();
      });
    });
  }

  abortPending(reason) {
    const p = this.#pending;
    this.#pending = null;
    if (p) p.reject(reason);
  }

  fail(exception) { this.abortPending(exception); }
  discard() {}
}

function createWriter(socket, config) {
  if (config.pipeCapacity === 0) return new DirectWriter(socket);
  return new SendPipe(socket, {
    capacity: config.pipeCapacity, dropWhenFull: config.emulateChromiumWriteDrop,
  });
}

module.exports = { SendPipe, DirectWriter, createWriter };
