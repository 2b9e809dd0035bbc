// -pthread builds: standard input is read on the thread that reads it, not on the main browser
// thread. A --js-library of every wasm program of the library (cmake/emscripten.cmake); without
// -pthread it defines nothing.
//
// Emscripten 3.1.6 proxies every read of a pthread to the main browser thread and reads
// standard input there, synchronously: while it waits for the next line (Boost.Asio's chat
// client reads std::cin on main()'s pthread), that thread can do nothing else, and it is the
// thread that starts other pthreads and writes everybody's output. So a read of descriptor 0 on a
// pthread whose input comes from outside (under Node, the process's standard input; in the
// headless runner, its feed: run.js --stdin) waits in that pthread's own Worker instead (a
// blocking fs.readSync, or a synchronous request, both allowed in a Worker), and returns what
// has arrived. Every other read, and every read when a program supplies its own Module.stdin,
// goes to the main browser thread as before.

mergeInto(LibraryManager.library, {
#if USE_PTHREADS
  // Where standard input comes from, asked on the main browser thread: 1 the Node process's
  // descriptor 0 (js/runtime/node_stdin.js), 2 the runner's feed, 0 anything else.
  ads_stdin_source__proxy: 'sync',
  ads_stdin_source__sig: 'i',
  ads_stdin_source: function () {
    var input = Module['stdin'];
    if (input && input['adsNodeStdin']) return 1;
    if (input && Module['adsStdinFeed']) return 2;
    return 0;
  },

  // Emscripten's own fd_read (library_wasi.js), on the main browser thread.
  ads_fd_read_on_main__proxy: 'sync',
  ads_fd_read_on_main__sig: 'iiiii',
  ads_fd_read_on_main: function (fd, iov, iovcnt, pnum) {
    try {
      var stream = SYSCALLS.getStreamFromFD(fd);
      var num = SYSCALLS.doReadv(stream, iov, iovcnt);
      HEAP32[pnum >> 2] = num;
      return 0;
    } catch (e) {
      if (typeof FS == 'undefined' || !(e instanceof FS.ErrnoError)) throw e;
      return e.errno;
    }
  },

  $AdsStdin__deps: ['ads_stdin_source'],
  $AdsStdin: {
    source: -1,
    // Up to `max` bytes as they arrive: a Uint8Array, empty at end of input.
    take: function (max) {
      if (AdsStdin.source === 1) {
        var buf = Buffer.alloc(max);
        var n = Module['adsNodeStdinRead'](buf);  // js/runtime/node_stdin.js
        return new Uint8Array(buf.buffer, buf.byteOffset, n);
      }
      var xhr = new XMLHttpRequest();
      xhr.open('GET', '/run/stdin?max=' + max, false);
      xhr.send();
      if (xhr.status !== 200) return new Uint8Array(0);
      var answer = JSON.parse(xhr.responseText);
      return Uint8Array.from(atob(answer.data), function (c) { return c.charCodeAt(0); });
    },
  },

  fd_read__deps: ['$AdsStdin', 'ads_stdin_source', 'ads_fd_read_on_main'],
  fd_read__proxy: false,
  fd_read__sig: 'iiiii',
  fd_read: function (fd, iov, iovcnt, pnum) {
    if (fd === 0 && ENVIRONMENT_IS_PTHREAD) {
      if (AdsStdin.source < 0) AdsStdin.source = _ads_stdin_source();
      if (AdsStdin.source > 0) {
        var total = 0;
        for (var i = 0; i < iovcnt; i++) total += HEAPU32[(iov >> 2) + 2 * i + 1];
        var got = AdsStdin.take(Math.max(1, Math.min(total, 65536)));
        var off = 0;
        for (var j = 0; j < iovcnt && off < got.length; j++) {
          var ptr = HEAPU32[(iov >> 2) + 2 * j];
          var len = Math.min(HEAPU32[(iov >> 2) + 2 * j + 1], got.length - off);
          HEAPU8.set(got.subarray(off, off + len), ptr);
          off += len;
        }
        HEAP32[pnum >> 2] = off;
        return 0;
      }
    }
    return _ads_fd_read_on_main(fd, iov, iovcnt, pnum);
  },
#endif
});
