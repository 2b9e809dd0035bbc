/**
 * asio_directsockets — the browser half of the WebAssembly backend.
 *
 * An Emscripten (3.1.6) --js-library that lets the C++ side (asio_directsockets'
 * `direct_sockets` backend) drive Chrome's Direct Sockets API: TCPSocket, TCPServerSocket and
 * UDPSocket. The contract (imports, completion records, error codes) is documented in
 * docs/browser-bridge.md; the reasons for the write discipline are in
 * shared/reference/upload-stall/FINDINGS.md.
 *
 * Rules this file follows because of how Emscripten links a --js-library:
 *  - every member is serialized with Function.prototype.toString() into the output, so nothing
 *    here may capture a closure variable: all state lives in the `AdsBridge` object, and
 *    functions reach it by that global name;
 *  - methods are written `name: function () {}` (shorthand methods do not survive serialization);
 *  - no line starts with '#' and no triple braces appear (Emscripten's preprocessor);
 *  - wasm memory is read through HEAPU8/HEAP32 at the moment of use, never cached across an
 *    await (memory may grow), and never handed to a Direct Sockets stream (views of a
 *    SharedArrayBuffer are refused, and a detached buffer would silently finalize a write);
 *  - no exception leaves the bridge and no promise it creates is left without a rejection handler.
 */

var AdsDirectSocketsLibrary = {
  $AdsBridge__deps: ['$callUserCallback'],
  $AdsBridge: {
    // ---- error codes of the contract (the C++ side maps them to boost::asio::error) ----
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
    UDP_SENDS: 64,          // fire-and-forget sends (ads_try_udp_send) in flight per socket
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
    pipes: null,            // proven send-pipe capacity bounds, see pipeOf()
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
    internalError: function (e, op) {
      var B = AdsBridge;
      try {
        B.stats.internalErrors++;
        B.log('internal error: ' + (e && e.stack ? e.stack : String(e)));
        var rec = op ? B.ops.get(op) : null;
        if (rec) B.complete(rec, B.INVALID_ARGUMENT, 0);
      } catch (e2) { /* nothing to do */ }
    },

    // ---- timing helpers ----
    // A macrotask without setTimeout's clamp: setImmediate (Node), else a MessageChannel.
    macrotask: function (f) {
      var B = AdsBridge;
      if (typeof setImmediate === 'function') { setImmediate(f); return; }
      if (typeof MessageChannel === 'function') {
        if (!B.mc) {
          B.mcq = [];
          B.mc = new MessageChannel();
          B.mc.port1.onmessage = function () {
            var g = AdsBridge.mcq.shift();
            if (g) g();
          };
        }
        B.mcq.push(f);
        B.mc.port2.postMessage(0);
        return;
      }
      setTimeout(f, 0);
    },
    macrotaskP: function () {
      return new Promise(function (r) { AdsBridge.macrotask(r); });
    },
    sleep: function (ms) {
      return new Promise(function (r) { setTimeout(r, ms); });
    },
    microtask: function (f) {
      if (typeof queueMicrotask === 'function') queueMicrotask(f);
      else Promise.resolve().then(f);
    },
    // Resolve after `p` settles or after `ms`, whichever comes first; never rejects.
    within: function (p, ms) {
      return new Promise(function (resolve) {
        var t = setTimeout(resolve, ms);
        Promise.resolve(p).then(function () { clearTimeout(t); resolve(); },
                                function () { clearTimeout(t); resolve(); });
      });
    },

    // ---- memory helpers (always the current HEAPU8: memory may have grown) ----
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
    },

    // ---- ops and completions ----
    validOp: function (op) {
      return typeof op === 'number' && op > 0 && (op | 0) === op;
    },
    // Registers a pending op; null if the id is invalid or already pending (then the call is
    // ignored: a second completion for one id would corrupt the C++ side).
    newOp: function (op, h, kind) {
      var B = AdsBridge;
      if (!B.validOp(op)) { B.warnOnce('op' + op, 'invalid op id ' + op + ' ignored'); return null; }
      if (B.ops.has(op)) { B.log('op id ' + op + ' is already pending; call ignored'); return null; }
      var rec = { op: op, h: h, kind: kind, buf: 0, len: 0, a: 0, p: 0, done: false };
      B.ops.set(op, rec);
      return rec;
    },
    // Queues (op, err, value) and forgets every pointer the op carried.
    complete: function (rec, errc, value) {
      var B = AdsBridge;
      if (rec.done) return;
      rec.done = true;
      rec.buf = 0; rec.len = 0; rec.a = 0; rec.p = 0;
      B.ops.delete(rec.op);
      B.cq.push(rec.op, errc, value);
      B.notify();
    },
    notify: function () {
      var B = AdsBridge;
      var w = B.waiter;
      if (w && !w.scheduled) {
        w.scheduled = true;
        B.microtask(function () { AdsBridge.finishWait(w); });
      }
      if (B.drainArmed) B.scheduleDrainCall();
    },
    callUser: function (f) {
      if (typeof callUserCallback === 'function') { callUserCallback(f); return; }
      try { f(); } catch (e) { AdsBridge.log('callback threw: ' + e); }
    },
    exported: function (name) {
      if (typeof Module !== 'undefined' && typeof Module['_' + name] === 'function') {
        return Module['_' + name];
      }
      return null;
    },
    isSleeping: function () {
      return AdsBridge.waiter !== null ||
             (typeof Asyncify !== 'undefined' && Asyncify && !!Asyncify.currData);
    },

    // ads_take_completions: deliver what is queued now, in order. Records queued by the C++
    // callbacks themselves wait for the next call. If a callback throws (a C++ exception
    // travelling through JS), the records not yet delivered go back to the front of the queue
    // and the exception continues to the C++ caller.
    // A call made from inside a callback (nested) returns at once: delivering the newer records
    // first would break the order.
    takeCompletions: function () {
      var B = AdsBridge.ready();
      var q = B.cq;
      if (!q.length || B.delivering) return;
      var f = B.exported('ads_on_complete');
      if (!f) { B.warnOnce('noexport', '_ads_on_complete is not exported'); return; }
      B.cq = [];
      B.delivering = true;
      try {
        for (var i = 0; i < q.length; i += 3) {
          try {
            f(q[i], q[i + 1], q[i + 2]);
          } catch (e) {
            B.cq = q.slice(i + 3).concat(B.cq);
            throw e;
          }
        }
      } finally {
        B.delivering = false;
      }
    },

    // ---- callback mode ----
    scheduleDrain: function (timeoutMs) {
      var B = AdsBridge.ready();
      B.drainArmed = true;
      if (B.drainTimer !== null) { clearTimeout(B.drainTimer); B.drainTimer = null; }
      if (timeoutMs >= 0) B.drainTimer = setTimeout(B.onDrainTimer, timeoutMs);
      if (B.cq.length) B.scheduleDrainCall();
    },
    onDrainTimer: function () {
      var B = AdsBridge;
      B.drainTimer = null;
      if (!B.drainArmed) return;
      B.drainArmed = false;
      B.runDrain();
    },
    // A completion arrived while a drain is armed: call _ads_drain from a microtask (fast), but
    // from a macrotask after MICRO_DRAINS microtask drains in a row, so a program that keeps
    // completing operations immediately cannot starve the event loop.
    scheduleDrainCall: function () {
      var B = AdsBridge;
      if (B.drainCallPending) return;
      B.drainCallPending = true;
      if (B.microDrains < B.MICRO_DRAINS) {
        B.microDrains++;
        if (!B.microReset) {
          B.microReset = true;
          B.macrotask(function () { AdsBridge.microDrains = 0; AdsBridge.microReset = false; });
        }
        B.microtask(B.drainCallback);
      } else {
        B.macrotask(B.drainCallback);
      }
    },
    drainCallback: function () {
      var B = AdsBridge;
      B.drainCallPending = false;
      if (!B.drainArmed) return;
      B.drainArmed = false;
      if (B.drainTimer !== null) { clearTimeout(B.drainTimer); B.drainTimer = null; }
      B.runDrain();
    },
    runDrain: function () {
      var B = AdsBridge;
      if (B.isSleeping()) {
        // Never call into a suspended (Asyncify) stack: retry once it has resumed.
        B.drainArmed = true;
        setTimeout(function () { if (AdsBridge.drainArmed) AdsBridge.scheduleDrainCall(); }, 4);
        return;
      }
      var f = B.exported('ads_drain');
      if (!f) { B.warnOnce('nodrain', '_ads_drain is not exported'); return; }
      B.callUser(function () { f(); });
    },

    // ---- blocking mode (-sASYNCIFY, ASYNCIFY_IMPORTS=['ads_wait']) ----
    wait: function (timeoutMs) {
      var B = AdsBridge.ready();
      var A = typeof Asyncify !== 'undefined' ? Asyncify : null;
      if (A && A.State && A.state === A.State.Rewinding) {
        return A.handleSleep(function () {});   // resuming: returns the value given to wakeUp
      }
      if (B.cq.length) return 1;
      if (timeoutMs === 0 || !A || typeof A.handleSleep !== 'function') return 0;
      if (B.waiter) { B.log('ads_wait called while already waiting'); return 0; }
      return A.handleSleep(function (wakeUp) {
        var w = { wakeUp: wakeUp, timer: null, done: false, scheduled: false };
        AdsBridge.waiter = w;
        if (timeoutMs === B.WAIT_YIELD) {
          // A busy run() lets the event loop turn once (socket promises settle there).
          B.macrotask(function () { AdsBridge.finishWait(w); });
        } else if (timeoutMs > 0) {
          w.timer = setTimeout(function () { AdsBridge.finishWait(w); }, timeoutMs);
        }
      });
    },
    finishWait: function (w) {
      var B = AdsBridge;
      if (w.done) return;
      w.done = true;
      if (w.timer !== null) clearTimeout(w.timer);
      if (B.waiter === w) B.waiter = null;
      var v = B.cq.length ? 1 : 0;
      B.callUser(function () { w.wakeUp(v); });
    },
    canBlock: function () {
      return typeof Asyncify !== 'undefined' && Asyncify &&
             typeof Asyncify.handleSleep === 'function' ? 1 : 0;
    },

    // ---- error mapping ----
    // The net::ERR_* name carried by an error: Chromium puts it into stream error messages
    // ("Stream aborted by the remote: net::ERR_CONNECTION_RESET"); the Node implementation also
    // appends it to open errors and sets e.netError.
    netName: function (e) {
      var s = '';
      try {
        if (e && e.netError) s += String(e.netError) + ' ';
        s += e && e.message !== undefined ? String(e.message) : String(e);
      } catch (x) { /* unprintable */ }
      var m = /ERR_[A-Z0-9_]+/.exec(s);
      return m ? m[0] : '';
    },
    message: function (e) {
      try { return String(e && e.message !== undefined ? e.message : e).toLowerCase(); } catch (x) { return ''; }
    },
    fromNetName: function (n) {
      var B = AdsBridge;
      switch (n) {
        case 'ERR_CONNECTION_REFUSED': return B.CONNECTION_REFUSED;
        case 'ERR_NAME_NOT_RESOLVED': case 'ERR_NAME_RESOLUTION_FAILED':
        case 'ERR_DNS_TIMED_OUT': case 'ERR_DNS_MALFORMED_RESPONSE': case 'ERR_DNS_SERVER_FAILED':
          return B.HOST_NOT_FOUND;
        case 'ERR_ADDRESS_UNREACHABLE': return B.HOST_UNREACHABLE;
        case 'ERR_CONNECTION_TIMED_OUT': case 'ERR_TIMED_OUT': return B.TIMED_OUT;
        case 'ERR_ACCESS_DENIED': case 'ERR_NETWORK_ACCESS_DENIED':
        case 'ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS': case 'ERR_BLOCKED_BY_PRIVATE_NETWORK_ACCESS_CHECKS':
          return B.ACCESS_DENIED;
        case 'ERR_ADDRESS_IN_USE': return B.ADDRESS_IN_USE;
        case 'ERR_INTERNET_DISCONNECTED': case 'ERR_NETWORK_CHANGED': return B.NETWORK_DOWN;
        case 'ERR_CONNECTION_RESET': case 'ERR_CONNECTION_ABORTED': case 'ERR_CONNECTION_CLOSED':
          return B.CONNECTION_RESET;
        case 'ERR_MSG_TOO_BIG': return B.MESSAGE_SIZE;
        case 'ERR_NO_BUFFER_SPACE': case 'ERR_INSUFFICIENT_RESOURCES': case 'ERR_OUT_OF_MEMORY':
          return B.NO_BUFFER_SPACE;
        case 'ERR_INVALID_ARGUMENT': case 'ERR_ADDRESS_INVALID': return B.INVALID_ARGUMENT;
        case 'ERR_SOCKET_NOT_CONNECTED': return B.NOT_CONNECTED;
        default: return 0;
      }
    },
    // A constructor that threw synchronously.
    mapThrow: function (e) {
      var B = AdsBridge;
      var name = e && e.name;
      if (name === 'TypeError' || name === 'RangeError') return B.INVALID_ARGUMENT;
      if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'InvalidAccessError') {
        return B.ACCESS_DENIED;
      }
      if (name === 'NotSupportedError' || name === 'ReferenceError') return B.NOT_SUPPORTED;
      return B.INVALID_ARGUMENT;
    },
    // `opened` rejected. kind: 'tcp' (connect), 'listen', 'udp-connected', 'udp-bound'.
    // Chromium's messages name no cause ("Network Error."), so the default is per kind.
    mapOpenError: function (e, kind) {
      var B = AdsBridge;
      var name = e && e.name;
      if (name === 'TypeError' || name === 'RangeError') return B.INVALID_ARGUMENT;
      if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'InvalidAccessError') {
        return B.ACCESS_DENIED;
      }
      if (name === 'NotSupportedError') return B.NOT_SUPPORTED;
      var c = B.fromNetName(B.netName(e));
      if (c) return c;
      var m = B.message(e);
      if (/resolve|resolution|not found/.test(m)) return B.HOST_NOT_FOUND;
      if (/unreachable/.test(m)) return B.HOST_UNREACHABLE;
      if (/timed? ?out/.test(m)) return B.TIMED_OUT;
      if (/refused/.test(m)) return B.CONNECTION_REFUSED;
      if (/in use/.test(m)) return B.ADDRESS_IN_USE;
      if (/blocked|denied|not allowed|permission/.test(m)) return B.ACCESS_DENIED;
      if (kind === 'listen' || kind === 'udp-bound') return B.ADDRESS_IN_USE;
      if (kind === 'udp-connected') return B.HOST_UNREACHABLE;
      return B.CONNECTION_REFUSED;
    },
    // A stream error after open. dir: 'read' | 'write'; udp: true for UDP sockets.
    mapStreamError: function (e, dir, udp) {
      var B = AdsBridge;
      var c = B.fromNetName(B.netName(e));
      if (udp) {
        if (c) return c;
        return dir === 'read' ? B.CONNECTION_RESET : B.BROKEN_PIPE;
      }
      if (c === B.TIMED_OUT || c === B.NETWORK_DOWN || c === B.HOST_UNREACHABLE) return c;
      if (dir === 'read') return B.CONNECTION_RESET;
      return c === B.CONNECTION_RESET ? B.CONNECTION_RESET : B.BROKEN_PIPE;
    },

    // ---- sockets ----
    allocHandle: function () {
      var B = AdsBridge;
      for (;;) {
        var h = B.nextHandle;
        B.nextHandle = h >= 0x7fffffff ? 1 : h + 1;
        if (!B.socks.has(h)) return h;
      }
    },
    newSocket: function (kind, sock) {
      var B = AdsBridge;
      var s = {
        h: B.allocHandle(), kind: kind, sock: sock, state: 'opening', info: null, openErr: 0,
        openP: null, connectOp: null, closed: false, mode: '',
        reader: null, writer: null,
        rq: [], reading: false, readP: null, rx: [], rxBytes: 0, rdone: false, rerr: 0,
        wfailed: false, stopDiscard: false, discarded: 0, lastChunk: 0, backlog: [], server: null,
        polls: [], errReported: false,
        // UDP receive side: datagrams read ahead, and the peer a bound socket is connected to
        inbox: [], inboxOn: false, peer: null,
        // TCP send side
        wops: [], wq: [], wqBytes: 0, staging: null, pool: [], wake: null, loop: null, inflight: null,
        werr: 0, shutdown: false, closing: false, writerClosed: false, slowSeen: false,
        pk: null, fillBound: 0, ub: 0, guarded: false, held: false, noProbe: false,
        rate: 0, rates: [], durs: [], lastSettle: 0, lastProgress: 0, bytesOut: 0, lastReply: 0,
        // UDP send side
        sendOps: null,
        stats: { writes: 0, checkedWrites: 0, probeWrites: 0, smallWrites: 0, drops: 0,
                 undecided: 0, guardWaits: 0, replyResets: 0, probe: 0, maxQueued: 0 }
      };
      B.socks.set(s.h, s);
      return s;
    },
    getSock: function (h, kind) {
      var s = AdsBridge.socks.get(h);
      if (!s || (kind && s.kind !== kind)) return null;
      return s;
    },
    // Watch `opened`; `opKind` is the error-mapping kind.
    watchOpen: function (s, rec, opKind) {
      var B = AdsBridge;
      try { s.sock.closed.then(B.noop, B.noop); } catch (e) { /* no closed promise */ }
      s.openP = Promise.resolve(s.sock.opened).then(function (info) {
        AdsBridge.onOpened(s, info);
        if (rec) AdsBridge.complete(rec, AdsBridge.OK, 0);
      }, function (e) {
        var B2 = AdsBridge;
        s.state = 'failed';
        s.openErr = B2.mapOpenError(e, opKind);
        if (rec) B2.complete(rec, s.openErr, 0);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    onOpened: function (s, info) {
      var B = AdsBridge;
      s.info = info;
      s.state = 'open';
      if (s.kind === 'tcp') {
        s.reader = info.readable.getReader();
        s.writer = info.writable.getWriter();
        s.reader.closed.then(B.noop, B.noop);
        s.writer.closed.then(B.noop, function (e) { AdsBridge.onWriteError(s, e); });
        s.lastProgress = B.now();
        s.loop = B.writerLoop(s);
        B.readAhead(s);
      } else if (s.kind === 'server') {
        s.reader = info.readable.getReader();
        s.reader.closed.then(B.noop, B.noop);
        B.acceptAhead(s);
      } else {
        s.reader = info.readable.getReader();
        s.writer = info.writable.getWriter();
        s.reader.closed.then(B.noop, B.noop);
        s.writer.closed.then(B.noop, function (e) { AdsBridge.onUdpWriteError(s, e); });
      }
    },
    // An operation on a socket that is still opening, or whose opening failed.
    notOpen: function (s) {
      return AdsBridge.NOT_CONNECTED;
    },

    tcpConnect: function (op, host, port, noDelay, keepAliveMs, sendBuf, recvBuf, dnsType) {
      var B = AdsBridge.ready();
      if (!B.validOp(op) || B.ops.has(op)) return -B.INVALID_ARGUMENT;
      var addr = B.str(host);
      if (addr === null || !(port >= 0 && port <= 65535)) return -B.INVALID_ARGUMENT;
      if (typeof TCPSocket === 'undefined') return -B.NOT_SUPPORTED;
      var o = {};
      if (noDelay !== -1) o.noDelay = !!noDelay;
      // TCPSocketOptions has no keep-alive switch: keep-alive is on iff keepAliveDelay is given
      // (so 0 = off = omitted; Blink refuses delays below 1000 ms with a TypeError).
      if (keepAliveMs > 0) o.keepAliveDelay = keepAliveMs;
      if (sendBuf > 0) o.sendBufferSize = sendBuf;
      if (recvBuf > 0) o.receiveBufferSize = recvBuf;
      if (dnsType === 4) o.dnsQueryType = 'ipv4';
      else if (dnsType === 6) o.dnsQueryType = 'ipv6';
      var sock;
      try { sock = new TCPSocket(addr, port, o); } catch (e) { return -B.mapThrow(e); }
      var s = B.newSocket('tcp', sock);
      s.pk = B.pipeOf('snd' + (sendBuf > 0 ? sendBuf : 0));
      var rec = B.newOp(op, s.h, 'connect');
      s.connectOp = rec;
      B.watchOpen(s, rec, 'tcp');
      return s.h;
    },
    tcpListen: function (op, localAddress, localPort, backlog, ipv6Only) {
      var B = AdsBridge.ready();
      if (!B.validOp(op) || B.ops.has(op)) return -B.INVALID_ARGUMENT;
      var addr = B.str(localAddress);
      if (addr === null || !(localPort >= 0 && localPort <= 65535) || backlog < 0) {
        return -B.INVALID_ARGUMENT;
      }
      if (typeof TCPServerSocket === 'undefined') return -B.NOT_SUPPORTED;
      var o = {};
      if (localPort !== 0) o.localPort = localPort;
      if (backlog > 0) o.backlog = backlog;
      if (ipv6Only !== -1) o.ipv6Only = !!ipv6Only;
      var sock;
      try { sock = new TCPServerSocket(addr, o); } catch (e) { return -B.mapThrow(e); }
      var s = B.newSocket('server', sock);
      var rec = B.newOp(op, s.h, 'connect');
      s.connectOp = rec;
      B.watchOpen(s, rec, 'listen');
      return s.h;
    },
    udpOpen: function (op, remoteAddress, remotePort, localAddress, localPort, sendBuf, recvBuf, ipv6Only) {
      var B = AdsBridge.ready();
      if (!B.validOp(op) || B.ops.has(op)) return -B.INVALID_ARGUMENT;
      var o = {};
      var mode;
      if (remoteAddress) {
        mode = 'connected';
        var ra = B.str(remoteAddress);
        if (ra === null || !(remotePort >= 0 && remotePort <= 65535)) return -B.INVALID_ARGUMENT;
        o.remoteAddress = ra;
        o.remotePort = remotePort;
      } else {
        mode = 'bound';
        var la = B.str(localAddress);
        if (la === null || !(localPort >= 0 && localPort <= 65535)) return -B.INVALID_ARGUMENT;
        o.localAddress = la;
        if (localPort !== 0) o.localPort = localPort;
        if (ipv6Only !== -1) o.ipv6Only = !!ipv6Only;
      }
      if (sendBuf > 0) o.sendBufferSize = sendBuf;
      if (recvBuf > 0) o.receiveBufferSize = recvBuf;
      if (typeof UDPSocket === 'undefined') return -B.NOT_SUPPORTED;
      var sock;
      try { sock = new UDPSocket(o); } catch (e) { return -B.mapThrow(e); }
      var s = B.newSocket('udp', sock);
      s.mode = mode;
      s.sendOps = new Set();
      var rec = B.newOp(op, s.h, 'connect');
      s.connectOp = rec;
      B.watchOpen(s, rec, mode === 'connected' ? 'udp-connected' : 'udp-bound');
      return s.h;
    },

    // ---- TCP reads: one reader.read() always pending (docs/chromium-fin-drop.md) ----
    // Chromium 156 discards data still in the receive pipe when the peer's FIN arrives while no
    // read is pending, so a read is kept pending from open until end-of-file or an error, and
    // each next read is issued inside the previous read's reaction (in the same task: no
    // Chromium task can come between). Received chunks wait in s.rx for the program; reading
    // pauses while RECV_AHEAD bytes wait there, so flow control still reaches the peer.
    read: function (h, op, buf, len) {
      var B = AdsBridge.ready();
      var o = B.newOp(op, h, 'read');
      if (!o) return;
      var s = B.getSock(h, 'tcp');
      if (!s) return B.complete(o, B.BAD_DESCRIPTOR, 0);
      buf = buf >>> 0;
      if (!B.range(buf, len)) return B.complete(o, B.INVALID_ARGUMENT, 0);
      if (s.state !== 'open') return B.complete(o, B.notOpen(s), 0);
      if (len === 0) return B.complete(o, B.OK, 0);
      o.buf = buf; o.len = len;
      s.rq.push(o);
      B.pumpRead(s);
    },
    pumpRead: function (s) {
      var B = AdsBridge;
      while (s.rq.length) {
        var o = s.rq[0];
        if (s.rxBytes) {
          s.rq.shift();
          B.complete(o, B.OK, B.copyReceived(s, o.buf, o.len));
          continue;
        }
        // After a write failure no new read is issued: without one in flight, the failure is the
        // read's too (a reset, as Linux reports it to a read after the peer's RST).
        if (s.wfailed && !s.reading && !s.rdone && !s.rerr) s.rerr = B.CONNECTION_RESET;
        if (B.connError(s)) { s.rq.shift(); B.complete(o, B.takeConnError(s, 'read'), 0); continue; }
        if (s.rdone) { s.rq.shift(); B.complete(o, B.EOF, 0); continue; }
        break;
      }
      B.readAhead(s);
      B.checkPolls(s);
    },
    // Keeps one reader.read() pending while the socket is open and fewer than RECV_AHEAD bytes
    // wait (once the program closed it: while the teardown discards). Never after the
    // connection failed: a read issued once Chromium has reset the receive pipe, before the
    // stream learnt of the error, crashes the renderer (docs/chromium-fin-drop.md).
    readAhead: function (s) {
      var B = AdsBridge;
      if (s.reading || s.state !== 'open' || s.rdone || s.rerr || s.wfailed) return;
      if (s.closed ? s.stopDiscard || s.discarded >= B.DISCARD_MAX_BYTES
                   : s.rxBytes >= B.RECV_AHEAD) return;
      B.startRead(s, B.onTcpChunk);
    },
    // Copies up to len received bytes to buf (across chunks); returns the count.
    copyReceived: function (s, buf, len) {
      var n = 0;
      while (n < len && s.rx.length) {
        var c = s.rx[0];
        var k = Math.min(len - n, c.length);
        HEAPU8.set(k === c.length ? c : c.subarray(0, k), buf + n);
        n += k;
        if (k === c.length) s.rx.shift();
        else s.rx[0] = c.subarray(k);
      }
      s.rxBytes -= n;
      return n;
    },
    dropReceived: function (s) {
      s.rx = [];
      s.rxBytes = 0;
    },
    // The connection failed (reset, timed out ...): the error both directions report. A write
    // that failed only because of our own shutdown is not a connection error.
    connError: function (s) {
      if (s.rerr) return s.rerr;
      return s.werr && s.werr !== AdsBridge.BROKEN_PIPE ? s.werr : 0;
    },
    // As Linux reports a socket error (SO_ERROR): once, to whichever operation sees it first;
    // afterwards reads find end-of-file and writes broken_pipe (EPIPE).
    takeConnError: function (s, dir) {
      var B = AdsBridge;
      if (s.errReported) return dir === 'read' ? B.EOF : B.BROKEN_PIPE;
      var e = dir === 'read' ? B.connError(s) : (s.werr || s.rerr);
      if (e !== B.BROKEN_PIPE) s.errReported = true;
      return e;
    },
    // One reader.read(); `handler(s, result)` or the error path runs in its first reaction.
    startRead: function (s, handler) {
      var B = AdsBridge;
      var p;
      s.reading = true;
      try { p = s.reader.read(); } catch (e) { p = Promise.reject(e); }
      s.readP = p.then(function (r) {
        s.reading = false;
        handler(s, r);
      }, function (e) {
        s.reading = false;
        // (a listener's error maps like a UDP one: a named net error, else CONNECTION_RESET)
        if (!s.rerr) s.rerr = AdsBridge.mapStreamError(e, 'read', s.kind !== 'tcp');
        AdsBridge.pumpAny(s);
        AdsBridge.checkPolls(s);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    pumpAny: function (s) {
      var B = AdsBridge;
      if (s.kind === 'tcp') B.pumpRead(s);
      else if (s.kind === 'udp') B.pumpRecv(s);
      else B.pumpAccept(s);
    },
    onTcpChunk: function (s, r) {
      var B = AdsBridge;
      if (r.done) s.rdone = true;
      else if (r.value) {
        var c = B.bytes(r.value);
        if (c.length) {
          s.lastReply = s.lastChunk = B.now();
          if (s.closed) s.discarded += c.length;
          else { s.rx.push(c); s.rxBytes += c.length; }
        }
      }
      if (s.closed) { B.readAhead(s); return; }
      B.pumpRead(s);
    },
    // Bytes a read would get now: what was received (TCP), the next datagram's size (UDP).
    available: function (h) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return -B.BAD_DESCRIPTOR;
      if (s.kind === 'tcp') return s.rxBytes;
      if (s.kind === 'udp') return s.inbox.length ? B.bytes(s.inbox[0].data).length : 0;
      return 0;
    },

    // ---- readiness (socket.async_wait): ads_poll(handle, op, dir) ----
    // Completes with OK once an operation in that direction would not have to wait: dir 0
    // (read) when data, end-of-file or an error is there (one chunk is pulled for it, as a read
    // would), or, on a listener, a connection; dir 1 (write) when the staging queue has room or
    // the connection failed; dir 2 (error) when the connection failed. A listener never becomes
    // writable (as on Linux).
    poll: function (h, op, dir) {
      var B = AdsBridge.ready();
      var o = B.newOp(op, h, 'poll');
      if (!o) return;
      var s = B.socks.get(h);
      if (!s) return B.complete(o, B.BAD_DESCRIPTOR, 0);
      if (dir !== 0 && dir !== 1 && dir !== 2) return B.complete(o, B.INVALID_ARGUMENT, 0);
      if (s.state !== 'open') return B.complete(o, B.notOpen(s), 0);
      o.dir = dir;
      s.polls.push(o);
      B.checkPolls(s);
    },
    isReady: function (s, dir) {
      var B = AdsBridge;
      var failed = s.kind === 'tcp' ? B.connError(s) : s.rerr || s.werr;
      if (dir === 2) return !!failed;
      if (dir === 1) {
        if (s.kind === 'server') return false;
        if (s.kind === 'udp') return true;
        return !!failed || s.shutdown || (s.wops.length === 0 && s.wqBytes < B.QUEUE_LIMIT);
      }
      if (s.kind === 'tcp') return s.rxBytes > 0 || s.rdone || !!failed || (s.wfailed && !s.reading);
      if (s.kind === 'udp') return s.inbox.length > 0 || s.rdone || !!s.rerr;
      return (s.backlog.length > 0 && s.backlog[0].ready) || s.rdone || !!s.rerr;
    },
    checkPolls: function (s) {
      var B = AdsBridge;
      if (!s.polls.length) return;
      var wantRead = false;
      var keep = [];
      var ps = s.polls;
      s.polls = [];
      for (var i = 0; i < ps.length; i++) {
        var o = ps[i];
        if (o.done) continue;
        if (B.isReady(s, o.dir)) B.complete(o, B.OK, 0);
        else { keep.push(o); if (o.dir !== 1) wantRead = true; }
      }
      s.polls = keep.concat(s.polls);
      // Readiness to read (and errors, which only a read observes) needs a read in flight.
      if (wantRead && s.state === 'open' && !s.reading && !s.closed) {
        if (s.kind === 'tcp') B.readAhead(s);
        else if (s.kind === 'udp') B.startInbox(s);
        else B.acceptAhead(s);
      }
    },

    // ---- TCP writes: bounded staging queue + one writer loop (FINDINGS.md section 6) ----
    write: function (h, op, buf, len) {
      var B = AdsBridge.ready();
      var o = B.newOp(op, h, 'write');
      if (!o) return;
      var s = B.getSock(h, 'tcp');
      if (!s) return B.complete(o, B.BAD_DESCRIPTOR, 0);
      buf = buf >>> 0;
      if (!B.range(buf, len)) return B.complete(o, B.INVALID_ARGUMENT, 0);
      if (s.state !== 'open') return B.complete(o, B.notOpen(s), 0);
      if (s.werr || s.rerr) return B.complete(o, B.takeConnError(s, 'write'), 0);
      if (s.shutdown) return B.complete(o, B.BROKEN_PIPE, 0);
      if (len === 0) return B.complete(o, B.OK, 0);
      o.buf = buf; o.len = len;
      s.wops.push(o);
      B.admit(s);
    },
    // Copy waiting writes out of wasm memory while the queue holds less than QUEUE_LIMIT bytes;
    // each completes with its full length once copied. Bound: QUEUE_LIMIT + one write.
    admit: function (s) {
      var B = AdsBridge;
      while (s.wops.length && s.wqBytes < B.QUEUE_LIMIT && !s.werr) {
        var o = s.wops.shift();
        var len = o.len;
        s.wq.push(B.copyOut(s, o.buf, len));
        s.wqBytes += len;
        if (s.wqBytes > s.stats.maxQueued) s.stats.maxQueued = s.wqBytes;
        B.complete(o, B.OK, len);
      }
      if (s.wqBytes && s.wake) {
        B.issueNow(s);
        B.wakeWriter(s);
      }
      if (s.polls.length) B.checkPolls(s);
    },
    // A copy of wasm memory [ptr, ptr + len) for the staging queue. Mid-sized copies go into a
    // recycled buffer: a fresh ArrayBuffer per write (allocated, zeroed, later collected) cost as
    // much as Blink's own write of it in request/response traffic.
    copyOut: function (s, ptr, len) {
      var B = AdsBridge;
      if (len < B.POOL_MIN || len > B.POOL_MAX) return HEAPU8.slice(ptr, ptr + len);
      var size = B.POOL_MIN;
      while (size < len) size *= 2;
      var ab = null;
      for (var i = s.pool.length - 1; i >= 0; i--) {
        if (s.pool[i].byteLength === size) { ab = s.pool[i]; s.pool.splice(i, 1); break; }
      }
      var out = new Uint8Array(ab || new ArrayBuffer(size), 0, len);
      out.set(HEAPU8.subarray(ptr, ptr + len));
      return out;
    },
    // Takes back a queued copy's buffer once nothing refers to it any more: its bytes were
    // copied into the staging buffer, or the write of it settled (Blink has then copied or
    // dropped it all, and a dropped write has been re-issued from it before).
    recycle: function (s, view) {
      var B = AdsBridge;
      var ab = view.buffer;
      var size = ab.byteLength;
      if (size < B.POOL_MIN || size > B.POOL_MAX || (size & (size - 1)) !== 0) return;
      if (s.staging && ab === s.staging.buffer) return;
      if (s.pool.length < B.POOL_KEEP) s.pool.push(ab);
    },
    wakeWriter: function (s) {
      var f = s.wake;
      s.wake = null;
      if (f) f();
    },
    // Remove n bytes from the queue as one buffer: the queued copy itself when it is exactly
    // n bytes, else a view of the socket's reusable staging buffer. Reuse is safe: only one
    // write is in flight, and once its promise settled Blink has copied (or dropped) it all.
    take: function (s, n) {
      var B = AdsBridge;
      var q = s.wq;
      var out;
      if (q[0].length === n) {
        out = q.shift();
      } else {
        if (!s.staging || s.staging.length < n) {
          s.staging = new Uint8Array(Math.max(n, B.MAX_WRITE + (B.checkable(s.pk) || B.PIPE) + 1));
        }
        out = s.staging.subarray(0, n);
        var off = 0;
        while (off < n) {
          var b = q[0];
          var k = Math.min(b.length, n - off);
          out.set(k === b.length ? b : b.subarray(0, k), off);
          off += k;
          if (k === b.length) { q.shift(); B.recycle(s, b); } else q[0] = b.subarray(k);
        }
      }
      s.wqBytes -= n;
      B.admit(s);
      return out;
    },
    // writer.write(buf); resolves to true when the promise settled within the current task
    // (checked by spinning HOPS microtask turns), false when it settled in a later task;
    // rejects when the write failed.
    issue: function (s, buf) {
      var B = AdsBridge;
      var flag = { settled: false };
      var p;
      s.stats.writes++;
      try { p = s.writer.write(buf); } catch (e) { p = Promise.reject(e); }
      p.then(function () { flag.settled = true; }, function () { flag.settled = true; });
      return B.hops(flag).then(function () {
        var inTask = flag.settled;
        return p.then(function () { return inTask; });
      });
    },
    hops: async function (flag) {
      for (var i = 0; i < AdsBridge.HOPS && !flag.settled; i++) await null;
    },
    // What is proven about the send pipe's capacity C for sockets of one kind (keyed by
    // sendBufferSize, the only option that could plausibly change the pipe): lo <= C <= hi.
    // lo starts at 64 KiB (Chromium's mojo default; a first write of 64 KiB always fits), hi is
    // unknown until a write that could not have been dropped settles in a later task.
    pipeOf: function (key) {
      var B = AdsBridge;
      if (!B.pipes) B.pipes = {};
      var k = B.pipes[key];
      if (!k) {
        // Module.adsPipeCapacity (bytes) overrides detection: lo = hi = that value.
        var hint = typeof Module !== 'undefined' && Module ? Module['adsPipeCapacity'] : 0;
        k = B.pipes[key] = hint > 0 ? { lo: hint, hi: hint } : { lo: B.PIPE, hi: Infinity };
      }
      return k;
    },
    // Writes larger than this can be checked soundly (they can never fit into the pipe, so
    // settling within the task means dropped); 0 while that bound is unknown or too loose.
    checkable: function (k) {
      return k.hi < Infinity && k.lo <= k.hi && k.hi <= AdsBridge.MAX_WRITE / 2 ? k.hi : 0;
    },
    learnHi: function (s, v) {
      var k = s.pk;
      if (v >= k.hi) return;
      k.hi = v;
      if (k.hi < k.lo) AdsBridge.warnOnce('pipebounds', 'inconsistent send pipe bounds ' + k.lo + ' > ' + k.hi);
    },
    learnLo: function (s, n) {
      var B = AdsBridge;
      var k = s.pk;
      s.stats.probe = n;
      B.stats.probes++;
      if (n <= k.lo) return;
      k.lo = n;
      B.bigPipe = true;
      B.warnOnce('bigpipe', 'send pipe holds at least ' + n + ' bytes: write-drop inference disabled');
    },
    // The drain rate the waits are based on: the slowest of the last RATE_SAMPLES writes that
    // settled late (a peer that stalls now and then shows up here, where an average would
    // hide it), or DEFAULT_RATE before any measurement.
    drainRate: function (s) {
      var r = s.rates;
      if (!r.length) return AdsBridge.DEFAULT_RATE;
      var m = r[0];
      for (var i = 1; i < r.length; i++) if (r[i] < m) m = r[i];
      return m;
    },
    // Reply evidence (docs/browser-bridge.md, "Reply evidence"): the peer sent data after our
    // last write settled. In request/response traffic the peer has then read our request, so the
    // pipe has drained, without the guard's wait. A peer that sends without reading could fool
    // it, so it only counts while the connection shows no backpressure: no recent write settled
    // late at a rate below QUIET_RATE (once a peer stops reading, the write that fits only partly
    // into the pipe settles late, at a low rate; writes that fill it exactly do not, the limit
    // this shares with the wait). Like the wait, it only decides when fillBound may be reset;
    // the proven bounds (ub, lo, hi) never are.
    replyShowsDrain: function (s, n) {
      var B = AdsBridge;
      if (!B.REPLY_EVIDENCE || n > s.pk.lo || !(s.lastReply > s.lastSettle)) return false;
      for (var i = 0; i < s.rates.length; i++) if (s.rates[i] < B.QUIET_RATE) return false;
      return true;
    },
    guardMs: function (s, cap) {
      var B = AdsBridge;
      var ms = 4 * cap / B.drainRate(s) * 1000;
      return Math.min(B.GUARD_MAX_MS, Math.max(B.GUARD_MIN_MS, ms));
    },
    // The wait between the last settled write and teardown (which discards what is still in
    // the pipe): the longest of a floor, eight pipe loads at the slowest recent drain rate, and
    // twice the longest recent write (a peer that pauses reading shows up there). The pipe
    // holds at most what was written. The floor is CLOSE_QUIET_MS while no write ever showed
    // backpressure (every drain-rate sample at least QUIET_RATE: against such peers the network
    // service empties the pipe at once, docs/chromium-write-drop.md), else CLOSE_MIN_MS. When
    // the pipe is (proven or probably) bigger than 64 KiB its size is unknown: BIG_PIPE_ASSUMED.
    closeGraceMs: function (s) {
      var B = AdsBridge;
      var k = s.pk;
      var big = k.lo > B.PIPE || s.noProbe;
      var pipe = big ? Math.max(k.lo, B.BIG_PIPE_ASSUMED) : Math.min(k.hi, k.lo);
      var floor = big || s.slowSeen ? B.CLOSE_MIN_MS : B.CLOSE_QUIET_MS;
      var ms = Math.max(floor, 8 * Math.min(pipe, s.bytesOut) / B.drainRate(s) * 1000);
      for (var i = 0; i < s.durs.length; i++) ms = Math.max(ms, 2 * s.durs[i]);
      return Math.min(B.CLOSE_MAX_MS, ms);
    },
    noteRate: function (s, n, ms) {
      if (!(ms > 0)) return;
      var r = n / (ms / 1000);
      if (r < AdsBridge.QUIET_RATE) s.slowSeen = true;
      s.rate = s.rate ? 0.7 * s.rate + 0.3 * r : r;
      s.rates.push(r);
      s.durs.push(ms);
      if (s.rates.length > AdsBridge.RATE_SAMPLES) { s.rates.shift(); s.durs.shift(); }
    },
    settled: function (s, n) {
      var B = AdsBridge;
      var t = B.now();
      s.lastSettle = t;
      s.lastProgress = t;
      s.bytesOut += n;
      B.stats.bytesWritten += n;
    },
    writerLoop: async function (s) {
      var B = AdsBridge;
      try {
        for (;;) {
          if (s.werr) break;
          if (s.inflight) {
            await B.finishWrite(s);
            continue;
          }
          if (s.wqBytes === 0) {
            if (s.closing || s.shutdown) break;
            await new Promise(function (r) { s.wake = r; });
            continue;
          }
          await B.writeStep(s);
        }
        if (!s.werr && s.bytesOut > 0) {
          // Nothing tells us when the pipe has drained: wait until the peer can have absorbed
          // another pipe load (FINDINGS section 4), then let the writer close.
          var w = s.lastSettle + B.closeGraceMs(s) - B.now();
          if (w > 0) {
            s.lastProgress = B.now() + w;   // waiting on purpose is not a stall
            await B.sleep(w);
          }
        }
        if (!s.werr && !s.writerClosed) {
          s.writerClosed = true;
          await B.within(s.writer.close(), 2000);
        }
      } catch (e) {
        B.onWriteError(s, e);
      }
    },
    // Plans the next write from the queue (see docs/browser-bridge.md, "Write discipline"):
    //  - an upper bound hi on the capacity is proven and small enough: writes > hi are checked
    //    (re-issued when dropped), never leaving a tail <= hi;
    //  - hi unknown and more than lo bytes queued: write exactly lo + 1 bytes ("probe"). If the
    //    pipe provably holds less than lo (ub < lo), the write cannot be dropped and proves
    //    either C <= ub + lo (settled late: hi) or a bigger pipe (settled in the task: lo).
    //    Otherwise it goes after the guard like any unchecked write, and if it settles late it
    //    still proves hi = ub + lo;
    //  - everything else is not checkable: written while fillBound leaves room, else after the
    //    rate-based guard wait (or reply evidence), and never re-issued.
    // Returns { n, kind } to write now, or { wait: 'hold' | 'reply' | 'guard' }; changes nothing.
    plan: function (s) {
      var B = AdsBridge;
      var k = s.pk;
      var n = Math.min(s.wqBytes, B.MAX_WRITE);
      var T = B.checkable(k);
      var kind = 'small';
      if (T) {
        if (s.wqBytes - n > 0 && s.wqBytes - n <= T) n = s.wqBytes;   // merge the tail
        if (n > T) return { n: n, kind: 'checked' };
      } else if (k.hi === Infinity) {
        if (s.wqBytes > k.lo && !s.noProbe) {
          n = k.lo + 1;
          kind = 'probe';
          if (s.ub < k.lo) return { n: n, kind: kind };
        } else if (s.ub < k.lo && s.ub + n >= k.lo && !s.held) {
          // This small write would end the chance to probe on this connection: give the
          // program one macrotask to queue more first.
          return { wait: 'hold' };
        }
      }
      if (s.fillBound + n > k.lo && !s.guarded) {
        return { wait: B.replyShowsDrain(s, n) ? 'reply' : 'guard' };
      }
      return { n: n, kind: kind };
    },
    replyReset: function (s) {
      s.stats.replyResets++;
      AdsBridge.stats.replyResets++;
      s.fillBound = 0;
    },
    writeStep: async function (s) {
      var B = AdsBridge;
      var step = B.plan(s);
      if (step.wait === 'hold') {
        s.held = true;
        await B.macrotaskP();
        return;
      }
      if (step.wait === 'reply') {
        B.replyReset(s);
        return;
      }
      if (step.wait === 'guard') {
        // Wait until the measured drain rate says the pipe should be empty (the heuristic
        // part), counted from the last settled write; then re-plan.
        s.stats.guardWaits++;
        B.stats.guardWaits++;
        var w = s.lastSettle + B.guardMs(s, s.pk.lo) - B.now();
        if (w > 0) await B.sleep(w);
        s.fillBound = 0;
        s.guarded = true;
        return;
      }
      B.startWrite(s, step.n, step.kind);
      return B.finishWrite(s);
    },
    // The program queued data while the writer loop was idle: a write the loop would make at
    // once is issued now, inside the program's own call. (The loop itself resumes only when the
    // program returns to the event loop: in blocking mode, after run() went to sleep, which
    // would delay every request by the rest of the program's turn.) Waits stay with the loop.
    issueNow: function (s) {
      var B = AdsBridge;
      if (!s.wake || s.inflight || s.werr || !s.writer || s.state !== 'open') return;
      var step = B.plan(s);
      if (step.wait === 'reply') {
        B.replyReset(s);
        step = B.plan(s);
      }
      if (!step.wait) B.startWrite(s, step.n, step.kind);
    },
    // Takes n bytes and issues them as one write (s.inflight, finished by finishWrite).
    startWrite: function (s, n, kind) {
      var B = AdsBridge;
      s.guarded = false;
      if (kind === 'checked') { s.stats.checkedWrites++; B.stats.checkedWrites++; }
      else if (kind === 'probe') { s.stats.probeWrites++; B.stats.probeWrites++; }
      else { s.stats.smallWrites++; B.stats.smallWrites++; }
      var f = { n: n, kind: kind, buf: null, t0: B.now(), ub0: s.ub, attempt: 0, inTask: null };
      s.inflight = f;   // before take(): it admits waiting writes, which must not issue again
      f.buf = B.take(s, n);
      f.inTask = B.issue(s, f.buf);
      f.inTask.then(null, B.noop);   // finishWrite sees the failure; not an unhandled rejection
    },
    // Classifies the write in flight with ub0 (a strict upper bound on the pipe's content when
    // it started) and the proven bounds lo <= C <= hi:
    //  - settled in a later task: accepted; it did not fit, so C < ub0 + n (a new hi);
    //  - settled within the task and ub0 < lo: the pipe was not full, so nothing was dropped:
    //    accepted, and C >= n (a new lo if n > lo);
    //  - settled within the task and n > hi: it cannot have fit: dropped, re-issue the
    //    identical bytes after a macrotask (twice), then after 1, 2, 4 ... 16 ms;
    //  - otherwise undecidable: counted as accepted (never duplicate data).
    finishWrite: async function (s) {
      var B = AdsBridge;
      var k = s.pk;
      var f = s.inflight;
      var n = f.n;
      for (;;) {
        var inTask = await f.inTask;
        if (!inTask) {
          if (f.ub0 < Infinity) B.learnHi(s, f.ub0 + n - 1);
          s.ub = k.hi;
          s.fillBound = k.lo;
          B.noteRate(s, n, B.now() - f.t0);
          break;
        }
        if (f.ub0 < k.lo) {
          if (n > k.lo) B.learnLo(s, n);
          s.ub = f.ub0 + n;
          s.fillBound += n;
          break;
        }
        if (n > k.hi && k.lo <= k.hi) {
          s.stats.drops++;
          B.stats.drops++;
          f.attempt++;
          s.lastProgress = B.now();
          if (f.attempt <= 2) await B.macrotaskP();
          else await B.sleep(Math.min(1 << (f.attempt - 3), 16));
          if (s.werr) return;
          f.ub0 = s.ub;
          f.inTask = B.issue(s, f.buf);
          continue;
        }
        // A probe that settled within the task although the pipe may have been full: a
        // bigger pipe is the likely reason (in Chromium 156 it would mean the guard failed).
        // Probing again could not decide either; stop probing on this connection.
        if (f.kind === 'probe') s.noProbe = true;
        s.stats.undecided++;
        B.stats.undecided++;
        s.ub = f.ub0 + n;
        s.fillBound += n;
        break;
      }
      s.inflight = null;
      B.recycle(s, f.buf);
      B.settled(s, n);
    },
    onWriteError: function (s, e) {
      var B = AdsBridge;
      s.wfailed = true;   // Chromium failed the stream: no new reader.read() (see readAhead)
      if (!s.werr) s.werr = B.mapStreamError(e, 'write', false);
      s.wq = [];
      s.wqBytes = 0;
      s.staging = null;
      s.pool = [];
      s.inflight = null;
      var ops = s.wops;
      s.wops = [];
      for (var i = 0; i < ops.length; i++) B.complete(ops[i], B.takeConnError(s, 'write'), 0);
      B.wakeWriter(s);
      B.checkPolls(s);
    },
    shutdownSend: function (h) {
      var B = AdsBridge.ready();
      var s = B.getSock(h, 'tcp');
      if (!s || s.shutdown) return;
      s.shutdown = true;
      B.wakeWriter(s);
    },

    // ---- non-blocking attempts (user non-blocking mode; synchronous calls in callback mode) ----
    // Each finishes now and keeps no pointer: bytes transferred (>= 0) or -code, WOULD_BLOCK
    // when an asynchronous operation would have to wait. Nothing jumps ahead of asynchronous
    // operations already waiting in the same direction.
    tryRead: function (h, buf, len) {
      var B = AdsBridge.ready();
      var s = B.getSock(h, 'tcp');
      if (!s) return -B.BAD_DESCRIPTOR;
      buf = buf >>> 0;
      if (!B.range(buf, len)) return -B.INVALID_ARGUMENT;
      if (s.state !== 'open') return -B.notOpen(s);
      if (len === 0) return 0;
      if (s.rq.length) return -B.WOULD_BLOCK;
      if (s.rxBytes) {
        var n = B.copyReceived(s, buf, len);
        B.readAhead(s);
        return n;
      }
      if (B.connError(s)) return -B.takeConnError(s, 'read');
      if (s.rdone || (s.wfailed && !s.reading)) return -B.EOF;
      return -B.WOULD_BLOCK;
    },
    tryWrite: function (h, buf, len) {
      var B = AdsBridge.ready();
      var s = B.getSock(h, 'tcp');
      if (!s) return -B.BAD_DESCRIPTOR;
      buf = buf >>> 0;
      if (!B.range(buf, len)) return -B.INVALID_ARGUMENT;
      if (s.state !== 'open') return -B.notOpen(s);
      if (s.werr || s.rerr) return -B.takeConnError(s, 'write');
      if (s.shutdown) return -B.BROKEN_PIPE;
      if (len === 0) return 0;
      if (s.wops.length || s.wqBytes >= B.QUEUE_LIMIT) return -B.WOULD_BLOCK;
      var n = Math.min(len, B.QUEUE_LIMIT - s.wqBytes);   // partial, as a full send buffer
      s.wq.push(B.copyOut(s, buf, n));
      s.wqBytes += n;
      if (s.wqBytes > s.stats.maxQueued) s.stats.maxQueued = s.wqBytes;
      // (the loop writes later: what one task queues stays within QUEUE_LIMIT, as a send buffer)
      if (s.wake) B.wakeWriter(s);
      return n;
    },
    tryUdpReceive: function (h, buf, len, fromAddress, fromPort) {
      var B = AdsBridge.ready();
      var s = B.getSock(h, 'udp');
      if (!s) return -B.BAD_DESCRIPTOR;
      buf = buf >>> 0;
      fromAddress = fromAddress >>> 0;
      fromPort = fromPort >>> 0;
      if (!B.range(buf, len) || (fromAddress && !B.range(fromAddress, B.ADDR_MAX)) ||
          (fromPort && !B.range(fromPort, 4))) {
        return -B.INVALID_ARGUMENT;
      }
      if (s.state !== 'open') return -B.notOpen(s);
      if (s.rq.length) return -B.WOULD_BLOCK;
      if (s.inbox.length) {
        var n = B.takeDatagram(s, buf, len, fromAddress, fromPort);
        B.fillInbox(s);
        return n;
      }
      if (s.rerr) return -s.rerr;
      if (s.rdone) return -B.OPERATION_ABORTED;
      B.startInbox(s);
      return -B.WOULD_BLOCK;
    },
    // The datagram is copied and handed to the writer at once; a failure shows up on later
    // sends (as an asynchronous ICMP error does natively).
    tryUdpSend: function (h, buf, len, address, port) {
      var B = AdsBridge.ready();
      var s = B.getSock(h, 'udp');
      if (!s) return -B.BAD_DESCRIPTOR;
      if (s.state === 'open' && s.sendOps.size >= B.UDP_SENDS) return -B.WOULD_BLOCK;
      var out = {};
      var err = B.udpMessage(s, buf >>> 0, len, address, port, out);
      if (err) return -err;
      B.udpWrite(s, { op: 0, done: true }, out.msg, len);
      return len;
    },

    // ---- Emscripten pipes ----
    // Emscripten 3.1.6's PIPEFS never reports end-of-file: a read on an empty pipe whose write
    // end is closed fails with EAGAIN forever. 1 when fd is the read end of such a pipe.
    pipeEof: function (fd) {
      if (typeof FS === 'undefined' || !FS || !FS.streams) return 0;
      var st = FS.streams[fd];
      if (!st || !st.node || !st.node.pipe || (st.flags & 3) !== 0) return 0;
      var pipe = st.node.pipe;
      var b = pipe.buckets || [];
      for (var i = 0; i < b.length; i++) if (b[i].offset - b[i].roffset > 0) return 0;
      for (var j = 0; j < FS.streams.length; j++) {
        var o = FS.streams[j];
        if (o && o.node && o.node.pipe === pipe && (o.flags & 3) !== 0) return 0;   // a writer
      }
      return 1;
    },

    // ---- accept ----
    accept: function (h, op) {
      var B = AdsBridge.ready();
      var o = B.newOp(op, h, 'accept');
      if (!o) return;
      var s = B.getSock(h, 'server');
      if (!s) return B.complete(o, B.BAD_DESCRIPTOR, 0);
      if (s.state !== 'open') return B.complete(o, B.notOpen(s), 0);
      s.rq.push(o);
      B.pumpAccept(s);
    },
    pumpAccept: function (s) {
      var B = AdsBridge;
      while (s.backlog.length && s.backlog[0].ready && s.backlog[0].failed) s.backlog.shift();
      while (s.rq.length) {
        if (s.backlog.length) {
          var ent = s.backlog[0];
          if (!ent.ready) break;
          s.backlog.shift();
          if (ent.failed) continue;
          var c = B.adoptAccepted(s, ent.sock, ent.info);
          B.complete(s.rq.shift(), B.OK, c.h);
          continue;
        }
        if (s.rerr) { B.complete(s.rq.shift(), s.rerr, 0); continue; }
        if (s.rdone) { B.complete(s.rq.shift(), B.OPERATION_ABORTED, 0); continue; }
        break;
      }
      B.acceptAhead(s);
      B.checkPolls(s);
    },
    // Like a kernel's accept queue: connections are accepted ahead of the program, up to
    // ACCEPT_AHEAD, each next read issued in the previous one's reaction. (Chromium accepts
    // one connection per read; an accept loop that waited for the program would pay a round
    // trip through the program per connection.)
    acceptAhead: function (s) {
      var B = AdsBridge;
      if (s.reading || s.closed || s.state !== 'open' || s.rdone || s.rerr) return;
      if (s.backlog.length >= B.ACCEPT_AHEAD) return;
      B.startRead(s, B.onAcceptChunk);
    },
    onAcceptChunk: function (s, r) {
      var B = AdsBridge;
      if (r.done) { s.rdone = true; B.pumpAccept(s); return; }
      var sock = r.value;
      if (s.closed) { B.closeRaw(sock); return; }
      var ent = { sock: sock, info: null, ready: false, failed: false };
      s.backlog.push(ent);
      B.acceptAhead(s);
      Promise.resolve(sock.opened).then(function (info) {
        ent.info = info;
        ent.ready = true;
      }, function () {
        ent.failed = true;
        ent.ready = true;
      }).then(function () {
        if (s.closed) { s.backlog = []; if (!ent.failed) AdsBridge.closeRaw(sock); return; }
        AdsBridge.pumpAccept(s);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    adoptAccepted: function (server, sock, info) {
      var B = AdsBridge;
      var s = B.newSocket('tcp', sock);
      s.pk = B.pipeOf('snd0');
      s.server = server.info;
      try { sock.closed.then(B.noop, B.noop); } catch (e) { /* no closed promise */ }
      s.openP = Promise.resolve();
      B.onOpened(s, info);
      return s;
    },
    closeRaw: function (sock) {
      try {
        Promise.resolve(sock.opened).then(function () {
          var p = sock.close();
          if (p && p.then) p.then(null, AdsBridge.noop);
        }, AdsBridge.noop);
      } catch (e) { /* already gone */ }
    },

    // ---- UDP ----
    // Checks a datagram and builds its UDPMessage into out.msg; returns 0 or an error code.
    udpMessage: function (s, buf, len, address, port, out) {
      var B = AdsBridge;
      if (!B.range(buf, len)) return B.INVALID_ARGUMENT;
      if (s.state !== 'open') return B.notOpen(s);
      if (s.werr) return s.werr;
      var msg = {};
      var dest;
      if (s.mode === 'bound') {
        dest = B.str(address);
        if (dest === null) return B.NOT_CONNECTED;
        if (!(port > 0 && port <= 65535)) return B.INVALID_ARGUMENT;
        msg.remoteAddress = dest;
        msg.remotePort = port;
      } else {
        dest = s.info && s.info.remoteAddress ? String(s.info.remoteAddress) : '';
      }
      // Largest UDP payload: 65507 (IPv4), 65527 (IPv6). Refused here, because Chromium would
      // error the writable and every later send would fail.
      if (len > (dest.indexOf(':') >= 0 ? 65527 : 65507)) return B.MESSAGE_SIZE;
      // Direct Sockets cannot send an empty datagram ("'data' field must not be empty", which
      // errors the writable). Refused, so that no datagram is silently lost.
      if (len === 0) return B.NOT_SUPPORTED;
      msg.data = HEAPU8.slice(buf, buf + len);
      out.msg = msg;
      return 0;
    },
    // writer.write(msg); `o` (an op record or a fire-and-forget marker) completes with len.
    udpWrite: function (s, o, msg, len) {
      var B = AdsBridge;
      s.sendOps.add(o);
      var p;
      try { p = s.writer.write(msg); } catch (e) { p = Promise.reject(e); }
      p.then(function () {
        s.sendOps.delete(o);
        if (o.op) AdsBridge.complete(o, AdsBridge.OK, len);
      }, function (e) {
        s.sendOps.delete(o);
        AdsBridge.onUdpWriteError(s, e);
        if (o.op) AdsBridge.complete(o, s.werr, 0);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    udpSend: function (h, op, buf, len, address, port) {
      var B = AdsBridge.ready();
      var o = B.newOp(op, h, 'send');
      if (!o) return;
      var s = B.getSock(h, 'udp');
      if (!s) return B.complete(o, B.BAD_DESCRIPTOR, 0);
      var out = {};
      var err = B.udpMessage(s, buf >>> 0, len, address, port, out);
      if (err) return B.complete(o, err, 0);
      B.udpWrite(s, o, out.msg, len);
    },
    onUdpWriteError: function (s, e) {
      if (!s.werr) s.werr = AdsBridge.mapStreamError(e, 'write', true);
      AdsBridge.checkPolls(s);
    },
    udpReceive: function (h, op, buf, len, fromAddress, fromPort) {
      var B = AdsBridge.ready();
      var o = B.newOp(op, h, 'recv');
      if (!o) return;
      var s = B.getSock(h, 'udp');
      if (!s) return B.complete(o, B.BAD_DESCRIPTOR, 0);
      buf = buf >>> 0;
      fromAddress = fromAddress >>> 0;
      fromPort = fromPort >>> 0;
      if (!B.range(buf, len) || (fromAddress && !B.range(fromAddress, B.ADDR_MAX)) ||
          (fromPort && !B.range(fromPort, 4))) {
        return B.complete(o, B.INVALID_ARGUMENT, 0);
      }
      if (s.state !== 'open') return B.complete(o, B.notOpen(s), 0);
      o.buf = buf; o.len = len; o.a = fromAddress; o.p = fromPort;
      s.rq.push(o);
      B.pumpRecv(s);
    },
    // Copies the next datagram (truncated to len, silently, as Asio on Linux) and its sender.
    takeDatagram: function (s, buf, len, a, p) {
      var B = AdsBridge;
      var m = s.inbox.shift();
      var d = B.bytes(m.data);
      var n = Math.min(len, d.length);
      if (n) HEAPU8.set(n === d.length ? d : d.subarray(0, n), buf);
      var ra = m.remoteAddress, rp = m.remotePort;
      if (ra === undefined && s.info) { ra = s.info.remoteAddress; rp = s.info.remotePort; }
      if (a && ra !== undefined && ra !== null) B.writeAddr(a, ra);
      if (p && typeof rp === 'number') B.writeI32(p, rp);
      return n;
    },
    pumpRecv: function (s) {
      var B = AdsBridge;
      while (s.rq.length) {
        var o = s.rq[0];
        if (s.inbox.length) {
          s.rq.shift();
          B.complete(o, B.OK, B.takeDatagram(s, o.buf, o.len, o.a, o.p));
          continue;
        }
        if (s.rerr) {
          // A receive error (e.g. ICMP port unreachable) is reported once per error, as a
          // socket error is; the stream itself is gone, so later receives get it again.
          s.rq.shift(); B.complete(o, s.rerr, 0); continue;
        }
        if (s.rdone) { s.rq.shift(); B.complete(o, B.OPERATION_ABORTED, 0); continue; }
        break;
      }
      if (s.rq.length) s.inboxOn = true;
      B.fillInbox(s);
      B.checkPolls(s);
    },
    // UDP has no flow control to preserve, so once the program receives, the bridge reads
    // ahead into a small inbox (UDP_INBOX datagrams): the next datagram's size is then known
    // (ads_available, as Linux FIONREAD reports it) when the browser already had it.
    startInbox: function (s) {
      s.inboxOn = true;
      AdsBridge.fillInbox(s);
    },
    fillInbox: function (s) {
      var B = AdsBridge;
      if (s.inboxOn && s.state === 'open' && !s.reading && !s.closed && !s.rdone && !s.rerr &&
          s.inbox.length < B.UDP_INBOX) {
        B.startRead(s, B.onUdpMessage);
      }
    },
    onUdpMessage: function (s, r) {
      var B = AdsBridge;
      if (r.done) s.rdone = true;
      else if (r.value && B.fromPeer(s, r.value)) s.inbox.push(r.value);
      if (s.closed) { s.inbox = []; return; }
      // Read on before completing anything, so that a datagram the browser already holds
      // lands in the inbox before the program resumes.
      B.fillInbox(s);
      B.pumpRecv(s);
    },
    // A bound socket that the program connected (Asio connect() on a UDP socket) only accepts
    // datagrams from that peer, as the kernel filters a connected socket.
    fromPeer: function (s, m) {
      var p = s.peer;
      if (!p || m.remoteAddress === undefined || m.remoteAddress === null) return true;
      return m.remotePort === p.port && AdsBridge.sameAddress(m.remoteAddress, p.address);
    },
    plainAddress: function (a) {
      a = String(a).toLowerCase();
      if (a.indexOf('::ffff:') === 0 && a.indexOf('.') > 0) a = a.slice(7);
      return a;
    },
    sameAddress: function (a, b) {
      return AdsBridge.plainAddress(a) === AdsBridge.plainAddress(b);
    },
    isIpLiteral: function (a) {
      return /^[0-9]{1,3}([.][0-9]{1,3}){3}$/.test(a) || a.indexOf(':') >= 0;
    },
    // ads_udp_connect: sets (or replaces) the peer filter of a bound-mode socket.
    udpConnect: function (h, address, port) {
      var B = AdsBridge.ready();
      var s = B.getSock(h, 'udp');
      if (!s) return -B.BAD_DESCRIPTOR;
      var a = B.str(address);
      if (a === null || !(port > 0 && port <= 65535)) return -B.INVALID_ARGUMENT;
      // A connected-mode socket is filtered by the browser itself; a host name cannot be
      // compared with the senders' addresses.
      if (s.mode !== 'bound' || !B.isIpLiteral(a)) return -B.NOT_SUPPORTED;
      s.peer = { address: a, port: port };
      return 0;
    },
    multicast: function (h, join, group) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return -B.BAD_DESCRIPTOR;
      if (s.kind !== 'udp') return -B.NOT_SUPPORTED;
      if (s.state !== 'open') return -B.notOpen(s);
      var mc = s.info && s.info.multicastController;
      if (!mc) return -B.NOT_SUPPORTED;
      var g = B.str(group);
      if (g === null || !(/^\d{1,3}(\.\d{1,3}){3}$/.test(g) || g.indexOf(':') >= 0)) {
        return -B.INVALID_ARGUMENT;
      }
      try {
        var p = join ? mc.joinGroup(g) : mc.leaveGroup(g);
        if (p && p.then) {
          p.then(null, function (e) {
            AdsBridge.log((join ? 'joinGroup(' : 'leaveGroup(') + g + ') failed: ' + e);
          });
        }
      } catch (e) {
        return -B.mapThrow(e);
      }
      return 0;
    },

    // ---- endpoints ----
    endpoint: function (h, which, addressOut, portOut) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return -B.BAD_DESCRIPTOR;
      addressOut = addressOut >>> 0;
      portOut = portOut >>> 0;
      if ((addressOut && !B.range(addressOut, B.ADDR_MAX)) || (portOut && !B.range(portOut, 4))) {
        return -B.INVALID_ARGUMENT;
      }
      var info = s.info;
      if (!info) return -B.NOT_CONNECTED;
      var a, p;
      if (which === 0) {
        a = info.localAddress; p = info.localPort;
        // Chromium does not report the local address of accepted sockets (crbug.com/1417998):
        // use the listener's (its port is right; a wildcard listener gives a wildcard address).
        if ((a === undefined || a === null) && s.server) { a = s.server.localAddress; p = s.server.localPort; }
      } else {
        a = info.remoteAddress; p = info.remotePort;
      }
      if (a === undefined || a === null || typeof p !== 'number') return -B.NOT_CONNECTED;
      if (addressOut) B.writeAddr(addressOut, a);
      if (portOut) B.writeI32(portOut, p);
      return 0;
    },

    // ---- cancel / close ----
    // Every pending op completes with OPERATION_ABORTED and its pointers are forgotten now.
    // A reader.read() in flight stays in flight; what it brings waits in s.rx.
    cancelAll: function (s) {
      var B = AdsBridge;
      var lists = [s.rq, s.wops, s.polls];
      s.rq = [];
      s.wops = [];
      s.polls = [];
      if (s.connectOp && !s.connectOp.done) lists.push([s.connectOp]);
      if (s.sendOps && s.sendOps.size) {
        // (fire-and-forget sends of ads_try_udp_send have no op and stay in flight)
        lists.push(Array.from(s.sendOps).filter(function (o) { return o.op; }));
        s.sendOps.forEach(function (o) { if (o.op) s.sendOps.delete(o); });
      }
      for (var i = 0; i < lists.length; i++) {
        for (var j = 0; j < lists[i].length; j++) B.complete(lists[i][j], B.OPERATION_ABORTED, 0);
      }
    },
    cancel: function (h) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (s) B.cancelAll(s);
    },
    close: function (h) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return;
      B.cancelAll(s);
      B.socks.delete(h);
      s.closed = true;
      B.teardown(s).then(null, function (e) { AdsBridge.internalError(e); });
    },
    // ads_abort: close without lingering (SO_LINGER with a zero timeout). Direct Sockets has no
    // abortive close, so this is the fastest teardown it offers: staged and piped data is
    // dropped, inbound data is not drained, and the network service closes the socket at once,
    // which the peer sees as RST exactly when unread data was left (else as FIN).
    abort: function (h) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return;
      B.cancelAll(s);
      B.socks.delete(h);
      s.closed = true;
      s.stopDiscard = true;
      B.dropReceived(s);
      s.wq = [];
      s.wqBytes = 0;
      s.staging = null;
      s.pool = [];
      B.abortNow(s).then(null, function (e) { AdsBridge.internalError(e); });
    },
    abortNow: async function (s) {
      var B = AdsBridge;
      try {
        if (s.openP) await s.openP;
        if (s.state === 'open') {
          if (s.kind === 'tcp') {
            s.closing = true;
            s.werr = s.werr || B.BROKEN_PIPE;   // stops the writer loop
            B.wakeWriter(s);
            s.writerClosed = true;
            try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
            try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
            B.unlockAndClose(s);
          } else if (s.kind === 'server') {
            await B.teardownServer(s);
          } else {
            try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
            try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
            B.unlockAndClose(s);
          }
        }
      } catch (e) {
        B.internalError(e);
      }
      s.state = 'closed';
      B.dropReceived(s);
      s.inbox = [];
      s.backlog = [];
    },
    teardown: async function (s) {
      var B = AdsBridge;
      try {
        // An open listener stops listening before close() returns, with no await first: the
        // program may connect to its port next, in the same task (and must be refused).
        if (s.openP && !(s.kind === 'server' && s.state === 'open')) await s.openP;
        if (s.state === 'open') {
          if (s.kind === 'tcp') await B.teardownTcp(s);
          else if (s.kind === 'server') await B.teardownServer(s);
          else await B.teardownUdp(s);
        }
      } catch (e) {
        B.internalError(e);
      }
      s.state = 'closed';
      B.dropReceived(s);
      s.inbox = [];
      s.wq = [];
      s.staging = null;
      s.pool = [];
      s.backlog = [];
    },
    // Graceful: the writer loop drains what was accepted, waits for the pipe (closeGraceMs) and
    // closes the writer; meanwhile the read kept pending goes on, discarding what arrives, so the
    // peer does not get an RST for unread data and cannot block us; then cancel, unlock,
    // socket.close().
    teardownTcp: async function (s) {
      var B = AdsBridge;
      s.closing = true;
      B.dropReceived(s);
      B.readAhead(s);   // (paused at RECV_AHEAD: discarding goes on)
      B.wakeWriter(s);
      if (s.loop) await B.linger(s);
      await B.discardUntilIdle(s);
      s.stopDiscard = true;
      try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
      if (!s.writerClosed) {
        s.writerClosed = true;
        try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
      }
      B.unlockAndClose(s);
    },
    // Resolves once nothing arrived for DISCARD_IDLE_MS (or EOF, an error, DISCARD_MAX_BYTES
    // discarded, DISCARD_MAX_MS passed): data left unread in the kernel makes the close an RST.
    discardUntilIdle: async function (s) {
      var B = AdsBridge;
      var end = B.now() + B.DISCARD_MAX_MS;
      for (;;) {
        if (!s.reading || s.discarded >= B.DISCARD_MAX_BYTES) return;
        var t = B.now();
        var idle = t - s.lastChunk;
        if (idle >= B.DISCARD_IDLE_MS || t >= end) return;
        await B.sleep(Math.min(B.DISCARD_IDLE_MS - idle, end - t));
      }
    },
    // Wait for the writer loop, but abort it when no write has made progress for LINGER_STALL_MS
    // (a peer that never reads would otherwise keep the socket forever).
    linger: function (s) {
      var B = AdsBridge;
      return new Promise(function (resolve) {
        var done = false;
        var timer = null;
        function fin() {
          if (done) return;
          done = true;
          if (timer !== null) clearTimeout(timer);
          resolve();
        }
        function check() {
          timer = null;
          if (done) return;
          if (B.now() - s.lastProgress > B.LINGER_STALL_MS) {
            if (!s.werr) s.werr = B.BROKEN_PIPE;
            s.writerClosed = true;
            try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
            fin();
            return;
          }
          timer = setTimeout(check, Math.min(250, B.LINGER_STALL_MS));
        }
        s.loop.then(fin, fin);
        check();
      });
    },
    // Stops listening at once, as close(2) does: a program that closes an acceptor and then
    // connects to its port must be refused. Chromium does not settle a pending accept read on
    // reader.cancel(), so nothing waits for it before socket.close(); releaseLock() rejects it.
    teardownServer: function (s) {
      var B = AdsBridge;
      try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
      for (var i = 0; i < s.backlog.length; i++) B.closeRaw(s.backlog[i].sock);
      s.backlog = [];
      B.unlockAndClose(s);
      return s.reading && s.readP ? B.within(s.readP, 1000) : Promise.resolve();
    },
    teardownUdp: async function (s) {
      var B = AdsBridge;
      try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
      if (!s.werr) {
        try { await B.within(s.writer.close(), 2000); } catch (e) { /* released */ }
      }
      B.unlockAndClose(s);
    },
    unlockAndClose: function (s) {
      var B = AdsBridge;
      try { if (s.reader) s.reader.releaseLock(); } catch (e) { /* pending read */ }
      try { if (s.writer) s.writer.releaseLock(); } catch (e) { /* pending write */ }
      try {
        var p = s.sock.close();
        if (p && p.then) p.then(null, B.noop);
      } catch (e) { /* already closed */ }
    }
  },

  // ---- imports (the C side's extern "C" declarations) ----
  ads_tcp_connect__deps: ['$AdsBridge'],
  ads_tcp_connect__sig: 'iiiiiiiii',
  ads_tcp_connect: function (op, host, port, no_delay, keep_alive_delay_ms, send_buffer, receive_buffer, dns_query_type) {
    try {
      return AdsBridge.tcpConnect(op, host, port, no_delay, keep_alive_delay_ms, send_buffer, receive_buffer, dns_query_type);
    } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_tcp_listen__deps: ['$AdsBridge'],
  ads_tcp_listen__sig: 'iiiiii',
  ads_tcp_listen: function (op, local_address, local_port, backlog, ipv6_only) {
    try {
      return AdsBridge.tcpListen(op, local_address, local_port, backlog, ipv6_only);
    } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_accept__deps: ['$AdsBridge'],
  ads_accept__sig: 'vii',
  ads_accept: function (handle, op) {
    try { AdsBridge.accept(handle, op); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_read__deps: ['$AdsBridge'],
  ads_read__sig: 'viiii',
  ads_read: function (handle, op, buf, len) {
    try { AdsBridge.read(handle, op, buf, len); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_write__deps: ['$AdsBridge'],
  ads_write__sig: 'viiii',
  ads_write: function (handle, op, buf, len) {
    try { AdsBridge.write(handle, op, buf, len); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_udp_open__deps: ['$AdsBridge'],
  ads_udp_open__sig: 'iiiiiiiii',
  ads_udp_open: function (op, remote_address, remote_port, local_address, local_port, send_buffer, receive_buffer, ipv6_only) {
    try {
      return AdsBridge.udpOpen(op, remote_address, remote_port, local_address, local_port, send_buffer, receive_buffer, ipv6_only);
    } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_udp_send__deps: ['$AdsBridge'],
  ads_udp_send__sig: 'viiiiii',
  ads_udp_send: function (handle, op, buf, len, address, port) {
    try { AdsBridge.udpSend(handle, op, buf, len, address, port); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_udp_receive__deps: ['$AdsBridge'],
  ads_udp_receive__sig: 'viiiiii',
  ads_udp_receive: function (handle, op, buf, len, from_address, from_port) {
    try {
      AdsBridge.udpReceive(handle, op, buf, len, from_address, from_port);
    } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_endpoint__deps: ['$AdsBridge'],
  ads_endpoint__sig: 'iiiii',
  ads_endpoint: function (handle, which, address_out, port_out) {
    try { return AdsBridge.endpoint(handle, which, address_out, port_out); } catch (e) {
      AdsBridge.internalError(e); return -6;
    }
  },
  ads_available__deps: ['$AdsBridge'],
  ads_available__sig: 'ii',
  ads_available: function (handle) {
    try { return AdsBridge.available(handle); } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_cancel__deps: ['$AdsBridge'],
  ads_cancel__sig: 'vi',
  ads_cancel: function (handle) {
    try { AdsBridge.cancel(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_shutdown_send__deps: ['$AdsBridge'],
  ads_shutdown_send__sig: 'vi',
  ads_shutdown_send: function (handle) {
    try { AdsBridge.shutdownSend(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_close__deps: ['$AdsBridge'],
  ads_close__sig: 'vi',
  ads_close: function (handle) {
    try { AdsBridge.close(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_multicast__deps: ['$AdsBridge'],
  ads_multicast__sig: 'iiii',
  ads_multicast: function (handle, join, group) {
    try { return AdsBridge.multicast(handle, join, group); } catch (e) {
      AdsBridge.internalError(e); return -6;
    }
  },
  ads_poll__deps: ['$AdsBridge'],
  ads_poll__sig: 'viii',
  ads_poll: function (handle, op, dir) {
    try { AdsBridge.poll(handle, op, dir); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_abort__deps: ['$AdsBridge'],
  ads_abort__sig: 'vi',
  ads_abort: function (handle) {
    try { AdsBridge.abort(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_udp_connect__deps: ['$AdsBridge'],
  ads_udp_connect__sig: 'iiii',
  ads_udp_connect: function (handle, address, port) {
    try { return AdsBridge.udpConnect(handle, address, port); } catch (e) {
      AdsBridge.internalError(e); return -6;
    }
  },
  ads_try_read__deps: ['$AdsBridge'],
  ads_try_read__sig: 'iiii',
  ads_try_read: function (handle, buf, len) {
    try { return AdsBridge.tryRead(handle, buf, len); } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_try_write__deps: ['$AdsBridge'],
  ads_try_write__sig: 'iiii',
  ads_try_write: function (handle, buf, len) {
    try { return AdsBridge.tryWrite(handle, buf, len); } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_try_udp_receive__deps: ['$AdsBridge'],
  ads_try_udp_receive__sig: 'iiiiii',
  ads_try_udp_receive: function (handle, buf, len, from_address, from_port) {
    try {
      return AdsBridge.tryUdpReceive(handle, buf, len, from_address, from_port);
    } catch (e) { AdsBridge.internalError(e); return -6; }
  },
  ads_try_udp_send__deps: ['$AdsBridge'],
  ads_try_udp_send__sig: 'iiiiii',
  ads_try_udp_send: function (handle, buf, len, address, port) {
    try { return AdsBridge.tryUdpSend(handle, buf, len, address, port); } catch (e) {
      AdsBridge.internalError(e); return -6;
    }
  },
  ads_pipe_eof__deps: ['$AdsBridge'],
  ads_pipe_eof__sig: 'ii',
  ads_pipe_eof: function (fd) {
    try { return AdsBridge.pipeEof(fd); } catch (e) { AdsBridge.internalError(e); return 0; }
  },
  ads_take_completions__deps: ['$AdsBridge'],
  ads_take_completions__sig: 'v',
  ads_take_completions: function () {
    AdsBridge.takeCompletions();
  },
  ads_schedule_drain__deps: ['$AdsBridge'],
  ads_schedule_drain__sig: 'vi',
  ads_schedule_drain: function (timeout_ms) {
    try { AdsBridge.scheduleDrain(timeout_ms); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_wait__deps: ['$AdsBridge'],
  ads_wait__sig: 'ii',
  ads_wait: function (timeout_ms) {
    return AdsBridge.wait(timeout_ms);
  },
  ads_can_block__deps: ['$AdsBridge'],
  ads_can_block__sig: 'i',
  ads_can_block: function () {
    return AdsBridge.canBlock();
  }
};

mergeInto(LibraryManager.library, AdsDirectSocketsLibrary);
