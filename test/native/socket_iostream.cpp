// ip::tcp::iostream: its streambuf owns a boost::asio::io_context, which is
// the library's, and a socket that is the library's; connect, a line each way
// with a timeout, and the errors it reports, as with stock Boost.Asio.
#include "helpers.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <iterator>
#include <string>
#include <thread>

using namespace native;

BOOST_AUTO_TEST_SUITE(socket_iostream)

BOOST_AUTO_TEST_CASE(connects_and_exchanges_lines, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, loopback());
  std::thread peer([&] {
    tcp::socket s(ioc);
    acceptor.accept(s);
    net::streambuf b;
    net::read_until(s, b, '\n');
    std::string line{std::istreambuf_iterator<char>(&b), {}};
    net::write(s, net::buffer("echo: " + line));
  });
  tcp::iostream stream("127.0.0.1", std::to_string(acceptor.local_endpoint().port()));
  BOOST_TEST_REQUIRE(static_cast<bool>(stream));
  stream.expires_after(5s);
  stream << "hello\n" << std::flush;
  std::string reply;
  std::getline(stream, reply);
  peer.join();
  BOOST_TEST(reply == "echo: hello");
  BOOST_TEST(stream.error() == error_code());
}

BOOST_AUTO_TEST_CASE(refused_connect_sets_the_error, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, loopback());
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();  // nothing listens there now
  tcp::iostream stream("127.0.0.1", std::to_string(port));
  BOOST_TEST(!stream);
  BOOST_TEST(stream.error() == error_code(net::error::connection_refused));
}

BOOST_AUTO_TEST_CASE(read_past_the_expiry_times_out, *boost::unit_test::timeout(30)) {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, loopback());
  tcp::socket silent(ioc);
  tcp::iostream stream;
  stream.expires_after(200ms);
  stream.connect(acceptor.local_endpoint());
  acceptor.accept(silent);  // accepted, never writes
  std::string reply;
  std::getline(stream, reply);
  BOOST_TEST(!stream);
  BOOST_TEST(stream.error() == error_code(net::error::timed_out));
}

BOOST_AUTO_TEST_SUITE_END()
