// deadline_timer (boost::posix_time): expiry bookkeeping, the special values ssl::stream relies
// on (pos_infin: never; neg_infin: already), cancellation and the synchronous wait. On
// asio_directsockets it runs on the library's loop (in the browser build Boost's own would abort
// the program: it needs a thread).

#if defined(BOOST_ASIO_HAS_BOOST_DATE_TIME)

BOOST_AUTO_TEST_SUITE(deadline_timers)

using namespace conformance;
namespace pt = boost::posix_time;

BOOST_AUTO_TEST_CASE(expires_from_now_waits_at_least_the_duration) {
  net::io_context ioc;
  net::deadline_timer t(ioc);
  // The bookkeeping is checked on a long expiry: a loaded machine may spend a 30 ms expiry
  // between two lines.
  BOOST_TEST((t.expires_from_now(pt::minutes(10)) == 0u));  // nothing was pending
  BOOST_TEST((t.expires_from_now() <= pt::minutes(10)));
  BOOST_TEST((t.expires_from_now() > pt::minutes(9)));
  const auto before = clk::now();
  BOOST_TEST((t.expires_from_now(pt::milliseconds(30)) == 0u));  // still nothing pending

  error_code result = net::error::fault;
  clk::time_point fired;
  t.async_wait([&](error_code ec) {
    result = ec;
    fired = clk::now();
  });
  BOOST_TEST(ioc.run() == 1u);
  CONF_CHECK_OK(result);
  BOOST_TEST((fired - before >= 29ms));  // posix_time counts microseconds
  BOOST_TEST((fired - before < 5s));
  BOOST_TEST((t.expires_from_now() <= pt::milliseconds(0)));
}

BOOST_AUTO_TEST_CASE(constructors_and_expires_at_round_trip) {
  net::io_context ioc;
  const pt::ptime at = pt::microsec_clock::universal_time() + pt::milliseconds(20);
  net::deadline_timer t(ioc, at);  // absolute time
  BOOST_TEST((t.expires_at() == at));
  bool done = false;
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    BOOST_TEST((pt::microsec_clock::universal_time() >= at));
    done = true;
  });
  ioc.run();
  BOOST_TEST(done);

  // A time in the past completes successfully, but never inline.
  const pt::ptime past = pt::microsec_clock::universal_time() - pt::seconds(1);
  t.expires_at(past);
  BOOST_TEST((t.expires_at() == past));
  bool past_done = false;
  t.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    past_done = true;
  });
  BOOST_TEST(!past_done);
  ioc.restart();
  ioc.run();
  BOOST_TEST(past_done);

  net::deadline_timer rel(ioc, pt::hours(1));  // relative duration
  BOOST_TEST((rel.expires_from_now() > pt::minutes(59)));
  net::deadline_timer on_executor(ioc.get_executor(), pt::seconds(5));
  BOOST_TEST((on_executor.expires_from_now() > pt::seconds(4)));
}

// ssl::stream parks an operation on a timer set to pos_infin and wakes it by setting neg_infin.
BOOST_AUTO_TEST_CASE(pos_infin_never_fires_and_neg_infin_wakes_the_waiter) {
  net::io_context ioc;
  net::deadline_timer parked(ioc), waker(ioc, pt::milliseconds(10));
  parked.expires_at(pt::pos_infin);
  BOOST_TEST((parked.expires_at() == pt::ptime(pt::pos_infin)));
  error_code parked_ec = net::error::fault;
  std::size_t woken = 0;
  int order = 0, parked_at = 0, waker_at = 0;
  parked.async_wait([&](error_code ec) {
    parked_ec = ec;
    parked_at = ++order;
  });
  waker.async_wait([&](error_code ec) {
    CONF_CHECK_OK(ec);
    waker_at = ++order;
    woken = parked.expires_at(pt::neg_infin);
  });
  BOOST_TEST(ioc.run() == 2u);
  BOOST_TEST(woken == 1u);
  CONF_CHECK_EC(parked_ec, net::error::operation_aborted);
  BOOST_TEST(waker_at == 1);
  BOOST_TEST(parked_at == 2);
  BOOST_TEST((parked.expires_at() == pt::ptime(pt::neg_infin)));

  // A wait on neg_infin completes at once, successfully.
  error_code now_ec = net::error::fault;
  parked.async_wait([&](error_code ec) { now_ec = ec; });
  ioc.restart();
  BOOST_TEST(ioc.run() == 1u);
  CONF_CHECK_OK(now_ec);
}

BOOST_AUTO_TEST_CASE(cancel_and_cancel_one_count_the_waits) {
  net::io_context ioc;
  net::deadline_timer t(ioc, pt::hours(1));
  std::vector<int> aborted;
  for (int i = 0; i < 3; ++i)
    t.async_wait([&, i](error_code ec) {
      CONF_CHECK_EC(ec, net::error::operation_aborted);
      aborted.push_back(i);
    });
  BOOST_TEST(t.cancel_one() == 1u);
  error_code ec = net::error::fault;
  BOOST_TEST(t.cancel_one(ec) == 1u);
  CONF_CHECK_OK(ec);
  BOOST_TEST(t.cancel() == 1u);
  BOOST_TEST(t.cancel() == 0u);
  BOOST_TEST(ioc.run() == 3u);
  BOOST_TEST((aborted == std::vector<int>{0, 1, 2}));  // oldest first

  // Changing the expiry cancels what was pending and says how many.
  int changed = 0;
  t.async_wait([&](error_code e) {
    CONF_CHECK_EC(e, net::error::operation_aborted);
    ++changed;
  });
  t.async_wait([&](error_code e) {
    CONF_CHECK_EC(e, net::error::operation_aborted);
    ++changed;
  });
  BOOST_TEST((t.expires_from_now(pt::milliseconds(1), ec) == 2u));
  CONF_CHECK_OK(ec);
  ioc.restart();
  BOOST_TEST(ioc.run() == 2u);
  BOOST_TEST(changed == 2);
}

BOOST_AUTO_TEST_CASE(destroying_a_timer_aborts_its_waits) {
  net::io_context ioc;
  error_code ec = net::error::fault;
  {
    net::deadline_timer t(ioc, pt::hours(1));
    t.async_wait([&](error_code e) { ec = e; });
  }
  BOOST_TEST(ioc.run() == 1u);
  CONF_CHECK_EC(ec, net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(a_moved_timer_keeps_its_wait) {
  net::io_context ioc;
  net::deadline_timer a(ioc, pt::milliseconds(5));
  error_code ec = net::error::fault;
  a.async_wait([&](error_code e) { ec = e; });
  net::deadline_timer b(std::move(a));
  BOOST_TEST((b.expires_from_now() <= pt::milliseconds(5)));
  BOOST_TEST(ioc.run() == 1u);
  CONF_CHECK_OK(ec);
  BOOST_TEST((b.get_executor() == ioc.get_executor()));
}

BOOST_AUTO_TEST_CASE(synchronous_wait_sleeps_until_the_expiry) {
  net::io_context ioc;
  net::deadline_timer t(ioc, pt::milliseconds(20));
  const auto before = clk::now();
  t.wait();
  BOOST_TEST((clk::now() - before >= 19ms));
  error_code ec = net::error::fault;
  t.wait(ec);  // already expired: returns at once
  CONF_CHECK_OK(ec);
}

BOOST_AUTO_TEST_CASE(deadline_timer_as_a_deferred_and_awaitable_operation) {
  net::io_context ioc;
  net::deadline_timer t(ioc, pt::milliseconds(1));
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        co_await t.async_wait(net::use_awaitable);
        t.expires_from_now(pt::milliseconds(1));
        auto [ec] = co_await t.async_wait(net::as_tuple(net::use_awaitable));
        CONF_CHECK_OK(ec);
        done = true;
      },
      net::detached);
  ioc.run();
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_SUITE_END()

#endif  // BOOST_ASIO_HAS_BOOST_DATE_TIME
