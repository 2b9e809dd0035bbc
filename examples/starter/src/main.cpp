// my_app: where your program starts. A Boost.Asio program whose namespace alias names
// asio_directsockets: natively it runs on the library's poll(2) reactor; built with em++ the same
// source runs under Node, in Chromium and as an Isolated Web App on Direct Sockets.
//
//   my_app                      self-test: a TCP line server and a UDP echo on 127.0.0.1, and
//                               clients that talk to them
//   my_app HOST PORT [LINE]     sends LINE to a line-based TCP server, prints its reply line
#include <boost/asio.hpp>
namespace net = asio_directsockets;  // was: namespace net = boost::asio;
using net::ip::tcp;
using net::ip::udp;

#include <chrono>
#include <iostream>
#include <string>

constexpr auto timeout = std::chrono::seconds(5);

// Connects, sends `line` and returns the reply line. A deadline closes the socket if the server
// takes longer than `timeout`; the pending operation then fails with operation_aborted.
net::awaitable<std::string> ask(std::string host, std::string port, std::string line) {
  auto ex = co_await net::this_coro::executor;
  tcp::socket socket(ex);
  net::steady_timer deadline(ex, timeout);
  bool expired = false;
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the exchange finished in time
    expired = true;
    socket.close();
  });
  try {
    tcp::resolver resolver(ex);
    co_await net::async_connect(socket,
                                co_await resolver.async_resolve(host, port, net::use_awaitable),
                                net::use_awaitable);
    co_await net::async_write(socket, net::buffer(line + "\n"), net::use_awaitable);
    std::string reply;
    auto n = co_await net::async_read_until(socket, net::dynamic_buffer(reply), '\n',
                                            net::use_awaitable);
    deadline.cancel();
    co_return reply.substr(0, n - 1);
  } catch (const boost::system::system_error& e) {
    if (expired) throw boost::system::system_error(net::error::timed_out, "waiting for " + host);
    throw;
  }
}

// The self-test's TCP server: answers each line with the same line.
net::awaitable<void> line_server(tcp::acceptor& acceptor) {
  for (;;) {
    auto socket = co_await acceptor.async_accept(net::use_awaitable);
    std::string data;
    auto n =
        co_await net::async_read_until(socket, net::dynamic_buffer(data), '\n', net::use_awaitable);
    co_await net::async_write(socket, net::buffer(data, n), net::use_awaitable);
  }
}

// The self-test's UDP half, with completion handlers: one datagram echoed back to its sender.
struct udp_echo {
  udp::socket socket;
  udp::endpoint sender;
  char data[512];

  explicit udp_echo(net::io_context& ioc) : socket(ioc, {net::ip::make_address("127.0.0.1"), 0}) {
    socket.async_receive_from(
        net::buffer(data), sender, [this](boost::system::error_code ec, std::size_t n) {
          if (!ec) socket.async_send_to(net::buffer(data, n), sender, [](auto, auto) {});
        });
  }
};

net::awaitable<std::string> udp_ping(udp::endpoint server) {
  udp::socket socket(co_await net::this_coro::executor, udp::v4());
  co_await socket.async_send_to(net::buffer("ping", 4), server, net::use_awaitable);
  char reply[512];
  udp::endpoint from;
  auto n = co_await socket.async_receive_from(net::buffer(reply), from, net::use_awaitable);
  co_return std::string(reply, n);
}

net::awaitable<int> self_test(unsigned short tcp_port, udp::endpoint udp_server) {
  auto tcp_reply = co_await ask("127.0.0.1", std::to_string(tcp_port), "hello");
  std::cout << "tcp: hello -> " << tcp_reply << std::endl;
  auto udp_reply = co_await udp_ping(udp_server);
  std::cout << "udp: ping -> " << udp_reply << std::endl;
  co_return tcp_reply == "hello" && udp_reply == "ping" ? 0 : 1;
}

int main(int argc, char** argv) {
  net::io_context ioc;
  int status = 1;
  auto done = [&](std::exception_ptr e, int result) {
    status = result;
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const boost::system::system_error& x) {
        std::cerr << "my_app: " << x.what() << std::endl;  // what() ends with [category:value]
      }
      status = 1;
    }
    ioc.stop();
  };

  if (argc >= 3) {
    std::string line = argc > 3 ? argv[3] : "hello";
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<int> {
          std::cout << co_await ask(argv[1], argv[2], line) << std::endl;
          co_return 0;
        },
        done);
    ioc.run();
    return status;
  }

  tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
  net::co_spawn(ioc, line_server(acceptor), net::detached);
  udp_echo echo(ioc);
  net::co_spawn(ioc, self_test(acceptor.local_endpoint().port(), echo.socket.local_endpoint()),
                done);
  ioc.run();
  std::cout << (status == 0 ? "self-test passed" : "self-test FAILED") << std::endl;
  return status;
}
