// The socket registry: handles, the record each kind of socket keeps (common fields here, the
// rest from AdsTcp / AdsAccept / AdsUdp), watching `opened`, the one reader.read() helper all
// kinds share, ads_available and ads_endpoint.
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsSockets__deps: ['$AdsAccept', '$AdsBridge', '$AdsErrors', '$AdsOps', '$AdsReadiness', '$AdsTcp', '$AdsUdp'],
  $AdsSockets: {
    allocHandle: function () {
      var B = AdsBridge;
      for (;;) {
        var h = B.nextHandle;
        B.nextHandle = h >= 0x7fffffff ? 1 : h + 1;
        if (!B.socks.has(h)) return h;
      }
    },
    // A socket record: the fields every kind has, then the kind's own from AdsTcp.fields,
    // AdsAccept.fields or AdsUdp.fields. kind: 'tcp' (a connection), 'server' (a listener),
    // 'udp'.
    newSocket: function (kind, sock) {
      var s = {
        h: AdsSockets.allocHandle(), kind: kind, sock: sock, state: 'opening', info: null, openErr: 0,
        openP: null, connectOp: null, closed: false,
        reader: null, writer: null, polls: [],
        // receive side: ops waiting for it (reads, accepts or receives), the reader.read() in
        // flight, end of stream, the read side's error
        rq: [], reading: false, readP: null, rdone: false, rerr: 0
      };
      var own = kind === 'tcp' ? AdsTcp.fields() : kind === 'server' ? AdsAccept.fields() : AdsUdp.fields();
      for (var key in own) s[key] = own[key];
      AdsBridge.socks.set(s.h, s);
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
        AdsSockets.onOpened(s, info);
        if (rec) AdsOps.complete(rec, AdsBridge.OK, 0);
      }, function (e) {
        s.state = 'failed';
        s.openErr = AdsErrors.mapOpenError(e, opKind);
        if (rec) AdsOps.complete(rec, s.openErr, 0);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    onOpened: function (s, info) {
      s.info = info;
      s.state = 'open';
      if (s.kind === 'tcp') AdsTcp.opened(s, info);
      else if (s.kind === 'server') AdsAccept.opened(s, info);
      else AdsUdp.opened(s, info);
    },
    // An operation on a socket that is still opening, or whose opening failed.
    notOpen: function (s) {
      return AdsBridge.NOT_CONNECTED;
    },
    // One reader.read(); `handler(s, result)` or the error path runs in its first reaction.
    startRead: function (s, handler) {
      var p;
      s.reading = true;
      try { p = s.reader.read(); } catch (e) { p = Promise.reject(e); }
      s.readP = p.then(function (r) {
        s.reading = false;
        handler(s, r);
      }, function (e) {
        s.reading = false;
        // (a listener's error maps like a UDP one: a named net error, else CONNECTION_RESET)
        if (!s.rerr) s.rerr = AdsErrors.mapStreamError(e, 'read', s.kind !== 'tcp');
        AdsSockets.pumpAny(s);
        AdsReadiness.checkPolls(s);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    pumpAny: function (s) {
      if (s.kind === 'tcp') AdsTcp.pumpRead(s);
      else if (s.kind === 'udp') AdsUdp.pumpRecv(s);
      else AdsAccept.pumpAccept(s);
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
    }
  }
});
