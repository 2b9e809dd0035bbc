/**
 * asio_directsockets — the browser half of the WebAssembly backend.
 *
 * The bridge is an Emscripten (3.1.6) --js-library made of every .js file in this folder
 * (asio_directsockets/js/bridge/, one job per file; CMake passes them all, in name order). It
 * lets the C++ side (asio_directsockets' `direct_sockets` backend) drive Chrome's Direct Sockets
 * API: TCPSocket, TCPServerSocket and UDPSocket. The contract (imports, completion records,
 * result codes) is contract.json, explained in docs/browser-bridge.md; the reasons for the
 * write discipline are in docs/chromium-write-drop.md.
 *
 * This file: `AdsBridge`, the object every part shares: the contract's result codes, the
 * tunables (plain properties a page may change before opening sockets), the shared state,
 * logging and wasm-memory helpers. The jobs live in their own globals (AdsOps, AdsLoop,
 * AdsErrors, AdsSockets, AdsReadiness, AdsTcp, AdsAccept, AdsWritePlan, AdsSendQueue,
 * AdsTcpWriter, AdsUdp, AdsPipefs, AdsTeardown); imports.js holds the ads_* imports.
 *
 * Rules every file here follows because of how Emscripten links a --js-library:
 *  - every member is serialized with Function.prototype.toString() into the output, so nothing
 *    may capture a closure variable or a file-level variable: state lives in `AdsBridge` (or a
 *    socket record), and functions reach the other parts by their global names, which must be
 *    listed in the member's __deps (the Node harness checks this);
 *  - each file calls mergeInto() once and defines keys no other file defines;
 *  - methods are written `name: function () {}` (shorthand methods do not survive serialization);
 *  - no line starts with '#' and no triple braces appear (Emscripten's preprocessor);
 *  - wasm memory is read through HEAPU8/HEAP32 at the moment of use, never cached across an
 *    await (memory may grow), and never handed to a Direct Sockets stream (views of a
 *    SharedArrayBuffer are refused, and a detached buffer would silently finalize a write);
 *  - no exception leaves the bridge and no promise it creates is left without a rejection handler.
 */

mergeInto(LibraryManager.library, {
  $AdsBridge__deps: ['$AdsOps'],
  $AdsBridge: {
    // ---- result codes of the contract (contract.json, checked by test/contract.test.js; the
    // C++ side maps them to boost::asio::error) ----
    OK: 0,
    EOF: 1,
    CONNECTION_REFUSED: 2,
    HOST_UNREACHABLE: 3,
    TIMED_OUT: 4,
    ACCESS_DENIED: 5,
    INVALID_ARGUMENT: 6,
    CONNECTION_RESET: 7,
    BROKEN_PIPE: 8,
    OPERATION_ABORTED: 9,
    HOST_NOT_FOUND: 10,
    NETWORK_DOWN: 11,
    ADDRESS_IN_USE: 12,
    NOT_CONNECTED: 13,
    BAD_DESCRIPTOR: 14,
    NOT_SUPPORTED: 15,
    MESSAGE_SIZE: 16,
    NO_BUFFER_SPACE: 17,
    WOULD_BLOCK: 18,
    PENDING: 19,            // a transfer import's -PENDING: the op completes later, by its id

    // ---- tunables (plain properties: a page may change them before opening sockets) ----
    PIPE: 65536,            // Chromium's renderer->network send pipe (mojo default capacity)
    MAX_WRITE: 1048576,     // largest coalesced writer.write()
    QUEUE_LIMIT: 1048576,   // the staging queue admits a write while it holds less than this
    POOL_MIN: 1024,         // admitted writes of POOL_MIN..POOL_MAX bytes are copied into
    POOL_MAX: 65536,        // recycled buffers (power-of-two sizes) instead of fresh ones,
    POOL_KEEP: 4,           // of which each socket keeps at most POOL_KEEP
    HOPS: 64,               // microtask turns that decide "settled within the current task"
    RATE_SAMPLES: 8,        // drain-rate samples kept per socket (the slowest is used)
    DEFAULT_RATE: 16777216, // drain rate (bytes/s) assumed before a measurement exists
    GUARD_MIN_MS: 2,
    REPLY_EVIDENCE: true,   // data from the peer after our last write settled ends the guard ...
    QUIET_RATE: 67108864,   // ... while no recent drain-rate sample (bytes/s) is below this
    GUARD_MAX_MS: 1000,
    CLOSE_MIN_MS: 50,       // minimum wait between the last write and teardown ...
    CLOSE_QUIET_MS: 5,      // ... when every write so far drained fast (no backpressure seen)
    CLOSE_MAX_MS: 30000,
    CLOSE_SLOW_RATE: 524288, // a slow reader's pace (bytes/s): the close waits for it to drain the pipe
    BIG_PIPE_ASSUMED: 4194304, // pipe size assumed at close once a pipe proved bigger than 64 KiB
    LINGER_STALL_MS: 30000, // a closing socket whose writes make no progress this long is aborted
    DISCARD_IDLE_MS: 5,     // at close, inbound data is discarded until none arrived this long,
    DISCARD_MAX_MS: 1000,   // ... for at most this long
    DISCARD_MAX_BYTES: 1048576, // ... and at most this many bytes (then the peer may see RST)
    RECV_AHEAD: 1048576,    // TCP: received bytes held for the program before reading pauses
    ACCEPT_AHEAD: 64,       // listeners: connections accepted ahead of the program's accepts
    MICRO_DRAINS: 32,       // _ads_drain calls from microtasks before one macrotask is forced
    WAIT_YIELD: -2,         // ads_wait(WAIT_YIELD): sleep for one macrotask (ds::ads_wait_yield)
    UDP_INBOX: 32,          // datagrams read ahead per UDP socket (Blink's own queue holds 32)
    UDP_SENDS: 64,          // datagram sends done at once while fewer than this are in flight
    ADDR_MAX: 64,           // char[64] address buffers

    // ---- state, created by init() (the serializer cannot emit Map objects) ----
    inited: false,
    socks: null,            // Map handle -> socket record
    ops: null,              // Map op id -> pending op record
    nextHandle: 1,
    cq: null,               // completion queue, flat: op, err, value, op, err, value, ...
    delivering: false,
    drainArmed: false,
    drainTimer: null,
    drainCallPending: false,
    microDrains: 0,
    microReset: false,
    waiter: null,
    waitTimer: null,        // one setTimeout shared by successive ads_wait calls (AdsLoop.armWaitTimer)
    waitTimerAt: 0,         // ... and when it fires (AdsBridge.now() time base)
    pipes: null,            // proven send-pipe capacity bounds, see AdsTcpWriter.pipeOf()
    bigPipe: false,         // true once a connection proved a pipe holds more than PIPE
    mc: null,
    mcq: null,
    warned: null,
    stats: null,

    init: function () {
      var B = AdsBridge;
      B.socks = new Map();
      B.ops = new Map();
      B.cq = [];
      B.warned = {};
      B.pipes = {};
      B.stats = { drops: 0, checkedWrites: 0, probeWrites: 0, smallWrites: 0, undecided: 0,
                  guardWaits: 0, replyResets: 0, probes: 0, bytesWritten: 0, internalErrors: 0 };
      B.inited = true;
      return B;
    },
    ready: function () {
      return AdsBridge.inited ? AdsBridge : AdsBridge.init();
    },
    noop: function () {},
    now: function () {
      return typeof performance !== 'undefined' && performance.now ? performance.now() : Date.now();
    },
    log: function (msg) {
      try {
        if (typeof err === 'function') err('asio_directsockets: ' + msg);
        else if (typeof console !== 'undefined') console.warn('asio_directsockets: ' + msg);
      } catch (e) { /* nothing to do */ }
    },
    warnOnce: function (key, msg) {
      var B = AdsBridge;
      if (B.warned[key]) return;
      B.warned[key] = true;
      B.log(msg);
    },
    // A transfer import threw: its op fails through the completion queue if it was registered
    // (-PENDING), else the call fails now.
    transferError: function (e, op) {
      var B = AdsBridge;
      var pending = !!(op && B.ops && B.ops.has(op));
      B.internalError(e, op);
      return pending ? -B.PENDING : -B.INVALID_ARGUMENT;
    },
    internalError: function (e, op) {
      var B = AdsBridge;
      try {
        B.stats.internalErrors++;
        B.log('internal error: ' + (e && e.stack ? e.stack : String(e)));
        var rec = op ? B.ops.get(op) : null;
        if (rec) AdsOps.complete(rec, B.INVALID_ARGUMENT, 0);
      } catch (e2) { /* nothing to do */ }
    },
    range: function (ptr, len) {
      return typeof len === 'number' && len >= 0 && (ptr !== 0 || len === 0) &&
             ptr + len <= HEAPU8.length;
    },
    writeI32: function (ptr, v) {
      if ((ptr & 3) === 0) { HEAP32[ptr >>> 2] = v; return; }
      HEAPU8[ptr] = v & 255; HEAPU8[ptr + 1] = (v >> 8) & 255;
      HEAPU8[ptr + 2] = (v >> 16) & 255; HEAPU8[ptr + 3] = (v >> 24) & 255;
    },
    writeAddr: function (ptr, str) {
      stringToUTF8(String(str), ptr, AdsBridge.ADDR_MAX);
    },
    str: function (ptr) {
      ptr = ptr >>> 0;
      if (!ptr || ptr >= HEAPU8.length) return null;
      return UTF8ToString(ptr);
    },
    bytes: function (v) {
      if (v instanceof Uint8Array) return v;
      if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      return new Uint8Array(0);
    }
  }
});
