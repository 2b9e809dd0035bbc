// A coroutine echo server and client in one program, written the way a
// Boost.Asio program is; only the namespace alias names this library. It runs
// natively and, compiled with em++, as WebAssembly (under Node or in a page).
//   echo [messages]
#include <boost/asio.hpp>
namespace net = asio_directsockets;  // was: namespace net = boost::asio;
using net::ip::tcp;

#include <cstdlib>
#include <iostream>
#include <string>

net::awaitable<void> echo_session(tcp::socket socket) {
  char data[4096];
  for (;;) {
    auto [ec, n] =
        co_await socket.async_read_some(net::buffer(data), net::as_tuple(net::use_awaitable));
    if (ec) co_return;  // eof or reset: the client is gone
    co_await net::async_write(socket, net::buffer(data, n), net::use_awaitable);
  }
}

net::awaitable<void> server(tcp::acceptor& acceptor) {
  for (;;) {
    auto socket = co_await acceptor.async_accept(net::use_awaitable);
    net::co_spawn(acceptor.get_executor(), echo_session(std::move(socket)), net::detached);
  }
}

net::awaitable<int> client(unsigned short port, int messages) {
  auto ex = co_await net::this_coro::executor;
  tcp::resolver resolver(ex);
  auto endpoints =
      co_await resolver.async_resolve("127.0.0.1", std::to_string(port), net::use_awaitable);
  tcp::socket socket(ex);
  co_await net::async_connect(socket, endpoints, net::use_awaitable);
  int ok = 0;
  for (int i = 0; i < messages; ++i) {
    std::string line = "message " + std::to_string(i) + "\n", reply;
    co_await net::async_write(socket, net::buffer(line), net::use_awaitable);
    co_await net::async_read_until(socket, net::dynamic_buffer(reply), '\n', net::use_awaitable);
    if (reply == line) ++ok;
  }
  co_return ok;
}

int main(int argc, char** argv) {
  const int messages = argc > 1 ? std::atoi(argv[1]) : 100;
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
  net::co_spawn(ioc, server(acceptor), net::detached);
  int ok = -1;
  net::co_spawn(ioc, client(acceptor.local_endpoint().port(), messages),
                [&](std::exception_ptr e, int n) {
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& x) {
                      std::cerr << "client failed: " << x.what() << "\n";
                    }
                  }
                  ok = n;
                  ioc.stop();
                });
  ioc.run();
  std::cout << "echoed " << ok << "/" << messages << " messages" << std::endl;
  return ok == messages ? 0 : 1;
}
