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

BOOST_AUTO_TEST_CASE(boost_own_io_objects_run_beside_the_loop) {
  // deadline_timer (like signal_set, serial_port, beast::tcp_stream's socket)
  // is Boost.Asio's own type: on our context Boost creates its own scheduler
  // on a private thread, and only the completion comes back through our
  // executor, so the handler still runs on our run() thread.
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
}

BOOST_AUTO_TEST_SUITE_END()
