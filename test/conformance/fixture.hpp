// Shared helpers for the conformance suite.
//
// Included after the driver has defined `namespace net = <networking namespace>;` and included
// Boost.Test. Everything here uses only `net::...`, so the same suite checks stock Boost.Asio
// and asio_directsockets. Every test is single-threaded (server and client share one
// io_context) so the suite also runs under Emscripten/Node; native-only parts are behind
// `#ifndef __EMSCRIPTEN__`.
#pragma once

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#ifndef __EMSCRIPTEN__
#include <sys/resource.h>

#include <atomic>
#include <future>
#include <thread>
#endif

namespace conformance {

using namespace std::chrono_literals;
using tcp = net::ip::tcp;
using udp = net::ip::udp;
using error_code = boost::system::error_code;
using clk = std::chrono::steady_clock;

// Generous: a healthy implementation finishes every test in well under a second or two.
constexpr clk::duration default_limit = 20s;

// Raise the soft fd limit to the hard limit so the 1000-connection test (2000+ fds) fits.
struct raise_fd_limit {
  raise_fd_limit() {
#ifndef __EMSCRIPTEN__
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
#endif
  }
};

// Prints the actual error on failure, so a wrong-but-plausible code is easy to diagnose.
#define CONF_CHECK_EC(ec, expected)                                                       \
  BOOST_TEST((ec) == (expected), "got error_code "                                        \
                                     << (ec) << " '" << (ec).message() << "', expected '" \
                                     << ::boost::system::error_code(expected) << "' "     \
                                     << ::boost::system::error_code(expected).message())

#define CONF_CHECK_OK(ec) \
  BOOST_TEST(!(ec), "unexpected error_code " << (ec) << " '" << (ec).message() << "'")

// Runs the context until done() holds. Fails the test (returning false) if that has not
// happened within `limit`, or if the context ran out of work first, so a broken
// implementation can never hang the suite. Leftover work (e.g. an accept loop) is fine.
template <class Done>
bool run_until(net::io_context& ioc, Done done, clk::duration limit = default_limit) {
  const auto deadline = clk::now() + limit;
  ioc.restart();
  while (!done()) {
    if (clk::now() >= deadline) {
      BOOST_ERROR("timed out waiting for the test's operations to complete");
      return false;
    }
    ioc.run_one_for(std::chrono::milliseconds(100));
    if (ioc.stopped() && !done()) {
      BOOST_ERROR("io_context ran out of work before the test's operations completed");
      return false;
    }
  }
  return true;
}

// A timer that fails the test and stops the context if the test's work has not finished in
// time. Call disarm() from the last completion handler so that run() can return on its own,
// which also checks that the implementation does not keep phantom work alive.
class watchdog {
 public:
  explicit watchdog(net::io_context& ioc, clk::duration limit = default_limit) : timer_(ioc) {
    timer_.expires_after(limit);
    timer_.async_wait([this, &ioc](error_code ec) {
      if (ec) return;  // disarmed; `this` may be gone, touch nothing
      fired_ = true;
      BOOST_ERROR("watchdog fired: the test did not complete in time");
      ioc.stop();
    });
  }
  void disarm() { timer_.cancel(); }
  bool fired() const { return fired_; }

 private:
  net::steady_timer timer_;
  bool fired_ = false;
};

inline tcp::endpoint loopback(unsigned short port = 0) {
  return tcp::endpoint(net::ip::address_v4::loopback(), port);
}
inline udp::endpoint loopback_udp(unsigned short port = 0) {
  return udp::endpoint(net::ip::make_address("127.0.0.1"), port);
}

// Listening acceptor on 127.0.0.1 with an OS-chosen port.
inline tcp::acceptor make_acceptor(net::io_context& ioc) {
  return tcp::acceptor(ioc, loopback(0));
}

struct tcp_pair {
  tcp::socket client;
  tcp::socket server;
};

// A connected loopback pair, made asynchronously (no reliance on blocking connect).
inline tcp_pair make_tcp_pair(net::io_context& ioc) {
  tcp::acceptor acceptor = make_acceptor(ioc);
  tcp_pair p{tcp::socket(ioc), tcp::socket(ioc)};
  bool accepted = false, connected = false;
  acceptor.async_accept(p.server, [&](error_code ec) {
    CONF_CHECK_OK(ec);
    accepted = true;
  });
  p.client.async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    CONF_CHECK_OK(ec);
    connected = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return accepted && connected; }));
  BOOST_TEST_REQUIRE(p.client.is_open());
  BOOST_TEST_REQUIRE(p.server.is_open());
  return p;
}

// A port that was just bound and released, so nothing listens on it.
inline unsigned short closed_tcp_port(net::io_context& ioc) {
  tcp::acceptor a(ioc, loopback(0));
  const unsigned short port = a.local_endpoint().port();
  a.close();
  return port;
}

// Deterministic byte stream: byte i is (i * mul + add) % mod. With mod < 256 and a step
// coprime to mod, a dropped, duplicated or reordered byte is detected at once.
struct pattern {
  unsigned mul, add, mod;

  unsigned char at(std::uint64_t i) const {
    return static_cast<unsigned char>((i % mod * mul + add) % mod);
  }
  void fill(std::uint64_t offset, unsigned char* p, std::size_t n) const {
    unsigned v = at(offset);
    const unsigned step = mul % mod;
    for (std::size_t k = 0; k < n; ++k) {
      p[k] = static_cast<unsigned char>(v);
      v += step;
      if (v >= mod) v -= mod;
    }
  }
  // Index of the first byte that differs from the stream at `offset`, or n if all match.
  std::size_t first_mismatch(std::uint64_t offset, const unsigned char* p, std::size_t n) const {
    unsigned v = at(offset);
    const unsigned step = mul % mod;
    for (std::size_t k = 0; k < n; ++k) {
      if (p[k] != v) return k;
      v += step;
      if (v >= mod) v -= mod;
    }
    return n;
  }
};

// For co_spawn completions: a coroutine that threw fails the test with the exception text.
struct report_exception {
  bool* done = nullptr;
  void operator()(std::exception_ptr e) const {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        BOOST_ERROR("coroutine threw: " << ex.what());
      } catch (...) {
        BOOST_ERROR("coroutine threw a non-std exception");
      }
    }
    if (done) *done = true;
  }
};

BOOST_TEST_GLOBAL_FIXTURE(raise_fd_limit);

}  // namespace conformance
