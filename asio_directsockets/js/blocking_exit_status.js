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
__ATMAIN__.push(function () {
  function report(status) {
    EXITSTATUS = status;
    if (typeof process === 'object' && process.versions && process.versions.node) {
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
  Module['_main'] = function () {
    var ret = realMain.apply(this, arguments);
    if (typeof Asyncify === 'object' && Asyncify.currData) {
      Asyncify.whenDone().then(report, ended);
    }
    return ret;
  };
});
