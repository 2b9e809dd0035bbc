// Beast HTTP server on asio_directsockets. Natively it listens on 127.0.0.1;
// the browser build (see docs/browser.md) listens inside the page.
//   http_server [port] [max_connections]
#include <asio_directsockets.hpp>
namespace net = asio_directsockets;  // the only line that differs from a Boost.Asio program

#include "http_server.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  const unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 8080;
  const std::size_t max_connections = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0;
  try {
    net::io_context ioc;
    net::ip::tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), port});
    http_example::server_stats stats;
    std::cout << "{\"listening\":" << acceptor.local_endpoint().port() << "}" << std::endl;
    net::co_spawn(ioc, http_example::serve(acceptor, stats, "native poll(2)", max_connections),
                  net::detached);
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "http_server: " << e.what() << "\n";
    return 1;
  }
}
