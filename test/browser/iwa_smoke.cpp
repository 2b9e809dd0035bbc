// A small unchanged Asio program for the Isolated Web App route (asio_directsockets/tools/browser/
// iwa.js): it needs every permission the app's manifest asks for and the grants the script makes.
//   1. TCP inside the app: an acceptor on 127.0.0.1 (TCPServerSocket) and a client echo a line;
//   2. TCP out of the app to a peer of peers/bulk_peer.py (--port=N after --): 1 MiB up, checked
//      by the peer, and 1 MiB down, checked here (loopback-network);
//   3. UDP: a bound socket receives a datagram from a connected one (local-network).
// Prints one line per step and returns 0 only if all three worked.
#include <asio_directsockets.hpp>
namespace net = asio_directsockets;
using net::ip::tcp;
using net::ip::udp;

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

unsigned char pattern_at(std::size_t i, unsigned seed) {
  return static_cast<unsigned char>(i % 251 + i / 65521 + seed);  // as bulk_peer.py
}

net::awaitable<std::string> read_line(tcp::socket& s) {
  std::string line;
  const std::size_t n =
      co_await net::async_read_until(s, net::dynamic_buffer(line), '\n', net::use_awaitable);
  line.resize(n - 1);
  co_return line;
}

net::awaitable<bool> tcp_inside() {
  auto ex = co_await net::this_coro::executor;
  tcp::acceptor acceptor(ex, {net::ip::make_address("127.0.0.1"), 0});
  tcp::socket client(ex);
  co_await client.async_connect(acceptor.local_endpoint(), net::use_awaitable);
  tcp::socket server = co_await acceptor.async_accept(net::use_awaitable);
  const std::string hello = "hello from inside the app\n";
  co_await net::async_write(client, net::buffer(hello), net::use_awaitable);
  const std::string got = co_await read_line(server);
  std::cout << "tcp inside the app: " << got << std::endl;
  co_return got + "\n" == hello;
}

net::awaitable<bool> tcp_to_peer(unsigned short port) {
  auto ex = co_await net::this_coro::executor;
  const std::size_t n = 1 << 20;
  const tcp::endpoint peer{net::ip::make_address("127.0.0.1"), port};
  std::vector<unsigned char> data(n);

  tcp::socket up(ex);
  co_await up.async_connect(peer, net::use_awaitable);
  const std::string header = "UP smoke-up " + std::to_string(n) + " 3 fast reply\n";
  co_await net::async_write(up, net::buffer(header), net::use_awaitable);
  for (std::size_t i = 0; i < n; ++i)
    data[i] = pattern_at(i, 3);
  co_await net::async_write(up, net::buffer(data), net::use_awaitable);
  const std::string verdict = co_await read_line(up);
  std::cout << "tcp upload to the peer: " << verdict << std::endl;

  tcp::socket down(ex);
  co_await down.async_connect(peer, net::use_awaitable);
  const std::string request = "DOWN smoke-down " + std::to_string(n) + " 5 fast\n";
  co_await net::async_write(down, net::buffer(request), net::use_awaitable);
  std::fill(data.begin(), data.end(), 0);
  co_await net::async_read(down, net::buffer(data), net::use_awaitable);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i)
    bad += data[i] != pattern_at(i, 5);
  std::cout << "tcp download from the peer: " << n << " bytes, " << bad << " wrong" << std::endl;
  co_return verdict == "OK " + std::to_string(n) + " open" && bad == 0;
}

net::awaitable<bool> udp_loopback() {
  auto ex = co_await net::this_coro::executor;
  udp::socket bound(ex, {net::ip::make_address("127.0.0.1"), 0});
  udp::socket connected(ex);
  co_await connected.async_connect(bound.local_endpoint(), net::use_awaitable);
  const std::string msg = "datagram";
  co_await connected.async_send(net::buffer(msg), net::use_awaitable);
  char buf[64];
  udp::endpoint from;
  const std::size_t k =
      co_await bound.async_receive_from(net::buffer(buf), from, net::use_awaitable);
  std::cout << "udp: received '" << std::string(buf, k) << "'" << std::endl;
  co_return std::string(buf, k) == msg;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--port=", 7) == 0)
      port = static_cast<unsigned short>(std::atoi(argv[i] + 7));
  if (port == 0) {
    std::cerr << "usage: iwa_smoke --port=N (a bulk_peer.py port)" << std::endl;
    return 2;
  }
  net::io_context ioc;
  bool ok = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<bool> {
        const bool a = co_await tcp_inside();
        const bool b = co_await tcp_to_peer(port);
        const bool c = co_await udp_loopback();
        co_return a&& b&& c;
      },
      [&](std::exception_ptr e, bool result) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            std::cerr << "failed: " << x.what() << std::endl;
          }
        }
        ok = !e && result;
      });
  ioc.run();
  std::cout << (ok ? "iwa smoke: all good" : "iwa smoke: FAILED") << std::endl;
  return ok ? 0 : 1;
}
