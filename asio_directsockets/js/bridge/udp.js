// UDP: ads_udp_open, the UDP record, sends (ads_udp_send), receives from a read-ahead inbox
// (ads_udp_receive), ads_udp_connect's sender filter and multicast.
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsUdp__deps: ['$AdsBridge', '$AdsErrors', '$AdsOps', '$AdsReadiness', '$AdsSockets'],
  $AdsUdp: {
    // A UDP socket's own fields (AdsSockets.newSocket adds the common ones).
    fields: function () {
      return {
        mode: '',          // 'connected' (remote address given) or 'bound'
        werr: 0,           // the send side's error
        inbox: [], inboxOn: false,   // datagrams read ahead, once the program receives
        peer: null,        // ads_udp_connect's filter on a bound socket: {address, port}
        sendOps: new Set() // sends in flight (op records, or markers of sends done at once)
      };
    },
    opened: function (s, info) {
      var B = AdsBridge;
      s.reader = info.readable.getReader();
      s.writer = info.writable.getWriter();
      s.reader.closed.then(B.noop, B.noop);
      s.writer.closed.then(B.noop, function (e) { AdsUdp.onUdpWriteError(s, e); });
    },
    udpOpen: function (op, remoteAddress, remotePort, localAddress, localPort, sendBuf, recvBuf, ipv6Only) {
      var B = AdsBridge.ready();
      if (!AdsOps.validOp(op) || B.ops.has(op)) return -B.INVALID_ARGUMENT;
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
      try { sock = new UDPSocket(o); } catch (e) { return -AdsErrors.mapThrow(e); }
      var s = AdsSockets.newSocket('udp', sock);
      s.mode = mode;
      var rec = AdsOps.newOp(op, s.h, 'connect');
      s.connectOp = rec;
      AdsSockets.watchOpen(s, rec, mode === 'connected' ? 'udp-connected' : 'udp-bound');
      return s.h;
    },
    // Checks a datagram and builds its UDPMessage into out.msg; returns 0 or an error code.
    udpMessage: function (s, buf, len, address, port, out) {
      var B = AdsBridge;
      if (!B.range(buf, len)) return B.INVALID_ARGUMENT;
      if (s.state !== 'open') return AdsSockets.notOpen(s);
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
      s.sendOps.add(o);
      var p;
      try { p = s.writer.write(msg); } catch (e) { p = Promise.reject(e); }
      p.then(function () {
        s.sendOps.delete(o);
        if (o.op) AdsOps.complete(o, AdsBridge.OK, len);
      }, function (e) {
        s.sendOps.delete(o);
        AdsUdp.onUdpWriteError(s, e);
        if (o.op) AdsOps.complete(o, s.werr, 0);
      }).then(null, function (e) { AdsBridge.internalError(e); });
    },
    // ads_udp_send: a datagram is copied and handed to the writer at once, and done now, while
    // fewer than UDP_SENDS sends are in flight (a failure shows up on later sends, as an
    // asynchronous ICMP error does natively). Beyond that the op waits for its own write to
    // settle (-PENDING), or, with op 0 (a non-blocking attempt), gets -WOULD_BLOCK.
    udpSend: function (h, op, buf, len, address, port) {
      var B = AdsBridge.ready();
      var s = AdsSockets.getSock(h, 'udp');
      if (!s) return -B.BAD_DESCRIPTOR;
      var out = {};
      var err = AdsUdp.udpMessage(s, buf >>> 0, len, address, port, out);
      if (err) return -err;
      if (s.sendOps.size < B.UDP_SENDS) {
        AdsUdp.udpWrite(s, { op: 0, done: true }, out.msg, len);
        return len;
      }
      if (!op) return -B.WOULD_BLOCK;
      var o = AdsOps.newOp(op, h, 'send');
      if (!o) return -B.INVALID_ARGUMENT;
      AdsUdp.udpWrite(s, o, out.msg, len);
      return -B.PENDING;
    },
    onUdpWriteError: function (s, e) {
      if (!s.werr) s.werr = AdsErrors.mapStreamError(e, 'write', true);
      AdsReadiness.checkPolls(s);
    },
    // ads_udp_receive: the next datagram of the inbox, done now, when nothing is queued ahead;
    // else -PENDING (op completes with the next datagram), or, with op 0 (a non-blocking
    // attempt), -WOULD_BLOCK (starting the read-ahead).
    udpReceive: function (h, op, buf, len, fromAddress, fromPort) {
      var B = AdsBridge.ready();
      var s = AdsSockets.getSock(h, 'udp');
      if (!s) return -B.BAD_DESCRIPTOR;
      buf = buf >>> 0;
      fromAddress = fromAddress >>> 0;
      fromPort = fromPort >>> 0;
      if (!B.range(buf, len) || (fromAddress && !B.range(fromAddress, B.ADDR_MAX)) ||
          (fromPort && !B.range(fromPort, 4))) {
        return -B.INVALID_ARGUMENT;
      }
      if (s.state !== 'open') return -AdsSockets.notOpen(s);
      if (!s.rq.length) {
        if (s.inbox.length) {
          var n = AdsUdp.takeDatagram(s, buf, len, fromAddress, fromPort);
          AdsUdp.fillInbox(s);
          AdsReadiness.checkPolls(s);
          return n;
        }
        if (s.rerr) return -s.rerr;
        if (s.rdone) return -B.OPERATION_ABORTED;
      }
      if (!op) { AdsUdp.startInbox(s); return -B.WOULD_BLOCK; }
      var o = AdsOps.newOp(op, h, 'recv');
      if (!o) return -B.INVALID_ARGUMENT;
      o.buf = buf; o.len = len; o.a = fromAddress; o.p = fromPort;
      s.rq.push(o);
      AdsUdp.pumpRecv(s);
      return -B.PENDING;
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
          AdsOps.complete(o, B.OK, AdsUdp.takeDatagram(s, o.buf, o.len, o.a, o.p));
          continue;
        }
        if (s.rerr) {
          // A receive error (e.g. ICMP port unreachable) is reported once per error, as a
          // socket error is; the stream itself is gone, so later receives get it again.
          s.rq.shift(); AdsOps.complete(o, s.rerr, 0); continue;
        }
        if (s.rdone) { s.rq.shift(); AdsOps.complete(o, B.OPERATION_ABORTED, 0); continue; }
        break;
      }
      if (s.rq.length) s.inboxOn = true;
      AdsUdp.fillInbox(s);
      AdsReadiness.checkPolls(s);
    },
    // UDP has no flow control to preserve, so once the program receives, the bridge reads
    // ahead into a small inbox (UDP_INBOX datagrams): the next datagram's size is then known
    // (ads_available, as Linux FIONREAD reports it) when the browser already had it.
    startInbox: function (s) {
      s.inboxOn = true;
      AdsUdp.fillInbox(s);
    },
    fillInbox: function (s) {
      var B = AdsBridge;
      if (s.inboxOn && s.state === 'open' && !s.reading && !s.closed && !s.rdone && !s.rerr &&
          s.inbox.length < B.UDP_INBOX) {
        AdsSockets.startRead(s, AdsUdp.onUdpMessage);
      }
    },
    onUdpMessage: function (s, r) {
      if (r.done) s.rdone = true;
      else if (r.value && AdsUdp.fromPeer(s, r.value)) s.inbox.push(r.value);
      if (s.closed) { s.inbox = []; return; }
      // Read on before completing anything, so that a datagram the browser already holds
      // lands in the inbox before the program resumes.
      AdsUdp.fillInbox(s);
      AdsUdp.pumpRecv(s);
    },
    // A bound socket that the program connected (Asio connect() on a UDP socket) only accepts
    // datagrams from that peer, as the kernel filters a connected socket.
    fromPeer: function (s, m) {
      var p = s.peer;
      if (!p || m.remoteAddress === undefined || m.remoteAddress === null) return true;
      return m.remotePort === p.port && AdsUdp.sameAddress(m.remoteAddress, p.address);
    },
    plainAddress: function (a) {
      a = String(a).toLowerCase();
      if (a.indexOf('::ffff:') === 0 && a.indexOf('.') > 0) a = a.slice(7);
      return a;
    },
    sameAddress: function (a, b) {
      return AdsUdp.plainAddress(a) === AdsUdp.plainAddress(b);
    },
    isIpLiteral: function (a) {
      return /^[0-9]{1,3}([.][0-9]{1,3}){3}$/.test(a) || a.indexOf(':') >= 0;
    },
    // ads_udp_connect: sets (or replaces) the peer filter of a bound-mode socket.
    udpConnect: function (h, address, port) {
      var B = AdsBridge.ready();
      var s = AdsSockets.getSock(h, 'udp');
      if (!s) return -B.BAD_DESCRIPTOR;
      var a = B.str(address);
      if (a === null || !(port > 0 && port <= 65535)) return -B.INVALID_ARGUMENT;
      // A connected-mode socket is filtered by the browser itself; a host name cannot be
      // compared with the senders' addresses.
      if (s.mode !== 'bound' || !AdsUdp.isIpLiteral(a)) return -B.NOT_SUPPORTED;
      s.peer = { address: a, port: port };
      return 0;
    },
    multicast: function (h, join, group) {
      var B = AdsBridge.ready();
      var s = B.socks.get(h);
      if (!s) return -B.BAD_DESCRIPTOR;
      if (s.kind !== 'udp') return -B.NOT_SUPPORTED;
      if (s.state !== 'open') return -AdsSockets.notOpen(s);
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
        return -AdsErrors.mapThrow(e);
      }
      return 0;
    }
  }
});
