// An idle loop sleeps in poll(2): with reads and timers pending but nothing
// happening, the process uses (almost) no CPU. A behavioural check against
// busy-waiting, not a benchmark: 300 ms idle must cost well under 20 ms.
#include "helpers.hpp"

#include <unistd.h>

#include <array>
#include <future>
#include <thread>

using namespace native;

namespace {

constexpr auto idle_time = 300ms;
constexpr auto cpu_budget = 20ms;

struct idle_ops {
  explicit idle_ops(net::io_context& ioc) : pair(make_tcp_pair(ioc)), pipe_in(ioc), timer(ioc, 1h) {
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    pipe_in.assign(fds[0]);
    pipe_out = fds[1];
    pair.client.async_read_some(net::buffer(buf), [this](error_code, std::size_t) { ++ran; });
    pipe_in.async_read_some(net::buffer(buf2), [this](error_code, std::size_t) { ++ran; });
    timer.async_wait([this](error_code) { ++ran; });
  }
  ~idle_ops() { ::close(pipe_out); }

  tcp_pair pair;
  net::posix::stream_descriptor pipe_in;
  int pipe_out = -1;
  net::steady_timer timer;
  std::array<char, 16> buf{}, buf2{};
  int ran = 0;
};

std::string ms(std::chrono::microseconds d) {
  return std::to_string(d.count() / 1000.0) + " ms";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(idle_cpu)

BOOST_AUTO_TEST_CASE(run_for_with_pending_read_and_timer) {
  net::io_context ioc;
  idle_ops ops(ioc);
  ioc.restart();
  const auto cpu0 = process_cpu_time();
  const auto t0 = clk::now();
  const std::size_t n = ioc.run_for(idle_time);
  const auto wall = clk::now() - t0;
  const auto cpu = process_cpu_time() - cpu0;
  BOOST_TEST(n == 0u);
  BOOST_TEST(ops.ran == 0);
  BOOST_TEST((wall >= idle_time));
  BOOST_TEST((cpu < cpu_budget), "idle run_for used " << ms(cpu) << " of CPU");
}

BOOST_AUTO_TEST_CASE(blocked_run_on_another_thread, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  idle_ops ops(ioc);
  ioc.restart();
  std::promise<void> started;
  std::thread runner([&] {
    net::post(ioc, [&] { started.set_value(); });
    ioc.run();
  });
  started.get_future().wait();
  const auto cpu0 = process_cpu_time();
  std::this_thread::sleep_for(idle_time);
  const auto cpu = process_cpu_time() - cpu0;
  net::post(ioc, [&] { ioc.stop(); });
  runner.join();
  BOOST_TEST(ops.ran == 0);
  BOOST_TEST((cpu < cpu_budget), "blocked run() used " << ms(cpu) << " of CPU");
}

BOOST_AUTO_TEST_SUITE_END()
