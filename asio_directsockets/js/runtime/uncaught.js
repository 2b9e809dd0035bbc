// Uncaught C++ exceptions, said as a native program says them (docs/browser.md, "Uncaught
// exceptions"). A --js-library of every wasm program of the library (cmake/emscripten.cmake), kept
// apart from the Direct Sockets bridge (js/bridge/): it replaces a piece of Emscripten's runtime.
//
// Emscripten 3.1.6 (JS exceptions, the ASYNCIFY build's model) throws a C++ exception into JS as
// the address of the thrown object, and an uncaught one ends the program as that number
// ("uncaught exception: 5279840"; under Node a bare number after the whole minified line of
// script). AdsUncaught.describe turns the address into the text a native program prints (type
// and what(), by ads_describe_exception); it is also Module.adsDescribeException, for hosts that
// catch the exception themselves (the headless-Chromium runner). handleException, through which
// Emscripten passes every uncaught exception of main() and of callbacks, is replaced: it prints
// that text to stderr and ends the program with status 1 as before. Exit requests (ExitStatus,
// 'unwind') pass unchanged.

// EXCEPTION_HANDLING: Emscripten's setting for -fwasm-exceptions, read when the library is linked.
var adsWasmExceptions = typeof EXCEPTION_HANDLING !== 'undefined' && EXCEPTION_HANDLING;

mergeInto(LibraryManager.library, {
  // ExceptionInfo (Emscripten's record of a thrown C++ object) exists with JS exceptions only;
  // with wasm exceptions (the JSPI build) a C++ exception reaches JS as a WebAssembly.Exception
  // carrying the __cpp_exception tag (exported by the link: cmake/emscripten.cmake), which
  // ads_describe_wasm_exception reads.
  $AdsUncaught__deps: adsWasmExceptions ? [] : ['$ExceptionInfo'],
  // With wasm exceptions the tag is bound as Emscripten binds an export it wants (var x =
  // Module['x'] = ...asm['x']...): its meta-DCE keeps only exports the JS receives that way, and
  // would drop the tag that -Wl,--export=__cpp_exception exported.
  $AdsUncaught__postset: "Module['adsDescribeException'] = AdsUncaught.describe;" +
    (adsWasmExceptions
      ? "var ___cpp_exception = Module['___cpp_exception'] = function () {" +
        " return Module['asm']['__cpp_exception']; };"
      : ''),
  $AdsUncaught: {
    // The text for a thrown value, or null when it is not a C++ exception this build can read.
    describe: function (e) {
      try {
        if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception) {
          var tag = Module['___cpp_exception'] ? Module['___cpp_exception']() : null;
          var g = Module['_ads_describe_wasm_exception'];
          if (!tag || typeof g !== 'function' || !e.is(tag)) return null;
          var text = g(e.getArg(tag, 0));
          return text ? UTF8ToString(text) : null;
        }
        var f = typeof Module !== 'undefined' ? Module['_ads_describe_exception'] : null;
        if (typeof e !== 'number' || typeof f !== 'function' || typeof ExceptionInfo !== 'function') {
          return null;
        }
        var type = new ExceptionInfo(e).get_type();
        return type ? UTF8ToString(f(e, type)) : null;
      } catch (ignored) {
        return null;  // a damaged heap: keep Emscripten's own report
      }
    }
  },
  $handleException__deps: ['$AdsUncaught'],
  $handleException: function (e) {
    if (e instanceof ExitStatus || e == 'unwind') return EXITSTATUS;
    var text = AdsUncaught.describe(e);
    if (text === null) quit_(1, e);
    err(text);
    if (ENVIRONMENT_IS_NODE) {
      // Node would print the throw site's source line first: the whole minified script.
      EXITSTATUS = 1;
      process['exit'](1);
    }
    quit_(1, new Error(text));
  }
});
