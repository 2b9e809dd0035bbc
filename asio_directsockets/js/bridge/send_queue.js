// The TCP send side's staging queue: ads_write copies out of wasm memory into it (bounded by
// QUEUE_LIMIT, recycled buffers), the writer takes coalesced writes from it,
// ads_shutdown_send, and a failed writable.
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsSendQueue__deps: ['$AdsBridge', '$AdsErrors', '$AdsOps', '$AdsReadiness', '$AdsSockets', '$AdsTcp', '$AdsTcpWriter', '$AdsWritePlan'],
  $AdsSendQueue: {
    // ads_write. One admission rule for every write: while nothing waits ahead and the staging
    // queue holds less than QUEUE_LIMIT bytes, a write is copied whole at once and is done now
    // (so the queue holds at most QUEUE_LIMIT + one write; a whole copy keeps a big async_write
    // at one crossing). Otherwise it waits in s.wops (-PENDING; op completes when admitted by
    // the same rule), or, with op 0 (a non-blocking attempt), gets -WOULD_BLOCK.
    write: function (h, op, buf, len) {
      var B = AdsBridge.ready();
      var s = AdsSockets.getSock(h, 'tcp');
      if (!s) return -B.BAD_DESCRIPTOR;
      buf = buf >>> 0;
      if (!B.range(buf, len)) return -B.INVALID_ARGUMENT;
      if (s.state !== 'open') return -AdsSockets.notOpen(s);
      if (s.werr || s.rerr) return -AdsTcp.takeConnError(s, 'write');
      if (s.shutdown) return -B.BROKEN_PIPE;
      if (len === 0) return 0;
      if (!s.wops.length && s.wqBytes < B.QUEUE_LIMIT) {
        var n = AdsSendQueue.stage(s, buf, len);
        AdsSendQueue.startWriter(s);
        return n;
      }
      if (!op) return -B.WOULD_BLOCK;
      var o = AdsOps.newOp(op, h, 'write');
      if (!o) return -B.INVALID_ARGUMENT;
      o.buf = buf; o.len = len;
      s.wops.push(o);
      return -B.PENDING;
    },
    // Copies a whole write into the staging queue; returns its length.
    stage: function (s, buf, len) {
      s.wq.push(AdsSendQueue.copyOut(s, buf, len));
      s.wqBytes += len;
      if (s.wqBytes > s.stats.maxQueued) s.stats.maxQueued = s.wqBytes;
      return len;
    },
    startWriter: function (s) {
      if (s.wqBytes && s.wake) {
        AdsTcpWriter.issueNow(s);
        AdsSendQueue.wakeWriter(s);
      }
      if (s.polls.length) AdsReadiness.checkPolls(s);
    },
    // Admits waiting writes while the queue holds less than QUEUE_LIMIT bytes, by the same rule.
    admit: function (s) {
      var B = AdsBridge;
      while (s.wops.length && s.wqBytes < B.QUEUE_LIMIT && !s.werr) {
        var o = s.wops.shift();
        AdsOps.complete(o, B.OK, AdsSendQueue.stage(s, o.buf, o.len));
      }
      AdsSendQueue.startWriter(s);
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
          s.staging = new Uint8Array(Math.max(n, B.MAX_WRITE + (AdsWritePlan.checkable(s.pk, B) || B.PIPE) + 1));
        }
        out = s.staging.subarray(0, n);
        var off = 0;
        while (off < n) {
          var b = q[0];
          var k = Math.min(b.length, n - off);
          out.set(k === b.length ? b : b.subarray(0, k), off);
          off += k;
          if (k === b.length) { q.shift(); AdsSendQueue.recycle(s, b); } else q[0] = b.subarray(k);
        }
      }
      s.wqBytes -= n;
      AdsSendQueue.admit(s);
      return out;
    },
    shutdownSend: function (h) {
      AdsBridge.ready();
      var s = AdsSockets.getSock(h, 'tcp');
      if (!s || s.shutdown) return;
      s.shutdown = true;
      AdsSendQueue.wakeWriter(s);
    },
    onWriteError: function (s, e) {
      s.wfailed = true;   // Chromium failed the stream: no new reader.read() (see readAhead)
      if (!s.werr) s.werr = AdsErrors.mapStreamError(e, 'write', false);
      s.wq = [];
      s.wqBytes = 0;
      s.staging = null;
      s.pool = [];
      s.inflight = null;
      var ops = s.wops;
      s.wops = [];
      for (var i = 0; i < ops.length; i++) AdsOps.complete(ops[i], AdsTcp.takeConnError(s, 'write'), 0);
      AdsSendQueue.wakeWriter(s);
      AdsReadiness.checkPolls(s);
    }
  }
});
