// I/O objects need this library's io_context, which boost::asio::io_context
// now is. An executor of any other execution context (a thread_pool, the
// system executor) is refused with std::invalid_argument at construction,
// instead of compiling into an object no loop would ever serve.
#include "helpers.hpp"

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

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

static_assert(std::is_same_v<boost::asio::io_context, asio_directsockets::io_context>);
static_assert(std::is_same_v<boost::asio::io_service, asio_directsockets::io_context>);

BOOST_AUTO_TEST_CASE(boost_asio_io_context_is_the_library_s) {
  boost::asio::io_context spelled_as_boost;
  boost::asio::ip::tcp::socket s(spelled_as_boost);
  boost::asio::steady_timer t(spelled_as_boost.get_executor(), 1s);
  boost::asio::io_service::strand strand(spelled_as_boost);
  BOOST_TEST(!s.is_open());
  BOOST_TEST(&strand.context() == &spelled_as_boost);
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
