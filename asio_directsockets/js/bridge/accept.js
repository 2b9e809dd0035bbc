// TCP listeners: ads_tcp_listen, the listener record, ads_accept and accepting ahead of the
// program (a kernel-like accept queue).
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsAccept__deps: ['$AdsBridge', '$AdsErrors', '$AdsOps', '$AdsReadiness', '$AdsSockets', '$AdsTcpWriter'],
  $AdsAccept: {
    // A listener's own fields (AdsSockets.newSocket adds the common ones): connections
    // accepted ahead of the program, {sock, info, ready, failed} each.
    fields: function () {
      return { backlog: [] };
    },
    opened: function (s, info) {
      s.reader = info.readable.getReader();
      s.reader.closed.then(AdsBridge.noop, AdsBridge.noop);
      AdsAccept.acceptAhead(s);
    },
    tcpListen: function (op, localAddress, localPort, backlog, ipv6Only) {
      var B = AdsBridge.ready();
      if (!AdsOps.validOp(op) || B.ops.has(op)) return -B.INVALID_ARGUMENT;
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
      try { sock = new TCPServerSocket(addr, o); } catch (e) { return -AdsErrors.mapThrow(e); }
      var s = AdsSockets.newSocket('server', sock);
      var rec = AdsOps.newOp(op, s.h, 'connect');
      s.connectOp = rec;
      AdsSockets.watchOpen(s, rec, 'listen');
      return s.h;
    },
    // ads_accept: value = the new connection's handle; several accepts are served FIFO.
    accept: function (h, op) {
      var B = AdsBridge.ready();
      var o = AdsOps.newOp(op, h, 'accept');
      if (!o) return;
      var s = AdsSockets.getSock(h, 'server');
      if (!s) return AdsOps.complete(o, B.BAD_DESCRIPTOR, 0);
      if (s.state !== 'open') return AdsOps.complete(o, AdsSockets.notOpen(s), 0);
      s.rq.push(o);
      AdsAccept.pumpAccept(s);
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
          var c = AdsAccept.adoptAccepted(s, ent.sock, ent.info);
          AdsOps.complete(s.rq.shift(), B.OK, c.h);
          continue;
        }
        if (s.rerr) { AdsOps.complete(s.rq.shift(), s.rerr, 0); continue; }
        if (s.rdone) { AdsOps.complete(s.rq.shift(), B.OPERATION_ABORTED, 0); continue; }
        break;
      }
      AdsAccept.acceptAhead(s);
      AdsReadiness.checkPolls(s);
    },
    // Like a kernel's accept queue: connections are accepted ahead of the program, up to
    // ACCEPT_AHEAD, each next read issued in the previous one's reaction. (Chromium accepts
    // one connection per read; an accept loop that waited for the program would pay a round
    // trip through the program per connection.)
    acceptAhead: function (s) {
      var B = AdsBridge;
      if (s.reading || s.closed || s.state !== 'open' || s.rdone || s.rerr) return;
      if (s.backlog.length >= B.ACCEPT_AHEAD) return;
      AdsSockets.startRead(s, AdsAccept.onAcceptChunk);
    },
    onAcceptChunk: function (s, r) {
      if (r.done) { s.rdone = true; AdsAccept.pumpAccept(s); return; }
      var sock = r.value;
      if (s.closed) { AdsAccept.closeRaw(sock); return; }
      var ent = { sock: sock, info: null, ready: false, failed: false };
      s.backlog.push(ent);
      AdsAccept.acceptAhead(s);
      Promise.resolve(sock.opened).then(function (info) {
        ent.info = info;
        ent.ready = true;
      }, function () {
        ent.failed = true;
        ent.ready = true;
      }).then(function () {
        if (s.closed) { s.backlog = []; if (!ent.failed) AdsAccept.closeRaw(sock); return; }
        AdsAccept.pumpAccept(s);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    adoptAccepted: function (server, sock, info) {
      var B = AdsBridge;
      var s = AdsSockets.newSocket('tcp', sock);
      s.pk = AdsTcpWriter.pipeOf('snd0');
      s.server = server.info;
      try { sock.closed.then(B.noop, B.noop); } catch (e) { /* no closed promise */ }
      s.openP = Promise.resolve();
      AdsSockets.onOpened(s, info);
      return s;
    },
    closeRaw: function (sock) {
      try {
        Promise.resolve(sock.opened).then(function () {
          var p = sock.close();
          if (p && p.then) p.then(null, AdsBridge.noop);
        }, AdsBridge.noop);
      } catch (e) { /* already gone */ }
    }
  }
});
