// Connection setup rate: `conns` connectors each loop over
//   async_connect -> server accepts and closes at once -> client reads eof -> close
// so every counted cycle is one full connect + accept + close on both sides.
// The server closes first, which keeps TIME_WAIT off the client's ephemeral
// ports. Reports cycles/s and cycle time p50/p99. With --send-byte 1 the client
// writes one byte after connecting and the server (role tcp_close_on_byte)
// closes once it has read it: Chromium rejects a TCPSocket's `opened` when the
// peer closed before the socket finished opening, so the browser half measures
// this variant, for every client alike.
#pragma once

#include "../common/args.hpp"
#include "../common/row.hpp"

#include <memory>
#include <vector>

namespace bench {

class connector {
 public:
  connector(net::io_context& io, net::ip::tcp::endpoint ep, window& w, latency_samples& lat,
            long long& cycles, bool send_byte)
      : io_(io), sock_(io), ep_(ep), w_(w), lat_(lat), cycles_(cycles), send_byte_(send_byte) {}

  void go() {
    if (w_.stopping) return;
    t0_ = clock::now();
    sock_ = net::ip::tcp::socket(io_);
    sock_.async_connect(ep_, [this](boost::system::error_code ec) {
      if (ec) return note(ec, "connect");
      if (!send_byte_) return await_eof();
      byte_[0] = 'c';
      net::async_write(sock_, net::buffer(byte_),
                       [this](boost::system::error_code ec, std::size_t) {
                         if (ec) return note(ec, "write");
                         await_eof();
                       });
    });
  }
  void stop() {
    boost::system::error_code ec;
    sock_.close(ec);
  }
  std::string error;

 private:
  void await_eof() {
    sock_.async_read_some(net::buffer(byte_), [this](boost::system::error_code ec, std::size_t) {
      if (ec != net::error::eof) return note(ec, "read (expected eof)");
      boost::system::error_code ignored;
      sock_.close(ignored);
      if (w_.measuring) {
        ++cycles_;
        lat_.add(clock::now() - t0_);
      }
      go();
    });
  }
  void note(const boost::system::error_code& ec, const char* what) {
    if (!w_.stopping) error = std::string(what) + ": " + ec.message();
  }

  net::io_context& io_;
  net::ip::tcp::socket sock_;
  net::ip::tcp::endpoint ep_;
  window& w_;
  latency_samples& lat_;
  long long& cycles_;
  bool send_byte_;
  char byte_[1];
  clock::time_point t0_;
};

inline int run_tcp_connect(args& a) {
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const int conns = static_cast<int>(a.integer("conns", 1));
  const double secs = a.number("secs", 1.0), warm = a.number("warm", 0.25);
  const int server_pid = static_cast<int>(a.integer("server-pid", 0));
  const bool send_byte = a.integer("send-byte", 0) != 0;
  a.check_all_used();

  net::io_context io;
  window w(io, warm, secs, server_pid);
  latency_samples lat;
  long long cycles = 0;
  const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  std::vector<std::unique_ptr<connector>> cs;
  for (int i = 0; i < conns; ++i)
    cs.push_back(std::make_unique<connector>(io, ep, w, lat, cycles, send_byte));
  for (auto& c : cs)
    c->go();
  w.start([&] {
    for (auto& c : cs)
      c->stop();
  });
  io.run();
  for (auto& c : cs)
    if (!c->error.empty()) return fail("tcp_connect", 0, conns, c->error);

  const double s = w.seconds();
  json_line j = row("tcp_connect", 0, conns);
  j.field("seconds", s)
      .value("rate", cycles / s, "connections/s")
      .value("p50", lat.percentile(0.50), "us")
      .value("p99", lat.percentile(0.99), "us");
  add_cpu(j, w, static_cast<double>(cycles));
  j.print();
  return 0;
}

}  // namespace bench
