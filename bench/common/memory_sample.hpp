// What the memory scenarios measure about the client side.
//   native:        the process's RSS;
//   browser build: the wasm heap in use and its peak footprint (mallinfo),
//                  and, when run by the browser driver, the browser-side
//                  figures of /api/probe (host.hpp): the JS heap after a full
//                  GC, the renderer's and the network service's RSS, and the
//                  bytes the library's JS bridge holds.
// A figure that could not be taken is -1.
#pragma once

#include "latency.hpp"
#include "net_select.hpp"
#include "proc_stats.hpp"

#include <chrono>
#include <functional>
#include <memory>

#if defined(__EMSCRIPTEN__)
#include <malloc.h>
#endif

namespace bench {

struct memory_sample {
  double rss = -1;           // native: this process's resident bytes
  double wasm_heap = -1;     // bytes malloc'd in wasm memory
  double wasm_peak = -1;     // the wasm heap's largest footprint so far
  double js_heap = -1;       // V8 heap in use after a full GC (the page's or the Worker's)
  double renderer_rss = -1;  // the renderer process
  double network_rss = -1;   // the browser's network service process
  double bridge_bytes = -1;  // what the JS bridge holds now: queued writes, staging, bytes received ahead
  double bridge_peak = -1;   // the most each live socket had queued for writing, summed

  // The program's own heaps: RSS natively; wasm + JS heap in a browser.
  double own() const {
    if (rss >= 0) return rss;
    if (wasm_heap < 0) return -1;
    return wasm_heap + (js_heap >= 0 ? js_heap : 0);
  }
};

#if defined(__EMSCRIPTEN__)
namespace detail {
// Waits (on timers, so the JS event loop stays free for the request) until the
// driver answered /api/probe, at most 20 s.
class probe_wait : public std::enable_shared_from_this<probe_wait> {
 public:
  probe_wait(net::io_context& io, memory_sample m, std::function<void(memory_sample)> done)
      : timer_(io),
        m_(m),
        done_(std::move(done)),
        deadline_(clock::now() + std::chrono::seconds(20)) {}
  void check() {
    if (host::probe_ready_js() || clock::now() > deadline_) {
      m_.js_heap = host::probe_value_js("js_heap");
      m_.renderer_rss = host::probe_value_js("renderer_rss");
      m_.network_rss = host::probe_value_js("network_rss");
      m_.bridge_bytes = host::probe_value_js("bridge_bytes");
      m_.bridge_peak = host::probe_value_js("bridge_peak");
      done_(m_);
      return;
    }
    timer_.expires_after(std::chrono::milliseconds(5));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->check(); });
  }

 private:
  net::steady_timer timer_;
  memory_sample m_;
  std::function<void(memory_sample)> done_;
  clock::time_point deadline_;
};
}  // namespace detail
#endif

// Calls done(sample) once the figures are in: at once natively, after the
// driver's answer in a browser. Callable from a handler.
inline void sample_memory_async(net::io_context& io, std::function<void(memory_sample)> done) {
  memory_sample m;
#if defined(__EMSCRIPTEN__)
  const struct mallinfo mi = mallinfo();
  m.wasm_heap = static_cast<double>(mi.uordblks);
  m.wasm_peak = static_cast<double>(mi.usmblks);
  host::probe_start_js();
  std::make_shared<detail::probe_wait>(io, m, std::move(done))->check();
#else
  (void)io;
  const long long kib = rss_kib();
  m.rss = kib >= 0 ? kib * 1024.0 : -1;
  done(m);
#endif
}

// The same from outside any handler: runs the context until the sample is in,
// and leaves it ready for the caller's run() (running out of work stops it).
inline memory_sample sample_memory(net::io_context& io) {
  memory_sample out;
  bool got = false;
  sample_memory_async(io, [&](memory_sample m) {
    out = m;
    got = true;
  });
  if (!got) {
    if (io.stopped()) io.restart();
    while (!got && io.run_one() != 0) {
    }
    if (io.stopped()) io.restart();
  }
  return out;
}

}  // namespace bench
