// UDP datagrams per second against the server's echo socket, from one
// unconnected socket (async_send_to / async_receive_from):
//   udp_rr     window 1: send one datagram, wait for its echo (also RTT p50/p99);
//   udp_flood  window W: keep W datagrams in flight, send one per echo.
// A datagram lost on loopback (receive buffer overflow) would stall the
// window, so a 20 ms watchdog forgets what is in flight and counts it lost.
#pragma once

#include "../common/args.hpp"
#include "../common/row.hpp"

#include <vector>

namespace bench {

class udp_pinger {
 public:
  udp_pinger(net::io_context& io, net::ip::udp::endpoint server, std::size_t msg, int window_size,
             window& w)
      : sock_(io, net::ip::udp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        watchdog_(io),
        server_(server),
        out_(msg, 'u'),
        in_(msg + 1),
        window_(window_size),
        w_(w) {}

  void start() {
    receive();
    fill();
    arm_watchdog();
  }
  void stop() {
    boost::system::error_code ec;
    watchdog_.cancel();
    sock_.close(ec);
  }

  long long received = 0, lost = 0;
  latency_samples lat;
  std::string error;

 private:
  // Sends until the window is full; one send in flight at a time.
  void fill() {
    if (sending_ || w_.stopping || in_flight_ >= window_) return;
    sending_ = true;
    ++in_flight_;
    sent_at_ = clock::now();
    sock_.async_send_to(net::buffer(out_), server_,
                        [this](boost::system::error_code ec, std::size_t) {
                          sending_ = false;
                          if (ec) return note(ec, "send_to");
                          fill();
                        });
  }

  void receive() {
    sock_.async_receive_from(net::buffer(in_), from_,
                             [this](boost::system::error_code ec, std::size_t n) {
                               if (ec) return note(ec, "receive_from");
                               if (n != out_.size())
                                 error = "echo of " + std::to_string(n) + " bytes";
                               if (in_flight_ > 0) --in_flight_;
                               if (w_.measuring) {
                                 ++received;
                                 if (window_ == 1) lat.add(clock::now() - sent_at_);
                               }
                               ++progress_;
                               receive();
                               fill();
                             });
  }

  void arm_watchdog() {
    watchdog_.expires_after(std::chrono::milliseconds(20));
    watchdog_.async_wait([this](boost::system::error_code ec) {
      if (ec || w_.stopping) return;
      if (progress_ == last_progress_ && in_flight_ > 0 && !sending_) {
        if (w_.measuring) lost += in_flight_;
        in_flight_ = 0;
        fill();
      }
      last_progress_ = progress_;
      arm_watchdog();
    });
  }

  void note(const boost::system::error_code& ec, const char* what) {
    if (!w_.stopping) error = std::string(what) + ": " + ec.message();
  }

  net::ip::udp::socket sock_;
  net::steady_timer watchdog_;
  net::ip::udp::endpoint server_, from_;
  std::vector<char> out_, in_;
  int window_;
  window& w_;
  int in_flight_ = 0;
  bool sending_ = false;
  long long progress_ = 0, last_progress_ = 0;
  clock::time_point sent_at_;
};

inline int run_udp(args& a, bool flood) {
  const char* scenario = flood ? "udp_flood" : "udp_rr";
  const auto port = static_cast<unsigned short>(a.integer("port", 0));
  const auto msg = static_cast<std::size_t>(a.integer("msg", 64));
  const int win = flood ? static_cast<int>(a.integer("window", 64)) : 1;
  const double secs = a.number("secs", 1.0), warm = a.number("warm", 0.25);
  const int server_pid = static_cast<int>(a.integer("server-pid", 0));
  a.check_all_used();

  net::io_context io;
  window w(io, warm, secs, server_pid);
  udp_pinger p(io, {net::ip::make_address("127.0.0.1"), port}, msg, win, w);
  p.start();
  w.start([&] { p.stop(); });
  io.run();
  if (!p.error.empty()) return fail(scenario, msg, 1, p.error);

  const double s = w.seconds();
  json_line j = row(scenario, msg, 1);
  j.field("window", win).field("seconds", s);
  j.value("rate", p.received / s, "datagrams/s");
  if (!flood)
    j.value("p50", p.lat.percentile(0.50), "us").value("p99", p.lat.percentile(0.99), "us");
  j.value("lost", static_cast<double>(p.lost), "datagrams");
  add_cpu(j, w, static_cast<double>(p.received));
  j.print();
  return 0;
}

}  // namespace bench
