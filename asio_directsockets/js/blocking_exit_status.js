// --post-js of the asio_directsockets::blocking link target (ASYNCIFY or JSPI).
//
// Emscripten 3.1.6 reports a program's exit status as soon as main() first
// *suspends* (with a meaningless value) and drops the value main() returns
// when it really finishes. A blocking-mode program suspends inside
// io_context::run(), so without this its status would always be lost: under
// Node the process would exit 0 even when main() returned 1 (a failed test
// suite would pass). This reports main()'s real return value: under Node as
// the process exit code, elsewhere to Module.onExit if the page set one.
//
// JSPI (Module.adsJspi, set by jspi_pre.js): main() must be entered through
// WebAssembly.promising for ads_wait to be able to suspend it; its promise
// settles with main()'s return value.
//
// -pthread builds (docs/threading.md, "In the browser"): a program ends when main() returns, as
// natively, even with other threads still running (Emscripten would keep a Node process alive for
// its Workers): js/runtime/program_end.js ends it. With -sPROXY_TO_PTHREAD main() runs on a
// pthread, where Emscripten reports no status: it is wrapped there too and hands its status to
// the main thread (ads_main_ended_on_thread).
var adsBlockingMain = (function () {
  var threads = typeof PThread === 'object';
  function report(status) {
    EXITSTATUS = status;
    if (threads && ENVIRONMENT_IS_PTHREAD) {
      Module['_ads_main_ended_on_thread'](status);
    } else if (threads) {
      _ads_program_ended(status);
    } else if (typeof process === 'object' && process.versions && process.versions.node) {
      process.exitCode = status;
    } else if (typeof Module['onExit'] === 'function') {
      Module['onExit'](status);
    }
  }
  // main() ended without returning: exit() inside it arrives as ExitStatus; anything else ends
  // the program as an uncaught exception would (Asyncify and JSPI hand it only to main()'s
  // promise: dropping it once made a program whose handler threw exit 0 silently).
  function ended(e) {
    if (e instanceof ExitStatus) {
      report(e.status);
    } else {
      handleException(e);
    }
  }
  // The ASYNCIFY wrapper: a main() that suspended reports when it finishes; one that returned at
  // once is Emscripten's to report, except in a -pthread build (see above).
  function wrap(realMain) {
    return function () {
      var ret = realMain.apply(this, arguments);
      if (typeof Asyncify === 'object' && Asyncify.currData) {
        Asyncify.whenDone().then(report, ended);
      } else if (threads) {
        report(ret);
      }
      return ret;
    };
  }
  // On main()'s pthread (-sPROXY_TO_PTHREAD) the suspension unwinds through the thread's entry,
  // and the rewind calls this wrapper again: main() has ended when it returns without suspending
  // (Asyncify.whenDone would settle with the entry's value, not main()'s).
  // `_main` starts as Emscripten's lazy stub, which replaces the binding with the raw export on
  // its first call: the wrapper puts itself back and calls the export from then on.
  function wrapOnThread(stub) {
    var realMain = stub;
    var wrapper = function () {
      var ret = realMain.apply(this, arguments);
      if (realMain === stub && typeof Module['_main'] === 'function') realMain = Module['_main'];
      _main = wrapper;
      if (!(typeof Asyncify === 'object' && Asyncify.currData)) report(ret);
      return ret;
    };
    return wrapper;
  }
  return { report: report, ended: ended, wrap: wrap, wrapOnThread: wrapOnThread };
})();

if (typeof ENVIRONMENT_IS_PTHREAD !== 'undefined' && ENVIRONMENT_IS_PTHREAD) {
  // -sPROXY_TO_PTHREAD: this pthread's ___call_main calls main() through the `_main` binding
  // (__ATMAIN__ runs on the main thread only).
  if (typeof _main === 'function') _main = adsBlockingMain.wrapOnThread(_main);
}

__ATMAIN__.push(function () {
  var report = adsBlockingMain.report;
  var ended = adsBlockingMain.ended;
  var realMain = Module['_main'];
  if (typeof realMain !== 'function') return;
  if (Module['adsJspi']) {
    var exported = Module['asm']['main'] || Module['asm']['__main_argc_argv'];
    if (typeof exported !== 'function') {
      abort('asio_directsockets: JSPI needs the main export by name (link with -lexports.js)');
    }
    var entry = WebAssembly.promising(exported);
    Module['_main'] = function (argc, argv) {
      runtimeKeepaliveCounter += 1;  // main() is still running while it is suspended
      // Settles with main()'s return value; hosts that report the exit status themselves (the
      // headless-Chromium runner) wait for it.
      var done = entry(argc, argv);
      Module['adsMainDone'] = done;
      done.then(function (status) {
        runtimeKeepaliveCounter -= 1;
        report(status);
      }, function (e) {
        runtimeKeepaliveCounter -= 1;
        ended(e);
      });
      return 0;  // callMain's implicit exit() is a no-op while main() runs
    };
    return;
  }
  Module['_main'] = adsBlockingMain.wrap(realMain);
});
