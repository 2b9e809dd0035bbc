// Readiness (socket.async_wait): ads_poll(handle, op, dir) and re-checking waiting polls
// whenever a socket's state changes (docs/browser-bridge.md, "Readiness").
// Part of the bridge library: docs/browser-bridge.md.

mergeInto(LibraryManager.library, {
  $AdsReadiness__deps: ['$AdsAccept', '$AdsBridge', '$AdsOps', '$AdsSockets', '$AdsTcp', '$AdsUdp'],
  $AdsReadiness: {
    // Completes with OK once an operation in that direction would not have to wait: dir 0
    // (read) when data, end-of-file or an error is there (one chunk is pulled for it, as a read
    // would), or, on a listener, a connection; dir 1 (write) when the staging queue has room or
    // the connection failed; dir 2 (error) when the connection failed. A listener never becomes
    // writable (as on Linux).
    poll: function (h, op, dir) {
      var B = AdsBridge.ready();
      var o = AdsOps.newOp(op, h, 'poll');
      if (!o) return;
      var s = B.socks.get(h);
      if (!s) return AdsOps.complete(o, B.BAD_DESCRIPTOR, 0);
      if (dir !== 0 && dir !== 1 && dir !== 2) return AdsOps.complete(o, B.INVALID_ARGUMENT, 0);
      if (s.state !== 'open') return AdsOps.complete(o, AdsSockets.notOpen(s), 0);
      o.dir = dir;
      s.polls.push(o);
      AdsReadiness.checkPolls(s);
    },
    isReady: function (s, dir) {
      var B = AdsBridge;
      var failed = s.kind === 'tcp' ? AdsTcp.connError(s) : s.kind === 'udp' ? s.rerr || s.werr : s.rerr;
      if (dir === 2) return !!failed;
      if (dir === 1) {
        if (s.kind === 'server') return false;
        if (s.kind === 'udp') return true;
        return !!failed || s.shutdown || (s.wops.length === 0 && s.wqBytes < B.QUEUE_LIMIT);
      }
      if (s.kind === 'tcp') return s.rxBytes > 0 || s.rdone || !!failed || (s.wfailed && !s.reading);
      if (s.kind === 'udp') return s.inbox.length > 0 || s.rdone || !!s.rerr;
      return (s.backlog.length > 0 && s.backlog[0].ready) || s.rdone || !!s.rerr;
    },
    checkPolls: function (s) {
      var B = AdsBridge;
      if (!s.polls.length) return;
      var wantRead = false;
      var keep = [];
      var ps = s.polls;
      s.polls = [];
      for (var i = 0; i < ps.length; i++) {
        var o = ps[i];
        if (o.done) continue;
        if (AdsReadiness.isReady(s, o.dir)) AdsOps.complete(o, B.OK, 0);
        else { keep.push(o); if (o.dir !== 1) wantRead = true; }
      }
      s.polls = keep.concat(s.polls);
      // Readiness to read (and errors, which only a read observes) needs a read in flight.
      if (wantRead && s.state === 'open' && !s.reading && !s.closed) {
        if (s.kind === 'tcp') AdsTcp.readAhead(s);
        else if (s.kind === 'udp') AdsUdp.startInbox(s);
        else AdsAccept.acceptAhead(s);
      }
    }
  }
});
