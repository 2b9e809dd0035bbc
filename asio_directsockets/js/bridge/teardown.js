// Cancel, close, abort: pending ops complete with OPERATION_ABORTED at once; a closed socket is
// torn down in the background so the peer gets every byte and a FIN (docs/browser-bridge.md,
// "Close and shutdown").
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsTeardown__deps: ['$AdsAccept', '$AdsBridge', '$AdsLoop', '$AdsOps', '$AdsSendQueue', '$AdsTcp'],
  $AdsTeardown: {
    // Every pending op completes with OPERATION_ABORTED and its pointers are forgotten now.
    // A reader.read() in flight stays in flight; what it brings waits in s.rx. In order: the
    // receive side's ops, TCP writes waiting for room, polls, the connect, UDP sends.
    cancelAll: function (s) {
      var B = AdsBridge;
      var lists = [s.rq, s.wops || [], s.polls];
      s.rq = [];
      if (s.wops) s.wops = [];
      s.polls = [];
      if (s.connectOp && !s.connectOp.done) lists.push([s.connectOp]);
      if (s.sendOps && s.sendOps.size) {
        // (markers of sends done inside ads_udp_send have no op and stay in flight)
        lists.push(Array.from(s.sendOps).filter(function (o) { return o.op; }));
        s.sendOps.forEach(function (o) { if (o.op) s.sendOps.delete(o); });
      }
      for (var i = 0; i < lists.length; i++) {
        for (var j = 0; j < lists[i].length; j++) AdsOps.complete(lists[i][j], B.OPERATION_ABORTED, 0);
      }
    },
    cancel: function (h) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (s) AdsTeardown.cancelAll(s);
    },
    // close and abort: the handle is invalid at once and every pending op is aborted; returns
    // the socket record (null for an unknown handle) for the teardown that follows.
    detach: function (h) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return null;
      AdsTeardown.cancelAll(s);
      B.socks.delete(h);
      s.closed = true;
      return s;
    },
    // ads_realm_end (-pthread builds): the thread whose JS this is has ended; Emscripten keeps its
    // Worker for the next pthread, which must find a bridge with no sockets, ops, completions,
    // waits, timers or watches of the old one (they would call into wasm for a thread that is
    // gone, or hand the new thread completions for op ids it never made). Sockets still open are
    // closed without lingering.
    realmEnd: function () {
      var B = AdsBridge;
      if (!B.inited) return;
      Array.from(B.socks.keys()).forEach(function (h) { AdsTeardown.abort(h); });
      if (B.drainTimer !== null) clearTimeout(B.drainTimer);
      if (B.waitTimer !== null) clearTimeout(B.waitTimer);
      B.drainTimer = null;
      B.waitTimer = null;
      B.drainArmed = false;
      B.drainCallPending = false;
      B.waiter = null;
      B.wakeWatch = null;
      B.realm = (B.realm || 0) + 1;  // a watch armed before now ends quietly (AdsLoop.watchWake)
      B.init();
    },
    close: function (h) {
      var s = AdsTeardown.detach(h);
      if (!s) return;
      AdsTeardown.teardown(s).then(null, function (e) { AdsBridge.internalError(e); });
    },
    // ads_abort: close without lingering (SO_LINGER with a zero timeout). Direct Sockets has no
    // abortive close, so this is the fastest teardown it offers: staged and piped data is
    // dropped, inbound data is not drained, and the network service closes the socket at once,
    // which the peer sees as RST exactly when unread data was left (else as FIN).
    abort: function (h) {
      var s = AdsTeardown.detach(h);
      if (!s) return;
      if (s.kind === 'tcp') {
        s.stopDiscard = true;
        AdsTcp.dropReceived(s);
        s.wq = [];
        s.wqBytes = 0;
        s.staging = null;
        s.pool = [];
      }
      AdsTeardown.abortNow(s).then(null, function (e) { AdsBridge.internalError(e); });
    },
    abortNow: async function (s) {
      var B = AdsBridge;
      try {
        if (s.openP) await s.openP;
        if (s.state === 'open') {
          if (s.kind === 'tcp') {
            s.closing = true;
            s.werr = s.werr || B.BROKEN_PIPE;   // stops the writer loop
            AdsSendQueue.wakeWriter(s);
            s.writerClosed = true;
            try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
            try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
            AdsTeardown.unlockAndClose(s);
          } else if (s.kind === 'server') {
            await AdsTeardown.teardownServer(s);
          } else {
            try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
            try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
            AdsTeardown.unlockAndClose(s);
          }
        }
      } catch (e) {
        B.internalError(e);
      }
      s.state = 'closed';
      AdsTeardown.release(s);
    },
    teardown: async function (s) {
      var B = AdsBridge;
      try {
        // An open listener stops listening before close() returns, with no await first: the
        // program may connect to its port next, in the same task (and must be refused).
        if (s.openP && !(s.kind === 'server' && s.state === 'open')) await s.openP;
        if (s.state === 'open') {
          if (s.kind === 'tcp') await AdsTeardown.teardownTcp(s);
          else if (s.kind === 'server') await AdsTeardown.teardownServer(s);
          else await AdsTeardown.teardownUdp(s);
        }
      } catch (e) {
        B.internalError(e);
      }
      s.state = 'closed';
      AdsTeardown.release(s);
    },
    // A torn-down socket keeps no data: received bytes, queued writes and their buffers (TCP),
    // datagrams read ahead (UDP), connections accepted ahead (listener).
    release: function (s) {
      if (s.kind === 'tcp') {
        AdsTcp.dropReceived(s);
        s.wq = [];
        s.staging = null;
        s.pool = [];
      } else if (s.kind === 'udp') {
        s.inbox = [];
      } else {
        s.backlog = [];
      }
    },
    // Graceful: the writer loop drains what was accepted, waits for the pipe (closeGraceMs) and
    // closes the writer; meanwhile the read kept pending goes on, discarding what arrives, so the
    // peer does not get an RST for unread data and cannot block us; then cancel, unlock,
    // socket.close().
    teardownTcp: async function (s) {
      var B = AdsBridge;
      s.closing = true;
      AdsTcp.dropReceived(s);
      AdsTcp.readAhead(s);   // (paused at RECV_AHEAD: discarding goes on)
      AdsSendQueue.wakeWriter(s);
      if (s.loop) await AdsTeardown.linger(s);
      await AdsTeardown.discardUntilIdle(s);
      s.stopDiscard = true;
      try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
      if (!s.writerClosed) {
        s.writerClosed = true;
        try { s.writer.abort().then(null, B.noop); } catch (e) { /* released */ }
      }
      AdsTeardown.unlockAndClose(s);
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
        await AdsLoop.sleep(Math.min(B.DISCARD_IDLE_MS - idle, end - t));
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
      for (var i = 0; i < s.backlog.length; i++) AdsAccept.closeRaw(s.backlog[i].sock);
      s.backlog = [];
      AdsTeardown.unlockAndClose(s);
      return s.reading && s.readP ? AdsLoop.within(s.readP, 1000) : Promise.resolve();
    },
    teardownUdp: async function (s) {
      var B = AdsBridge;
      try { s.reader.cancel().then(null, B.noop); } catch (e) { /* released */ }
      if (!s.werr) {
        try { await AdsLoop.within(s.writer.close(), 2000); } catch (e) { /* released */ }
      }
      AdsTeardown.unlockAndClose(s);
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
  }
});
