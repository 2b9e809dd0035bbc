// A Beast WebSocket echo server and client in one program.
//
// Plain Boost.Asio + Beast (websocket::stream<beast::tcp_stream>, coroutines);
// only the namespace alias names asio_directsockets. Compiled with em++, both
// roles run in a browser: the server listens with TCPServerSocket, the
// client connects with TCPSocket, e.g. one in a page and one in a Worker.
//
//   websocket_echo server <address> <port>
//   websocket_echo client <host> <port> <message> [count]
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

net::awaitable<void> echo_session(tcp::socket socket) {
  websocket::stream<beast::tcp_stream> ws(std::move(socket));
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  co_await ws.async_accept(net::use_awaitable);
  for (;;) {
    beast::flat_buffer buffer;
    auto [ec, n] = co_await ws.async_read(buffer, net::as_tuple(net::use_awaitable));
    if (ec) co_return;  // websocket::error::closed after a close frame, or a broken peer
    ws.text(ws.got_text());
    co_await ws.async_write(buffer.data(), net::use_awaitable);
  }
}

net::awaitable<void> serve(tcp::endpoint endpoint) {
  auto executor = co_await net::this_coro::executor;
  tcp::acceptor acceptor(executor, endpoint);
  std::cout << "{\"listening\":\"" << acceptor.local_endpoint() << "\"}" << std::endl;
  for (;;)
    net::co_spawn(executor, echo_session(co_await acceptor.async_accept(net::use_awaitable)),
                  net::detached);
}

net::awaitable<int> client(std::string host, std::string port, std::string message, int count) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  websocket::stream<beast::tcp_stream> ws(executor);
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(30));
  co_await beast::get_lowest_layer(ws).async_connect(
      co_await resolver.async_resolve(host, port, net::use_awaitable), net::use_awaitable);
  beast::get_lowest_layer(ws).expires_never();  // the websocket has its own timeouts
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  co_await ws.async_handshake(host + ":" + port, "/", net::use_awaitable);

  int echoed = 0;
  for (int i = 0; i < count; ++i) {
    const std::string sent = message + " #" + std::to_string(i);
    co_await ws.async_write(net::buffer(sent), net::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, net::use_awaitable);
    const std::string got = beast::buffers_to_string(buffer.data());
    std::cout << got << std::endl;
    if (got == sent) ++echoed;
  }
  co_await ws.async_close(websocket::close_code::normal, net::use_awaitable);
  std::cout << "websocket_echo: " << echoed << "/" << count << " echoed" << std::endl;
  co_return echoed == count ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char** argv) {
  const std::string role = argc > 1 ? argv[1] : "";
  if (!((role == "server" && argc == 4) || (role == "client" && (argc == 5 || argc == 6)))) {
    std::cerr << "usage: websocket_echo server <address> <port>\n"
                 "       websocket_echo client <host> <port> <message> [count]\n";
    return EXIT_FAILURE;
  }
  int status = EXIT_FAILURE;
  try {
    net::io_context ioc;
    auto rethrow = [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    };
    if (role == "server") {
      const tcp::endpoint endpoint(net::ip::make_address(argv[2]),
                                   static_cast<unsigned short>(std::atoi(argv[3])));
      net::co_spawn(ioc, serve(endpoint), rethrow);
    } else {
      net::co_spawn(ioc, client(argv[2], argv[3], argv[4], argc == 6 ? std::atoi(argv[5]) : 1),
                    [&](std::exception_ptr e, int s) {
                      rethrow(e);
                      status = s;
                    });
    }
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "websocket_echo: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return status;
}
