// The run-loop rules this library defines: one thread runs a given io_context
// at a time (a second concurrent runner waits for its turn; poll() does not
// wait), nested runs from a handler on the runner thread are fine, and the
// runner may change between runs.
#include "helpers.hpp"

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace native;

BOOST_AUTO_TEST_SUITE(run_rules)

BOOST_AUTO_TEST_CASE(a_second_runner_waits_its_turn, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::promise<void> inside;
  std::thread runner([&] {
    net::post(ioc, [&] { inside.set_value(); });
    ioc.run();
  });
  inside.get_future().wait();  // the runner is now inside run()

  // Calls that must not wait give up at once, having run nothing ...
  BOOST_TEST(ioc.poll() == 0u);
  BOOST_TEST(ioc.poll_one() == 0u);
  // ... deadline-bound ones wait until their deadline ...
  const auto start = clk::now();
  BOOST_TEST(ioc.run_for(30ms) == 0u);
  BOOST_TEST((clk::now() - start >= 25ms));
  BOOST_TEST(ioc.run_until(clk::now() + 10ms) == 0u);

  // ... and run() waits for the runner to leave, then finds the context
  // stopped (its work ran out) and returns.
  std::promise<std::size_t> second_ran;
  std::thread second([&] { second_ran.set_value(ioc.run()); });
  std::promise<std::thread::id> ran_on;
  net::post(ioc, [&] { ran_on.set_value(std::this_thread::get_id()); });
  BOOST_TEST((ran_on.get_future().get() == runner.get_id()));
  guard.reset();
  runner.join();
  second.join();
  BOOST_TEST(second_ran.get_future().get() == 0u);
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(a_thread_pool_on_one_context_runs_every_handler_one_at_a_time,
                     *boost::unit_test::timeout(60)) {
  // The shape of Beast's and Asio's multi-threaded servers: N threads call
  // run() on one context. Every handler runs, never two at once, and every
  // thread returns when the work runs out.
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::atomic<int> running{0}, overlap{0}, ran{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([&] { ioc.run(); });
  for (int i = 0; i < 1000; ++i)
    net::post(ioc, [&] {
      if (running.fetch_add(1) != 0) ++overlap;
      BOOST_TEST(ioc.get_executor().running_in_this_thread());
      ++ran;
      running.fetch_sub(1);
    });
  guard.reset();
  for (auto& t : pool)
    t.join();
  BOOST_TEST(ran.load() == 1000);
  BOOST_TEST(overlap.load() == 0);
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
  BOOST_TEST(ioc.run() == 1u);  // runs at once: the throwing run() gave the context up
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
