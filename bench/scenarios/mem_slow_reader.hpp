// Memory under back-pressure: `conns` connections write `msg`-byte messages
// as fast as async_write completes, to the server's sink port, which reads
// 4 KiB per millisecond. The kernel's socket buffers fill and the writer must
// wait; a library that queued data on its own would grow. Reports the
// writer's peak RSS, its growth over the second half of the run (bounded =
// about zero), the reader's RSS growth, and what got through. In the browser
// build the writer's memory is its wasm heap plus its JS heap, and its peak is
// the wasm heap's peak footprint plus the most the JS bridge had queued
// (memory_sample.hpp).
#pragma once

#include "../common/args.hpp"
#include "../common/memory_sample.hpp"
#include "../common/row.hpp"

#include <memory>
#include <vector>

namespace bench {

class fast_writer {
 public:
  fast_writer(net::io_context& io, std::size_t msg, bool& stopping, long long& written)
      : sock_(io), out_(msg, 'w'), stopping_(stopping), written_(written) {}
  net::ip::tcp::socket& socket() { return sock_; }
  std::string error;

  void go() {
    net::async_write(sock_, net::buffer(out_), [this](boost::system::error_code ec, std::size_t n) {
      written_ += static_cast<long long>(n);
      if (ec) {
        if (!stopping_) error = "write: " + ec.message();
        return;
      }
      if (!stopping_) go();
    });
  }

 private:
  net::ip::tcp::socket sock_;
  std::vector<char> out_;
  bool& stopping_;
  long long& written_;
};

inline int run_mem_slow_reader(args& a) {
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const auto msg = static_cast<std::size_t>(a.integer("msg", 65536));
  const int conns = static_cast<int>(a.integer("conns", 1));
  const double secs = a.number("secs", 2.0);
  const int server_pid = static_cast<int>(a.integer("server-pid", 0));
  a.check_all_used();

  net::io_context io;
  bool stopping = false;
  long long written = 0;
  std::vector<std::unique_ptr<fast_writer>> ws;
  const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < conns; ++i) {
    ws.push_back(std::make_unique<fast_writer>(io, msg, stopping, written));
    ws.back()->socket().connect(ep);
  }
  const long long server0 = server_pid > 0 ? rss_kib(server_pid) : -1;
  memory_sample client_mid, client_end;
  long long server_end = -1;
  const auto half =
      std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(secs / 2));
  net::steady_timer t(io);
  const auto t0 = clock::now();
  for (auto& w : ws)
    w->go();
  t.expires_after(half);
  t.async_wait([&](boost::system::error_code) {
    sample_memory_async(io, [&](memory_sample m) {
      client_mid = m;
      t.expires_after(half);
      t.async_wait([&](boost::system::error_code) {
        if (server_pid > 0) server_end = rss_kib(server_pid);
        sample_memory_async(io, [&](memory_sample m) {
          client_end = m;
          stopping = true;
          for (auto& w : ws) {
            boost::system::error_code ignored;
            w->socket().close(ignored);
          }
        });
      });
    });
  });
  io.run();
  const double s = std::chrono::duration<double>(clock::now() - t0).count();
  for (auto& w : ws)
    if (!w->error.empty()) return fail("mem_slow_reader", msg, conns, w->error);

  json_line j = row("mem_slow_reader", msg, conns);
  j.field("seconds", s);
  if (const long long peak = peak_rss_kib(); peak >= 0)
    j.value("writer_peak_rss", static_cast<double>(peak), "KiB");
  if (client_end.wasm_peak >= 0)  // browser build: wasm footprint + what the bridge queued
    j.value(
        "writer_peak_heap",
        (client_end.wasm_peak + (client_end.bridge_peak > 0 ? client_end.bridge_peak : 0)) / 1024,
        "KiB");
  if (client_mid.own() >= 0 && client_end.own() >= 0)
    j.value("writer_rss_growth", (client_end.own() - client_mid.own()) / 1024, "KiB");
  if (client_end.bridge_bytes >= 0)
    j.value("writer_bridge_bytes", client_end.bridge_bytes / 1024, "KiB");
  if (server_pid > 0 && server0 >= 0 && server_end >= 0)
    j.value("reader_rss_growth", static_cast<double>(server_end - server0), "KiB");
  j.value("written", written / 1048576.0, "MiB");
  j.print();
  return 0;
}

}  // namespace bench
