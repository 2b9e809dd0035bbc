// The imports: the C side's extern "C" declarations (bridge.hpp), one wrapper each, in the
// order of contract.json. A wrapper only catches: nothing may throw into wasm, and an internal
// error fails the op (or returns -INVALID_ARGUMENT). Names, signatures, parameters and result
// codes must match contract.json (checked by asio_directsockets/js/test/contract.test.js).

mergeInto(LibraryManager.library, {
  ads_tcp_connect__deps: ['$AdsBridge', '$AdsTcp'],
  ads_tcp_connect__sig: 'iiiiiiiii',
  ads_tcp_connect: function (op, host, port, no_delay, keep_alive_delay_ms, send_buffer, receive_buffer, dns_query_type) {
    try {
      return AdsTcp.tcpConnect(op, host, port, no_delay, keep_alive_delay_ms, send_buffer, receive_buffer, dns_query_type);
    } catch (e) { AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT; }
  },
  ads_tcp_listen__deps: ['$AdsAccept', '$AdsBridge'],
  ads_tcp_listen__sig: 'iiiiii',
  ads_tcp_listen: function (op, local_address, local_port, backlog, ipv6_only) {
    try {
      return AdsAccept.tcpListen(op, local_address, local_port, backlog, ipv6_only);
    } catch (e) { AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT; }
  },
  ads_accept__deps: ['$AdsAccept', '$AdsBridge'],
  ads_accept__sig: 'vii',
  ads_accept: function (handle, op) {
    try { AdsAccept.accept(handle, op); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_read__deps: ['$AdsBridge', '$AdsTcp'],
  ads_read__sig: 'iiiii',
  ads_read: function (handle, op, buf, len) {
    try { return AdsTcp.read(handle, op, buf, len); } catch (e) { return AdsBridge.transferError(e, op); }
  },
  ads_write__deps: ['$AdsBridge', '$AdsSendQueue'],
  ads_write__sig: 'iiiii',
  ads_write: function (handle, op, buf, len) {
    try { return AdsSendQueue.write(handle, op, buf, len); } catch (e) { return AdsBridge.transferError(e, op); }
  },
  ads_udp_open__deps: ['$AdsBridge', '$AdsUdp'],
  ads_udp_open__sig: 'iiiiiiiii',
  ads_udp_open: function (op, remote_address, remote_port, local_address, local_port, send_buffer, receive_buffer, ipv6_only) {
    try {
      return AdsUdp.udpOpen(op, remote_address, remote_port, local_address, local_port, send_buffer, receive_buffer, ipv6_only);
    } catch (e) { AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT; }
  },
  ads_udp_send__deps: ['$AdsBridge', '$AdsUdp'],
  ads_udp_send__sig: 'iiiiiii',
  ads_udp_send: function (handle, op, buf, len, address, port) {
    try { return AdsUdp.udpSend(handle, op, buf, len, address, port); } catch (e) { return AdsBridge.transferError(e, op); }
  },
  ads_udp_receive__deps: ['$AdsBridge', '$AdsUdp'],
  ads_udp_receive__sig: 'iiiiiii',
  ads_udp_receive: function (handle, op, buf, len, from_address, from_port) {
    try {
      return AdsUdp.udpReceive(handle, op, buf, len, from_address, from_port);
    } catch (e) { return AdsBridge.transferError(e, op); }
  },
  ads_endpoint__deps: ['$AdsBridge', '$AdsSockets'],
  ads_endpoint__sig: 'iiiii',
  ads_endpoint: function (handle, which, address_out, port_out) {
    try { return AdsSockets.endpoint(handle, which, address_out, port_out); } catch (e) {
      AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT;
    }
  },
  ads_available__deps: ['$AdsBridge', '$AdsSockets'],
  ads_available__sig: 'ii',
  ads_available: function (handle) {
    try { return AdsSockets.available(handle); } catch (e) { AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT; }
  },
  ads_cancel__deps: ['$AdsBridge', '$AdsTeardown'],
  ads_cancel__sig: 'vi',
  ads_cancel: function (handle) {
    try { AdsTeardown.cancel(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_shutdown_send__deps: ['$AdsBridge', '$AdsSendQueue'],
  ads_shutdown_send__sig: 'vi',
  ads_shutdown_send: function (handle) {
    try { AdsSendQueue.shutdownSend(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_close__deps: ['$AdsBridge', '$AdsTeardown'],
  ads_close__sig: 'vi',
  ads_close: function (handle) {
    try { AdsTeardown.close(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_abort__deps: ['$AdsBridge', '$AdsTeardown'],
  ads_abort__sig: 'vi',
  ads_abort: function (handle) {
    try { AdsTeardown.abort(handle); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_poll__deps: ['$AdsBridge', '$AdsReadiness'],
  ads_poll__sig: 'viii',
  ads_poll: function (handle, op, dir) {
    try { AdsReadiness.poll(handle, op, dir); } catch (e) { AdsBridge.internalError(e, op); }
  },
  ads_udp_connect__deps: ['$AdsBridge', '$AdsUdp'],
  ads_udp_connect__sig: 'iiii',
  ads_udp_connect: function (handle, address, port) {
    try { return AdsUdp.udpConnect(handle, address, port); } catch (e) {
      AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT;
    }
  },
  ads_pipe_eof__deps: ['$AdsBridge', '$AdsPipefs'],
  ads_pipe_eof__sig: 'ii',
  // -pthread builds: the file system (PIPEFS with it) lives on the main browser thread, where
  // Emscripten runs every file syscall; ask there. (Ignored without threads.)
  ads_pipe_eof__proxy: 'sync',
  ads_pipe_eof: function (fd) {
    try { return AdsPipefs.pipeEof(fd); } catch (e) { AdsBridge.internalError(e); return 0; }
  },
  ads_multicast__deps: ['$AdsBridge', '$AdsUdp'],
  ads_multicast__sig: 'iiii',
  ads_multicast: function (handle, join, group) {
    try { return AdsUdp.multicast(handle, join, group); } catch (e) {
      AdsBridge.internalError(e); return -AdsBridge.INVALID_ARGUMENT;
    }
  },
  ads_take_completions__deps: ['$AdsOps'],
  ads_take_completions__sig: 'v',
  ads_take_completions: function () {
    AdsOps.takeCompletions();
  },
  ads_schedule_drain__deps: ['$AdsBridge', '$AdsLoop'],
  ads_schedule_drain__sig: 'vi',
  ads_schedule_drain: function (timeout_ms) {
    try { AdsLoop.scheduleDrain(timeout_ms); } catch (e) { AdsBridge.internalError(e); }
  },
  ads_wait__deps: ['$AdsLoop'],
  ads_wait__sig: 'ii',
  ads_wait: function (timeout_ms) {
    return AdsLoop.wait(timeout_ms);
  },
  ads_can_block__deps: ['$AdsLoop'],
  ads_can_block__sig: 'i',
  ads_can_block: function () {
    return AdsLoop.canBlock();
  },
  ads_watch_wake__deps: ['$AdsLoop'],
  ads_watch_wake__sig: 'vii',
  ads_watch_wake: function (word, seen) {
    AdsLoop.watchWake(word, seen);
  },
  ads_realm_end__deps: ['$AdsBridge', '$AdsTeardown'],
  ads_realm_end__sig: 'v',
  ads_realm_end: function () {
    try { AdsTeardown.realmEnd(); } catch (e) { AdsBridge.internalError(e); }
  }
});
