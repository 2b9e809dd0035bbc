// --post-js of the asio_directsockets::blocking link target (-sASYNCIFY).
//
// Emscripten 3.1.6 reports a program's exit status as soon as main() first
// *suspends* (with a meaningless value) and drops the value main() returns
// when it really finishes. A blocking-mode program suspends inside
// io_context::run(), so without this its status would always be lost: under
// Node the process would exit 0 even when main() returned 1 (a failed test
// suite would pass). This reports main()'s real return value: under Node as
// the process exit code, elsewhere to Module.onExit if the page set one.
__ATMAIN__.push(function () {
  var realMain = Module['_main'];
  if (typeof realMain !== 'function') return;
  Module['_main'] = function () {
    var ret = realMain.apply(this, arguments);
    if (typeof Asyncify === 'object' && Asyncify.currData) {
      Asyncify.whenDone().then(function (status) {
        if (typeof process === 'object' && process.versions && process.versions.node) {
          process.exitCode = status;
        } else if (typeof Module['onExit'] === 'function') {
          Module['onExit'](status);
        }
      }, function () {
        // exit() or an exception ended main(): Emscripten reported that itself.
      });
    }
    return ret;
  };
});
