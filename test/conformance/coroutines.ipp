// C++20 coroutines: co_spawn completions, exceptions, this_coro, awaitable operators,
// deferred operations and a bidirectional transfer written as coroutines.

BOOST_AUTO_TEST_SUITE(coroutines)

using namespace conformance;
using namespace net::experimental::awaitable_operators;

namespace {

net::awaitable<std::string> fetch_greeting(int delay_ms) {
  net::steady_timer t(co_await net::this_coro::executor, std::chrono::milliseconds(delay_ms));
  co_await t.async_wait(net::use_awaitable);
  co_return "hello after " + std::to_string(delay_ms);
}

}  // namespace

BOOST_AUTO_TEST_CASE(co_spawn_delivers_value_and_exception) {
  net::io_context ioc;
  std::optional<std::string> value;
  bool threw = false;
  std::string what;

  net::co_spawn(ioc, fetch_greeting(5), [&](std::exception_ptr e, std::string v) {
    BOOST_TEST(!e);
    value = std::move(v);
  });
  net::co_spawn(
      ioc,
      []() -> net::awaitable<int> {
        co_await fetch_greeting(1);
        throw std::runtime_error("boom");
        co_return 1;
      },
      [&](std::exception_ptr e, int) {
        threw = static_cast<bool>(e);
        try {
          if (e) std::rethrow_exception(e);
        } catch (const std::runtime_error& ex) {
          what = ex.what();
        }
      });
  ioc.run();
  BOOST_TEST(value.value_or("<none>") == "hello after 5");
  BOOST_TEST(threw);
  BOOST_TEST(what == "boom");
}

BOOST_AUTO_TEST_CASE(this_coro_executor_and_detached) {
  net::io_context ioc;
  bool same = false, ran = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        auto ex = co_await net::this_coro::executor;
        same = (ex == net::any_io_executor(ioc.get_executor()));
        ran = true;
      },
      net::detached);
  BOOST_TEST(!ran);  // co_spawn does not start the coroutine inline
  ioc.run();
  BOOST_TEST(ran);
  BOOST_TEST(same);

  // Spawned on a strand: the coroutine runs in that strand.
  auto strand = net::make_strand(ioc);
  bool in_strand = false;
  net::co_spawn(
      strand,
      [&]() -> net::awaitable<void> {
        co_await fetch_greeting(1);
        in_strand = strand.running_in_this_thread();
      },
      net::detached);
  ioc.restart();
  ioc.run();
  BOOST_TEST(in_strand);
}

BOOST_AUTO_TEST_CASE(awaitable_operators_and_or) {
  net::io_context ioc;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        // &&: waits for both, yields both results.
        const auto t0 = clk::now();
        auto [a, b] = co_await (fetch_greeting(30) && fetch_greeting(10));
        BOOST_TEST(a == "hello after 30");
        BOOST_TEST(b == "hello after 10");
        BOOST_TEST((clk::now() - t0 >= 30ms));

        // ||: the first to finish wins; the other is cancelled.
        auto r = co_await (fetch_greeting(200) || fetch_greeting(5));
        BOOST_TEST(r.index() == 1u);
        if (r.index() == 1) BOOST_TEST(std::get<1>(r) == "hello after 5");

        // Accept racing a timeout, nobody connects: the timer wins.
        tcp::acceptor acceptor(co_await net::this_coro::executor, loopback(0));
        net::steady_timer timer(co_await net::this_coro::executor, 20ms);
        auto r2 = co_await (acceptor.async_accept(net::use_awaitable) ||
                            timer.async_wait(net::use_awaitable));
        BOOST_TEST(r2.index() == 1u);
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
}

BOOST_AUTO_TEST_CASE(errors_become_system_error_exceptions) {
  net::io_context ioc;
  const tcp::endpoint closed = loopback(closed_tcp_port(ioc));
  error_code caught;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        tcp::socket s(co_await net::this_coro::executor);
        try {
          co_await s.async_connect(closed, net::use_awaitable);
          BOOST_ERROR("connect to a closed port succeeded");
        } catch (const boost::system::system_error& e) {
          caught = e.code();
        }
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(caught, net::error::connection_refused);
}

// The shape of Beast's own http_server_awaitable: `for (;;) try { co_await ...; } catch
// (system_error&) { if (...) throw; }`: exceptions from co_await caught in a loop that goes on
// suspending, then one rethrown out of the coroutine to co_spawn's handler. Emscripten's clang
// miscompiles this under wasm exceptions without the library's clang plugin (docs/browser.md,
// "Coroutines and wasm exceptions"): the exception escaped uncaught.
BOOST_AUTO_TEST_CASE(caught_in_a_loop_around_co_await) {
  net::io_context ioc;
  int iterations = 0, aborted = 0, live = 0;
  error_code ended;
  bool done = false;
  struct counted {
    int& n;
    explicit counted(int& n) : n(n) { ++n; }
    ~counted() { --n; }
  };
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        counted whole(live);
        auto ex = co_await net::this_coro::executor;
        net::steady_timer timer(ex);
        for (;;)
          try {
            counted each(live);
            ++iterations;
            if (iterations <= 3) {
              timer.expires_after(1h);
              net::post(ex, [&] { timer.cancel(); });
              co_await timer.async_wait(net::use_awaitable);  // throws operation_aborted
            } else {
              timer.expires_after(1ms);
              co_await timer.async_wait(net::use_awaitable);
              throw boost::system::system_error(net::error::connection_reset);
            }
          } catch (const boost::system::system_error& e) {
            if (e.code() != net::error::operation_aborted) throw;
            ++aborted;
          }
      },
      [&](std::exception_ptr e) {
        try {
          if (e) std::rethrow_exception(e);
        } catch (const boost::system::system_error& se) {
          ended = se.code();
        }
        done = true;
      });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(iterations == 4);
  BOOST_TEST(aborted == 3);
  BOOST_TEST(live == 0);  // every frame's locals destroyed once
  CONF_CHECK_EC(ended, net::error::connection_reset);
}

BOOST_AUTO_TEST_CASE(deferred_operations) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  bool done = false;
  std::string got;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        // A deferred operation is a value: nothing happens until it is awaited.
        auto write_op = net::async_write(p.client, net::buffer("deferred!", 9), net::deferred);
        BOOST_TEST(p.server.available() == 0u);
        const std::size_t n = co_await std::move(write_op);
        BOOST_TEST(n == 9u);

        std::array<char, 9> buf{};
        const std::size_t m = co_await net::async_read(p.server, net::buffer(buf), net::deferred);
        got.assign(buf.data(), m);

        // Deferred with an explicit token after the fact.
        net::steady_timer t(co_await net::this_coro::executor, 1ms);
        auto wait_op = t.async_wait(net::deferred);
        auto [ec] = co_await std::move(wait_op)(net::as_tuple(net::use_awaitable));
        CONF_CHECK_OK(ec);
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(got == "deferred!");
}

namespace {

// With half_close the writer ends with shutdown(send) and the reader reads to EOF; without,
// the reader stops after `total` bytes (Direct Sockets has no half-close: docs/browser.md).
net::awaitable<void> co_write_pattern(tcp::socket& s, pattern pat, std::uint64_t total,
                                      bool half_close) {
  std::vector<unsigned char> buf(65536 + 123);
  std::uint64_t sent = 0;
  while (sent < total) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), total - sent));
    pat.fill(sent, buf.data(), n);
    sent += co_await net::async_write(s, net::buffer(buf.data(), n), net::use_awaitable);
  }
  if (half_close) s.shutdown(tcp::socket::shutdown_send);
}

net::awaitable<std::uint64_t> co_read_pattern(tcp::socket& s, pattern pat, std::uint64_t total,
                                              bool half_close) {
  std::vector<unsigned char> buf(40000);
  std::uint64_t received = 0;
  for (;;) {
    if (!half_close && received == total) co_return received;
    const std::size_t want =
        half_close
            ? buf.size()
            : static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), total - received));
    auto [ec, n] = co_await s.async_read_some(net::buffer(buf.data(), want),
                                              net::as_tuple(net::use_awaitable));
    if (ec) {
      CONF_CHECK_EC(ec, net::error::eof);
      co_return received;
    }
    const std::size_t m = pat.first_mismatch(received, buf.data(), n);
    if (m != n) {
      BOOST_ERROR("byte " << (received + m) << " differs");
      co_return received;
    }
    received += n;
  }
}

void bidirectional_transfer(bool half_close) {
  constexpr std::uint64_t total = 8u << 20;
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  const pattern up{7, 13, 251}, down{3, 1, 233};
  std::uint64_t at_server = 0, at_client = 0;
  int done = 0;
  // Each side writes and reads at once, joined with &&.
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        // awaitable<void> && awaitable<T> yields just the T.
        at_client = co_await (co_write_pattern(p.client, up, total, half_close) &&
                              co_read_pattern(p.client, down, total, half_close));
      },
      [&](std::exception_ptr e) {
        report_exception{}(e);
        ++done;
      });
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        // awaitable<void> && awaitable<T> yields just the T.
        at_server = co_await (co_write_pattern(p.server, down, total, half_close) &&
                              co_read_pattern(p.server, up, total, half_close));
      },
      [&](std::exception_ptr e) {
        report_exception{}(e);
        ++done;
      });
  BOOST_TEST_REQUIRE(run_until(
      ioc, [&] { return done == 2; }, 60s));
  BOOST_TEST(at_server == total);
  BOOST_TEST(at_client == total);
}

}  // namespace

BOOST_AUTO_TEST_CASE(bidirectional_transfer_as_coroutines,
                     *boost::unit_test::label("needs_half_close")) {
  bidirectional_transfer(true);
}

BOOST_AUTO_TEST_CASE(bidirectional_transfer_of_known_length_as_coroutines) {
  bidirectional_transfer(false);
}

BOOST_AUTO_TEST_SUITE_END()
