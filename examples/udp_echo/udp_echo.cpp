// A UDP echo server and client in one program.
//
// Plain Boost.Asio (ip::udp::socket, coroutines, awaitable operators for the
// reply timeout); only the namespace alias names asio_directsockets. Compiled
// with em++ both roles run in a browser over Direct Sockets' UDPSocket: the
// server in bound mode (bind), the client too (an unbound send_to binds to an
// ephemeral port, as POSIX does).
//
//   udp_echo server <address> <port>
//   udp_echo client <host> <port> <count>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <array>
#include <cstdlib>
#include <iostream>
#include <string>

namespace net = asio_directsockets;  // was: namespace net = boost::asio;
using udp = net::ip::udp;
using namespace net::experimental::awaitable_operators;

net::awaitable<void> serve(udp::endpoint endpoint) {
  udp::socket socket(co_await net::this_coro::executor, endpoint);
  std::cout << "{\"listening\":\"" << socket.local_endpoint() << "\"}" << std::endl;
  std::array<char, 65536> data;
  for (;;) {
    udp::endpoint sender;
    const std::size_t n =
        co_await socket.async_receive_from(net::buffer(data), sender, net::use_awaitable);
    co_await socket.async_send_to(net::buffer(data, n), sender, net::use_awaitable);
  }
}

// Sends `count` numbered datagrams, each answered before the next; a lost
// datagram or reply is sent again, up to three times.
net::awaitable<int> client(std::string host, std::string port, int count) {
  auto executor = co_await net::this_coro::executor;
  udp::resolver resolver(executor);
  const udp::endpoint server =
      *(co_await resolver.async_resolve(udp::v4(), host, port, net::use_awaitable)).begin();
  udp::socket socket(executor);
  socket.open(udp::v4());
  net::steady_timer timer(executor);
  std::array<char, 1500> reply;
  int answered = 0;
  for (int i = 0; i < count; ++i) {
    const std::string sent = "datagram " + std::to_string(i);
    for (int attempt = 0; attempt < 3; ++attempt) {
      co_await socket.async_send_to(net::buffer(sent), server, net::use_awaitable);
      timer.expires_after(std::chrono::seconds(1));
      udp::endpoint from;
      auto result =
          co_await (socket.async_receive_from(net::buffer(reply), from, net::use_awaitable) ||
                    timer.async_wait(net::use_awaitable));
      if (result.index() == 0 && std::string(reply.data(), std::get<0>(result)) == sent) {
        ++answered;
        break;
      }
    }
  }
  std::cout << "udp_echo: " << answered << "/" << count << " answered" << std::endl;
  co_return answered == count ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char** argv) {
  const std::string role = argc > 1 ? argv[1] : "";
  if (!((role == "server" && argc == 4) || (role == "client" && argc == 5))) {
    std::cerr << "usage: udp_echo server <address> <port>\n"
                 "       udp_echo client <host> <port> <count>\n";
    return EXIT_FAILURE;
  }
  int status = EXIT_FAILURE;
  try {
    net::io_context ioc;
    if (role == "server") {
      const udp::endpoint endpoint(net::ip::make_address(argv[2]),
                                   static_cast<unsigned short>(std::atoi(argv[3])));
      net::co_spawn(ioc, serve(endpoint), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
    } else {
      net::co_spawn(ioc, client(argv[2], argv[3], std::atoi(argv[4])),
                    [&](std::exception_ptr e, int s) {
                      if (e) std::rethrow_exception(e);
                      status = s;
                    });
    }
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "udp_echo: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return status;
}
