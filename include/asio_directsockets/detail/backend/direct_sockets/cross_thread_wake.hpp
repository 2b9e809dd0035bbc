// Threads in the browser build (-pthread, docs/threading.md "In the browser"): a context is run
// by one thread, whose JS realm holds its sockets and whose event loop delivers their completions.
// A post, stop or work-guard release from another thread cannot call that realm's JS; it changes
// a word in the shared wasm memory and notifies it (Atomics.notify), and the runner's bridge,
// watching the word with Atomics.waitAsync (ads_watch_wake), ends its wait or schedules a drain.
// Without -pthread there is one thread and all of this compiles to nothing.
#pragma once

#if defined(__EMSCRIPTEN_PTHREADS__)
#include <pthread.h>
#include <atomic>
#endif

namespace asio_directsockets::detail::ds {

#if defined(__EMSCRIPTEN_PTHREADS__)
class cross_thread_wake {
 public:
  // The calling thread runs the context: from now on other threads' wakes reach it. Arms the
  // watch for the next wait (blocking mode) or drain (callback mode).
  void runner_waits();
  // Called by the thread that needs the runner awake: true if it did so across threads (then
  // the caller must not touch the runner's JS), false if the caller is the runner (or none has
  // run yet, when there is nobody to wake).
  bool wake_from_another_thread();

 private:
  std::atomic<pthread_t> runner_{};
  std::atomic<int> word_{0};
};
#else
class cross_thread_wake {
 public:
  void runner_waits() {}
  bool wake_from_another_thread() { return false; }
};
#endif

}  // namespace asio_directsockets::detail::ds
