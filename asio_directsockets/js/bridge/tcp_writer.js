// The TCP writer: one writer loop per socket with one writer.write() in flight, driving the
// pure decisions of AdsWritePlan (docs/chromium-write-drop.md): plan, issue, classify the
// outcome (settled within the task or later), re-issue proven drops, learn the pipe bounds,
// and wait for the pipe before the writer closes.
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsTcpWriter__deps: ['$AdsBridge', '$AdsLoop', '$AdsSendQueue', '$AdsWritePlan'],
  $AdsTcpWriter: {
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
    // writer.write(buf); resolves to true when the promise settled within the current task
    // (checked by spinning HOPS microtask turns), false when it settled in a later task;
    // rejects when the write failed.
    issue: function (s, buf) {
      var flag = { settled: false };
      var p;
      s.stats.writes++;
      try { p = s.writer.write(buf); } catch (e) { p = Promise.reject(e); }
      p.then(function () { flag.settled = true; }, function () { flag.settled = true; });
      return AdsTcpWriter.hops(flag).then(function () {
        var inTask = flag.settled;
        return p.then(function () { return inTask; });
      });
    },
    hops: async function (flag) {
      for (var i = 0; i < AdsBridge.HOPS && !flag.settled; i++) await null;
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
            await AdsTcpWriter.finishWrite(s);
            continue;
          }
          if (s.wqBytes === 0) {
            if (s.closing || s.shutdown) break;
            await new Promise(function (r) { s.wake = r; });
            continue;
          }
          await AdsTcpWriter.writeStep(s);
        }
        if (!s.werr && s.bytesOut > 0) {
          // Nothing tells us when the pipe has drained: wait until the peer can have absorbed
          // another pipe load (docs/chromium-write-drop.md: teardown discards what is still in the
          // pipe), then let the writer close.
          var w = s.lastSettle + AdsWritePlan.closeGraceMs(s, s.pk, B) - B.now();
          if (w > 0) {
            s.lastProgress = B.now() + w;   // waiting on purpose is not a stall
            await AdsLoop.sleep(w);
          }
        }
        if (!s.werr && !s.writerClosed) {
          s.writerClosed = true;
          await AdsLoop.within(s.writer.close(), 2000);
        }
      } catch (e) {
        AdsSendQueue.onWriteError(s, e);
      }
    },
    replyReset: function (s) {
      s.stats.replyResets++;
      AdsBridge.stats.replyResets++;
      s.fillBound = 0;
    },
    writeStep: async function (s) {
      var B = AdsBridge;
      var step = AdsWritePlan.plan(s, s.pk, B);
      if (step.wait === 'hold') {
        s.held = true;
        await AdsLoop.macrotaskP();
        return;
      }
      if (step.wait === 'reply') {
        AdsTcpWriter.replyReset(s);
        return;
      }
      if (step.wait === 'guard') {
        // Wait until the measured drain rate says the pipe should be empty (the heuristic
        // part), counted from the last settled write; then re-plan.
        s.stats.guardWaits++;
        B.stats.guardWaits++;
        var w = s.lastSettle + AdsWritePlan.guardMs(s, s.pk.lo, B) - B.now();
        if (w > 0) await AdsLoop.sleep(w);
        s.fillBound = 0;
        s.guarded = true;
        return;
      }
      AdsTcpWriter.startWrite(s, step.n, step.kind);
      return AdsTcpWriter.finishWrite(s);
    },
    // The program queued data while the writer loop was idle: a write the loop would make at
    // once is issued now, inside the program's own call. (The loop itself resumes only when the
    // program returns to the event loop: in blocking mode, after run() went to sleep, which
    // would delay every request by the rest of the program's turn.) Waits stay with the loop.
    issueNow: function (s) {
      if (!s.wake || s.inflight || s.werr || !s.writer || s.state !== 'open') return;
      var step = AdsWritePlan.plan(s, s.pk, AdsBridge);
      if (step.wait === 'reply') {
        AdsTcpWriter.replyReset(s);
        step = AdsWritePlan.plan(s, s.pk, AdsBridge);
      }
      if (!step.wait) AdsTcpWriter.startWrite(s, step.n, step.kind);
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
      f.buf = AdsSendQueue.take(s, n);
      f.inTask = AdsTcpWriter.issue(s, f.buf);
      f.inTask.then(null, B.noop);   // finishWrite sees the failure; not an unhandled rejection
    },
    // Waits for the write in flight to settle and acts on AdsWritePlan.classify: learns the
    // pipe bounds and the drain rate, re-issues a proven drop (the identical bytes), and
    // counts an undecidable write as accepted (never duplicate data).
    finishWrite: async function (s) {
      var B = AdsBridge;
      var k = s.pk;
      var f = s.inflight;
      var n = f.n;
      for (;;) {
        var inTask = await f.inTask;
        var outcome = AdsWritePlan.classify(k, f.ub0, n, inTask);
        if (outcome === 'late') {
          if (f.ub0 < Infinity) AdsTcpWriter.learnHi(s, f.ub0 + n - 1);
          s.ub = k.hi;
          s.fillBound = k.lo;
          AdsWritePlan.noteRate(s, n, B.now() - f.t0, B);
          break;
        }
        if (outcome === 'fits') {
          if (n > k.lo) AdsTcpWriter.learnLo(s, n);
          s.ub = f.ub0 + n;
          s.fillBound += n;
          break;
        }
        if (outcome === 'dropped') {
          s.stats.drops++;
          B.stats.drops++;
          f.attempt++;
          s.lastProgress = B.now();
          var ms = AdsWritePlan.retryDelay(f.attempt);
          if (ms === 0) await AdsLoop.macrotaskP();
          else await AdsLoop.sleep(ms);
          if (s.werr) return;
          f.ub0 = s.ub;
          f.inTask = AdsTcpWriter.issue(s, f.buf);
          continue;
        }
        // Undecided. A probe that settled within the task although the pipe may have been
        // full: a bigger pipe is the likely reason (in Chromium 156 it would mean the guard
        // failed). Probing again could not decide either; stop probing on this connection.
        if (f.kind === 'probe') s.noProbe = true;
        s.stats.undecided++;
        B.stats.undecided++;
        s.ub = f.ub0 + n;
        s.fillBound += n;
        break;
      }
      s.inflight = null;
      AdsSendQueue.recycle(s, f.buf);
      AdsTcpWriter.settled(s, n);
    }
  }
});
