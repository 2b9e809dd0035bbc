// The measurement window of a rate scenario: a warm-up, then `secs` of
// counting, then the scenario's stop action. Records wall time and the CPU
// time of this process and of the server process over the counted part.
#pragma once

#include "latency.hpp"
#include "net_select.hpp"
#include "proc_stats.hpp"

#include <functional>

namespace bench {

class window {
 public:
  window(net::io_context& io, double warm_s, double secs, int server_pid)
      : timer_(io), warm_(to_duration(warm_s)), secs_(to_duration(secs)), server_pid_(server_pid) {}

  // on_stop runs when the window closes; it must end all outstanding work.
  void start(std::function<void()> on_stop) {
    on_stop_ = std::move(on_stop);
    timer_.expires_after(warm_);
    timer_.async_wait([this](boost::system::error_code) {
      // CPU is sampled outside the timed part: in a browser each sample is a
      // synchronous request to the driver that blocks the program for a while.
      client_cpu0_ = cpu_ns();
      server_cpu0_ = cpu_ns(server_pid_);
      measuring = true;
      t0_ = clock::now();
      timer_.expires_after(secs_);
      timer_.async_wait([this](boost::system::error_code) {
        measuring = false;
        stopping = true;
        t1_ = clock::now();
        client_cpu1_ = cpu_ns();
        server_cpu1_ = cpu_ns(server_pid_);
        on_stop_();
      });
    });
  }

  double seconds() const { return std::chrono::duration<double>(t1_ - t0_).count(); }
  // Negative when our CPU could not be read (a browser build run without its driver).
  double client_cpu_s() const {
    return client_cpu0_ >= 0 && client_cpu1_ >= 0 ? (client_cpu1_ - client_cpu0_) / 1e9 : -1;
  }
  // Negative when the server's CPU could not be read (no --server-pid).
  double server_cpu_s() const {
    return server_pid_ > 0 && server_cpu0_ >= 0 ? (server_cpu1_ - server_cpu0_) / 1e9 : -1;
  }

  bool measuring = false;
  bool stopping = false;

 private:
  static clock::duration to_duration(double s) {
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
  }

  net::steady_timer timer_;
  clock::duration warm_, secs_;
  int server_pid_;
  std::function<void()> on_stop_;
  clock::time_point t0_, t1_;
  long long client_cpu0_ = 0, client_cpu1_ = 0, server_cpu0_ = -1, server_cpu1_ = -1;
};

}  // namespace bench
