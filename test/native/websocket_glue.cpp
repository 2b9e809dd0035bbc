// Beast's websocket::stream over this library's socket: the teardown glue in
// <asio_directsockets/beast.hpp> (found by ADL) makes it compile and close
// cleanly, natively with a FIN and a read to EOF.
#include <boost/test/unit_test.hpp>

#include <asio_directsockets.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <array>
#include <memory>
#include <string>

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
