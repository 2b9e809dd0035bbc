// KNOWN GAP, kept out of every build on purpose: Beast's websocket::stream over
// this library's socket does not compile yet. Beast finds teardown(),
// async_teardown() and beast_close_socket() for a socket type by ADL; it ships
// them for boost::asio::basic_stream_socket only, and asio_directsockets does
// not provide them for its own socket (docs/drop-in.md). Expected errors:
//   stream_traits.hpp: no matching function for call to 'beast_close_socket(...)'
//   websocket/teardown.hpp: static assertion failed: Unknown Socket type in async_teardown.
//
// Build it by hand to check:
//   g++ -std=c++20 -Iinclude test/native/pending/websocket_glue.cpp \
//       build/libasio_directsockets.a -pthread -o websocket_glue && ./websocket_glue
// With -DNATIVE_TEST_STAND_IN_GLUE the file supplies minimal stand-ins for the
// three functions and the test passes, which shows that they are all that is
// missing. Move it into CMakeLists.txt once the library ships the glue.
#define BOOST_TEST_MODULE websocket_glue
#include <boost/test/included/unit_test.hpp>

#include <asio_directsockets.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <array>
#include <memory>
#include <string>

#ifdef NATIVE_TEST_STAND_IN_GLUE
namespace asio_directsockets {

template <typename Protocol, typename Executor>
void beast_close_socket(basic_socket<Protocol, Executor>& s) {
  boost::system::error_code ignored;
  s.close(ignored);
}

// Send FIN, read to EOF, close: what Beast does for Boost.Asio's sockets.
template <typename Protocol, typename Executor>
void teardown(boost::beast::role_type, basic_stream_socket<Protocol, Executor>& s,
              boost::system::error_code& ec) {
  s.shutdown(socket_base::shutdown_send, ec);
  std::array<char, 512> buf;
  while (!ec)
    s.read_some(boost::asio::buffer(buf), ec);
  if (ec == boost::asio::error::eof) ec = {};
  boost::system::error_code ignored;
  s.close(ignored);
}

template <typename Protocol, typename Executor, typename TeardownHandler>
void async_teardown(boost::beast::role_type, basic_stream_socket<Protocol, Executor>& s,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(boost::system::error_code)>(
      [&s, buf = std::make_unique<std::array<char, 512>>(), started = false](
          auto& self, boost::system::error_code ec = {}, std::size_t = 0) mutable {
        if (!started) {
          started = true;
          s.shutdown(socket_base::shutdown_send, ec);  // an error shows up in the read
        } else if (ec) {
          if (ec == boost::asio::error::eof) ec = {};
          boost::system::error_code ignored;
          s.close(ignored);
          return self.complete(ec);
        }
        s.async_read_some(boost::asio::buffer(*buf), std::move(self));
      },
      handler, s);
}

}  // namespace asio_directsockets
#endif

namespace net = asio_directsockets;
namespace websocket = boost::beast::websocket;
using error_code = boost::system::error_code;

BOOST_AUTO_TEST_CASE(websocket_echo_and_close_over_our_socket) {
  net::io_context ioc;
  net::ip::tcp::acceptor acceptor(ioc, {net::ip::address_v4::loopback(), 0});
  websocket::stream<net::ip::tcp::socket> server(ioc), client(ioc);
  boost::beast::flat_buffer server_buf, client_buf;
  std::string echoed;
  error_code close_ec = net::error::fault, server_end = net::error::fault;

  acceptor.async_accept(server.next_layer(), [&](error_code ec) {
    BOOST_TEST_REQUIRE(!ec);
    server.async_accept([&](error_code ec) {
      BOOST_TEST_REQUIRE(!ec);
      server.async_read(server_buf, [&](error_code ec, std::size_t) {
        BOOST_TEST_REQUIRE(!ec);
        server.async_write(server_buf.data(), [&](error_code ec, std::size_t) {
          BOOST_TEST_REQUIRE(!ec);
          server.async_read(server_buf, [&](error_code ec, std::size_t) { server_end = ec; });
        });
      });
    });
  });
  client.next_layer().async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    BOOST_TEST_REQUIRE(!ec);
    client.async_handshake("127.0.0.1", "/", [&](error_code ec) {
      BOOST_TEST_REQUIRE(!ec);
      client.async_write(net::buffer("hello", 5), [&](error_code ec, std::size_t) {
        BOOST_TEST_REQUIRE(!ec);
        client.async_read(client_buf, [&](error_code ec, std::size_t) {
          BOOST_TEST_REQUIRE(!ec);
          echoed = boost::beast::buffers_to_string(client_buf.data());
          client.async_close(websocket::close_code::normal, [&](error_code ec) { close_ec = ec; });
        });
      });
    });
  });
  ioc.run_for(std::chrono::seconds(10));
  BOOST_TEST(echoed == "hello");
  BOOST_TEST(!close_ec);
  BOOST_TEST((server_end == websocket::error::closed));
}
