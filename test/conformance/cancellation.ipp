// Cancellation: cancel(), close(), destruction, per-operation cancellation slots and
// timeouts built from awaitable operators. Every aborted operation must report exactly
// operation_aborted, and each handler must run exactly once.

BOOST_AUTO_TEST_SUITE(cancellation)

using namespace conformance;

BOOST_AUTO_TEST_CASE(socket_cancel_aborts_read_and_socket_stays_usable) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  std::array<char, 32> buf{};
  error_code read_ec;
  int calls = 0;
  p.client.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    read_ec = ec;
    BOOST_TEST(n == 0u);
    ++calls;
  });
  ioc.poll();
  BOOST_TEST_REQUIRE(calls == 0);  // nothing to read yet: the read is pending
  p.client.cancel();
  BOOST_TEST(calls == 0);  // handlers never run inside cancel()
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 1; }));
  CONF_CHECK_EC(read_ec, net::error::operation_aborted);
  BOOST_TEST(p.client.is_open());

  // cancel() only aborts what was pending; the connection itself is intact.
  net::write(p.server, net::buffer("still here", 10));
  std::size_t got = 0;
  bool done = false;
  net::async_read(p.client, net::buffer(buf.data(), 10), [&](error_code ec, std::size_t n) {
    CONF_CHECK_OK(ec);
    got = n;
    done = true;
  });
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(got == 10u);
  BOOST_TEST(std::string(buf.data(), 10) == "still here");
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(acceptor_cancel_and_close_abort_accept) {
  net::io_context ioc;
  tcp::acceptor acceptor = make_acceptor(ioc);
  error_code first, second;
  int calls = 0;
  acceptor.async_accept([&](error_code ec, tcp::socket s) {
    first = ec;
    BOOST_TEST(!s.is_open());
    ++calls;
  });
  ioc.poll();
  acceptor.cancel();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 1; }));
  CONF_CHECK_EC(first, net::error::operation_aborted);
  BOOST_TEST(acceptor.is_open());

  tcp::socket into(ioc);
  acceptor.async_accept(into, [&](error_code ec) {
    second = ec;
    ++calls;
  });
  ioc.poll();
  acceptor.close();
  BOOST_TEST(!acceptor.is_open());
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 2; }));
  CONF_CHECK_EC(second, net::error::operation_aborted);
  BOOST_TEST(!into.is_open());
}

BOOST_AUTO_TEST_CASE(close_aborts_pending_read_and_write) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);

  // Fill the send path (the server never reads) with non-blocking writes until the kernel
  // pushes back, so that the async write below is certainly pending.
  const std::vector<char> chunk(1 << 16, 'w');
  p.client.non_blocking(true);
  BOOST_TEST(p.client.non_blocking());
  error_code fill_ec;
  std::size_t filled = 0;
  for (int i = 0; i < 100000 && !fill_ec; ++i)
    filled += p.client.write_some(net::buffer(chunk), fill_ec);
  CONF_CHECK_EC(fill_ec, net::error::would_block);
  BOOST_TEST(filled > 0u);
  p.client.non_blocking(false);

  std::array<char, 32> buf{};
  error_code read_ec, write_ec;
  std::size_t written = 999;
  int calls = 0;
  p.client.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t n) {
    read_ec = ec;
    BOOST_TEST(n == 0u);
    ++calls;
  });
  p.client.async_write_some(net::buffer(chunk), [&](error_code ec, std::size_t n) {
    write_ec = ec;
    written = n;
    ++calls;
  });
  ioc.poll();
  BOOST_TEST_REQUIRE(calls == 0);

  p.client.close();
  BOOST_TEST(!p.client.is_open());
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 2; }));
  CONF_CHECK_EC(read_ec, net::error::operation_aborted);
  CONF_CHECK_EC(write_ec, net::error::operation_aborted);
  BOOST_TEST(written == 0u);
}

BOOST_AUTO_TEST_CASE(destroying_objects_aborts_pending_ops) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  auto timer = std::make_unique<net::steady_timer>(ioc, 1h);
  auto sock = std::make_unique<tcp::socket>(std::move(p.client));
  BOOST_TEST(!p.client.is_open());  // moved-from socket is closed
  BOOST_TEST(sock->is_open());

  std::array<char, 8> buf{};
  error_code timer_ec, read_ec;
  int calls = 0;
  timer->async_wait([&](error_code ec) {
    timer_ec = ec;
    ++calls;
  });
  sock->async_read_some(net::buffer(buf), [&](error_code ec, std::size_t) {
    read_ec = ec;
    ++calls;
  });
  ioc.poll();
  BOOST_TEST_REQUIRE(calls == 0);
  timer.reset();
  sock.reset();
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 2; }));
  CONF_CHECK_EC(timer_ec, net::error::operation_aborted);
  CONF_CHECK_EC(read_ec, net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(per_operation_cancellation_slot) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  tcp::acceptor acceptor = make_acceptor(ioc);
  net::steady_timer timer(ioc, 1h);
  net::cancellation_signal read_sig, accept_sig, timer_sig;

  std::array<char, 8> buf{};
  error_code read_ec, accept_ec, timer_ec;
  int calls = 0;
  p.client.async_read_some(
      net::buffer(buf),
      net::bind_cancellation_slot(read_sig.slot(), [&](error_code ec, std::size_t n) {
        read_ec = ec;
        BOOST_TEST(n == 0u);
        ++calls;
      }));
  acceptor.async_accept(
      net::bind_cancellation_slot(accept_sig.slot(), [&](error_code ec, tcp::socket) {
        accept_ec = ec;
        ++calls;
      }));
  timer.async_wait(net::bind_cancellation_slot(timer_sig.slot(), [&](error_code ec) {
    timer_ec = ec;
    ++calls;
  }));
  ioc.poll();
  BOOST_TEST_REQUIRE(calls == 0);

  // Cancelling one operation leaves the others pending.
  read_sig.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 1; }));
  CONF_CHECK_EC(read_ec, net::error::operation_aborted);
  ioc.poll();
  BOOST_TEST(calls == 1);

  accept_sig.emit(net::cancellation_type::terminal);
  timer_sig.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 3; }));
  CONF_CHECK_EC(accept_ec, net::error::operation_aborted);
  CONF_CHECK_EC(timer_ec, net::error::operation_aborted);

  // Emitting again after completion must not call anything twice.
  read_sig.emit(net::cancellation_type::terminal);
  timer_sig.emit(net::cancellation_type::terminal);
  ioc.poll();
  BOOST_TEST(calls == 3);
  BOOST_TEST(p.client.is_open());
  BOOST_TEST(acceptor.is_open());
}

BOOST_AUTO_TEST_CASE(cancellation_slot_on_completed_op_is_harmless) {
  // The op completes normally; a later emit on its signal finds nothing to cancel.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::cancellation_signal sig;
  net::write(p.server, net::buffer("abc", 3));
  std::array<char, 8> buf{};
  std::size_t got = 0;
  int calls = 0;
  net::async_read(p.client, net::buffer(buf.data(), 3),
                  net::bind_cancellation_slot(sig.slot(), [&](error_code ec, std::size_t n) {
                    CONF_CHECK_OK(ec);
                    got = n;
                    ++calls;
                  }));
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return calls == 1; }));
  sig.emit(net::cancellation_type::terminal);
  ioc.poll();
  BOOST_TEST(calls == 1);
  BOOST_TEST(got == 3u);
}

BOOST_AUTO_TEST_CASE(coroutine_timeout_with_awaitable_operators) {
  using namespace net::experimental::awaitable_operators;
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  std::array<char, 64> buf{};
  std::size_t timeout_index = 99, data_index = 99, data_n = 0, late_n = 0;
  bool done = false;

  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        net::steady_timer timer(co_await net::this_coro::executor);

        // 1. Nothing arrives: the timer wins and the read is cancelled.
        timer.expires_after(50ms);
        const auto t0 = clk::now();
        auto r1 = co_await (p.client.async_read_some(net::buffer(buf), net::use_awaitable) ||
                            timer.async_wait(net::use_awaitable));
        timeout_index = r1.index();
        BOOST_TEST((clk::now() - t0 >= 50ms));
        BOOST_TEST((clk::now() - t0 < 5s));

        // 2. Data arrives first: the read wins with the byte count; the timer is cancelled.
        net::write(p.server, net::buffer("payload", 7));
        timer.expires_after(10s);
        const auto t1 = clk::now();
        auto r2 = co_await (p.client.async_read_some(net::buffer(buf), net::use_awaitable) ||
                            timer.async_wait(net::use_awaitable));
        data_index = r2.index();
        if (r2.index() == 0) data_n = std::get<0>(r2);
        BOOST_TEST((clk::now() - t1 < 5s));

        // 3. The socket survived the cancelled read in step 1.
        net::write(p.server, net::buffer("late", 4));
        late_n = co_await net::async_read(p.client, net::buffer(buf.data(), 4), net::use_awaitable);
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  BOOST_TEST(timeout_index == 1u);
  BOOST_TEST(data_index == 0u);
  BOOST_TEST(data_n == 7u);
  BOOST_TEST(late_n == 4u);
  BOOST_TEST(std::string(buf.data(), 4) == "late");
}

BOOST_AUTO_TEST_CASE(coroutine_cancelled_through_co_spawn_slot) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::cancellation_signal sig;
  error_code seen;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        std::array<char, 8> buf{};
        try {
          co_await p.client.async_read_some(net::buffer(buf), net::use_awaitable);
          BOOST_ERROR("read completed although nothing was sent");
        } catch (const boost::system::system_error& e) {
          seen = e.code();
        }
      },
      net::bind_cancellation_slot(sig.slot(), report_exception{&done}));
  ioc.poll();
  BOOST_TEST_REQUIRE(!done);
  sig.emit(net::cancellation_type::terminal);
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(seen, net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(as_tuple_reports_abort_without_throwing) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  net::steady_timer canceller(ioc, 20ms);
  canceller.async_wait([&](error_code) { p.client.cancel(); });
  error_code seen;
  std::size_t n_seen = 99;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        std::array<char, 8> buf{};
        auto [ec, n] =
            co_await p.client.async_read_some(net::buffer(buf), net::as_tuple(net::use_awaitable));
        seen = ec;
        n_seen = n;
      },
      report_exception{&done});
  BOOST_TEST_REQUIRE(run_until(ioc, [&] { return done; }));
  CONF_CHECK_EC(seen, net::error::operation_aborted);
  BOOST_TEST(n_seen == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
