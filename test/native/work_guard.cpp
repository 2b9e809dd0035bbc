// Outstanding work keeps run() blocked with nothing to do, and giving it up
// from another thread wakes the blocked runner so run() returns.
#include "helpers.hpp"

#include <array>
#include <future>
#include <optional>
#include <thread>

using namespace native;

namespace {

// Runs ioc.run() on a thread and checks that it stays blocked until
// release() (called on this thread), then returns within 5 s having run
// `handlers` handlers.
template <typename Release>
void check_held_then_released(net::io_context& ioc, Release release, std::size_t handlers = 0) {
  std::promise<std::size_t> returned;
  auto result = returned.get_future();
  std::thread runner([&] { returned.set_value(ioc.run()); });

  BOOST_TEST((result.wait_for(200ms) == std::future_status::timeout));  // held
  release();
  const bool woke = result.wait_for(5s) == std::future_status::ready;
  BOOST_TEST(woke);
  if (!woke) ioc.stop();  // do not hang the suite on a broken build
  runner.join();
  BOOST_TEST(result.get() == handlers);
  BOOST_TEST(ioc.stopped());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(work_guard)

BOOST_AUTO_TEST_CASE(make_work_guard_reset_from_another_thread, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  BOOST_TEST(guard.owns_work());
  check_held_then_released(ioc, [&] { guard.reset(); });
}

BOOST_AUTO_TEST_CASE(legacy_io_context_work, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  std::optional<net::io_context::work> work(std::in_place, ioc);
  std::optional<net::io_context::work> copy(*work);  // each copy is one more unit of work
  work.reset();
  check_held_then_released(ioc, [&] { copy.reset(); });
}

BOOST_AUTO_TEST_CASE(tracked_executor_is_work, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  using tracked_t =
      decltype(net::prefer(ioc.get_executor(), net::execution::outstanding_work.tracked));
  std::optional<tracked_t> tracked(
      net::prefer(ioc.get_executor(), net::execution::outstanding_work.tracked));
  check_held_then_released(ioc, [&] { tracked.reset(); });
}

BOOST_AUTO_TEST_CASE(guard_over_pending_io_then_released, *boost::unit_test::timeout(30)) {
  // With a read pending too, releasing the guard is not enough: the read is
  // work. Cancelling it from another thread lets run() finish.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  auto guard = net::make_work_guard(ioc);
  std::array<char, 8> buf{};
  error_code read_ec;
  p.client.async_read_some(net::buffer(buf), [&](error_code ec, std::size_t) { read_ec = ec; });
  ioc.restart();
  check_held_then_released(
      ioc,
      [&] {
        guard.reset();
        std::this_thread::sleep_for(100ms);
        BOOST_TEST(!ioc.stopped());  // the read still holds it
        net::post(ioc, [&] { p.client.cancel(); });
      },
      2);  // the posted cancel and the aborted read
  BOOST_TEST(read_ec == net::error::operation_aborted);
}

BOOST_AUTO_TEST_SUITE_END()
