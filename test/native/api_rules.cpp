// API points where this library decides for itself (see docs/api-differences.md).
#include "helpers.hpp"

#include <boost/asio/deadline_timer.hpp>

#include <fcntl.h>

#include <thread>

using namespace native;

BOOST_AUTO_TEST_SUITE(api_rules)

BOOST_AUTO_TEST_CASE(descriptors_are_always_non_blocking) {
  net::io_context ioc;
  tcp::socket s(ioc);
  error_code ec;
  s.native_non_blocking(true, ec);
  BOOST_TEST(ec == net::error::bad_descriptor);  // closed
  BOOST_TEST(!s.native_non_blocking());

  s.open(tcp::v4());
  // O_NONBLOCK from the start, not from the first async operation.
  BOOST_TEST((::fcntl(s.native_handle(), F_GETFL) & O_NONBLOCK) != 0);
  BOOST_TEST(s.native_non_blocking());
  s.native_non_blocking(true, ec);
  BOOST_TEST(!ec);
  // The reactor relies on O_NONBLOCK, so switching it off is refused.
  s.native_non_blocking(false, ec);
  BOOST_TEST(ec == net::error::invalid_argument);
  BOOST_TEST((::fcntl(s.native_handle(), F_GETFL) & O_NONBLOCK) != 0);
  try {
    s.native_non_blocking(false);
    BOOST_ERROR("native_non_blocking(false) did not throw");
  } catch (const boost::system::system_error& e) {
    BOOST_TEST(e.code() == net::error::invalid_argument);
  }

  // The user-visible non_blocking() mode is separate and free to change.
  BOOST_TEST(!s.non_blocking());
  s.non_blocking(true);
  BOOST_TEST(s.non_blocking());
}

BOOST_AUTO_TEST_CASE(accepted_sockets_are_non_blocking) {
  net::io_context ioc;
  tcp_pair p = make_tcp_pair(ioc);
  BOOST_TEST((::fcntl(p.server.native_handle(), F_GETFL) & O_NONBLOCK) != 0);
  BOOST_TEST(p.server.native_non_blocking());
}

BOOST_AUTO_TEST_CASE(deadline_timer_runs_on_our_loop_without_a_thread) {
  // Boost.Asio's own deadline_timer would create Boost's scheduler and epoll
  // reactor as services of our context and run them on a private thread.
  const int threads = thread_count();
  net::io_context ioc;
  net::deadline_timer t(ioc, boost::posix_time::milliseconds(10));
  std::thread::id ran_on;
  error_code ec = net::error::fault;
  t.async_wait([&](error_code e) {
    ec = e;
    ran_on = std::this_thread::get_id();
  });
  BOOST_TEST(ioc.run() == 1u);
  BOOST_TEST(!ec);
  BOOST_TEST((ran_on == std::this_thread::get_id()));
  BOOST_TEST(!boost::asio::has_service<boost::asio::detail::scheduler>(ioc));
  BOOST_TEST(thread_count() == threads);
}

// Boost.Asio's own spellings of the TCP/UDP/timer types are this library's
// objects (adopted/), so code that names boost::asio::ip::tcp::socket, and
// Beast's tcp_stream built on it, runs on our loop too.
template <typename Public, template <typename...> class Body, typename... Args>
constexpr bool is_ours = std::is_base_of_v<Body<Args...>, Public>;
namespace objects = asio_directsockets::objects;
using any = net::any_io_executor;
static_assert(std::is_same_v<net::ip::tcp::socket, boost::asio::ip::tcp::socket>);
static_assert(is_ours<boost::asio::ip::tcp::socket, objects::stream_socket_object,
                      boost::asio::ip::tcp, any>);
static_assert(
    is_ours<boost::asio::ip::tcp::acceptor, objects::acceptor_object, boost::asio::ip::tcp, any>);
static_assert(
    is_ours<boost::asio::ip::tcp::resolver, objects::resolver_object, boost::asio::ip::tcp, any>);
static_assert(is_ours<boost::asio::ip::udp::socket, objects::datagram_socket_object,
                      boost::asio::ip::udp, any>);
static_assert(
    is_ours<boost::asio::ip::udp::resolver, objects::resolver_object, boost::asio::ip::udp, any>);
static_assert(is_ours<boost::asio::steady_timer, objects::timer_object, std::chrono::steady_clock,
                      boost::asio::wait_traits<std::chrono::steady_clock>, any>);
static_assert(
    is_ours<boost::asio::deadline_timer, objects::deadline_timer_object, boost::posix_time::ptime,
            boost::asio::time_traits<boost::posix_time::ptime>, any>);
static_assert(is_ours<boost::asio::system_timer, objects::timer_object, std::chrono::system_clock,
                      boost::asio::wait_traits<std::chrono::system_clock>, any>);
// Rebinding keeps them ours (strands, use_awaitable.as_default_on).
static_assert(is_ours<net::ip::tcp::socket::rebind_executor<net::strand<any>>::other,
                      objects::stream_socket_object, boost::asio::ip::tcp, net::strand<any>>);

BOOST_AUTO_TEST_CASE(boost_spelled_socket_runs_on_our_loop_without_a_thread) {
  // No hidden Boost scheduler thread: the whole exchange happens on this
  // thread, inside our run(), and Boost's own async_connect algorithm drives
  // our socket through its basic_socket base.
  net::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::address_v4::loopback(), 0});
  boost::asio::ip::tcp::socket client(ioc), server(ioc);
  std::vector<boost::asio::ip::tcp::endpoint> endpoints{acceptor.local_endpoint()};
  error_code accept_ec = net::error::fault, connect_ec = net::error::fault;
  acceptor.async_accept(server, [&](error_code e) { accept_ec = e; });
  boost::asio::async_connect(
      client, endpoints,
      [&](error_code e, const boost::asio::ip::tcp::endpoint&) { connect_ec = e; });
  BOOST_TEST(ioc.run() == 2u);
  BOOST_TEST(!accept_ec);
  BOOST_TEST(!connect_ec);
  BOOST_TEST((client.remote_endpoint() == server.local_endpoint()));
}

BOOST_AUTO_TEST_SUITE_END()
