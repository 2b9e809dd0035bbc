// signal_set as servers use it for a clean shutdown: waits that end by
// cancel() or destruction, and the signal-number checks. (No signal is raised:
// a browser has none, and these cases run there too.)

#include <csignal>

BOOST_AUTO_TEST_SUITE(signals)

using namespace conformance;

BOOST_AUTO_TEST_CASE(cancel_completes_a_pending_wait_with_operation_aborted) {
  net::io_context ioc;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  std::optional<error_code> result;
  int number = -1;
  signals.async_wait([&](error_code ec, int n) {
    result = ec;
    number = n;
  });
  net::post(ioc, [&] { signals.cancel(); });
  ioc.run();
  BOOST_TEST_REQUIRE(result.has_value());
  CONF_CHECK_EC(*result, net::error::operation_aborted);
  BOOST_TEST(number == 0);
}

BOOST_AUTO_TEST_CASE(a_pending_wait_keeps_run_going_until_cancelled) {
  net::io_context ioc;
  net::signal_set signals(ioc, SIGINT);
  bool waited = false;
  signals.async_wait([&](error_code ec, int) {
    CONF_CHECK_EC(ec, net::error::operation_aborted);
    waited = true;
  });
  net::steady_timer timer(ioc, std::chrono::milliseconds(20));
  timer.async_wait([&](error_code) { signals.cancel(); });
  const auto start = clk::now();
  ioc.run();  // returns only once the wait is cancelled
  BOOST_TEST(waited);
  BOOST_TEST((clk::now() - start >= std::chrono::milliseconds(15)));
}

BOOST_AUTO_TEST_CASE(destroying_the_set_aborts_its_wait) {
  net::io_context ioc;
  std::optional<error_code> result;
  {
    net::signal_set signals(ioc, SIGTERM);
    signals.async_wait([&](error_code ec, int) { result = ec; });
  }
  ioc.run();
  BOOST_TEST_REQUIRE(result.has_value());
  CONF_CHECK_EC(*result, net::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(bad_signal_numbers_are_invalid_argument) {
  net::io_context ioc;
  net::signal_set signals(ioc);
  error_code ec;
  signals.add(-1, ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);
  signals.add(NSIG, ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);
  signals.remove(-1, ec);
  CONF_CHECK_EC(ec, net::error::invalid_argument);
  signals.add(SIGINT, ec);
  CONF_CHECK_OK(ec);
  signals.remove(SIGINT, ec);
  CONF_CHECK_OK(ec);
  signals.clear(ec);
  CONF_CHECK_OK(ec);
  BOOST_CHECK_THROW(signals.add(-1), boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
