// How a program ends in a -pthread build (docs/threading.md, "In the browser"): as natively, when
// main() returns, the program ends with its status, whatever other threads still do. Emscripten
// 3.1.6 keeps a Node process alive while its pthread Workers live, and under -sPROXY_TO_PTHREAD
// reports no status at all for a blocking-mode main(); the blocking mode's post-js calls this on
// the main thread (directly, or from main()'s pthread through ads_main_ended_on_thread).
// A --js-library of every wasm program of the library, like uncaught.js.

mergeInto(LibraryManager.library, {
  ads_program_ended__sig: 'vi',
  ads_program_ended: function (status) {
    EXITSTATUS = status;
    if (typeof PThread === 'object' && PThread && typeof PThread.terminateAllThreads === 'function') {
      PThread.terminateAllThreads();
    }
    if (ENVIRONMENT_IS_NODE) {
      process['exit'](status);
      return;
    }
    if (typeof Module['onExit'] === 'function') Module['onExit'](status);
  }
});
