// Shared helpers of the native-only suite.
#pragma once

#include <asio_directsockets.hpp>
#include <boost/test/unit_test.hpp>

#include <dirent.h>
#include <sys/resource.h>

#include <chrono>
#include <functional>

namespace native {

namespace net = asio_directsockets;
using namespace std::chrono_literals;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using clk = std::chrono::steady_clock;

// Runs ioc until done() holds; false (and a test error) after `limit` or when
// the context runs out of work first, so a broken build never hangs the suite.
inline bool run_until(net::io_context& ioc, const std::function<bool()>& done,
                      clk::duration limit = 20s) {
  const auto deadline = clk::now() + limit;
  ioc.restart();
  while (!done()) {
    if (clk::now() >= deadline) {
      BOOST_ERROR("timed out waiting for the test's operations");
      return false;
    }
    ioc.run_one_for(100ms);
    if (ioc.stopped() && !done()) {
      BOOST_ERROR("io_context ran out of work before the test's operations completed");
      return false;
    }
  }
  return true;
}

inline tcp::endpoint loopback(unsigned short port = 0) {
  return {net::ip::address_v4::loopback(), port};
}

struct tcp_pair {
  tcp::socket client;
  tcp::socket server;
};

// A connected loopback pair, made with the library's own async calls.
inline tcp_pair make_tcp_pair(net::io_context& ioc) {
  tcp::acceptor acceptor(ioc, loopback());
  tcp_pair p{tcp::socket(ioc), tcp::socket(ioc)};
  int done = 0;
  acceptor.async_accept(p.server, [&](error_code ec) {
    BOOST_TEST(!ec);
    ++done;
  });
  p.client.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    BOOST_TEST(!ec);
    ++done;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done == 2; }));
  return p;
}

// Open descriptors of this process (leak checks).
inline int open_fd_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n - 1;  // the directory stream's own fd
}

// Threads of this process (no hidden scheduler thread).
inline int thread_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

// User + system CPU time of the whole process.
inline std::chrono::microseconds process_cpu_time() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto us = [](const timeval& tv) {
    return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

}  // namespace native
