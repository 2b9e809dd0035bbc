// The ends of the clock's range: run_until(time_point::min()) returns at once
// and expires_from_now() saturates, as in Boost.Asio (an earlier version
// overflowed here; signed overflow is undefined behaviour).
#include "helpers.hpp"

#include <chrono>

using namespace native;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(clock_range)

BOOST_AUTO_TEST_CASE(run_until_time_point_min_returns_at_once) {
  net::io_context ioc;
  // Bounded, so the bug shows as a failure after 2 s instead of a hang.
  net::steady_timer t(ioc, 2s);
  bool fired = false;
  t.async_wait([&](boost::system::error_code) { fired = true; });
  const auto start = clk::now();
  BOOST_TEST(ioc.run_until(clk::time_point::min()) == 0u);
  BOOST_TEST((clk::now() - start < 500ms));
  BOOST_TEST(!fired);
}

BOOST_AUTO_TEST_CASE(run_one_until_time_point_min_returns_at_once) {
  net::io_context ioc;
  net::steady_timer t(ioc, 2s);
  bool fired = false;
  t.async_wait([&](boost::system::error_code) { fired = true; });
  const auto start = clk::now();
  BOOST_TEST(ioc.run_one_until(std::chrono::system_clock::time_point::min()) == 0u);
  BOOST_TEST((clk::now() - start < 500ms));
  BOOST_TEST(!fired);
}

BOOST_AUTO_TEST_CASE(expires_from_now_saturates) {
  net::io_context ioc;
  net::steady_timer t(ioc);
  t.expires_at(net::steady_timer::time_point::min());
  BOOST_TEST((t.expires_from_now() == net::steady_timer::duration::min()));
}

BOOST_AUTO_TEST_SUITE_END()
