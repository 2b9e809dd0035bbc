// TCP connections: ads_tcp_connect, the TCP record, and the receive side: one reader.read()
// always pending (docs/chromium-fin-drop.md), reads (ads_read) served from what it brought, and
// the connection error as Linux reports it (once).
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsTcp__deps: ['$AdsBridge', '$AdsErrors', '$AdsOps', '$AdsReadiness', '$AdsSendQueue', '$AdsSockets', '$AdsTcpWriter'],
  $AdsTcp: {
    // A TCP connection's own fields (AdsSockets.newSocket adds the common ones).
    fields: function () {
      return {
        // receive side
        rx: [], rxBytes: 0, lastChunk: 0, lastReply: 0, errReported: false, wfailed: false,
        stopDiscard: false, discarded: 0,
        server: null,   // an accepted connection: its listener's `opened` info
        // send side (AdsSendQueue, AdsTcpWriter)
        wops: [], wq: [], wqBytes: 0, staging: null, pool: [], wake: null, loop: null, inflight: null,
        werr: 0, shutdown: false, closing: false, writerClosed: false, slowSeen: false,
        pk: null, fillBound: 0, ub: 0, guarded: false, held: false, noProbe: false,
        rate: 0, rates: [], durs: [], lastSettle: 0, lastProgress: 0, bytesOut: 0,
        stats: { writes: 0, checkedWrites: 0, probeWrites: 0, smallWrites: 0, drops: 0,
                 undecided: 0, guardWaits: 0, replyResets: 0, probe: 0, maxQueued: 0 }
      };
    },
    opened: function (s, info) {
      var B = AdsBridge;
      s.reader = info.readable.getReader();
      s.writer = info.writable.getWriter();
      s.reader.closed.then(B.noop, B.noop);
      s.writer.closed.then(B.noop, function (e) { AdsSendQueue.onWriteError(s, e); });
      s.lastProgress = B.now();
      s.loop = AdsTcpWriter.writerLoop(s);
      AdsTcp.readAhead(s);
    },
    tcpConnect: function (op, host, port, noDelay, keepAliveMs, sendBuf, recvBuf, dnsType) {
      var B = AdsBridge.ready();
      if (!AdsOps.validOp(op) || B.ops.has(op)) return -B.INVALID_ARGUMENT;
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
      try { sock = new TCPSocket(addr, port, o); } catch (e) { return -AdsErrors.mapThrow(e); }
      var s = AdsSockets.newSocket('tcp', sock);
      s.pk = AdsTcpWriter.pipeOf('snd' + (sendBuf > 0 ? sendBuf : 0));
      var rec = AdsOps.newOp(op, s.h, 'connect');
      s.connectOp = rec;
      AdsSockets.watchOpen(s, rec, 'tcp');
      return s.h;
    },
    // Chromium 156 discards data still in the receive pipe when the peer's FIN arrives while no
    // read is pending, so a read is kept pending from open until end-of-file or an error, and
    // each next read is issued inside the previous read's reaction (in the same task: no
    // Chromium task can come between). Received chunks wait in s.rx for the program; reading
    // pauses while RECV_AHEAD bytes wait there, so flow control still reaches the peer.
    //
    // ads_read: done now (bytes >= 0, or -code) when nothing is queued ahead and the result is
    // known (data received, end-of-file, an error); else -PENDING, and op completes later. With
    // op 0 (a non-blocking attempt) it never pends: -WOULD_BLOCK, keeping no pointer.
    read: function (h, op, buf, len) {
      var B = AdsBridge.ready();
      var s = AdsSockets.getSock(h, 'tcp');
      if (!s) return -B.BAD_DESCRIPTOR;
      buf = buf >>> 0;
      if (!B.range(buf, len)) return -B.INVALID_ARGUMENT;
      if (s.state !== 'open') return -AdsSockets.notOpen(s);
      if (len === 0) return 0;
      if (!s.rq.length) {
        if (s.rxBytes) {
          var n = AdsTcp.copyReceived(s, buf, len);
          AdsTcp.readAhead(s);
          AdsReadiness.checkPolls(s);
          return n;
        }
        var e = AdsTcp.readFailure(s);
        if (e) return -e;
      }
      if (!op) return -B.WOULD_BLOCK;
      var o = AdsOps.newOp(op, h, 'read');
      if (!o) return -B.INVALID_ARGUMENT;
      o.buf = buf; o.len = len;
      s.rq.push(o);
      AdsTcp.readAhead(s);
      return -B.PENDING;
    },
    // What a read finds when no data waits: end-of-file or the connection's error, or 0.
    readFailure: function (s) {
      var B = AdsBridge;
      // After a write failure no new read is issued: without one in flight, the failure is the
      // read's too (a reset, as Linux reports it to a read after the peer's RST).
      if (s.wfailed && !s.reading && !s.rdone && !s.rerr) s.rerr = B.CONNECTION_RESET;
      if (AdsTcp.connError(s)) return AdsTcp.takeConnError(s, 'read');
      if (s.rdone) return B.EOF;
      return 0;
    },
    pumpRead: function (s) {
      var B = AdsBridge;
      while (s.rq.length) {
        var o = s.rq[0];
        if (s.rxBytes) {
          s.rq.shift();
          AdsOps.complete(o, B.OK, AdsTcp.copyReceived(s, o.buf, o.len));
          continue;
        }
        var e = AdsTcp.readFailure(s);
        if (!e) break;
        s.rq.shift();
        AdsOps.complete(o, e, 0);
      }
      AdsTcp.readAhead(s);
      AdsReadiness.checkPolls(s);
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
      AdsSockets.startRead(s, AdsTcp.onTcpChunk);
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
      var e = dir === 'read' ? AdsTcp.connError(s) : (s.werr || s.rerr);
      if (e !== B.BROKEN_PIPE) s.errReported = true;
      return e;
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
      if (s.closed) { AdsTcp.readAhead(s); return; }
      AdsTcp.pumpRead(s);
    }
  }
});
