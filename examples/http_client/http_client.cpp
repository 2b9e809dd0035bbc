// A Beast HTTP client: resolve, connect, GET, print the response.
//
// A plain Boost.Asio + Beast program with coroutines and beast::tcp_stream
// timeouts; only the namespace alias names asio_directsockets. Compiled with
// em++ it fetches from inside a browser tab over Direct Sockets' TCPSocket
// (the browser resolves the host name itself; see docs/browser.md).
//
//   http_client <host> <port> <target>
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

net::awaitable<int> get(std::string host, std::string port, std::string target) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);

  stream.expires_after(std::chrono::seconds(30));
  co_await stream.async_connect(co_await resolver.async_resolve(host, port, net::use_awaitable),
                                net::use_awaitable);

  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "asio_directsockets example http_client");
  co_await http::async_write(stream, req, net::use_awaitable);

  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, net::use_awaitable);
  std::cout << res << std::endl;

  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  co_return res.result_int() < 400 ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: http_client <host> <port> <target>\n";
    return EXIT_FAILURE;
  }
  int status = EXIT_FAILURE;
  try {
    net::io_context ioc;
    net::co_spawn(ioc, get(argv[1], argv[2], argv[3]), [&](std::exception_ptr e, int s) {
      if (e) std::rethrow_exception(e);
      status = s;
    });
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "http_client: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return status;
}
