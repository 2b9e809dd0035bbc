// The browser build under a fast writer and a slow reader (both ends are this program's own
// Direct Sockets, over loopback): the writer keeps 256 KiB writes outstanding (32 MiB in all),
// the reader takes 16 KiB every 20 ms for 2 seconds, then drains at full speed. Measured every
// 10 ms from the bridge itself: each socket's staging queue and received bytes held, the wasm
// heap, and under Node the reachable ArrayBuffer memory (every 100 ms, after a full GC).
// Asserted: the staging queue stays within QUEUE_LIMIT + one write, what was received ahead of
// the program within RECV_AHEAD + one chunk, the heap does not grow, the JS-side memory stays at a
// few MiB while the reader is slow, and the writer is held back (backpressure reaches async_write).
// Every byte is checked.
#define BOOST_TEST_MODULE wasm_slow_reader_memory
#include <boost/config.hpp>
#undef BOOST_HAS_SIGACTION  // see conformance_ours.cpp: sigsetjmp and ASYNCIFY do not mix
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <asio_directsockets.hpp>
#include <boost/test/included/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace {

namespace net = asio_directsockets;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

unsigned char byte_at(std::uint64_t i) {
  return static_cast<unsigned char>((i * 11 + 5) % 249);
}

// The bridge's per-socket accounting (asio_directsockets/js/bridge/: tcp.js, send_queue.js).
// JavaScript inside EM_ASM: clang-format would turn === into == =.
// clang-format off
int max_staged_bytes() {
  return EM_ASM_INT({
    var m = 0;
    AdsBridge.socks.forEach(function(s) { m = Math.max(m, s.wqBytes || 0); });
    return m;
  });
}
int max_received_bytes() {
  return EM_ASM_INT({
    var m = 0;
    AdsBridge.socks.forEach(function(s) { m = Math.max(m, s.rxBytes || 0); });
    return m;
  });
}
int recv_ahead() {
  return EM_ASM_INT({ return AdsBridge.RECV_AHEAD; });
}
int queue_limit() {
  return EM_ASM_INT({ return AdsBridge.QUEUE_LIMIT; });
}
// Node only (-1 in a browser): ArrayBuffer memory outside the wasm heap that is still
// reachable, in KiB. A full GC first: copies already written are garbage that V8 may keep
// uncollected for a long time, which says nothing about what the bridge holds.
int js_array_buffers_kib() {
  return EM_ASM_INT({
    if (typeof process === 'undefined' || !process.memoryUsage) return -1;
    if (!Module.adsTestGc) {
      require('v8').setFlagsFromString('--expose-gc');
      Module.adsTestGc = require('vm').runInNewContext('gc');
    }
    Module.adsTestGc();
    return Math.floor(process.memoryUsage().arrayBuffers / 1024);
  });
}
// clang-format on

}  // namespace

BOOST_AUTO_TEST_CASE(fast_writer_slow_reader_keeps_bridge_memory_bounded) {
  constexpr std::size_t total = 32u << 20, chunk = 256u << 10, slow_read = 16u << 10;
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  tcp::socket client(ioc), server(ioc);
  int ready = 0;
  acceptor.async_accept(server, [&](error_code ec) {
    BOOST_TEST(!ec);
    ++ready;
  });
  client.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    BOOST_TEST(!ec);
    ++ready;
  });
  while (ready < 2)
    ioc.run_one_for(100ms);
  ioc.restart();  // out of work once connected, which stopped the context

  std::vector<unsigned char> out(chunk), in(1 << 20);
  const std::size_t heap_before = emscripten_get_heap_size();
  const int js_before = js_array_buffers_kib();  // also the bridge's first staging buffer
  int js_peak = js_before, js_steady_peak = js_before, staged_peak = 0, received_peak = 0;

  std::size_t written = 0, received = 0, first_bad = total;
  std::function<void()> write_next = [&] {
    if (written == total) return;
    for (std::size_t k = 0; k < chunk; ++k)
      out[k] = byte_at(written + k);
    // Completes once the bytes are copied into the bridge's staging queue; `out` is then free.
    net::async_write(client, net::buffer(out), [&](error_code ec, std::size_t n) {
      BOOST_TEST(!ec);
      written += n;
      if (!ec) write_next();
    });
  };
  write_next();

  const auto slow_until = clk::now() + 2s;
  std::size_t written_while_slow = 0;
  net::steady_timer pace(ioc), sample(ioc);
  std::function<void()> read_next = [&] {
    const bool slow = clk::now() < slow_until;
    server.async_read_some(net::buffer(in.data(), slow ? slow_read : in.size()),
                           [&, slow](error_code ec, std::size_t n) {
                             BOOST_TEST(!ec);
                             for (std::size_t k = 0; k < n && first_bad == total; ++k)
                               if (in[k] != byte_at(received + k)) first_bad = received + k;
                             received += n;
                             if (ec || received == total) return;
                             if (!slow) return read_next();
                             pace.expires_after(20ms);
                             pace.async_wait([&](error_code) { read_next(); });
                           });
  };
  read_next();
  int samples = 0;
  std::function<void()> measure = [&] {
    staged_peak = std::max(staged_peak, max_staged_bytes());
    received_peak = std::max(received_peak, max_received_bytes());
    if (++samples % 10 == 0) {
      const int kib = js_array_buffers_kib();
      js_peak = std::max(js_peak, kib);
      const auto now = clk::now();
      if (now >= slow_until - 1s && now < slow_until)
        js_steady_peak = std::max(js_steady_peak, kib);
    }
    if (clk::now() < slow_until) written_while_slow = written;
    if (received == total) return;
    sample.expires_after(10ms);
    sample.async_wait([&](error_code) { measure(); });
  };
  measure();

  const auto deadline = clk::now() + 120s;
  while ((received < total || written < total) && clk::now() < deadline)
    ioc.run_one_for(100ms);

  BOOST_TEST(written == total);
  BOOST_TEST(received == total);
  // Both sockets still open. V8 frees dead ArrayBuffers' memory after a GC, off the main thread:
  // give it a few event-loop turns, collecting each time.
  int js_after = js_array_buffers_kib();
  for (int turn = 0; turn < 5; ++turn) {
    net::steady_timer settle(ioc, 50ms);
    settle.wait();
    js_after = std::min(js_after, js_array_buffers_kib());
  }
  BOOST_TEST(first_bad == total, "first corrupt byte at " << first_bad);
  BOOST_TEST_MESSAGE("bridge under a slow reader: staging peak "
                     << staged_peak << " B (limit " << queue_limit()
                     << " + one write), received-ahead peak " << received_peak
                     << " B, JS ArrayBuffers " << js_before
                     << " KiB -> peak in the slow phase's second half " << js_steady_peak
                     << " KiB, overall peak " << js_peak << " KiB, after the transfer " << js_after
                     << " KiB, wasm heap " << heap_before << " -> " << emscripten_get_heap_size()
                     << " B, written while slow " << written_while_slow << " of " << total);
  BOOST_TEST(staged_peak > 0);
  BOOST_TEST(staged_peak <= queue_limit() + static_cast<int>(chunk));
  BOOST_TEST(received_peak <= recv_ahead() + 64 * 1024);
  BOOST_TEST(emscripten_get_heap_size() == heap_before);
  BOOST_TEST(written_while_slow < total / 2);
  // Once the pipeline is full (the slow phase's second half), what stays reachable in JS is the
  // bridge's staging queue and buffer, what it received ahead (RECV_AHEAD), and the Node
  // implementation's own buffers (its 64 KiB pipe model, Node's stream buffers, the backing stores
  // of received chunks) and dead buffers V8 has not freed yet (a sample is taken inside one task,
  // where a GC finds them dead but their memory goes back later), allowed 6 MiB: 5.6 MiB in all
  // was seen on a loaded CI machine, 3.5 MiB here. Bursts while the pipeline fills or drains at
  // full speed are the Node implementation's transient buffering, reported above, not asserted.
  constexpr int node_allowance_kib = 6 * 1024;
  const int bridge_bound_kib = (queue_limit() + static_cast<int>(chunk) + recv_ahead()) / 1024;
  if (js_before >= 0) {
    BOOST_TEST(js_steady_peak - js_before < bridge_bound_kib + node_allowance_kib);
    // Once everything was read, nothing the transfer went through stays reachable: keeping the
    // 32 MiB (or each staging copy) alive would show here.
    BOOST_TEST(js_after - js_before < bridge_bound_kib + node_allowance_kib);
  }
}
