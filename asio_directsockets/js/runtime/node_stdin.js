// emcc --pre-js (every wasm program of the library, cmake/emscripten.cmake): standard input under
// Node that behaves as a native program's: a read waits for input, and returns what has arrived.
// Emscripten 3.1.6 reads it with fs.readSync(process.stdin.fd), and touching process.stdin makes a
// pipe non-blocking: a read that comes before the next line is typed throws EAGAIN, which the
// program sees as an input error (std::getline fails, an interactive client ends at once). Here
// the read waits instead (Atomics.wait between tries), and only a real end of input is end of
// file. Emscripten asks for input a byte at a time until a read's whole length is filled, so a
// read that already has bytes ends when no more have arrived (FS.read tells where a read starts).
// Module.adsNodeStdinRead is the blocking read itself, also for a pthread that reads standard
// input in its own Worker (js/runtime/stdin_on_thread.js). A program's own Module.stdin is left
// alone.
if (typeof process === 'object' && process.versions && process.versions.node) {
  // Fills buf with what has arrived, waiting until something has: the byte count, 0 at the end.
  Module['adsNodeStdinRead'] = function (buf) {
    var fs = require('fs');
    var pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      try {
        return fs.readSync(0, buf, 0, buf.length, null);
      } catch (e) {
        if (e.code !== 'EAGAIN') return 0;  // EOF (Windows), a closed or missing descriptor
        Atomics.wait(pause, 0, 0, 10);  // nothing typed yet
      }
    }
  };
}
if (Module['adsNodeStdinRead'] && !Module['stdin'] &&
    !Module['ENVIRONMENT_IS_PTHREAD']) {
  (function () {
    var buf = Buffer.alloc(4096);
    var have = 0;
    var next = 0;
    var eof = false;
    var served = false;  // this read has bytes already
    // Waits for more input: false at its end.
    function refill() {
      have = Module['adsNodeStdinRead'](buf);
      next = 0;
      return have > 0;
    }
    var input = function () {
      if (next < have) {
        served = true;
        return buf[next++];
      }
      if (eof) return null;
      if (served) {
        served = false;
        return undefined;  // the read ends with what has arrived
      }
      if (!refill()) {
        eof = true;
        return null;
      }
      served = true;
      return buf[next++];
    };
    input['adsNodeStdin'] = true;  // a pthread reads descriptor 0 itself (stdin_on_thread.js)
    Module['stdin'] = input;
    Module['preRun'] = [].concat(Module['preRun'] || [], function () {
      if (typeof FS !== 'object' || typeof FS.read !== 'function') return;
      var read = FS.read;
      FS.read = function (stream) {
        if (stream && stream.fd === 0) served = false;  // a new read starts
        return read.apply(this, arguments);
      };
    });
  })();
}
