// The run-loop rules this library defines: one thread runs a given io_context
// at a time (a second concurrent runner gets std::logic_error instead of a
// race), nested runs from a handler on the runner thread are fine, and the
// runner may change between runs.
#include "helpers.hpp"

#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace native;

BOOST_AUTO_TEST_SUITE(run_rules)

BOOST_AUTO_TEST_CASE(second_concurrent_runner_gets_logic_error, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::promise<void> inside;
  std::thread runner([&] {
    net::post(ioc, [&] { inside.set_value(); });
    ioc.run();
  });
  inside.get_future().wait();  // the runner is now inside run()

  BOOST_CHECK_THROW(ioc.run(), std::logic_error);
  BOOST_CHECK_THROW(ioc.run_one(), std::logic_error);
  BOOST_CHECK_THROW(ioc.run_for(10ms), std::logic_error);
  BOOST_CHECK_THROW(ioc.run_until(clk::now() + 10ms), std::logic_error);
  BOOST_CHECK_THROW(ioc.poll(), std::logic_error);
  BOOST_CHECK_THROW(ioc.poll_one(), std::logic_error);

  // Posting from any thread stays fine, and the refused calls did not disturb
  // the real runner.
  std::promise<std::thread::id> ran_on;
  net::post(ioc, [&] { ran_on.set_value(std::this_thread::get_id()); });
  BOOST_TEST((ran_on.get_future().get() == runner.get_id()));
  guard.reset();
  runner.join();
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(runner_may_change_between_runs, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  int ran = 0;
  net::post(ioc, [&] { ++ran; });
  std::size_t first = 0;
  std::thread([&] { first = ioc.run(); }).join();  // assertions stay on the main thread
  BOOST_TEST(first == 1u);
  ioc.restart();
  net::post(ioc, [&] { ++ran; });
  BOOST_TEST(ioc.run() == 1u);  // this thread now; the first runner has left
  BOOST_TEST(ran == 2);
}

BOOST_AUTO_TEST_CASE(exception_from_handler_releases_the_runner, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  net::post(ioc, [] { throw std::runtime_error("from handler"); });
  bool threw = false;
  std::thread([&] {
    try {
      ioc.run();
    } catch (const std::runtime_error&) {
      threw = true;
    }
  }).join();
  BOOST_TEST(threw);
  int ran = 0;
  net::post(ioc, [&] { ++ran; });
  ioc.restart();
  BOOST_TEST(ioc.run() == 1u);  // no logic_error: the throwing run() gave the context up
  BOOST_TEST(ran == 1);
}

BOOST_AUTO_TEST_CASE(nested_runs_from_a_handler) {
  net::io_context ioc;
  std::vector<int> order;
  net::post(ioc, [&] {
    net::post(ioc, [&] { order.push_back(1); });
    net::post(ioc, [&] { order.push_back(2); });
    BOOST_TEST(ioc.poll_one() == 1u);
    BOOST_TEST(ioc.run_one() == 1u);
    net::post(ioc, [&] { order.push_back(3); });
    // The outer handler is still outstanding work, so this waits out its time.
    BOOST_TEST(ioc.run_for(20ms) == 1u);
    BOOST_TEST(ioc.get_executor().running_in_this_thread());
    order.push_back(4);
  });
  BOOST_TEST(ioc.run() == 1u);  // each run call counts only the handlers it ran
  BOOST_TEST(order == (std::vector<int>{1, 2, 3, 4}));

  // A nested run() ends with stop(); restart() lets the outer run carry on.
  ioc.restart();
  order.clear();
  net::post(ioc, [&] {
    net::post(ioc, [&] { order.push_back(5); });
    net::post(ioc, [&] { ioc.stop(); });
    BOOST_TEST(ioc.run() == 2u);
    ioc.restart();
    net::post(ioc, [&] { order.push_back(6); });
  });
  BOOST_TEST(ioc.run() == 2u);
  BOOST_TEST(order == (std::vector<int>{5, 6}));
}

BOOST_AUTO_TEST_CASE(distinct_contexts_run_concurrently, *boost::unit_test::timeout(30)) {
  // The rule is per context: two contexts on two threads, and a handler of
  // one running the other, are all fine.
  net::io_context a, b;
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) {
    net::post(a, [&] { ++ran; });
    net::post(b, [&] { ++ran; });
  }
  std::thread ta([&] { a.run(); });
  std::thread tb([&] { b.run(); });
  ta.join();
  tb.join();
  BOOST_TEST(ran == 200);

  a.restart();
  b.restart();
  net::post(b, [&] { ++ran; });
  std::size_t nested = 0;
  net::post(a, [&] { nested = b.run(); });
  BOOST_TEST(a.run() == 1u);
  BOOST_TEST(nested == 1u);
  BOOST_TEST(ran == 201);
}

BOOST_AUTO_TEST_SUITE_END()
