#include <asio_directsockets/detail/backend/direct_sockets/backend.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/bridge.hpp>
#include <asio_directsockets/detail/backend/direct_sockets/browser_loop.hpp>
#include <asio_directsockets/detail/clock_now.hpp>
#include <asio_directsockets/detail/scheduler.hpp>

#include <emscripten/emscripten.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace asio_directsockets::detail::browser_loop {

namespace {

// Per thread in -pthread builds: each thread's event loop drains the contexts it attached.
#if defined(__EMSCRIPTEN_PTHREADS__)
#define ADS_PER_THREAD thread_local
#else
#define ADS_PER_THREAD
#endif
ADS_PER_THREAD std::vector<scheduler*> attached;
ADS_PER_THREAD bool draining = false;
ADS_PER_THREAD unsigned long drains = 0;
#undef ADS_PER_THREAD

// One JS timer covers the earliest deadline of every attached context.
void schedule_next() {
  if (attached.empty()) return;
  constexpr long long no_timer = 5LL * 60 * 1000 * 1000;  // the reactor's cap
  long long usec = -1;
  for (scheduler* s : attached) {
    long long u = s->get_reactor().timer_wait_usec(-1);
    if (u >= no_timer) continue;
    usec = usec < 0 ? u : std::min(usec, u);
  }
  ads_schedule_drain(usec < 0 ? -1 : static_cast<int>((usec + 999) / 1000));
}

}  // namespace

bool is_attached(scheduler* s) {
  return std::find(attached.begin(), attached.end(), s) != attached.end();
}

unsigned long drains_so_far() {
  return drains;
}

void attach(scheduler* s) {
  if (!is_attached(s)) attached.push_back(s);
  if (!draining) schedule_next();
}

void detach(scheduler* s) {
  attached.erase(std::remove(attached.begin(), attached.end(), s), attached.end());
}

void drain_all() {
  draining = true;
  ++drains;
  // Handlers run for one time slice at most: a context whose handlers keep
  // coming must still let the event loop deliver socket completions (and
  // the page stay responsive); the rest runs in the next drain.
  const auto slice_end = steady_now() + ds::browser_time_slice;
  bool more = false;
  const std::vector<scheduler*> contexts = attached;
  for (scheduler* s : contexts) {
    if (!is_attached(s)) continue;  // destroyed by an earlier handler
    try {
      while (s->poll_one() != 0) {
        if (steady_now() >= slice_end) {
          more = true;
          break;
        }
      }
    } catch (...) {
      // No run() caller exists to receive the exception, and none may
      // escape into JS: stop that context.
      s->stop();
    }
    if (s->stopped()) {
      detach(s);
    } else if (s->get_reactor().has_delivered()) {
      more = true;  // completions a later context's handler delivered to this one
    }
  }
  draining = false;
  if (more)
    ads_schedule_drain(0);
  else
    schedule_next();
}

void request_drain(scheduler* s) {
  if (draining || s->running_in_this_thread() || !is_attached(s)) return;
  ads_schedule_drain(0);
}

}  // namespace asio_directsockets::detail::browser_loop

// Called by the JS bridge from a fresh task: runs what became ready.
extern "C" EMSCRIPTEN_KEEPALIVE void ads_drain() {
  asio_directsockets::detail::browser_loop::drain_all();
}
