// Bytes per idle connection, both sides: RSS before and after `conns`
// connections that each have one async_read_some (64-byte buffer) pending on
// the client and on the server (the server's idle port greets each new
// connection with one byte, so the client knows every accept has happened).
// The delta includes what an application holds per connection (the socket
// object, a small buffer, the pending operation); the program is the same for
// both implementations, so the difference between them is the library's.
// In the browser build "the client" is the wasm heap plus the JS heap, and the
// browser's renderer and network-service RSS are reported as well
// (memory_sample.hpp).
#pragma once

#include "../common/args.hpp"
#include "../common/memory_sample.hpp"
#include "../common/row.hpp"

#include <memory>
#include <vector>

namespace bench {

struct idle_conn {
  explicit idle_conn(net::io_context& io) : sock(io) {}
  net::ip::tcp::socket sock;
  char buf[64];
};

inline int run_mem_idle(args& a) {
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const int conns = static_cast<int>(a.integer("conns", 1000));
  const int server_pid = static_cast<int>(a.integer("server-pid", 0));
  a.check_all_used();

  net::io_context io;
  std::vector<std::unique_ptr<idle_conn>> cs;
  cs.reserve(conns);
  const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  // Warm the allocator and the library's lazily built state with one
  // connection that is not counted.
  {
    idle_conn warmup(io);
    warmup.sock.connect(ep);
    net::read(warmup.sock, net::buffer(warmup.buf, 1));
  }
  const memory_sample client0 = sample_memory(io);
  const long long server0 = server_pid > 0 ? rss_kib(server_pid) : -1;

  int greeted = 0;
  std::string error;
  memory_sample client1;
  long long server1 = -1;
  net::steady_timer settle(io);
  for (int i = 0; i < conns; ++i) {
    cs.push_back(std::make_unique<idle_conn>(io));
    cs.back()->sock.connect(ep);
  }
  for (auto& c : cs) {
    idle_conn* p = c.get();
    net::async_read(p->sock, net::buffer(p->buf, 1),
                    [&, p](boost::system::error_code ec, std::size_t) {
                      if (ec) {
                        error = "greeting: " + ec.message();
                        return;
                      }
                      // Idle from now on: one read pending, as a server's session would be.
                      p->sock.async_read_some(net::buffer(p->buf),
                                              [](boost::system::error_code, std::size_t) {});
                      if (++greeted < conns) return;
                      settle.expires_after(std::chrono::milliseconds(100));
                      settle.async_wait([&](boost::system::error_code) {
                        if (server_pid > 0) server1 = rss_kib(server_pid);
                        sample_memory_async(io, [&](memory_sample m) {
                          client1 = m;
                          for (auto& c : cs) {
                            boost::system::error_code ignored;
                            c->sock.close(ignored);
                          }
                        });
                      });
                    });
  }
  io.run();
  if (!error.empty()) return fail("mem_idle", 0, conns, error);

  json_line j = row("mem_idle", 0, conns);
  const auto per_conn = [&](const char* metric, double before, double after) {
    if (before >= 0 && after >= 0) j.value(metric, (after - before) / conns, "bytes");
  };
  per_conn("client_bytes_per_conn", client0.own(), client1.own());
  if (server_pid > 0 && server0 >= 0 && server1 >= 0)
    j.value("server_bytes_per_conn", (server1 - server0) * 1024.0 / conns, "bytes");
  per_conn("wasm_heap_bytes_per_conn", client0.wasm_heap, client1.wasm_heap);
  per_conn("js_heap_bytes_per_conn", client0.js_heap, client1.js_heap);
  per_conn("renderer_bytes_per_conn", client0.renderer_rss, client1.renderer_rss);
  per_conn("network_service_bytes_per_conn", client0.network_rss, client1.network_rss);
  j.print();
  return 0;
}

}  // namespace bench
