// steady_timer: expiry bookkeeping, ordering, cancellation and the completion-token forms.

BOOST_AUTO_TEST_SUITE(timers)

using namespace conformance;

BOOST_AUTO_TEST_CASE(expires_after_waits_at_least_the_duration) {
  net::io_context ioc;
  net::steady_timer t(ioc);
  const auto before = clk::now();
  BOOST_TEST(t.expires_after(30ms) == 0u);  // nothing was pending
  const auto after = clk::now();
  BOOST_TEST((t.expiry() >= before + 30ms && t.expiry() <= after + 30ms));

  error_code result = net::error::fault;
  clk::time_point fired;
  t.async_wait([&](error_code ec) {
    result = ec;
    fired = clk::now();
  });
  BOOST_TEST(ioc.run() == 1u);
  CONF_CHECK_OK(result);
  BOOST_TEST((fired >= t.expiry()));
  BOOST_TEST((fired - before < 5s));
}

BOOST_AUTO_TEST_CASE(expires_at_and_expiry_round_trip) {
  net::io_context ioc;
  const auto at = clk::now() + 20ms;
  net::steady_timer t(ioc, at);  // constructor with absolute time
  BOOST_TEST((t.expiry() == at));
  bool done = false;
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    BOOST_TEST((clk::now() >= at));
    done = true;
  });
  ioc.run();
  BOOST_TEST(done);

  // expires_at with a time in the past completes immediately, successfully, but never inline.
  const auto past = clk::now() - 1s;
  t.expires_at(past);
  BOOST_TEST((t.expiry() == past));
  bool past_done = false;
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    past_done = true;
  });
  BOOST_TEST(!past_done);
  ioc.restart();
  ioc.run();
  BOOST_TEST(past_done);

  // Constructor with a relative duration.
  net::steady_timer rel(ioc, 1h);
  BOOST_TEST((rel.expiry() > clk::now() + 59min));
}

BOOST_AUTO_TEST_CASE(timers_fire_in_expiry_order) {
  net::io_context ioc;
  std::vector<int> order;
  std::vector<std::unique_ptr<net::steady_timer>> timers;
  // Started in scrambled order; must complete in order of expiry.
  for (int ms : {50, 10, 40, 0, 30, 20}) {
    auto t = std::make_unique<net::steady_timer>(ioc, std::chrono::milliseconds(ms));
    t->async_wait([&order, ms](error_code ec) {
      CONF_CHECK_OK(ec);
      order.push_back(ms);
    });
    timers.push_back(std::move(t));
  }
  BOOST_TEST(ioc.run() == 6u);
  BOOST_TEST(order == (std::vector<int>{0, 10, 20, 30, 40, 50}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cancel_aborts_every_waiter_and_returns_count) {
  net::io_context ioc;
  net::steady_timer t(ioc, 1h);
  std::vector<error_code> results;
  for (int i = 0; i < 3; ++i)
    t.async_wait([&](error_code ec) { results.push_back(ec); });
  ioc.poll();
  BOOST_TEST(results.empty());
  BOOST_TEST(t.cancel() == 3u);
  BOOST_TEST(results.empty());  // never inline
  BOOST_TEST(ioc.run() == 3u);
  BOOST_TEST_REQUIRE(results.size() == 3u);
  for (const auto& ec : results)
    CONF_CHECK_EC(ec, net::error::operation_aborted);
  BOOST_TEST(t.cancel() == 0u);  // nothing left
}

BOOST_AUTO_TEST_CASE(resetting_expiry_aborts_pending_wait) {
  net::io_context ioc;
  net::steady_timer t(ioc, 1h);
  std::vector<std::pair<int, error_code>> results;
  t.async_wait([&](error_code ec) { results.emplace_back(1, ec); });
  BOOST_TEST(t.expires_after(10ms) == 1u);  // cancels the first wait
  t.async_wait([&](error_code ec) { results.emplace_back(2, ec); });
  watchdog wd(ioc, 10s);
  net::steady_timer disarm(ioc, 200ms);
  disarm.async_wait([&](error_code) { wd.disarm(); });
  ioc.run();
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(results[0].first == 1);
  CONF_CHECK_EC(results[0].second, net::error::operation_aborted);
  BOOST_TEST(results[1].first == 2);
  CONF_CHECK_OK(results[1].second);
}

BOOST_AUTO_TEST_CASE(cancel_after_expiry_is_too_late) {
  // Once the wait has completed (handler queued or run), cancel() finds nothing.
  net::io_context ioc;
  net::steady_timer t(ioc, 1ms);
  error_code result = net::error::fault;
  t.async_wait([&](error_code ec) { result = ec; });
  ioc.run();
  BOOST_TEST(t.cancel() == 0u);
  CONF_CHECK_OK(result);
}

BOOST_AUTO_TEST_CASE(completion_token_forms) {
  net::io_context ioc;
  net::steady_timer t(ioc);

  // deferred: nothing starts until the deferred operation is invoked with a token.
  t.expires_after(5ms);
  auto op = t.async_wait(net::deferred);
  int calls = 0;
  ioc.poll();
  BOOST_TEST(calls == 0);
  std::move(op)([&](error_code ec) {
    CONF_CHECK_OK(ec);
    ++calls;
  });
  ioc.restart();
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(calls == 1);

  // Coroutines: use_awaitable and as_tuple(use_awaitable), and awaiting a deferred operation.
  bool done = false;
  error_code tuple_ec = net::error::fault;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        net::steady_timer ct(co_await net::this_coro::executor, 5ms);
        co_await ct.async_wait(net::use_awaitable);
        ct.expires_after(5ms);
        auto [ec] = co_await ct.async_wait(net::as_tuple(net::use_awaitable));
        tuple_ec = ec;
        ct.expires_after(5ms);
        co_await ct.async_wait(net::deferred);
      },
      report_exception{&done});
  ioc.restart();
  ioc.run();
  BOOST_TEST(done);
  CONF_CHECK_OK(tuple_ec);
}

BOOST_AUTO_TEST_CASE(periodic_rescheduling_from_the_handler) {
  // The classic drift-free ticker: expires_at(expiry() + period) inside the handler.
  net::io_context ioc;
  net::steady_timer t(ioc);
  const auto start = clk::now();
  t.expires_at(start + 10ms);
  int ticks = 0;
  std::function<void(error_code)> tick = [&](error_code ec) {
    CONF_CHECK_OK(ec);
    if (++ticks == 5) return;
    t.expires_at(t.expiry() + 10ms);
    t.async_wait(tick);
  };
  t.async_wait(tick);
  ioc.run();
  BOOST_TEST(ticks == 5);
  BOOST_TEST((clk::now() - start >= 50ms));
  BOOST_TEST((t.expiry() == start + 50ms));
}

BOOST_AUTO_TEST_SUITE_END()
