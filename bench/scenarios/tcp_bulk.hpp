// Bulk transfers over one connection, byte-exact:
//   tcp_upload    `bytes` (64 MiB) of the pattern through net::async_write of
//                 `msg`-byte chunks in a loop: each write starts as soon as the
//                 previous one completed, never waiting for the peer (not
//                 ping-pong). The server's verifying sink checks every byte and
//                 answers "OK <n>" once all have arrived ("BAD <offset>" at the
//                 first wrong one). Timed from the first write to the answer,
//                 so every byte counted really reached the peer.
//   tcp_download  the server's source sends `bytes` of the pattern;
//                 async_read_some into a `msg`-byte buffer, every byte checked;
//                 timed until the last byte arrived.
// Both begin with an 8-byte little-endian header carrying `bytes`. Reports
// MiB/s and CPU µs per MiB (client + server).
#pragma once

#include "../common/args.hpp"
#include "../common/pattern.hpp"
#include "../common/row.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bench {

inline int run_tcp_bulk(args& a, bool upload) {
  const char* scenario = upload ? "tcp_upload" : "tcp_download";
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const auto msg = static_cast<std::size_t>(a.integer("msg", 65536));
  const auto bytes = static_cast<std::uint64_t>(a.integer("bytes", 64LL << 20));
  const int server_pid = static_cast<int>(a.integer("server-pid", 0));
  a.check_all_used();
  if (msg == 0) throw std::invalid_argument("--msg must be > 0");

  net::io_context io;
  net::ip::tcp::socket sock(io);
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  unsigned char header[8];
  for (int i = 0; i < 8; ++i)
    header[i] = static_cast<unsigned char>(bytes >> (8 * i));
  net::write(sock, net::buffer(header));

  const auto pat = std::make_unique<pattern>();
  std::vector<char> buf(msg);
  std::uint64_t done = 0;
  std::string error, verdict;
  std::function<void()> step;
  const auto fail_with = [&](const std::string& what) {
    if (error.empty()) error = what;
    boost::system::error_code ignored;
    sock.close(ignored);
  };
  if (upload) {
    step = [&] {
      if (done == bytes) {
        net::async_read_until(sock, net::dynamic_buffer(verdict), '\n',
                              [&](boost::system::error_code ec, std::size_t) {
                                if (ec) fail_with("reading the verdict: " + ec.message());
                              });
        return;
      }
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(msg, bytes - done));
      pat->fill(buf.data(), n, done);
      net::async_write(sock, net::buffer(buf.data(), n),
                       [&](boost::system::error_code ec, std::size_t k) {
                         if (ec) return fail_with("write: " + ec.message());
                         done += k;
                         step();
                       });
    };
  } else {
    step = [&] {
      sock.async_read_some(net::buffer(buf), [&](boost::system::error_code ec, std::size_t k) {
        if (ec) return fail_with("read after " + std::to_string(done) + " bytes: " + ec.message());
        const long long bad = pat->check(buf.data(), k, done);
        if (bad >= 0) return fail_with("wrong byte at offset " + std::to_string(done + bad));
        done += k;
        if (done > bytes) return fail_with("more bytes than requested");
        if (done < bytes) step();
      });
    };
  }

  const auto t0 = clock::now();
  const long long client0 = cpu_ns(), server0 = cpu_ns(server_pid);
  step();
  io.run();
  const double s = std::chrono::duration<double>(clock::now() - t0).count();
  const long long client1 = cpu_ns(), server1 = cpu_ns(server_pid);
  if (upload && error.empty() && verdict.rfind("OK ", 0) != 0)
    error = "sink: " + verdict.substr(0, verdict.find('\n'));
  if (!error.empty()) return fail(scenario, msg, 1, error);

  const double mib = bytes / 1048576.0;
  json_line j = row(scenario, msg, 1);
  j.field("bytes", static_cast<long long>(bytes)).field("seconds", s);
  j.value("throughput", mib / s, "MiB/s");
  if (client0 >= 0 && client1 >= 0)
    j.value("cpu_client_per_op", (client1 - client0) / 1e3 / mib, "us/MiB");
  if (server_pid > 0 && server0 >= 0 && server1 >= 0) {
    j.value("cpu_server_per_op", (server1 - server0) / 1e3 / mib, "us/MiB");
    if (client0 >= 0)
      j.value("cpu_per_op", (client1 - client0 + server1 - server0) / 1e3 / mib, "us/MiB");
  }
  j.print();
  return 0;
}

}  // namespace bench
