// `using namespace boost::asio;` and `using namespace asio_directsockets;` together: every
// unqualified name Asio programs use resolves to one entity (io_context is one class reached by
// both paths), and the objects run on the library's loop.
#include <boost/asio.hpp>
#include <boost/test/unit_test.hpp>

#include <type_traits>

namespace both {
using namespace boost::asio;
using namespace asio_directsockets;

static_assert(std::is_same_v<io_context, boost::asio::io_context>);
static_assert(std::is_same_v<io_service, asio_directsockets::io_context>);
static_assert(std::is_same_v<ip::tcp::socket, boost::asio::ip::tcp::socket>);
static_assert(std::is_same_v<steady_timer, boost::asio::steady_timer>);
static_assert(
    std::is_same_v<posix::stream_descriptor, asio_directsockets::posix::stream_descriptor>);
static_assert(
    std::is_base_of_v<asio_directsockets::objects::stream_descriptor_object<any_io_executor>,
                      boost::asio::posix::stream_descriptor>);

inline int posted_and_timed() {
  io_context ioc;
  io_context::strand strand(ioc);
  steady_timer timer(ioc, std::chrono::milliseconds(1));
  int n = 0;
  post(strand, [&] { ++n; });
  timer.async_wait([&](boost::system::error_code ec) { n += !ec; });
  ioc.run();
  return n;
}
}  // namespace both

BOOST_AUTO_TEST_CASE(both_using_directives_name_one_io_context) {
  BOOST_TEST(both::posted_and_timed() == 2);
}
