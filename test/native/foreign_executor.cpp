// I/O objects need this library's io_context. An executor of any other
// execution context (stock Boost.Asio's io_context, a thread_pool, the system
// executor) is refused with std::invalid_argument at construction, instead of
// compiling into an object no loop would ever serve.
#include "helpers.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstring>
#include <stdexcept>
#include <string>

using namespace native;

namespace {

using udp = net::ip::udp;

// Constructs every I/O object type of the library with `ex`, one at a time;
// returns how many threw std::invalid_argument with the documented message.
template <typename Executor>
int refusals(const Executor& ex) {
  int n = 0;
  auto expect_refused = [&](auto make) {
    try {
      make();
      BOOST_ERROR("an I/O object accepted a foreign executor");
    } catch (const std::invalid_argument& e) {
      BOOST_TEST(std::string(e.what()).find("asio_directsockets::io_context") != std::string::npos);
      ++n;
    }
  };
  expect_refused([&] { tcp::socket s(ex); });
  expect_refused([&] { tcp::acceptor a(ex); });
  expect_refused([&] { tcp::resolver r(ex); });
  expect_refused([&] { udp::socket s(ex); });
  expect_refused([&] { udp::resolver r(ex); });
  expect_refused([&] { net::steady_timer t(ex); });
  expect_refused([&] { net::system_timer t(ex); });
  expect_refused([&] { net::posix::stream_descriptor d(ex); });
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(foreign_executor)

BOOST_AUTO_TEST_CASE(stock_io_context_executor_is_refused) {
  boost::asio::io_context stock;
  BOOST_TEST(refusals(stock.get_executor()) == 8);
  BOOST_TEST(refusals(net::any_io_executor(stock.get_executor())) == 8);
  BOOST_TEST(refusals(net::make_strand(stock)) == 8);
  BOOST_CHECK_THROW(tcp::socket{stock}, std::invalid_argument);  // the context overload
  BOOST_CHECK_THROW(net::steady_timer(stock, 1s), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(thread_pool_and_system_executor_are_refused) {
  net::thread_pool pool(1);
  BOOST_TEST(refusals(pool.get_executor()) == 8);
  BOOST_TEST(refusals(net::any_io_executor(net::system_executor())) == 8);
  pool.join();
}

BOOST_AUTO_TEST_CASE(executors_of_our_contexts_are_accepted) {
  net::io_context ioc;
  tcp::socket a(ioc.get_executor());
  tcp::socket b(net::any_io_executor(ioc.get_executor()));
  net::steady_timer t(net::make_strand(ioc));
  tcp::acceptor acc(net::make_strand(ioc.get_executor()));
  BOOST_TEST(!a.is_open());
  BOOST_TEST((b.get_executor() == net::any_io_executor(ioc.get_executor())));
}

BOOST_AUTO_TEST_SUITE_END()
