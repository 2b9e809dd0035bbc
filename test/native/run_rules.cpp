// The run-loop rules, as Boost.Asio's: any number of threads run one io_context
// at once and its handlers run in parallel (strands serialise theirs); a
// runner with nothing to do while another waits for I/O idles (poll() does not
// wait); nested runs from a handler are fine; runners may change between runs.
#include "helpers.hpp"

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace native;

BOOST_AUTO_TEST_SUITE(run_rules)

BOOST_AUTO_TEST_CASE(a_second_runner_runs_alongside_the_first, *boost::unit_test::timeout(30)) {
  // Two handlers that each wait until both have started: only two runners at once can finish.
  net::io_context ioc;
  std::atomic<int> started{0};
  std::atomic<int> met{0};
  auto meet = [&] {
    ++started;
    const auto give_up = clk::now() + 10s;
    while (started.load() < 2 && clk::now() < give_up)
      std::this_thread::yield();
    if (started.load() == 2) ++met;
  };
  net::post(ioc, meet);
  net::post(ioc, meet);
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  BOOST_TEST(met.load() == 2);
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(a_runner_with_nothing_to_do_while_another_waits_for_io,
                     *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::thread runner([&] { ioc.run(); });
  // Wait until the runner is in the loop (waiting in poll(2): nothing else to do).
  std::promise<void> inside;
  net::post(ioc, [&] { inside.set_value(); });
  inside.get_future().wait();

  // Calls that must not wait give up at once, having run nothing ...
  BOOST_TEST(ioc.poll() == 0u);
  BOOST_TEST(ioc.poll_one() == 0u);
  // ... deadline-bound ones wait until their deadline ...
  const auto start = clk::now();
  BOOST_TEST(ioc.run_for(30ms) == 0u);
  BOOST_TEST((clk::now() - start >= 25ms));
  BOOST_TEST(ioc.run_until(clk::now() + 10ms) == 0u);
  // ... and run_one() takes one handler and returns. The two handlers wait for
  // each other, so one runner cannot run both and leave run_one() waiting (it
  // may start only after both are queued, or be woken after the other took them).
  std::atomic<int> ran{0};
  std::atomic<int> started{0};
  for (int i = 0; i < 2; ++i)
    net::post(ioc, [&] {
      ++started;
      const auto give_up = clk::now() + 10s;
      while (started.load() < 2 && clk::now() < give_up)
        std::this_thread::yield();
      ++ran;
    });
  std::promise<std::size_t> ran_one;
  std::thread second([&] { ran_one.set_value(ioc.run_one()); });
  BOOST_TEST(ran_one.get_future().get() == 1u);
  BOOST_TEST(started.load() == 2);
  second.join();
  guard.reset();
  runner.join();
  BOOST_TEST(ran.load() == 2);
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(a_handler_may_block_on_another_handler, *boost::unit_test::timeout(30)) {
  // Deadlocks with one runner; with two, the other runner runs the handler being waited for.
  net::io_context ioc;
  std::future_status status = std::future_status::deferred;
  net::post(ioc, [&] {
    std::future<int> answer = net::post(ioc, net::use_future([] { return 42; }));
    status = answer.wait_for(10s);
  });
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  BOOST_TEST((status == std::future_status::ready));
}

BOOST_AUTO_TEST_CASE(a_thread_pool_on_one_context_runs_handlers_in_parallel,
                     *boost::unit_test::timeout(60)) {
  // The shape of Beast's and Asio's multi-threaded servers: N threads call
  // run() on one context. Every handler runs once, handlers of one strand never
  // overlap, handlers in general do, and every thread returns when the work runs out.
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  auto strand = net::make_strand(ioc);
  std::atomic<int> running{0}, overlap{0}, ran{0}, strand_overlap{0}, not_inside{0};
  int on_strand = 0, in_strand = 0;  // plain: only the strand's handlers touch them
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([&] { ioc.run(); });
  for (int i = 0; i < 1000; ++i) {
    net::post(ioc, [&] {
      if (running.fetch_add(1) != 0) ++overlap;
      if (!ioc.get_executor().running_in_this_thread()) ++not_inside;
      std::this_thread::sleep_for(20us);
      ++ran;
      running.fetch_sub(1);
    });
    net::post(strand, [&] {
      if (in_strand++ != 0) ++strand_overlap;
      ++on_strand;
      --in_strand;
    });
  }
  guard.reset();
  for (auto& t : pool)
    t.join();
  BOOST_TEST(ran.load() == 1000);
  BOOST_TEST(not_inside.load() == 0);
  BOOST_TEST(on_strand == 1000);
  BOOST_TEST(strand_overlap.load() == 0);
  BOOST_TEST(overlap.load() > 0);
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

BOOST_AUTO_TEST_CASE(exception_from_handler_ends_that_run, *boost::unit_test::timeout(30)) {
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
  BOOST_TEST(ioc.run() == 1u);  // the throwing run() returned; the context runs again
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
