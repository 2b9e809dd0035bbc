// posix::stream_descriptor on standard input (a pipe here, as in `prog <
// file` or `cmd | prog`) served by the same loop as sockets and timers:
// stdin is forwarded over a loopback TCP connection to an echo peer and back.
#include "helpers.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <exception>
#include <string>
#include <thread>

using namespace native;

namespace {

// Puts the read end of a fresh pipe on fd 0 for the test's lifetime.
struct pipe_on_stdin {
  int saved = ::dup(STDIN_FILENO);
  int write_end = -1;
  pipe_on_stdin() {
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    write_end = fds[1];
  }
  ~pipe_on_stdin() {
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    if (write_end >= 0) ::close(write_end);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(stdin_descriptor)

BOOST_AUTO_TEST_CASE(stdin_pipe_and_sockets_in_one_loop, *boost::unit_test::timeout(60)) {
  pipe_on_stdin stdin_pipe;
  net::io_context ioc;
  net::posix::stream_descriptor in(ioc, ::dup(STDIN_FILENO));  // as Asio's examples do
  // The library switches the descriptor to non-blocking on assign.
  BOOST_TEST((::fcntl(in.native_handle(), F_GETFL) & O_NONBLOCK) != 0);
  tcp_pair p = make_tcp_pair(ioc);

  std::string expected;
  for (int i = 0; i < 20; ++i)
    expected += "line " + std::to_string(i) + "\n";

  // Another process would write to our stdin; a thread stands in for it.
  std::thread writer([&, fd = std::exchange(stdin_pipe.write_end, -1)] {
    for (int i = 0; i < 20; ++i) {
      std::string line = "line " + std::to_string(i) + "\n";
      [[maybe_unused]] auto r = ::write(fd, line.data(), line.size());
      std::this_thread::sleep_for(2ms);
    }
    ::close(fd);  // EOF on stdin
  });

  int finished = 0;
  bool failed = false;
  auto on_done = [&](std::exception_ptr e) {
    if (e) failed = true;
    ++finished;
  };
  error_code stdin_ec;
  std::string echoed;
  int ticks = 0;

  net::co_spawn(  // stdin -> client socket, then half-close
      ioc,
      [&]() -> net::awaitable<void> {
        std::array<char, 64> buf;
        for (;;) {
          auto [ec, n] =
              co_await in.async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
          if (ec) {
            stdin_ec = ec;
            break;
          }
          co_await net::async_write(p.client, net::buffer(buf.data(), n), net::use_awaitable);
        }
        p.client.shutdown(tcp::socket::shutdown_send);
      },
      on_done);
  net::co_spawn(  // echo peer
      ioc,
      [&]() -> net::awaitable<void> {
        std::array<char, 64> buf;
        for (;;) {
          auto [ec, n] = co_await p.server.async_read_some(net::buffer(buf),
                                                           net::as_tuple(net::use_awaitable));
          if (ec) break;
          co_await net::async_write(p.server, net::buffer(buf.data(), n), net::use_awaitable);
        }
        p.server.shutdown(tcp::socket::shutdown_send);
      },
      on_done);
  net::co_spawn(  // what comes back
      ioc,
      [&]() -> net::awaitable<void> {
        std::array<char, 64> buf;
        for (;;) {
          auto [ec, n] = co_await p.client.async_read_some(net::buffer(buf),
                                                           net::as_tuple(net::use_awaitable));
          if (ec) break;
          echoed.append(buf.data(), n);
        }
      },
      on_done);
  net::co_spawn(  // a timer ticking on the same loop meanwhile
      ioc,
      [&]() -> net::awaitable<void> {
        net::steady_timer t(co_await net::this_coro::executor);
        while (finished < 3) {
          t.expires_after(5ms);
          co_await t.async_wait(net::use_awaitable);
          ++ticks;
        }
      },
      on_done);

  const bool ok = run_until(ioc, [&] { return finished == 4; });
  writer.join();
  BOOST_TEST_REQUIRE(ok);
  BOOST_TEST(!failed);
  BOOST_TEST(stdin_ec == net::error::eof);
  BOOST_TEST(echoed == expected);
  BOOST_TEST(ticks > 0);
}

BOOST_AUTO_TEST_SUITE_END()
