// TCP echo ping-pong: each of `conns` connections writes one `msg`-byte
// message, reads the echo back completely, and repeats (one round trip). All
// connections share one single-threaded io_context, as in the baselines.
// Reports payload MiB/s (counted once), round trips/s, RTT p50/p99, CPU/op.
#pragma once

#include "../common/args.hpp"
#include "../common/row.hpp"

#include <memory>
#include <vector>

namespace bench {

class echo_conn {
 public:
  echo_conn(net::io_context& io, std::size_t n, window& w, latency_samples& lat, long long& rts)
      : sock_(io), out_(n), in_(n), w_(w), lat_(lat), rts_(rts) {
    for (std::size_t i = 0; i < n; ++i)
      out_[i] = static_cast<char>(i * 7 + 1);
  }
  net::ip::tcp::socket& socket() { return sock_; }
  std::string error;

  void go() {
    if (w_.stopping) return;
    t0_ = clock::now();
    net::async_write(sock_, net::buffer(out_), [this](boost::system::error_code ec, std::size_t) {
      if (ec) return note(ec, "write");
      net::async_read(sock_, net::buffer(in_), [this](boost::system::error_code ec, std::size_t) {
        if (ec) return note(ec, "read");
        if (in_.front() != out_.front() || in_.back() != out_.back()) error = "bad echo";
        if (w_.measuring) {
          ++rts_;
          lat_.add(clock::now() - t0_);
        }
        if (error.empty()) go();
      });
    });
  }

 private:
  void note(const boost::system::error_code& ec, const char* what) {
    if (!w_.stopping) error = std::string(what) + ": " + ec.message();
  }

  net::ip::tcp::socket sock_;
  std::vector<char> out_, in_;
  window& w_;
  latency_samples& lat_;
  long long& rts_;
  clock::time_point t0_;
};

inline int run_tcp_echo(args& a) {
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const auto msg = static_cast<std::size_t>(a.integer("msg", 64));
  const int conns = static_cast<int>(a.integer("conns", 1));
  const double secs = a.number("secs", 1.0), warm = a.number("warm", 0.25);
  const int server_pid = static_cast<int>(a.integer("server-pid", 0));
  a.check_all_used();

  net::io_context io;
  window w(io, warm, secs, server_pid);
  latency_samples lat;
  long long rts = 0;
  std::vector<std::unique_ptr<echo_conn>> cs;
  const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < conns; ++i) {
    auto c = std::make_unique<echo_conn>(io, msg, w, lat, rts);
    // TCP_NODELAY before connecting: Direct Sockets takes socket options only
    // when a socket opens (natively the order makes no difference).
    c->socket().open(ep.protocol());
    c->socket().set_option(net::ip::tcp::no_delay(true));
    c->socket().connect(ep);
    cs.push_back(std::move(c));
  }
  for (auto& c : cs)
    c->go();
  w.start([&] {
    for (auto& c : cs) {
      boost::system::error_code ec;
      c->socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
      c->socket().close(ec);
    }
  });
  io.run();
  for (auto& c : cs)
    if (!c->error.empty()) return fail("tcp_echo", msg, conns, c->error);

  const double s = w.seconds();
  json_line j = row("tcp_echo", msg, conns);
  j.field("seconds", s)
      .value("throughput", rts * static_cast<double>(msg) / 1048576.0 / s, "MiB/s")
      .value("rate", rts / s, "round trips/s")
      .value("p50", lat.percentile(0.50), "us")
      .value("p99", lat.percentile(0.99), "us");
  add_cpu(j, w, static_cast<double>(rts));
  j.print();
  return 0;
}

}  // namespace bench
