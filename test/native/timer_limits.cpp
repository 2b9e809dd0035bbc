// Timers at the ends of the clock's range. A wait until time_point::max()
// must not disturb nearer timers: Asio's wait_traits::to_wait_duration(
// time_point) computes now + duration::max(), which overflows, and an earlier
// version of the reactor then treated every deadline as "never".
#include "helpers.hpp"

using namespace native;

namespace {

// A far wait and a 50 ms wait on `Timer`, started in either order. The near
// one must fire on time while the far one stays pending until cancelled.
template <typename Timer>
void check_far_and_near(bool far_first) {
  net::io_context ioc;
  Timer far(ioc), near(ioc);
  far.expires_at(Timer::time_point::max());
  BOOST_TEST((far.expiry() == Timer::time_point::max()));
  error_code far_ec = net::error::fault, near_ec = net::error::fault;
  bool far_done = false, near_done = false;
  clk::time_point fired{};
  auto start_far = [&] {
    far.async_wait([&](error_code ec) {
      far_ec = ec;
      far_done = true;
    });
  };
  if (far_first) start_far();
  const auto start = clk::now();
  near.expires_after(50ms);
  near.async_wait([&](error_code ec) {
    near_ec = ec;
    near_done = true;
    fired = clk::now();
  });
  if (!far_first) start_far();

  BOOST_TEST_REQUIRE(run_until(
      ioc, [&] { return near_done; }, 5s));
  BOOST_TEST(!near_ec);
  BOOST_TEST((fired - start >= 50ms));
  BOOST_TEST((fired - start < 1s),
             "near timer fired after "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(fired - start).count()
                 << " ms");
  BOOST_TEST(!far_done);

  BOOST_TEST(far.cancel() == 1u);
  BOOST_TEST_REQUIRE(run_until(
      ioc, [&] { return far_done; }, 5s));
  BOOST_TEST(far_ec == net::error::operation_aborted);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(timer_limits)

BOOST_AUTO_TEST_CASE(steady_timer_max_then_near) {
  check_far_and_near<net::steady_timer>(true);
}
BOOST_AUTO_TEST_CASE(steady_timer_near_then_max) {
  check_far_and_near<net::steady_timer>(false);
}
BOOST_AUTO_TEST_CASE(system_timer_max_then_near) {
  check_far_and_near<net::system_timer>(true);
}

BOOST_AUTO_TEST_CASE(expires_after_saturates) {
  net::io_context ioc;
  net::steady_timer t(ioc);
  t.expires_after(net::steady_timer::duration::max());
  BOOST_TEST((t.expiry() == net::steady_timer::time_point::max()));
  t.expires_after(net::steady_timer::duration::min());  // no overflow: now + min() is in range
  BOOST_TEST((t.expiry() < clk::now()));
}

BOOST_AUTO_TEST_CASE(time_point_min_fires_at_once) {
  net::io_context ioc;
  net::steady_timer t(ioc);
  t.expires_at(net::steady_timer::time_point::min());
  error_code ec = net::error::fault;
  t.async_wait([&](error_code e) { ec = e; });
  const auto start = clk::now();
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(!ec);
  BOOST_TEST((clk::now() - start < 1s));
}

BOOST_AUTO_TEST_CASE(far_timer_alone_does_not_end_run_for_early) {
  // Only a far timer pending: run_for waits its full time and runs nothing.
  net::io_context ioc;
  net::steady_timer far(ioc);
  far.expires_at(net::steady_timer::time_point::max());
  bool done = false;
  far.async_wait([&](error_code) { done = true; });
  const auto start = clk::now();
  BOOST_TEST(ioc.run_for(100ms) == 0u);
  BOOST_TEST((clk::now() - start >= 100ms));
  BOOST_TEST(!done);
  far.cancel();
  ioc.restart();
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_SUITE_END()
