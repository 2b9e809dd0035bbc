#include <asio_directsockets/detail/backend/direct_sockets/cross_thread_wake.hpp>

#if defined(__EMSCRIPTEN_PTHREADS__)
#include "record.hpp"

#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>

#include <emscripten/threading.h>

#include <climits>

namespace asio_directsockets::detail::ds {

void cross_thread_wake::runner_waits() {
  enter_realm();  // its JS is let go of when the thread ends
  runner_.store(pthread_self(), std::memory_order_release);
  // The value seen now: a wake that comes after this load changes it, and the watch fires.
  ads_watch_wake(reinterpret_cast<int*>(&word_), word_.load(std::memory_order_acquire));
}

bool cross_thread_wake::wake_from_another_thread() {
  const pthread_t runner = runner_.load(std::memory_order_acquire);
  if (!runner || pthread_equal(runner, pthread_self())) return false;
  word_.fetch_add(1, std::memory_order_acq_rel);
  emscripten_futex_wake(&word_, INT_MAX);
  return true;
}

}  // namespace asio_directsockets::detail::ds
#endif
