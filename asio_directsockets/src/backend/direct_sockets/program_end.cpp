// -pthread builds with -sPROXY_TO_PTHREAD: main() runs on a pthread, but the program's end (the
// exit status, the Node process, the page's Module.onExit) belongs to the main browser thread.
// The blocking mode's post-js (js/blocking_exit_status.js) calls this from the pthread when main()
// really returns; it hands the status to the main thread, whose JS (js/runtime/program_end.js)
// ends the program as a native one ends when main() returns, other threads or not.
#if defined(__EMSCRIPTEN_PTHREADS__)
#include <emscripten/emscripten.h>
#include <emscripten/threading.h>

extern "C" void ads_program_ended(int status);  // js/runtime/program_end.js

namespace {
void end_on_main_thread(int status) {
  ads_program_ended(status);
}
}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void ads_main_ended_on_thread(int status) {
  emscripten_async_run_in_main_runtime_thread(EM_FUNC_SIG_VI, &end_on_main_thread, status);
}
#endif
