// The write discipline's decisions, pure: no sockets, no Emscripten runtime, no clock. Each
// function takes a socket's write state `s` (plain fields: wqBytes, ub, fillBound, rates ...),
// the proven pipe bounds `k` ({lo, hi}) and the tunables `T` (AdsBridge, or any object with
// the same fields) and returns a decision; only noteRate records a sample into `s`.
// Why: docs/chromium-write-drop.md and docs/browser-bridge.md, "Writes". Tested without
// sockets by asio_directsockets/js/test/write_plan.test.js.
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsWritePlan__deps: [],
  $AdsWritePlan: {
    // Writes larger than this can be checked soundly (they can never fit into the pipe, so
    // settling within the task means dropped); 0 while that bound is unknown or too loose.
    checkable: function (k, T) {
      return k.hi < Infinity && k.lo <= k.hi && k.hi <= T.MAX_WRITE / 2 ? k.hi : 0;
    },
    // The drain rate the waits are based on: the slowest of the last RATE_SAMPLES writes that
    // settled late (a peer that stalls now and then shows up here, where an average would
    // hide it), or DEFAULT_RATE before any measurement.
    drainRate: function (s, T) {
      var r = s.rates;
      if (!r.length) return T.DEFAULT_RATE;
      var m = r[0];
      for (var i = 1; i < r.length; i++) if (r[i] < m) m = r[i];
      return m;
    },
    // Records the drain rate of a write of n bytes that settled late, ms after it was first
    // issued (re-issues included): RATE_SAMPLES samples and their durations are kept.
    noteRate: function (s, n, ms, T) {
      if (!(ms > 0)) return;
      var r = n / (ms / 1000);
      if (r < T.QUIET_RATE) s.slowSeen = true;
      s.rate = s.rate ? 0.7 * s.rate + 0.3 * r : r;
      s.rates.push(r);
      s.durs.push(ms);
      if (s.rates.length > T.RATE_SAMPLES) { s.rates.shift(); s.durs.shift(); }
    },
    // Reply evidence (docs/browser-bridge.md, "Reply evidence"): the peer sent data after our
    // last write settled. In request/response traffic the peer has then read our request, so the
    // pipe has drained, without the guard's wait. A peer that sends without reading could fool
    // it, so it only counts while the connection shows no backpressure: no recent write settled
    // late at a rate below QUIET_RATE (once a peer stops reading, the write that fits only partly
    // into the pipe settles late, at a low rate; writes that fill it exactly do not, the limit
    // this shares with the wait). Like the wait, it only decides when fillBound may be reset;
    // the proven bounds (ub, lo, hi) never are.
    replyShowsDrain: function (s, k, n, T) {
      if (!T.REPLY_EVIDENCE || n > k.lo || !(s.lastReply > s.lastSettle)) return false;
      for (var i = 0; i < s.rates.length; i++) if (s.rates[i] < T.QUIET_RATE) return false;
      return true;
    },
    // The guard wait (ms, counted from the last settled write) after which a pipe of `cap`
    // bytes should have drained: four pipe loads at the slowest recent drain rate, clamped.
    guardMs: function (s, cap, T) {
      var ms = 4 * cap / AdsWritePlan.drainRate(s, T) * 1000;
      return Math.min(T.GUARD_MAX_MS, Math.max(T.GUARD_MIN_MS, ms));
    },
    // The wait between the last settled write and teardown (which discards what is still in
    // the pipe): the longest of a floor, eight pipe loads at the slowest recent drain rate, and
    // twice the longest recent write (a peer that pauses reading shows up there). The pipe
    // holds at most what was written. The floor is CLOSE_QUIET_MS while no write ever showed
    // backpressure (every drain-rate sample at least QUIET_RATE: against such peers the network
    // service empties the pipe at once, docs/chromium-write-drop.md), else CLOSE_MIN_MS. When
    // the pipe is (proven or probably) bigger than 64 KiB its size is unknown: BIG_PIPE_ASSUMED.
    closeGraceMs: function (s, k, T) {
      var big = k.lo > T.PIPE || s.noProbe;
      var pipe = big ? Math.max(k.lo, T.BIG_PIPE_ASSUMED) : Math.min(k.hi, k.lo);
      var floor = big || s.slowSeen ? T.CLOSE_MIN_MS : T.CLOSE_QUIET_MS;
      var held = Math.min(pipe, s.bytesOut);
      var ms = Math.max(floor, 8 * held / AdsWritePlan.drainRate(s, T) * 1000);
      // And at least the time a slow reader (CLOSE_SLOW_RATE) takes for what the pipe can hold:
      // a drain rate measured from writes that settled late is only an upper bound on the
      // reader's pace (one byte over the pipe settles as soon as that byte moves), and in
      // Chromium 156.0.8078.129 teardown cut a 2 MiB/s reader off after a 64 KiB + 1 write.
      ms = Math.max(ms, held / T.CLOSE_SLOW_RATE * 1000);
      for (var i = 0; i < s.durs.length; i++) ms = Math.max(ms, 2 * s.durs[i]);
      return Math.min(T.CLOSE_MAX_MS, ms);
    },
    // Plans the next write from the queue (see docs/browser-bridge.md, "Writes"):
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
    plan: function (s, k, T) {
      var n = Math.min(s.wqBytes, T.MAX_WRITE);
      var C = AdsWritePlan.checkable(k, T);
      var kind = 'small';
      if (C) {
        if (s.wqBytes - n > 0 && s.wqBytes - n <= C) n = s.wqBytes;   // merge the tail
        if (n > C) return { n: n, kind: 'checked' };
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
        return { wait: AdsWritePlan.replyShowsDrain(s, k, n, T) ? 'reply' : 'guard' };
      }
      return { n: n, kind: kind };
    },
    // Classifies a settled write of n bytes that started with ub0 (a strict upper bound on the
    // pipe's content) against the proven bounds lo <= C <= hi:
    //  - 'late': settled in a later task: accepted; it did not fit, so C < ub0 + n (a new hi);
    //  - 'fits': settled within the task and ub0 < lo: the pipe was not full, so nothing was
    //    dropped: accepted, and C >= n (a new lo if n > lo);
    //  - 'dropped': settled within the task and n > hi: it cannot have fit: re-issue the
    //    identical bytes (after retryDelay);
    //  - 'undecided': anything else: counted as accepted (never duplicate data).
    classify: function (k, ub0, n, inTask) {
      if (!inTask) return 'late';
      if (ub0 < k.lo) return 'fits';
      if (n > k.hi && k.lo <= k.hi) return 'dropped';
      return 'undecided';
    },
    // Before re-issue number `attempt` (1, 2, ...) of a dropped write: 0 = after a macrotask
    // (the first two), else that many ms: 1, 2, 4, 8, 16, 16 ...
    retryDelay: function (attempt) {
      return attempt <= 2 ? 0 : Math.min(1 << (attempt - 3), 16);
    }
  }
});
