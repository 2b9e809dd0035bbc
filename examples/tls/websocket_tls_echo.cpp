// A Beast WebSocket-over-TLS (wss) echo server and client in one program.
//
// Plain Boost.Asio + Beast (websocket::stream<ssl_stream<tcp_stream>>, coroutines); only the
// namespace alias names asio_directsockets. Compiled with em++ both roles run in a browser, e.g.
// the server in a page and the client in a Worker, TLS by OpenSSL built for wasm (docs/tls.md).
//
//   websocket_tls_echo server <address> <port> <chain.pem> <key.pem>
//   websocket_tls_echo client <host> <port> <ca.pem> <message> [count]
//
// The client sends <count> text messages and then one 1 MiB binary message (byte_pattern.hpp),
// and checks that every byte comes back.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "byte_pattern.hpp"
#include "tls_report.hpp"

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using wss_stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

namespace {

net::awaitable<void> echo_session(tcp::socket socket, ssl::context& ctx) {
  wss_stream ws(std::move(socket), ctx);
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(30));
  auto [hec] = co_await ws.next_layer().async_handshake(ssl::stream_base::server,
                                                        net::as_tuple(net::use_awaitable));
  if (hec) {
    example::report_error("websocket_tls_echo: handshake", hec);
    co_return;
  }
  beast::get_lowest_layer(ws).expires_never();  // the websocket has its own timeouts
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.read_message_max(4 * 1024 * 1024);
  co_await ws.async_accept(net::use_awaitable);
  for (;;) {
    beast::flat_buffer buffer;
    auto [ec, n] = co_await ws.async_read(buffer, net::as_tuple(net::use_awaitable));
    if (ec) co_return;  // websocket::error::closed after a close frame, or a broken peer
    ws.text(ws.got_text());
    co_await ws.async_write(buffer.data(), net::use_awaitable);
  }
}

net::awaitable<void> serve(tcp::endpoint endpoint, ssl::context& ctx) {
  auto executor = co_await net::this_coro::executor;
  tcp::acceptor acceptor(executor, endpoint);
  std::cout << "{\"listening\":\"" << acceptor.local_endpoint() << "\",\"tls\":true}" << std::endl;
  for (;;)
    net::co_spawn(executor, echo_session(co_await acceptor.async_accept(net::use_awaitable), ctx),
                  net::detached);
}

net::awaitable<int> client(ssl::context& ctx, std::string host, std::string port,
                           std::string message, int count) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  wss_stream ws(executor, ctx);
  if (!SSL_set1_host(ws.next_layer().native_handle(), host.c_str())) co_return EXIT_FAILURE;
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(30));
  co_await beast::get_lowest_layer(ws).async_connect(
      co_await resolver.async_resolve(host, port, net::use_awaitable), net::use_awaitable);
  auto [hec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client,
                                                        net::as_tuple(net::use_awaitable));
  if (hec) {
    example::report_error("websocket_tls_echo: handshake", hec);
    example::report_verify_result(ws.next_layer().native_handle());
    co_return EXIT_FAILURE;
  }
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws.read_message_max(4 * 1024 * 1024);
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
  std::string big(1024 * 1024, '\0');
  example::fill_byte_pattern(big.data(), big.size(), 0);
  ws.binary(true);
  co_await ws.async_write(net::buffer(big), net::use_awaitable);
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, net::use_awaitable);
  const bool big_ok = ws.got_binary() && beast::buffers_to_string(buffer.data()) == big;
  co_await ws.async_close(websocket::close_code::normal, net::use_awaitable);
  std::cout << "websocket_tls_echo: " << echoed << "/" << count << " echoed, 1 MiB binary "
            << (big_ok ? "intact" : "CORRUPTED") << std::endl;
  co_return echoed == count&& big_ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string role = argc > 1 ? argv[1] : "";
  if (!((role == "server" && argc == 6) || (role == "client" && (argc == 6 || argc == 7)))) {
    std::cerr << "usage: websocket_tls_echo server <address> <port> <chain.pem> <key.pem>\n"
                 "       websocket_tls_echo client <host> <port> <ca.pem> <message> [count]\n";
    return EXIT_FAILURE;
  }
  int status = EXIT_FAILURE;
  try {
    net::io_context ioc;
    auto rethrow = [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    };
    if (role == "server") {
      ssl::context ctx(ssl::context::tls_server);
      ctx.use_certificate_chain_file(argv[4]);
      ctx.use_private_key_file(argv[5], ssl::context::pem);
      const tcp::endpoint endpoint(net::ip::make_address(argv[2]),
                                   static_cast<unsigned short>(std::atoi(argv[3])));
      net::co_spawn(ioc, serve(endpoint, ctx), rethrow);
      ioc.run();
    } else {
      ssl::context ctx(ssl::context::tls_client);
      ctx.set_verify_mode(ssl::verify_peer);
      ctx.load_verify_file(argv[4]);
      net::co_spawn(ioc, client(ctx, argv[2], argv[3], argv[5], argc == 7 ? std::atoi(argv[6]) : 1),
                    [&](std::exception_ptr e, int s) {
                      rethrow(e);
                      status = s;
                    });
      ioc.run();
    }
  } catch (const std::exception& e) {
    std::cerr << "websocket_tls_echo: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return status;
}
