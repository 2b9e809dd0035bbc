// Many threads submit work while one thread runs the context: every handler
// runs exactly once, on the runner, and each submitter's handlers run in the
// order it submitted them (the ready queue is one FIFO). Also a target for
// -DASIO_DS_SANITIZE=thread.
#include "helpers.hpp"

#include <array>
#include <atomic>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

using namespace native;

BOOST_AUTO_TEST_SUITE(concurrent_post)

BOOST_AUTO_TEST_CASE(eight_threads_post_while_one_runs, *boost::unit_test::timeout(120)) {
  constexpr int posters = 8;
  constexpr int per_thread = 10000;
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);

  // Written by the runner only; read after it has been joined.
  std::vector<int> hits(posters * per_thread, 0);
  std::vector<int> last_seen(posters, -1);
  int out_of_order = 0, off_runner = 0;
  std::thread::id runner_id;

  std::size_t ran = 0;
  std::thread runner([&] {
    runner_id = std::this_thread::get_id();
    ran = ioc.run();
  });

  std::latch start(posters);
  std::vector<std::thread> threads;
  for (int t = 0; t < posters; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();  // all posters at once, for maximum contention
      for (int i = 0; i < per_thread; ++i) {
        auto handler = [&, t, i] {
          ++hits[t * per_thread + i];
          if (i <= last_seen[t]) ++out_of_order;
          last_seen[t] = i;
          if (std::this_thread::get_id() != runner_id) ++off_runner;
        };
        // post, dispatch and defer from a non-runner thread all queue.
        switch (i % 3) {
          case 0:
            net::post(ioc, handler);
            break;
          case 1:
            net::dispatch(ioc, handler);
            break;
          default:
            net::defer(ioc, handler);
            break;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  guard.reset();  // from this thread: run() returns once the queue is drained
  runner.join();

  BOOST_TEST(ran == std::size_t(posters * per_thread));
  int not_once = 0;
  for (int h : hits)
    if (h != 1) ++not_once;
  BOOST_TEST(not_once == 0);
  BOOST_TEST(out_of_order == 0);
  BOOST_TEST(off_runner == 0);
  BOOST_TEST(ioc.stopped());
}

BOOST_AUTO_TEST_CASE(posting_threads_and_io_on_the_runner, *boost::unit_test::timeout(120)) {
  // Posts from other threads interleave with socket completions on the runner.
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  std::atomic<int> posted{0};
  std::size_t echoed = 0;
  std::array<char, 1> byte{'x'};
  std::array<char, 1> in{};
  constexpr int rounds = 2000;
  int round = 0;
  std::function<void()> ping = [&] {
    net::async_write(p.client, net::buffer(byte), [&](error_code ec, std::size_t) {
      BOOST_TEST(!ec);
      net::async_read(p.server, net::buffer(in), [&](error_code ec, std::size_t n) {
        BOOST_TEST(!ec);
        echoed += n;
        if (++round < rounds) ping();
      });
    });
  };
  ping();
  auto guard = net::make_work_guard(ioc);  // the posters may outlast the ping-pong
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i)
        net::post(ioc, [&] { posted.fetch_add(1, std::memory_order_relaxed); });
    });
  const bool finished = run_until(
      ioc, [&] { return round == rounds && posted == 20000; }, 60s);
  for (auto& th : threads)
    th.join();
  BOOST_TEST_REQUIRE(finished);
  BOOST_TEST(echoed == std::size_t(rounds));
}

BOOST_AUTO_TEST_SUITE_END()
