// Event-loop scheduling: macrotasks and microtasks, callback mode (ads_schedule_drain: when
// _ads_drain is called) and blocking mode (ads_wait under ASYNCIFY or JSPI: sleep until a completion).
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsLoop__deps: ['$AdsBridge', '$AdsOps'],
  $AdsLoop: {
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
      return new Promise(function (r) { AdsLoop.macrotask(r); });
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
    isSleeping: function () {
      return AdsBridge.waiter !== null ||
             (typeof Asyncify !== 'undefined' && Asyncify && !!Asyncify.currData);
    },
    // ---- callback mode: ads_schedule_drain arms one call of _ads_drain ----
    scheduleDrain: function (timeoutMs) {
      var B = AdsBridge.ready();
      B.drainArmed = true;
      if (B.drainTimer !== null) { clearTimeout(B.drainTimer); B.drainTimer = null; }
      if (timeoutMs >= 0) B.drainTimer = setTimeout(AdsLoop.onDrainTimer, timeoutMs);
      if (B.cq.length) AdsLoop.scheduleDrainCall();
    },
    onDrainTimer: function () {
      var B = AdsBridge;
      B.drainTimer = null;
      if (!B.drainArmed) return;
      B.drainArmed = false;
      AdsLoop.runDrain();
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
          AdsLoop.macrotask(function () { AdsBridge.microDrains = 0; AdsBridge.microReset = false; });
        }
        AdsLoop.microtask(AdsLoop.drainCallback);
      } else {
        AdsLoop.macrotask(AdsLoop.drainCallback);
      }
    },
    drainCallback: function () {
      var B = AdsBridge;
      B.drainCallPending = false;
      if (!B.drainArmed) return;
      B.drainArmed = false;
      if (B.drainTimer !== null) { clearTimeout(B.drainTimer); B.drainTimer = null; }
      AdsLoop.runDrain();
    },
    runDrain: function () {
      var B = AdsBridge;
      if (AdsLoop.isSleeping()) {
        // Never call into a suspended (Asyncify) stack: retry once it has resumed.
        B.drainArmed = true;
        setTimeout(function () { if (AdsBridge.drainArmed) AdsLoop.scheduleDrainCall(); }, 4);
        return;
      }
      var f = AdsOps.exported('ads_drain');
      if (!f) { B.warnOnce('nodrain', '_ads_drain is not exported'); return; }
      AdsOps.callUser(function () { f(); });
    },
    // ---- blocking mode: ads_wait suspends wasm until a completion (docs/browser.md) ----
    // ASYNCIFY: ASYNCIFY_IMPORTS=['ads_wait'] and Asyncify.handleSleep. JSPI: jspi_pre.js wraps
    // the import in WebAssembly.Suspending, which suspends while the promise returned is pending.
    jspi: function () {
      return typeof Module !== 'undefined' && Module['adsJspi'] === true;
    },
    wait: function (timeoutMs) {
      var B = AdsBridge.ready();
      if (AdsLoop.jspi()) {
        if (B.cq.length) return 1;
        if (timeoutMs === 0) return 0;
        if (B.waiter) { B.log('ads_wait called while already waiting'); return 0; }
        return new Promise(function (resolve) { AdsLoop.startWait(resolve, timeoutMs); });
      }
      var A = typeof Asyncify !== 'undefined' ? Asyncify : null;
      if (A && A.State && A.state === A.State.Rewinding) {
        return A.handleSleep(function () {});   // resuming: returns the value given to wakeUp
      }
      if (B.cq.length) return 1;
      if (timeoutMs === 0 || !A || typeof A.handleSleep !== 'function') return 0;
      if (B.waiter) { B.log('ads_wait called while already waiting'); return 0; }
      return A.handleSleep(function (wakeUp) { AdsLoop.startWait(wakeUp, timeoutMs); });
    },
    startWait: function (wakeUp, timeoutMs) {
      var B = AdsBridge;
      var w = { wakeUp: wakeUp, deadline: undefined, done: false, scheduled: false };
      B.waiter = w;
      if (timeoutMs === B.WAIT_YIELD) {
        // A busy run() lets the event loop turn once (socket promises settle there).
        AdsLoop.macrotask(function () { AdsLoop.finishWait(w); });
      } else if (timeoutMs > 0) {
        w.deadline = B.now() + timeoutMs;
        AdsLoop.armWaitTimer(w.deadline);
      }
    },
    // A run() loop with a timer pending waits with about the same deadline again and again: one
    // setTimeout serves them all (set up and cleared per wait, it was a visible part of each
    // round trip). It is re-armed only for an earlier deadline; when it fires early for the
    // current waiter (armed for an earlier one), it re-arms for the rest. A wait woken by a
    // completion leaves it armed: its firing later without a waiter costs one empty task.
    armWaitTimer: function (deadline) {
      var B = AdsBridge;
      if (B.waitTimer !== null) {
        if (B.waitTimerAt <= deadline) { AdsLoop.holdTimer(B.waitTimer, true); return; }
        clearTimeout(B.waitTimer);
      }
      B.waitTimerAt = deadline;
      B.waitTimer = setTimeout(AdsLoop.onWaitTimer, Math.max(0, deadline - B.now()));
    },
    // Node: a timer left armed without a waiter must not keep the process alive (browsers'
    // timer ids are numbers: nothing to do).
    holdTimer: function (t, hold) {
      if (t && typeof t.ref === 'function') { if (hold) t.ref(); else t.unref(); }
    },
    onWaitTimer: function () {
      var B = AdsBridge;
      B.waitTimer = null;
      var w = B.waiter;
      if (!w || w.done || w.deadline === undefined) return;
      // (timers may fire a fraction of a millisecond before performance.now() reaches them)
      if (B.now() >= w.deadline - 1) AdsLoop.finishWait(w);
      else AdsLoop.armWaitTimer(w.deadline);
    },
    finishWait: function (w) {
      var B = AdsBridge;
      if (w.done) return;
      w.done = true;
      if (B.waiter === w) B.waiter = null;
      if (B.waitTimer !== null) AdsLoop.holdTimer(B.waitTimer, false);
      var v = B.cq.length ? 1 : 0;
      AdsOps.callUser(function () { w.wakeUp(v); });
    },
    // ---- -pthread builds: wakes from other threads (cross_thread_wake.hpp) ----
    // Another thread posted to this thread's context: it changed the word at `word` (a wasm
    // address) and notified it. One Atomics.waitAsync per value seen; its end finishes the
    // current wait (blocking mode) or schedules a drain (callback mode, attached).
    watchWake: function (word, seen) {
      var B = AdsBridge.ready();
      if (typeof Atomics !== 'object' || typeof Atomics.waitAsync !== 'function' ||
          typeof SharedArrayBuffer === 'undefined' || !(HEAP32.buffer instanceof SharedArrayBuffer)) {
        return;
      }
      var key = word + ':' + seen;
      if (B.wakeWatch === key) return;  // already watching for a change of this value
      B.wakeWatch = key;
      var r = Atomics.waitAsync(HEAP32, word >> 2, seen);
      var realm = B.realm;
      var woken = function () {
        if (AdsBridge.realm !== realm) return;  // armed for a thread that has ended (realmEnd)
        if (AdsBridge.wakeWatch === key) AdsBridge.wakeWatch = null;
        AdsLoop.wokenByAnotherThread();
      };
      if (r.async) r.value.then(woken); else AdsLoop.microtask(woken);
    },
    wokenByAnotherThread: function () {
      var B = AdsBridge;
      if (B.waiter) AdsLoop.finishWait(B.waiter);
      else if (B.drainArmed) AdsLoop.scheduleDrainCall();
    },
    canBlock: function () {
      if (AdsLoop.jspi()) return 1;
      return typeof Asyncify !== 'undefined' && Asyncify &&
             typeof Asyncify.handleSleep === 'function' ? 1 : 0;
    }
  }
});
