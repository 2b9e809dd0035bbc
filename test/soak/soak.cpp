// Soak: 1000 TCP connections over loopback, all open for the whole run, each echoing messages
// of random size (1 B - 16 KiB) with random pauses, every echoed byte checked against the
// stream it was sent from. Ends with every connection closed in order by the client.
//
// Duration: ASIO_DS_SOAK_SECONDS (default 5, the smoke run of the normal ctest; CI's soak step
// sets 60). Prints one JSON line with what was held and moved.
#define BOOST_TEST_MODULE soak
#include <asio_directsockets.hpp>
#include <boost/test/included/unit_test.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

namespace net = asio_directsockets;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int connections = 1000;
constexpr std::size_t max_message = 16 * 1024;

// Byte i of connection c's stream: distinct per connection, so crossed streams show.
unsigned char stream_byte(int c, std::uint64_t i) {
  return static_cast<unsigned char>((i * 7 + static_cast<std::uint64_t>(c) * 13) % 251);
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
  }
  return -1;
}

int soak_seconds() {
  const char* v = std::getenv("ASIO_DS_SOAK_SECONDS");
  const int s = v ? std::atoi(v) : 5;
  return s > 0 ? s : 5;
}

struct totals {
  int connected = 0, accepted = 0, server_eofs = 0, clients_done = 0;
  int errors = 0, corrupt = 0, min_round_trips = 1 << 30;
  std::uint64_t bytes = 0, round_trips = 0;
};

// Echoes everything back until EOF.
class server_session : public std::enable_shared_from_this<server_session> {
 public:
  server_session(tcp::socket s, totals& t) : s_(std::move(s)), t_(t) {}
  void start() { read(); }

 private:
  void read() {
    s_.async_read_some(net::buffer(buf_),
                       [self = shared_from_this()](error_code ec, std::size_t n) {
                         if (ec == net::error::eof) {
                           ++self->t_.server_eofs;
                           return;
                         }
                         if (ec) {
                           ++self->t_.errors;
                           BOOST_ERROR("server read: " << ec.message());
                           return;
                         }
                         net::async_write(self->s_, net::buffer(self->buf_.data(), n),
                                          [self](error_code ec, std::size_t) {
                                            if (ec) {
                                              ++self->t_.errors;
                                              BOOST_ERROR("server write: " << ec.message());
                                              return;
                                            }
                                            self->read();
                                          });
                       });
  }
  tcp::socket s_;
  totals& t_;
  std::array<unsigned char, max_message> buf_{};
};

// Connects, then until the deadline: write one message, read its echo and verify it, pause.
class client_session : public std::enable_shared_from_this<client_session> {
 public:
  client_session(net::io_context& ioc, int id, totals& t, clk::time_point deadline,
                 std::uint32_t seed)
      : s_(ioc),
        timer_(ioc),
        id_(id),
        t_(t),
        deadline_(deadline),
        rng_(seed),
        // Full size and written now, so that resident memory does not grow with the largest
        // message seen so far: what the soak measures is the library's growth, not ours.
        out_(max_message, 0),
        in_(max_message, 0) {}

  void start(const tcp::endpoint& ep) {
    s_.async_connect(ep, [self = shared_from_this()](error_code ec) {
      if (ec) {
        ++self->t_.errors;
        BOOST_ERROR("connect: " << ec.message());
        return;
      }
      ++self->t_.connected;
      self->pause();
    });
  }

 private:
  void pause() {
    if (clk::now() >= deadline_) return finish();
    timer_.expires_after(std::chrono::milliseconds(50 + rng_() % 200));
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) {
        ++self->t_.errors;
        return;
      }
      self->send();
    });
  }

  void send() {
    const std::size_t n = 1 + rng_() % max_message;
    out_.resize(n);
    for (std::size_t k = 0; k < n; ++k)
      out_[k] = stream_byte(id_, sent_ + k);
    sent_ += n;
    in_.resize(n);
    net::async_write(s_, net::buffer(out_),
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (ec) {
                         ++self->t_.errors;
                         BOOST_ERROR("client write: " << ec.message());
                       }
                     });
    net::async_read(s_, net::buffer(in_),
                    [self = shared_from_this()](error_code ec, std::size_t n) {
                      if (ec) {
                        ++self->t_.errors;
                        BOOST_ERROR("client read: " << ec.message());
                        return;
                      }
                      for (std::size_t k = 0; k < n; ++k) {
                        if (self->in_[k] != stream_byte(self->id_, self->received_ + k)) {
                          ++self->t_.corrupt;
                          BOOST_ERROR("connection " << self->id_ << ": byte " << self->received_ + k
                                                    << " differs");
                          return;
                        }
                      }
                      self->received_ += n;
                      self->t_.bytes += n;
                      ++self->t_.round_trips;
                      ++self->trips_;
                      self->pause();
                    });
  }

  void finish() {
    t_.min_round_trips = std::min(t_.min_round_trips, trips_);
    BOOST_TEST(received_ == sent_);
    error_code ec;
    s_.shutdown(tcp::socket::shutdown_send, ec);
    s_.close(ec);
    ++t_.clients_done;
  }

  tcp::socket s_;
  net::steady_timer timer_;
  int id_;
  totals& t_;
  clk::time_point deadline_;
  std::minstd_rand rng_;
  std::vector<unsigned char> out_, in_;
  std::uint64_t sent_ = 0, received_ = 0;
  int trips_ = 0;
};

struct raise_fd_limit {
  raise_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
  }
};
BOOST_TEST_GLOBAL_FIXTURE(raise_fd_limit);

}  // namespace

BOOST_AUTO_TEST_CASE(thousand_connections_held_and_verified) {
  rlimit rl{};
  BOOST_TEST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &rl) == 0);
  BOOST_TEST_REQUIRE(rl.rlim_cur >= rlim_t(2 * connections + 64));

  const int seconds = soak_seconds();
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  totals t;
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](error_code ec, tcp::socket s) {
      if (ec) {
        ++t.errors;
        BOOST_ERROR("accept: " << ec.message());
        return;
      }
      ++t.accepted;
      std::make_shared<server_session>(std::move(s), t)->start();
      if (t.accepted < connections) accept_next();
    });
  };
  accept_next();

  const auto start = clk::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  for (int c = 0; c < connections; ++c)
    std::make_shared<client_session>(ioc, c, t, deadline, 1234u + c)
        ->start(acceptor.local_endpoint());

  // Watchdog: the run must end by itself shortly after the deadline.
  net::steady_timer guard(ioc, std::chrono::seconds(seconds + 60));
  bool guard_fired = false;
  guard.async_wait([&](error_code ec) {
    if (ec) return;
    guard_fired = true;
    ioc.stop();
  });
  long rss_connected = -1;
  net::steady_timer sample(ioc, std::chrono::seconds(1));
  sample.async_wait([&](error_code ec) {
    if (!ec) rss_connected = rss_kib();
  });
  net::steady_timer end_check(ioc, std::chrono::seconds(seconds));
  std::function<void(error_code)> wait_end = [&](error_code ec) {
    if (ec) return;
    if (t.clients_done == connections && t.server_eofs == connections) {
      guard.cancel();
      return;
    }
    end_check.expires_after(50ms);
    end_check.async_wait(wait_end);
  };
  end_check.async_wait(wait_end);
  ioc.run();
  const double elapsed = std::chrono::duration<double>(clk::now() - start).count();
  const long rss_end = rss_kib();

  BOOST_TEST(!guard_fired);
  BOOST_TEST(t.accepted == connections);
  BOOST_TEST(t.connected == connections);
  BOOST_TEST(t.clients_done == connections);
  BOOST_TEST(t.server_eofs == connections);
  BOOST_TEST(t.errors == 0);
  BOOST_TEST(t.corrupt == 0);
  BOOST_TEST(t.min_round_trips >= 1);
  // Memory does not grow with time: what 1000 connections cost after the first second is
  // what they cost at the end (slack: allocator noise, a few buffers per connection).
  BOOST_TEST(rss_connected > 0);
  BOOST_TEST(rss_end - rss_connected < 32 * 1024,
             "RSS grew from " << rss_connected << " KiB to " << rss_end << " KiB");
  std::printf(
      "{\"soak\":{\"connections\":%d,\"seconds\":%.1f,\"round_trips\":%llu,"
      "\"min_round_trips_per_connection\":%d,\"bytes_verified\":%llu,\"rss_kib_after_1s\":%ld,"
      "\"rss_kib_end\":%ld}}\n",
      connections, elapsed, static_cast<unsigned long long>(t.round_trips), t.min_round_trips,
      static_cast<unsigned long long>(t.bytes), rss_connected, rss_end);
}
