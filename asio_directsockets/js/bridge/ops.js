// Pending ops and completion delivery: the op registry (op id -> record), completing an op
// (queue (op, err, value), forget its pointers, wake whoever waits) and ads_take_completions.
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsOps__deps: ['$AdsBridge', '$AdsLoop', '$callUserCallback'],
  $AdsOps: {
    validOp: function (op) {
      return typeof op === 'number' && op > 0 && (op | 0) === op;
    },
    // Registers a pending op; null if the id is invalid or already pending (then the call is
    // ignored: a second completion for one id would corrupt the C++ side).
    newOp: function (op, h, kind) {
      var B = AdsBridge;
      if (!AdsOps.validOp(op)) { B.warnOnce('op' + op, 'invalid op id ' + op + ' ignored'); return null; }
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
      AdsOps.notify();
    },
    notify: function () {
      var B = AdsBridge;
      var w = B.waiter;
      if (w && !w.scheduled) {
        w.scheduled = true;
        AdsLoop.microtask(function () { AdsLoop.finishWait(w); });
      }
      if (B.drainArmed) AdsLoop.scheduleDrainCall();
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
      var f = AdsOps.exported('ads_on_complete');
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
    }
  }
});
