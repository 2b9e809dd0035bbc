// Destroying an io_context with operations still pending destroys their
// handlers without invoking them, and everything those handlers own (I/O
// objects included, whose destructors re-enter the dying context) is freed:
// no handler runs, no reference is left, no descriptor leaks, no crash.
#include "helpers.hpp"

#include <unistd.h>

#include <array>
#include <memory>
#include <optional>

using namespace native;

namespace {

// The usual server shape: objects owned by the handlers of their own
// pending operations (shared_from_this style).
struct session {
  explicit session(net::io_context& ioc)
      : acceptor(ioc, loopback()), timer(ioc, 1h), resolver(ioc), pair(make_tcp_pair(ioc)) {}
  tcp::acceptor acceptor;
  net::steady_timer timer;
  tcp::resolver resolver;
  tcp_pair pair;
  std::array<char, 16> buf{};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(context_teardown)

BOOST_AUTO_TEST_CASE(pending_ops_whose_handlers_own_their_objects, *boost::unit_test::timeout(60)) {
  const int fds_before = open_fd_count();
  auto token = std::make_shared<int>(0);
  std::weak_ptr<session> watch;
  int invoked = 0;
  {
    net::io_context ioc;
    auto s = std::make_shared<session>(ioc);
    watch = s;
    s->acceptor.async_accept([s, token, &invoked](error_code, tcp::socket) { ++invoked; });
    s->pair.client.async_read_some(net::buffer(s->buf),
                                   [s, token, &invoked](error_code, std::size_t) { ++invoked; });
    s->pair.server.async_wait(tcp::socket::wait_read,
                              [s, token, &invoked](error_code) { ++invoked; });
    s->timer.async_wait([s, token, &invoked](error_code) { ++invoked; });
    ioc.poll();  // everything registered and waiting
    BOOST_TEST_REQUIRE(invoked == 0);
    // Started last: the lookup may finish on the worker thread at any time.
    s->resolver.async_resolve(
        "localhost", "80",
        [s, token, &invoked](error_code, tcp::resolver::results_type) { ++invoked; });
    net::post(ioc, [s, token, &invoked] { ++invoked; });
    s.reset();
    BOOST_TEST(token.use_count() == 7);  // ours + six handlers
  }
  BOOST_TEST(invoked == 0);
  BOOST_TEST(token.use_count() == 1);
  BOOST_TEST(watch.expired());
  BOOST_TEST(open_fd_count() == fds_before);
}

BOOST_AUTO_TEST_CASE(aborted_ops_of_destroyed_objects_never_run) {
  // Destroying the objects first queues their aborted handlers; the context
  // dies before running them.
  const int fds_before = open_fd_count();
  auto token = std::make_shared<int>(0);
  int invoked = 0;
  {
    net::io_context ioc;
    {
      session s(ioc);
      s.acceptor.async_accept([token, &invoked](error_code, tcp::socket) { ++invoked; });
      s.pair.client.async_read_some(net::buffer(s.buf),
                                    [token, &invoked](error_code, std::size_t) { ++invoked; });
      s.timer.async_wait([token, &invoked](error_code) { ++invoked; });
      s.resolver.async_resolve(
          "localhost", "80",
          [token, &invoked](error_code, tcp::resolver::results_type) { ++invoked; });
    }
    BOOST_TEST(token.use_count() == 5);
  }
  BOOST_TEST(invoked == 0);
  BOOST_TEST(token.use_count() == 1);
  BOOST_TEST(open_fd_count() == fds_before);
}

BOOST_AUTO_TEST_CASE(accepted_but_undelivered_connection_is_closed) {
  // A connection accepted by the reactor whose handler never runs: the new
  // descriptor is closed with the operation.
  const int fds_before = open_fd_count();
  {
    net::io_context ioc;
    auto acceptor = std::make_shared<tcp::acceptor>(ioc, loopback());
    tcp::socket client(ioc);
    client.connect(acceptor->local_endpoint());
    // The connection is already queued, so the speculative accept succeeds
    // at once; its completion then waits in the ready queue, never run.
    acceptor->async_accept([acceptor](error_code, tcp::socket) {});
    BOOST_TEST(open_fd_count() == fds_before + 4);  // wake-up fd, acceptor, client, accepted
  }
  BOOST_TEST(open_fd_count() == fds_before);
}

BOOST_AUTO_TEST_CASE(objects_outliving_their_context_are_destroyed_quietly) {
  // Boost.Asio leaves this undefined but it passes quietly there, and
  // programs do it (a static socket, a context local to a function). Here the
  // objects see their context gone and only close what they own.
  const int fds_before = open_fd_count();
  std::optional<tcp_pair> pair;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::ip::udp::socket> udp;
  std::optional<net::posix::stream_descriptor> descriptor;
  std::optional<net::steady_timer> timer;
  std::optional<net::deadline_timer> deadline;
  std::optional<tcp::resolver> resolver;
  int invoked = 0;
  {
    net::io_context ioc;
    pair.emplace(make_tcp_pair(ioc));
    acceptor.emplace(ioc, loopback());
    udp.emplace(ioc, net::ip::udp::endpoint(net::ip::address_v4::loopback(), 0));
    descriptor.emplace(ioc, ::dup(0));
    timer.emplace(ioc, 1h);
    deadline.emplace(ioc, boost::posix_time::hours(1));
    resolver.emplace(ioc);
    // Pending when the context dies: their handlers are destroyed unrun.
    std::array<char, 4> buf{};
    pair->client.async_read_some(net::buffer(buf), [&](error_code, std::size_t) { ++invoked; });
    acceptor->async_accept([&](error_code, tcp::socket) { ++invoked; });
    timer->async_wait([&](error_code) { ++invoked; });
    deadline->async_wait([&](error_code) { ++invoked; });
    ioc.poll();
  }
  BOOST_TEST(invoked == 0);
  // The objects still own their descriptors: 2 + acceptor + udp + descriptor.
  BOOST_TEST(open_fd_count() == fds_before + 5);
  // An explicit close, a moved timer, then every destructor: no crash, no leak.
  error_code ec = net::error::would_block;
  pair->client.close(ec);
  BOOST_TEST(ec == error_code());
  net::steady_timer moved(std::move(*timer));
  pair.reset();
  acceptor.reset();
  udp.reset();
  descriptor.reset();
  timer.reset();
  deadline.reset();
  resolver.reset();
  BOOST_TEST(open_fd_count() == fds_before);
}

BOOST_AUTO_TEST_SUITE_END()
